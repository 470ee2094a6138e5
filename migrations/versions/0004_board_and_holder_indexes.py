"""indexes for the bed board's order (freshest first) and for a holder's current holds

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_sites_board_order ON sites "
            "(availability_confirmed_at DESC NULLS LAST, name, id) WHERE active"
        )
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.create_index(
            "ix_holds_current_by_holder",
            ["held_by_id", "site_id"],
            unique=False,
            postgresql_where=sa.text("status = 'held'"),
            sqlite_where=sa.text("status = 'held'"),
        )


def downgrade():
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_index("ix_holds_current_by_holder")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_sites_board_order")
