"""area and organisation names are unique whatever their case

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26

"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("uq_areas_name_folded", "areas", [sa.text("lower(name)")], unique=True)
    op.create_index("uq_organisations_name_folded", "organisations", [sa.text("lower(name)")], unique=True)


def downgrade():
    op.drop_index("uq_organisations_name_folded", table_name="organisations")
    op.drop_index("uq_areas_name_folded", table_name="areas")
