"""initial schema: inventory, accounts, clients, holds and stays, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-26

The rule that never breaks, no space booked twice over overlapping nights, is enforced
by the database: an exclusion constraint on PostgreSQL, triggers on SQLite. The audit
trail is append-only on both.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


# SQLite has no exclusion constraints: these triggers refuse the same overlaps (writes are
# serialised by BEGIN IMMEDIATE, see housing_service/db.py). Empty ranges overlap nothing.
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER ex_bookings_no_overlap_{verb.lower()} BEFORE {verb} ON bookings
    WHEN NEW.active AND (NEW.ends_on IS NULL OR NEW.ends_on > NEW.starts_on)
    BEGIN
        SELECT RAISE(ABORT, 'ex_bookings_no_overlap')
        WHERE EXISTS (
            SELECT 1 FROM bookings AS other
            WHERE other.space_id = NEW.space_id AND other.active AND other.id IS NOT NEW.id
              AND (other.ends_on IS NULL OR other.ends_on > other.starts_on)
              AND other.starts_on < COALESCE(NEW.ends_on, '9999-12-31')
              AND NEW.starts_on < COALESCE(other.ends_on, '9999-12-31')
        );
    END
    """
    for verb in ("INSERT", "UPDATE")
] + [
    f"""
    CREATE TRIGGER audit_events_no_{verb.lower()} BEFORE {verb} ON audit_events
    BEGIN
        SELECT RAISE(ABORT, 'audit_events is append-only');
    END
    """
    for verb in ("UPDATE", "DELETE")
]


