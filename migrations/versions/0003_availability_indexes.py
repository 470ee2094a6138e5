"""indexes for date-aware availability: active bookings by space and end, current stays by space

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_space_ends")
        batch_op.create_index(
            "ix_bookings_active_space_ends",
            ["space_id", "ends_on"],
            unique=False,
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placements_current_space",
            ["space_id"],
            unique=False,
            postgresql_where=sa.text("exited_on IS NULL"),
            sqlite_where=sa.text("exited_on IS NULL"),
        )


def downgrade():
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index("ix_placements_current_space")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_active_space_ends")
        batch_op.create_index("ix_bookings_space_ends", ["space_id", "ends_on"], unique=False)
