"""HUD project descriptor data on sites (structured address, CoC, codes, dates, funders),
unmet searches for the reports, and organisations no longer victim service providers by default

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-01

Existing organisations keep their flag: only the default for new rows changes. Existing
sites keep their one-line address; their structured address stays empty until an admin
fills it in (the HMIS export names each site and field still missing).
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def _site_columns():
    return (
        sa.Column("street_address", sa.String(length=200), nullable=True),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("postal_code", sa.String(length=10), nullable=True),
        sa.Column("coc_code", sa.String(length=6), nullable=True),
        sa.Column("geocode", sa.String(length=6), nullable=True),
        sa.Column("geography_type", sa.Integer(), nullable=True),
        sa.Column("housing_type", sa.Integer(), nullable=True),
        sa.Column("es_bed_type", sa.Integer(), nullable=True),
        sa.Column("bed_availability", sa.Integer(), nullable=True),
        sa.Column("target_population", sa.Integer(), server_default=sa.text("4"), nullable=False),
        sa.Column("operating_start_on", sa.Date(), nullable=True),
        sa.Column("operating_end_on", sa.Date(), nullable=True),
        sa.Column("hmis_participation", sa.Integer(), nullable=True),
    )


SITE_CHECKS = {
    "geography_type_code": "geography_type IN (1, 2, 3, 99)",
    "housing_type_code": "housing_type IN (1, 2, 3)",
    "target_population_code": "target_population IN (1, 3, 4)",
    "hmis_participation_code": "hmis_participation IN (0, 1, 2)",
    "emergency_shelter_fields": "(tier = 'emergency' AND (es_bed_type IS NULL OR es_bed_type IN (1, 2, 3))"
    " AND (bed_availability IS NULL OR bed_availability IN (1, 2, 3)))"
    " OR (es_bed_type IS NULL AND bed_availability IS NULL)",
    "operating_dates_order": "operating_end_on IS NULL OR operating_end_on >= operating_start_on",
}


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.alter_column(
            "victim_service_provider",
            existing_type=sa.Boolean(),
            existing_nullable=False,
            server_default=sa.false(),
        )
    _restore_folded_name_index()
    with op.batch_alter_table("sites") as batch:
        for column in _site_columns():
            batch.add_column(column)
        for name, condition in SITE_CHECKS.items():
            batch.create_check_constraint(op.f(f"ck_sites_{name}"), condition)
    op.create_table(
        "site_funders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("funder", sa.Integer(), nullable=False),
        sa.Column("other_funder", sa.String(length=100), nullable=True),
        sa.Column("grant_id", sa.String(length=100), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_site_funders_funder_dates_order")
        ),
        sa.CheckConstraint(
            "funder <> 46 OR length(coalesce(other_funder, '')) > 0",
            name=op.f("ck_site_funders_other_funder_is_named"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_site_funders_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_funders")),
    )
    op.create_index(op.f("ix_site_funders_site_id"), "site_funders", ["site_id"], unique=False)
    op.create_table(
        "unmet_searches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("searched_on", sa.Date(), nullable=False),
        sa.Column(
            "tier",
            sa.Enum(
                "emergency",
                "transitional",
                "long_term",
                name="tier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "household_type",
            sa.Enum(
                "single_adults",
                "adults_with_children",
                "minors_only",
                name="household_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unmet_searches")),
    )
    op.create_index("ix_unmet_searches_on", "unmet_searches", ["searched_on"], unique=False)


def downgrade():
    op.drop_index("ix_unmet_searches_on", table_name="unmet_searches")
    op.drop_table("unmet_searches")
    op.drop_index(op.f("ix_site_funders_site_id"), table_name="site_funders")
    op.drop_table("site_funders")
    with op.batch_alter_table("sites") as batch:
        for name in SITE_CHECKS:
            batch.drop_constraint(op.f(f"ck_sites_{name}"), type_="check")
        for column in reversed(_site_columns()):
            batch.drop_column(column.name)
    with op.batch_alter_table("organisations") as batch:
        batch.alter_column(
            "victim_service_provider",
            existing_type=sa.Boolean(),
            existing_nullable=False,
            server_default=None,
        )
    _restore_folded_name_index()


def _restore_folded_name_index():
    # On SQLite, batch mode rebuilds the table and can't carry an expression index over
    # (migration 0006's "Harbor Light" = "harbor light"); PostgreSQL alters in place.
    if op.get_bind().dialect.name == "sqlite":
        op.create_index(
            "uq_organisations_name_folded", "organisations", [sa.text("lower(name)")], unique=True
        )