def upgrade():
    op.create_table(
        "areas",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_areas")),
        sa.UniqueConstraint("name", name=op.f("uq_areas_name")),
    )
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("victim_service_provider", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
        sa.UniqueConstraint("name", name=op.f("uq_organisations_name")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
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
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("password_changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role <> 'partner' OR organisation_id IS NOT NULL", name=op.f("ck_users_partner_has_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_users_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_tokens_token_hash")),
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "audit_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=40), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("previous_hash", sa.String(length=64), nullable=False),
        sa.Column("entry_hash", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["actor_id"], ["users.id"], name=op.f("fk_audit_events_actor_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("entry_hash", name=op.f("uq_audit_events_entry_hash")),
    )
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_events_action"), ["action"], unique=False)
        batch_op.create_index("ix_audit_events_actor_at", ["actor_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_audit_events_record", ["record_type", "record_id"], unique=False)

    op.create_table(
        "clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("alias", sa.String(length=60), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("case_manager_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("adults", sa.Integer(), nullable=False),
        sa.Column("children", sa.JSON(), nullable=False),
        sa.Column(
            "gender",
            sa.Enum(
                "woman",
                "man",
                "nonbinary",
                name="gender",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "age_group",
            sa.Enum(
                "minor",
                "youth",
                "adult",
                name="age_group",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("accessibility_needs", sa.Integer(), nullable=False),
        sa.Column("has_pets", sa.Boolean(), nullable=False),
        sa.Column("avoid_area_ids", sa.JSON(), nullable=False),
        sa.Column("avoid_site_ids", sa.JSON(), nullable=False),
        sa.Column("preferred_area_ids", sa.JSON(), nullable=False),
        sa.Column(
            "substance_use_preference",
            sa.Enum(
                "harm_reduction",
                "sobriety_required",
                name="substance_use_preference",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "case_phase",
            sa.Enum(
                "crisis",
                "stabilisation",
                "sustainability",
                name="case_phase",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "stage_of_change",
            sa.Enum(
                "precontemplation",
                "contemplation",
                "preparation",
                "action",
                "maintenance",
                "relapse",
                name="stage_of_change",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("has_income", sa.Boolean(), nullable=False),
        sa.Column("has_identity_documents", sa.Boolean(), nullable=False),
        sa.Column(
            "legal_status",
            sa.Enum(
                "not_applicable",
                "not_started",
                "in_progress",
                "granted",
                name="legal_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("says_ready_to_move", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_manager_id"], ["users.id"], name=op.f("fk_clients_case_manager_id_users")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_clients_created_by_id_users")),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_clients_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_clients")),
        sa.UniqueConstraint("code", name=op.f("uq_clients_code")),
    )
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_clients_case_manager_id"), ["case_manager_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_clients_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "idempotent_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_idempotent_requests_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotent_requests")),
        sa.UniqueConstraint("user_id", "key", name=op.f("uq_idempotent_requests_user_id_key")),
    )
    op.create_table(
        "sites",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "tier",
            sa.Enum(
                "emergency",
                "transitional",
                "long_term",
                name="tier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("hud_project_type", sa.Integer(), nullable=False),
        sa.Column("stay_limit_days", sa.Integer(), nullable=True),
        sa.Column("hold_window_hours", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("households_served", sa.Integer(), nullable=False),
        sa.Column("genders_served", sa.Integer(), nullable=False),
        sa.Column("age_groups_served", sa.Integer(), nullable=False),
        sa.Column("accessibility_notes", sa.Text(), nullable=False),
        sa.Column("pets_allowed", sa.Boolean(), nullable=False),
        sa.Column(
            "substance_use_policy",
            sa.Enum(
                "harm_reduction",
                "sobriety_required",
                name="substance_use_policy",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("intake_24_hours", sa.Boolean(), nullable=False),
        sa.Column("intake_hours", sa.String(length=200), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("availability_confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("availability_confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(tier = 'emergency' AND hud_project_type IN (0, 1)) OR (tier = 'transitional' AND hud_project_type = 2) OR (tier = 'long_term' AND hud_project_type IN (3, 9, 10, 13))",
            name=op.f("ck_sites_hud_project_type_fits_tier"),
        ),
        sa.CheckConstraint(
            "(tier = 'long_term' AND stay_limit_days IS NULL) OR (tier <> 'long_term' AND stay_limit_days >= 1)",
            name=op.f("ck_sites_stay_limit_fits_tier"),
        ),
        sa.CheckConstraint(
            "hold_window_hours BETWEEN 1 AND 72", name=op.f("ck_sites_hold_window_hours_range")
        ),
        sa.ForeignKeyConstraint(["area_id"], ["areas.id"], name=op.f("fk_sites_area_id_areas")),
        sa.ForeignKeyConstraint(
            ["availability_confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_sites_availability_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisations.id"], name=op.f("fk_sites_organisation_id_organisations")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sites")),
        sa.UniqueConstraint("organisation_id", "name", name=op.f("uq_sites_organisation_id_name")),
    )
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sites_area_id"), ["area_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sites_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index("ix_sites_tier_active", ["tier", "active"], unique=False)

    op.create_table(
        "availability_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("confirmed_by_id", sa.Integer(), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["confirmed_by_id"],
            ["users.id"],
            name=op.f("fk_availability_confirmations_confirmed_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["sites.id"], name=op.f("fk_availability_confirmations_site_id_sites")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability_confirmations")),
    )
    with op.batch_alter_table("availability_confirmations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_availability_confirmations_site_at", ["site_id", "confirmed_at"], unique=False
        )

    op.create_table(
        "case_team_members",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_case_team_members_client_id_clients")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_case_team_members_user_id_users")),
        sa.PrimaryKeyConstraint("client_id", "user_id", name=op.f("pk_case_team_members")),
    )
    with op.batch_alter_table("case_team_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_team_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "site_languages",
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=3), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_site_languages_site_id_sites")),
        sa.PrimaryKeyConstraint("site_id", "code", name=op.f("pk_site_languages")),
    )
    with op.batch_alter_table("site_languages", schema=None) as batch_op:
        batch_op.create_index("ix_site_languages_code_site", ["code", "site_id"], unique=False)

    op.create_table(
        "spaces",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("bed", "unit", name="space_kind", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("features", sa.Integer(), nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("out_of_service_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "in_service OR length(coalesce(out_of_service_reason, '')) > 0",
            name=op.f("ck_spaces_out_of_service_has_reason"),
        ),
        sa.CheckConstraint("kind = 'unit' OR capacity = 1", name=op.f("ck_spaces_bed_sleeps_one")),
        sa.CheckConstraint("capacity >= 1", name=op.f("ck_spaces_capacity_positive")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_spaces_site_id_sites")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_spaces")),
        sa.UniqueConstraint("site_id", "label", name=op.f("uq_spaces_site_id_label")),
    )
    with op.batch_alter_table("spaces", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_spaces_site_id"), ["site_id"], unique=False)

    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_bookings_ends_after_start")
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_bookings_client_id_clients")),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], name=op.f("fk_bookings_space_id_spaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_bookings_space_ends", ["space_id", "ends_on"], unique=False)

    op.create_table(
        "space_status_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("in_service", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["users.id"], name=op.f("fk_space_status_changes_changed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["space_id"], ["spaces.id"], name=op.f("fk_space_status_changes_space_id_spaces")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_space_status_changes")),
    )
    with op.batch_alter_table("space_status_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_space_status_changes_space_id"), ["space_id"], unique=False)

    op.create_table(
        "holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "held",
                "placed",
                "released",
                "expired",
                name="hold_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("override_reason", sa.String(length=300), nullable=True),
        sa.Column("held_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.Column("release_reason", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name=op.f("fk_holds_booking_id_bookings")),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_holds_client_id_clients")),
        sa.ForeignKeyConstraint(["ended_by_id"], ["users.id"], name=op.f("fk_holds_ended_by_id_users")),
        sa.ForeignKeyConstraint(["held_by_id"], ["users.id"], name=op.f("fk_holds_held_by_id_users")),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_holds_site_id_sites")),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], name=op.f("fk_holds_space_id_spaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holds")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_holds_booking_id")),
    )
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holds_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_holds_held_by_id"), ["held_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_holds_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_holds_space_id"), ["space_id"], unique=False)
        batch_op.create_index("ix_holds_status_expires", ["status", "expires_at"], unique=False)
        batch_op.create_index(
            "uq_holds_one_active_per_client_day",
            ["client_id", "starts_on"],
            unique=True,
            postgresql_where=sa.text("status = 'held' AND override_reason IS NULL"),
            sqlite_where=sa.text("status = 'held' AND override_reason IS NULL"),
        )

    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("space_id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("previous_placement_id", sa.Integer(), nullable=True),
        sa.Column(
            "tier",
            sa.Enum(
                "emergency",
                "transitional",
                "long_term",
                name="tier",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("stay_limit_days", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("expected_end_on", sa.Date(), nullable=True),
        sa.Column("exited_on", sa.Date(), nullable=True),
        sa.Column("destination", sa.Integer(), nullable=True),
        sa.Column("subsidy_type", sa.Integer(), nullable=True),
        sa.Column("destination_text", sa.String(length=300), nullable=True),
        sa.Column("placed_by_id", sa.Integer(), nullable=False),
        sa.Column("exit_recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(tier = 'long_term' AND stay_limit_days IS NULL AND expected_end_on IS NULL) OR (tier <> 'long_term' AND stay_limit_days >= 1 AND expected_end_on > starts_on)",
            name=op.f("ck_placements_limit_fits_tier"),
        ),
        sa.CheckConstraint(
            "destination <> 17 OR length(coalesce(destination_text, '')) > 0",
            name=op.f("ck_placements_other_destination_has_text"),
        ),
        sa.CheckConstraint(
            "(exited_on IS NULL AND destination IS NULL) OR (exited_on IS NOT NULL AND destination IS NOT NULL)",
            name=op.f("ck_placements_exit_has_destination"),
        ),
        sa.CheckConstraint(
            "destination <> 435 OR subsidy_type IS NOT NULL",
            name=op.f("ck_placements_subsidised_rental_has_type"),
        ),
        sa.CheckConstraint(
            "exited_on IS NULL OR exited_on >= starts_on", name=op.f("ck_placements_exit_after_start")
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name=op.f("fk_placements_booking_id_bookings")
        ),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_placements_client_id_clients")),
        sa.ForeignKeyConstraint(
            ["exit_recorded_by_id"], ["users.id"], name=op.f("fk_placements_exit_recorded_by_id_users")
        ),
        sa.ForeignKeyConstraint(["hold_id"], ["holds.id"], name=op.f("fk_placements_hold_id_holds")),
        sa.ForeignKeyConstraint(
            ["placed_by_id"], ["users.id"], name=op.f("fk_placements_placed_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["previous_placement_id"],
            ["placements.id"],
            name=op.f("fk_placements_previous_placement_id_placements"),
        ),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], name=op.f("fk_placements_site_id_sites")),
        sa.ForeignKeyConstraint(["space_id"], ["spaces.id"], name=op.f("fk_placements_space_id_spaces")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_placements_booking_id")),
        sa.UniqueConstraint("hold_id", name=op.f("uq_placements_hold_id")),
        sa.UniqueConstraint("previous_placement_id", name=op.f("uq_placements_previous_placement_id")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_client_id"), ["client_id"], unique=False)
        batch_op.create_index("ix_placements_current_end", ["exited_on", "expected_end_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_site_id"), ["site_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_space_id"), ["space_id"], unique=False)
        batch_op.create_index(
            "uq_placements_one_current_per_client",
            ["client_id"],
            unique=True,
            postgresql_where=sa.text("exited_on IS NULL"),
            sqlite_where=sa.text("exited_on IS NULL"),
        )

    op.create_table(
        "extensions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("previous_end_on", sa.Date(), nullable=False),
        sa.Column("new_end_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("beyond_tier_limit", sa.Boolean(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_extensions_placement_id_placements")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["users.id"], name=op.f("fk_extensions_recorded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extensions")),
    )
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_extensions_placement_id"), ["placement_id"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE bookings ADD CONSTRAINT ex_bookings_no_overlap EXCLUDE USING gist "
            "(space_id WITH =, daterange(starts_on, ends_on, '[)') WITH &&) WHERE (active)"
        )
        op.execute(
            """
            CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'audit_events is append-only';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events "
            "FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)


def downgrade():
    with op.batch_alter_table("extensions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extensions_placement_id"))

    op.drop_table("extensions")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_placements_one_current_per_client",
            postgresql_where=sa.text("exited_on IS NULL"),
            sqlite_where=sa.text("exited_on IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_placements_space_id"))
        batch_op.drop_index(batch_op.f("ix_placements_site_id"))
        batch_op.drop_index("ix_placements_current_end")
        batch_op.drop_index(batch_op.f("ix_placements_client_id"))

    op.drop_table("placements")
    with op.batch_alter_table("holds", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_holds_one_active_per_client_day",
            postgresql_where=sa.text("status = 'held' AND override_reason IS NULL"),
            sqlite_where=sa.text("status = 'held' AND override_reason IS NULL"),
        )
        batch_op.drop_index("ix_holds_status_expires")
        batch_op.drop_index(batch_op.f("ix_holds_space_id"))
        batch_op.drop_index(batch_op.f("ix_holds_site_id"))
        batch_op.drop_index(batch_op.f("ix_holds_held_by_id"))
        batch_op.drop_index(batch_op.f("ix_holds_client_id"))

    op.drop_table("holds")
    with op.batch_alter_table("space_status_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_space_status_changes_space_id"))

    op.drop_table("space_status_changes")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_bookings_space_ends")
        batch_op.drop_index(batch_op.f("ix_bookings_client_id"))

    op.drop_table("bookings")
    with op.batch_alter_table("spaces", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_spaces_site_id"))

    op.drop_table("spaces")
    with op.batch_alter_table("site_languages", schema=None) as batch_op:
        batch_op.drop_index("ix_site_languages_code_site")

    op.drop_table("site_languages")
    with op.batch_alter_table("case_team_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_team_members_user_id"))

    op.drop_table("case_team_members")
    with op.batch_alter_table("availability_confirmations", schema=None) as batch_op:
        batch_op.drop_index("ix_availability_confirmations_site_at")

    op.drop_table("availability_confirmations")
    with op.batch_alter_table("sites", schema=None) as batch_op:
        batch_op.drop_index("ix_sites_tier_active")
        batch_op.drop_index(batch_op.f("ix_sites_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_sites_area_id"))

    op.drop_table("sites")
    op.drop_table("idempotent_requests")
    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_clients_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_clients_case_manager_id"))

    op.drop_table("clients")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_events_record")
        batch_op.drop_index("ix_audit_events_actor_at")
        batch_op.drop_index(batch_op.f("ix_audit_events_action"))

    op.drop_table("audit_events")
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_tokens_user_id"))

    op.drop_table("api_tokens")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_organisation_id"))

    op.drop_table("users")
    op.drop_table("organisations")
    op.drop_table("areas")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
