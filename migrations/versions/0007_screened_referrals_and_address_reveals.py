"""screened referrals, holds no further ahead than a planned move needs, address reveals

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01

Existing confidential sites become screened: an advocate sends a referral and the site
calls back, so the service no longer hands out their addresses. An admin can set a site
back to direct.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

FLAG_KINDS_BEFORE = (
    "nearing_limit",
    "over_limit",
    "hold_expiring",
    "hold_expired",
    "stale_availability",
    "plan_step_overdue",
    "move_without_choice",
)
FLAG_KINDS = (*FLAG_KINDS_BEFORE, "referral_waiting", "referral_unanswered", "address_reveals_paused")


def _in(column, values):
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _replace_flag_kinds(kinds):
    with op.batch_alter_table("flags") as batch_op:
        batch_op.drop_constraint(op.f("ck_flags_flag_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_flags_flag_kind"), _in("kind", kinds))


def upgrade():
    with op.batch_alter_table("sites") as batch_op:
        batch_op.add_column(
            sa.Column("referral_mode", sa.String(32), nullable=False, server_default="direct")
        )
        batch_op.add_column(
            sa.Column("referral_response_minutes", sa.Integer(), nullable=False, server_default="30")
        )
        batch_op.create_check_constraint(
            op.f("ck_sites_referral_mode"), _in("referral_mode", ("direct", "screened"))
        )
        batch_op.create_check_constraint(
            op.f("ck_sites_referral_response_minutes_range"), "referral_response_minutes BETWEEN 5 AND 1440"
        )
    op.execute("UPDATE sites SET referral_mode = 'screened' WHERE confidential")
    # Answers kept for Idempotency-Key retries (24 hours at most) may hold an address; from now
    # on none is kept, so forget those kept before.
    op.execute("DELETE FROM idempotent_requests")
    with op.batch_alter_table("clients") as batch_op:
        batch_op.add_column(sa.Column("referrals_sent", sa.Integer(), nullable=False, server_default="0"))

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("urgency", sa.String(32), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children_count", sa.Integer(), nullable=False),
        sa.Column("children", sa.JSON(), nullable=False),
        sa.Column("accessibility_needs", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("has_pets", sa.Boolean(), nullable=False),
        sa.Column("callback_phone", sa.String(40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("respond_by", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("scrubbed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            _in("status", ("waiting", "accepted", "declined", "unanswered", "withdrawn")),
            name=op.f("ck_referrals_referral_status"),
        ),
        sa.CheckConstraint(
            _in("urgency", ("tonight", "within_days", "planned_move")),
            name=op.f("ck_referrals_referral_urgency"),
        ),
        sa.CheckConstraint(
            "adults >= 0 AND children_count >= 0 AND adults + children_count >= 1",
            name=op.f("ck_referrals_household"),
        ),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on > starts_on", name=op.f("ck_referrals_nights_in_order")
        ),
        sa.CheckConstraint(
            "status <> 'declined' OR scrubbed_at IS NOT NULL OR length(coalesce(decline_reason, '')) > 0",
            name=op.f("ck_referrals_decline_has_reason"),
        ),
        sa.CheckConstraint(
            "status <> 'accepted' OR hold_id IS NOT NULL OR scrubbed_at IS NOT NULL",
            name=op.f("ck_referrals_accepted_has_hold"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_referrals_site_id_sites")),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["users.id"], name=op.f("fk_referrals_requested_by_id_users")
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_referrals_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["answered_by_id"], ["users.id"], name=op.f("fk_referrals_answered_by_id_users")
        ),
        sa.ForeignKeyConstraint(["hold_id"], ["holds.id"], name=op.f("fk_referrals_hold_id_holds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
        sa.UniqueConstraint("hold_id", name=op.f("uq_referrals_hold_id")),
    )
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_referrals_requested_by", ["requested_by_id", "created_at"], unique=False)
        batch_op.create_index(
            "ix_referrals_waiting_site",
            ["site_id", "respond_by"],
            unique=False,
            postgresql_where=sa.text("status = 'waiting'"),
            sqlite_where=sa.text("status = 'waiting'"),
        )

    op.create_table(
        "address_reveals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("revealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_address_reveals_user_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_address_reveals_site_id_sites")),
        sa.ForeignKeyConstraint(["hold_id"], ["holds.id"], name=op.f("fk_address_reveals_hold_id_holds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_reveals")),
    )
    with op.batch_alter_table("address_reveals") as batch_op:
        batch_op.create_index("ix_address_reveals_user_at", ["user_id", "revealed_at"], unique=False)
        batch_op.create_index("ix_address_reveals_site_at", ["site_id", "revealed_at"], unique=False)

    op.create_table(
        "address_reveal_pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_site_id", sa.Integer(), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_address_reveal_pauses_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["asked_site_id"], ["sites.id"], name=op.f("fk_address_reveal_pauses_asked_site_id_sites")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["users.id"], name=op.f("fk_address_reveal_pauses_reviewed_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_address_reveal_pauses")),
    )
    with op.batch_alter_table("address_reveal_pauses") as batch_op:
        batch_op.create_index(batch_op.f("ix_address_reveal_pauses_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_address_reveal_pauses_open_user",
            ["user_id"],
            unique=True,
            postgresql_where=sa.text("reviewed_at IS NULL"),
            sqlite_where=sa.text("reviewed_at IS NULL"),
        )

    _replace_flag_kinds(FLAG_KINDS)
    with op.batch_alter_table("flags") as batch_op:
        batch_op.add_column(sa.Column("referral_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_flags_referral_id_referrals"), "referrals", ["referral_id"], ["id"]
        )
        batch_op.create_foreign_key(op.f("fk_flags_user_id_users"), "users", ["user_id"], ["id"])
        batch_op.create_index(batch_op.f("ix_flags_referral_id"), ["referral_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_flags_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("flags") as batch_op:
        batch_op.drop_index(batch_op.f("ix_flags_user_id"))
        batch_op.drop_index(batch_op.f("ix_flags_referral_id"))
        batch_op.drop_constraint(op.f("fk_flags_user_id_users"), type_="foreignkey")
        batch_op.drop_constraint(op.f("fk_flags_referral_id_referrals"), type_="foreignkey")
        batch_op.drop_column("user_id")
        batch_op.drop_column("referral_id")
    op.execute(f"DELETE FROM flags WHERE NOT ({_in('kind', FLAG_KINDS_BEFORE)})")
    _replace_flag_kinds(FLAG_KINDS_BEFORE)
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_column("referrals_sent")
    op.drop_table("address_reveal_pauses")
    op.drop_table("address_reveals")
    op.drop_table("referrals")
    with op.batch_alter_table("sites") as batch_op:
        batch_op.drop_constraint(op.f("ck_sites_referral_response_minutes_range"), type_="check")
        batch_op.drop_constraint(op.f("ck_sites_referral_mode"), type_="check")
        batch_op.drop_column("referral_response_minutes")
        batch_op.drop_column("referral_mode")
