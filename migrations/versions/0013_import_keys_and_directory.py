"""Stable keys for moving a coalition in (external ids on organisations and sites) and an
organisation's choice to list a hotline for its confidential services in the public directory

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01

Both ids are optional and unique where given: a re-import matches a row to the record that
carries its id, else to the organisation and site by name.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


# SQLite rebuilds a table to alter it (batch mode) and can't carry an index on an expression
# across: the case-folded unique name of organisations (0006) is put back, if it is missing
# (0011's rebuild of organisations on SQLite lost it too). PostgreSQL keeps it: a no-op there.
KEEP_NAMES_UNIQUE_WHATEVER_THE_CASE = (
    "CREATE UNIQUE INDEX IF NOT EXISTS uq_organisations_name_folded ON organisations (lower(name))"
)


def upgrade():
    with op.batch_alter_table("organisations") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("confidential_services_phone", sa.String(length=40), nullable=True))
        batch.create_unique_constraint(op.f("uq_organisations_external_id"), ["external_id"])
    with op.batch_alter_table("sites") as batch:
        batch.add_column(sa.Column("external_id", sa.String(length=100), nullable=True))
        batch.create_unique_constraint(op.f("uq_sites_external_id"), ["external_id"])
    op.execute(KEEP_NAMES_UNIQUE_WHATEVER_THE_CASE)


def downgrade():
    with op.batch_alter_table("sites") as batch:
        batch.drop_constraint(op.f("uq_sites_external_id"), type_="unique")
        batch.drop_column("external_id")
    with op.batch_alter_table("organisations") as batch:
        batch.drop_constraint(op.f("uq_organisations_external_id"), type_="unique")
        batch.drop_column("confidential_services_phone")
        batch.drop_column("external_id")
    op.execute(KEEP_NAMES_UNIQUE_WHATEVER_THE_CASE)
