"""the audit trail can't be emptied: TRUNCATE is refused as UPDATE and DELETE are

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-01

The row-level triggers of 0001 never fire for TRUNCATE, which removes every row at once.
A statement-level trigger closes that gap on PostgreSQL. SQLite has no TRUNCATE: its
`DELETE FROM audit_events` without a WHERE clause still fires the row triggers (SQLite
skips its truncate optimisation on a table that has triggers).
"""

from alembic import op

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
            "FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
