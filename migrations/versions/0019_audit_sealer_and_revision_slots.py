"""audit entries are appended without a lock and sealed in order; the revision has slots

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01

Two rows every change used to queue on:

- The audit trail's chain. On PostgreSQL an entry is now written with its hashes empty and
  chained afterwards by the sealer (services/audit.py), in id order. Its id comes from
  `audit_events_next_id()`, which takes a *shared* advisory lock before `nextval`: writers
  never wait for each other (shared locks don't conflict), and the sealer can see from
  pg_locks which transactions may still commit an id it has not seen. The append-only
  trigger lets exactly one update through: filling in an unsealed entry's two hashes,
  every other column unchanged. SQLite has one writer at a time and still chains each entry
  as it is written; only its columns become nullable, to match the model.
- The coalition's revision. One row per slot (256 of them); a change bumps one slot, and the
  revision is their sum, so two changes wait for each other only when they fall in one slot.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

SLOTS = 256
APPENDING_LOCK_ID = 7_460_002  # services/audit.py: APPENDING_LOCK_ID

SQLITE_AUDIT_TRIGGERS = [
    f"""
    CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN
        SELECT RAISE(ABORT, 'audit_events is append-only');
    END
    """
    for verb in ("UPDATE", "DELETE")
]

APPEND_ONLY_BUT_SEALING = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The sealer fills in an unsealed entry's hashes once; nothing else is ever changed.
    IF TG_OP = 'UPDATE' AND OLD.entry_hash IS NULL AND OLD.previous_hash IS NULL
       AND (NEW.id, NEW.occurred_at, NEW.actor_id, NEW.action, NEW.record_type, NEW.record_id,
            NEW.address, NEW.details::text)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor_id, OLD.action, OLD.record_type, OLD.record_id,
            OLD.address, OLD.details::text) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_events is append-only';
END $$
"""

APPEND_ONLY = """
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END $$
"""

NEXT_ID = f"""
CREATE FUNCTION audit_events_next_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    -- Shared: appenders never wait for each other. Taken before the id, so that a
    -- transaction holding an id not yet committed always shows in pg_locks.
    PERFORM pg_advisory_xact_lock_shared({APPENDING_LOCK_ID});
    RETURN nextval('audit_events_id_seq'::regclass);
END $$
"""


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.alter_column("audit_events", "previous_hash", existing_type=sa.String(64), nullable=True)
        op.alter_column("audit_events", "entry_hash", existing_type=sa.String(64), nullable=True)
        op.execute(APPEND_ONLY_BUT_SEALING)
        op.execute(NEXT_ID)
        op.execute("ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT audit_events_next_id()")
        # A half-sealed entry is neither: both hashes or none (SQLite writes both at once).
        op.create_check_constraint(
            op.f("ck_audit_events_sealed_whole"),
            "audit_events",
            "(previous_hash IS NULL) = (entry_hash IS NULL)",
        )
    else:
        # The batch copy drops the table's triggers: put them back.
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            batch_op.alter_column("previous_hash", existing_type=sa.String(64), nullable=True)
            batch_op.alter_column("entry_hash", existing_type=sa.String(64), nullable=True)
        for statement in SQLITE_AUDIT_TRIGGERS:
            op.execute(statement)
    slots = sa.table("coalition_revisions", sa.column("id", sa.Integer), sa.column("revision", sa.BigInteger))
    op.bulk_insert(slots, [{"id": slot, "revision": 0} for slot in range(2, SLOTS + 1)])


def downgrade():
    revisions = sa.table(
        "coalition_revisions", sa.column("id", sa.Integer), sa.column("revision", sa.BigInteger)
    )
    op.execute(
        revisions.update()
        .where(revisions.c.id == 1)
        .values(
            revision=sa.select(sa.func.sum(revisions.c.revision)).where(revisions.c.id >= 1).scalar_subquery()
        )
    )
    # The slots 2..SLOTS, and the accounts' revision (row 0), which the code before knew nothing of.
    op.execute(revisions.delete().where(revisions.c.id != 1))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE audit_events ALTER COLUMN id SET DEFAULT nextval('audit_events_id_seq'::regclass)"
        )
        op.execute("DROP FUNCTION audit_events_next_id()")
        op.execute(APPEND_ONLY)
        op.drop_constraint(op.f("ck_audit_events_sealed_whole"), "audit_events", type_="check")
        # Entries still unsealed can't be downgraded: seal first (audit-verify does).
        op.alter_column("audit_events", "previous_hash", existing_type=sa.String(64), nullable=False)
        op.alter_column("audit_events", "entry_hash", existing_type=sa.String(64), nullable=False)
    else:
        with op.batch_alter_table("audit_events", schema=None) as batch_op:
            batch_op.alter_column("previous_hash", existing_type=sa.String(64), nullable=False)
            batch_op.alter_column("entry_hash", existing_type=sa.String(64), nullable=False)
        for statement in SQLITE_AUDIT_TRIGGERS:
            op.execute(statement)
