"""stay episodes per tier, moves and go-live stays; declines kept per survivor; ages in years

Every existing stay becomes its own episode (same id as the stay, so that the stay review's
flag keys, which name the episode, stay the same). Declines get the survivor of the stay they
were made in. Sites' age groups become a range in years where the groups are contiguous
(minor 0-17, youth 18-24, adult 18 and over).

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

TIER = sa.Enum(
    "emergency",
    "transitional",
    "long_term",
    name="tier",
    native_enum=False,
    create_constraint=True,
    length=32,
)


def upgrade():
    op.create_table(
        "stay_episodes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("tier", TIER, nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("restart_reason", sa.Text(), nullable=True),
        sa.Column("restarted_by_id", sa.Integer(), nullable=True),
        sa.Column("previous_episode_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "restart_reason IS NULL OR length(restart_reason) > 0",
            name=op.f("ck_stay_episodes_restart_reason_not_empty"),
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_stay_episodes_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["previous_episode_id"],
            ["stay_episodes.id"],
            name=op.f("fk_stay_episodes_previous_episode_id_stay_episodes"),
        ),
        sa.ForeignKeyConstraint(
            ["restarted_by_id"], ["users.id"], name=op.f("fk_stay_episodes_restarted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stay_episodes")),
    )
    op.create_index("ix_stay_episodes_client_id", "stay_episodes", ["client_id"], unique=False)
    op.execute(
        "INSERT INTO stay_episodes (id, client_id, tier, starts_on, created_at)"
        " SELECT id, client_id, tier, starts_on, created_at FROM placements"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "SELECT setval(pg_get_serial_sequence('stay_episodes', 'id'),"
            " coalesce((SELECT max(id) FROM stay_episodes), 0) + 1, false)"
        )

    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("episode_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("move_reason", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("go_live_reason", sa.String(length=300), nullable=True))
    op.execute("UPDATE placements SET episode_id = id")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.alter_column("episode_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_placements_episode_id_stay_episodes"), "stay_episodes", ["episode_id"], ["id"]
        )
        batch_op.create_index("ix_placements_episode_id", ["episode_id"], unique=False)

    with op.batch_alter_table("suggestion_decisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_id", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE suggestion_decisions SET client_id ="
        " (SELECT client_id FROM placements WHERE placements.id = suggestion_decisions.placement_id)"
    )
    with op.batch_alter_table("suggestion_decisions", schema=None) as batch_op:
        batch_op.alter_column("client_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_suggestion_decisions_client_id_clients"), "clients", ["client_id"], ["id"]
        )
        batch_op.create_index(
            "ix_suggestion_decisions_client_recorded", ["client_id", "recorded_at"], unique=False
        )

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_years", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("age_years_range", "age_years BETWEEN 0 AND 120")

    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_age", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            "age_range_valid",
            "(min_age IS NULL OR min_age BETWEEN 0 AND 120)"
            " AND (max_age IS NULL OR max_age BETWEEN 0 AND 120)"
            " AND (min_age IS NULL OR max_age IS NULL OR min_age <= max_age)",
        )
    _age_ranges_from_groups()


def _age_ranges_from_groups():
    """Each site's age groups as years, where they make one range (minor and adult alone do not)."""
    # age_groups_served is a bit mask in AgeGroup's order: minor 1, youth 2, adult 4.
    for mask, low, high in ((1, 0, 17), (3, 0, 24), (2, 18, 24), (6, 18, None), (4, 18, None)):
        op.execute(
            sa.text(
                "UPDATE sites SET min_age = :low, max_age = :high WHERE age_groups_served = :mask"
            ).bindparams(low=low, high=high, mask=mask)
        )


def downgrade():
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_constraint("ck_sites_age_range_valid", type_="check")
        batch_op.drop_column("max_age")
        batch_op.drop_column("min_age")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_constraint("ck_clients_age_years_range", type_="check")
        batch_op.drop_column("age_years")
    with op.batch_alter_table("suggestion_decisions", schema=None) as batch_op:
        batch_op.drop_index("ix_suggestion_decisions_client_recorded")
        batch_op.drop_constraint("fk_suggestion_decisions_client_id_clients", type_="foreignkey")
        batch_op.drop_column("client_id")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index("ix_placements_episode_id")
        batch_op.drop_constraint("fk_placements_episode_id_stay_episodes", type_="foreignkey")
        batch_op.drop_column("go_live_reason")
        batch_op.drop_column("move_reason")
        batch_op.drop_column("episode_id")
    op.drop_index("ix_stay_episodes_client_id", table_name="stay_episodes")
    op.drop_table("stay_episodes")
