"""admins require two-step sign-in per role: the coalition's rule, kept in the database

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01

No rows at first: TWO_FACTOR_REQUIRED_ROLES from the environment applies until an admin
sets the rule (then all four roles get a row).
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "two_step_role_rules",
        sa.Column(
            "role",
            sa.Enum(
                "admin",
                "advocate",
                "case_manager",
                "partner",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_two_step_role_rules_changed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("role", name=op.f("pk_two_step_role_rules")),
    )


def downgrade():
    op.drop_table("two_step_role_rules")
