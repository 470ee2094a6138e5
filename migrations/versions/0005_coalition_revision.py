"""the coalition's revision number: a change to sites, beds or bookings bumps it

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    revisions = op.create_table(
        "coalition_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coalition_revisions")),
    )
    op.bulk_insert(revisions, [{"id": 1, "revision": 0}])


def downgrade():
    op.drop_table("coalition_revisions")
