"""The authorization matrix: every route × method × role → the status that role must get.

Each row names an endpoint (as `flask routes` shows it) and a method, the coalition's
records its URL points at (see coalition.py for the names), a valid request body (so that
the answer is about who asks, not about the input), and one status per role, in this order:

    admin, advocate, case_manager, partner_own, partner_other, off_case, anonymous

- advocate and case_manager work the records' cases (client A and B); off_case is an
  advocate on another case (client C);
- partner_own is staff of the organisation whose sites the records are at; partner_other
  of another organisation (where client A stayed before and client C stays now);
- anonymous has no session: the API answers 401, pages redirect to sign-in (302).

Every route the app has must have a row for each of its methods: a new route without one
fails `test_every_route_has_a_row`, which prints the row to add.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pyotp

from .coalition import NOW, ROLES, TODAY, TWO_STEP_SETUP_SECRET, Coalition

Body = dict[str, Any] | Callable[[Coalition], dict[str, Any]] | None


def codes(
    admin: int,
    advocate: int,
    case_manager: int,
    partner_own: int,
    partner_other: int,
    off_case: int,
    anonymous: int,
) -> dict[str, int]:
    return dict(
        zip(
            ROLES,
            (admin, advocate, case_manager, partner_own, partner_other, off_case, anonymous),
            strict=True,
        )
    )


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    expect: dict[str, int]
    args: dict[str, str] = field(default_factory=dict)  # URL argument -> coalition id name
    body: Body = None
    query: Body = None
    form: bool = False  # pages post forms; the API takes JSON

    @property
    def key(self) -> tuple[str, str]:
        return self.endpoint, self.method

    def url_values(self, world: Coalition) -> dict[str, Any]:
        """The URL's arguments: ids of the coalition's records, or literal values written "=value"."""
        return {
            name: target.removeprefix("=") if target.startswith("=") else world[target]
            for name, target in self.args.items()
        }


def _site_body(world: Coalition) -> dict[str, Any]:
    return {
        "organisation_id": world["own_organisation"],
        "name": "New Shelter",
        "tier": "emergency",
        "area_id": world["north"],
        "households_served": ["single_adults"],
        "genders_served": ["woman"],
        "age_groups_served": ["adult"],
        "substance_use_policy": "harm_reduction",
    }


NO_UUID = "00000000-0000-4000-8000-000000000000"


def _import_file(with_fingerprint: bool = False) -> dict[str, Any]:
    """An inventory file adding one site to the own organisation (as its JSON body)."""
    from ..directory.helpers import file_body, inventory_csv, site_row

    content = inventory_csv(
        [site_row(organisation="Harbour House Agency", site="Matrix House", area="North County")]
    )
    extra = {"fingerprint": hashlib.sha256(content).hexdigest()} if with_fingerprint else {}
    return file_body(content, **extra)


def _hsds_file() -> dict[str, Any]:
    """An HSDS document of one service (as its JSON body)."""
    from ..directory.test_hsds_import import _body, _service

    return _body([_service()])


NEW_PASSWORD = "a new long passphrase"
SETUP_CODE = pyotp.TOTP(TWO_STEP_SETUP_SECRET).at(NOW)  # the matrix runs at NOW
LATER = str(TODAY + timedelta(days=150))  # after client A's stay ends, extension included

API_ROWS = [
    # Public: health, the OpenAPI document, signing in (each role with its own account).
    Row("health.health", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row("api-docs.openapi_json", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row(
        "sessions.sign_in",
        "POST",
        codes(200, 200, 200, 200, 200, 200, 200),
        body=lambda w: {"email": w.emails.get(w.acting_role, w.emails["advocate"]), "password": w.password},
    ),
    Row("sessions.who_am_i", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row("sessions.sign_out", "DELETE", codes(204, 204, 204, 204, 204, 204, 401)),
    Row("sessions.sign_out_of_every_session", "DELETE", codes(200, 200, 200, 200, 200, 200, 401)),
    # Accounts and tokens.
    Row("users.list_users", "GET", codes(200, 403, 403, 403, 403, 403, 401)),
    Row(
        "users.create_user",
        "POST",
        codes(201, 403, 403, 403, 403, 403, 401),
        body={
            "email": "new@example.org",
            "display_name": "New",
            "role": "advocate",
            "password": NEW_PASSWORD,
        },
    ),
    Row("users.my_account", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "users.change_my_password",
        "POST",
        codes(200, 200, 200, 200, 200, 200, 401),
        body=lambda w: {"current_password": w.password, "new_password": NEW_PASSWORD},
    ),
    # Two-step sign-in: everyone sets up their own; admins reset anyone's.
    Row(
        "users.start_second_factor",
        "POST",
        codes(201, 201, 201, 201, 201, 201, 401),
        body=lambda w: {"current_password": w.password},
    ),
    Row(
        "users.confirm_second_factor",
        "POST",
        codes(200, 200, 200, 200, 200, 200, 401),
        body={"code": SETUP_CODE},
    ),
    Row(
        "users.reset_second_factor",
        "DELETE",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"user_id": "user_advocate"},
    ),
    # The advocate's own account: admins and the advocate themself.
    Row("users.get_user", "GET", codes(200, 200, 403, 403, 403, 403, 401), args={"user_id": "user_advocate"}),
    Row(
        "users.update_user",
        "PATCH",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"user_id": "user_advocate"},
        body={"display_name": "Renamed"},
    ),
    Row(
        "users.reset_password",
        "POST",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"user_id": "user_advocate"},
        body={"new_password": NEW_PASSWORD},
    ),
    Row("users.list_tokens", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row("users.create_token", "POST", codes(201, 201, 201, 201, 201, 201, 401), body={"name": "script"}),
    # The advocate's token: only the advocate and admins may revoke it; others don't see it.
    Row("users.revoke_token", "DELETE", codes(200, 200, 404, 404, 404, 404, 401), args={"token_id": "token"}),
    # The coalition's sign-in rules: admins only.
    Row("sign_in_rules.get_sign_in_rules", "GET", codes(200, 403, 403, 403, 403, 403, 401)),
    Row(
        "sign_in_rules.set_sign_in_rules",
        "PUT",
        codes(200, 403, 403, 403, 403, 403, 401),
        body={"two_step_required_roles": ["admin", "partner"]},
    ),
    # Organisations and areas: everyone signed in reads, admins write.
    Row("inventory.list_organisations", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "inventory.create_organisation",
        "POST",
        codes(201, 403, 403, 403, 403, 403, 401),
        body={"name": "New Agency"},
    ),
    Row(
        "inventory.get_organisation",
        "GET",
        codes(200, 200, 200, 200, 200, 200, 401),
        args={"organisation_id": "own_organisation"},
    ),
    Row(
        "inventory.update_organisation",
        "PATCH",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"organisation_id": "own_organisation"},
        body={"name": "Renamed Agency"},
    ),
    Row("inventory.list_areas", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "inventory.create_area", "POST", codes(201, 403, 403, 403, 403, 403, 401), body={"name": "New County"}
    ),
    # Sites (the confidential one of the own organisation); partners see only their own.
    Row("inventory.list_sites", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row("inventory.create_site", "POST", codes(201, 403, 403, 403, 403, 403, 401), body=_site_body),
    Row(
        "inventory.get_site",
        "GET",
        codes(200, 200, 200, 200, 403, 200, 401),
        args={"site_id": "own_secret_site"},
    ),
    Row(
        "inventory.update_site",
        "PATCH",
        codes(200, 403, 403, 200, 403, 403, 401),
        args={"site_id": "own_secret_site"},
        body={"intake_hours": "9 to 5"},
    ),
    Row(
        "spaces.list_spaces",
        "GET",
        codes(200, 200, 200, 200, 403, 200, 401),
        args={"site_id": "own_secret_site"},
    ),
    Row(
        "spaces.add_space",
        "POST",
        codes(201, 403, 403, 201, 403, 403, 401),
        args={"site_id": "own_secret_site"},
        body={"label": "Safe 9", "kind": "bed"},
    ),
    Row("spaces.get_space", "GET", codes(200, 200, 200, 200, 403, 200, 401), args={"space_id": "secret_bed"}),
    Row(
        "spaces.update_space",
        "PATCH",
        codes(200, 403, 403, 200, 403, 403, 401),
        args={"space_id": "secret_bed"},
        body={"label": "Safe 1a"},
    ),
    Row(
        "spaces.confirm_availability",
        "POST",
        codes(201, 403, 403, 201, 403, 403, 401),
        args={"site_id": "own_secret_site"},
        body={},
    ),
    Row(
        "spaces.availability_history",
        "GET",
        codes(200, 403, 403, 200, 403, 403, 401),
        args={"site_id": "own_secret_site"},
    ),
    Row(
        "placements.arrivals",
        "GET",
        codes(200, 403, 403, 200, 403, 403, 401),
        args={"site_id": "own_secret_site"},
    ),
    # The bed board is for the people who place survivors.
    Row("availability.search", "GET", codes(200, 200, 200, 403, 403, 200, 401)),
    # Survivors' records (client A): the case team and admins only.
    Row("clients.list_clients", "GET", codes(200, 200, 200, 403, 403, 200, 401)),
    Row(
        "clients.create_client", "POST", codes(201, 201, 201, 201, 201, 201, 401), body={"age_group": "adult"}
    ),
    Row(
        "clients.get_client", "GET", codes(200, 200, 200, 404, 404, 404, 401), args={"client_id": "client_a"}
    ),
    Row(
        "clients.update_client",
        "PATCH",
        codes(200, 200, 200, 404, 404, 404, 401),
        args={"client_id": "client_a"},
        body={"has_income": True},
    ),
    Row(
        "clients.add_team_member",
        "POST",
        codes(201, 403, 201, 404, 404, 404, 401),
        args={"client_id": "client_a"},
        body=lambda w: {"user_id": w["user_off_case"]},
    ),
    # Holds: client A holds a free public bed; the held hold is client B's, at the
    # confidential shelter, made by the advocate.
    Row("holds.list_holds", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "holds.create_hold",
        "POST",
        codes(201, 201, 201, 403, 403, 422, 401),
        body=lambda w: {"client_id": w["client_a"], "space_id": w["open_bed"]},
    ),
    Row("holds.get_hold", "GET", codes(200, 200, 200, 200, 404, 404, 401), args={"hold_id": "held_hold"}),
    Row(
        "holds.release_hold",
        "POST",
        codes(200, 200, 200, 403, 404, 404, 401),
        args={"hold_id": "held_hold"},
        body={},
    ),
    Row("holds.check_in", "POST", codes(201, 403, 403, 201, 404, 404, 401), args={"hold_id": "held_hold"}),
    # Referrals: client A's, waiting at the other organisation's screened shelter.
    Row("referrals.list_referrals", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "referrals.send_referral",
        "POST",
        codes(201, 201, 201, 403, 403, 422, 401),
        body=lambda w: {
            "site_id": w["other_secret_site"],
            "client_id": w["client_a"],
            "urgency": "tonight",
            "callback_phone": "+1 408 555 0100",
        },
    ),
    Row(
        "referrals.get_referral",
        "GET",
        codes(200, 200, 200, 404, 200, 404, 401),
        args={"referral_id": "referral"},
    ),
    Row(
        "referrals.accept_referral",
        "POST",
        codes(200, 403, 403, 404, 200, 404, 401),
        args={"referral_id": "referral"},
        body=lambda w: {"space_id": w["other_bed"]},
    ),
    Row(
        "referrals.decline_referral",
        "POST",
        codes(200, 403, 403, 404, 200, 404, 401),
        args={"referral_id": "referral"},
        body={"reason": "No bed free for those nights"},
    ),
    Row(
        "referrals.withdraw_referral",
        "POST",
        codes(200, 200, 403, 404, 403, 404, 401),
        args={"referral_id": "referral"},
        body={},
    ),
    # Oversight of confidential addresses.
    Row("oversight.list_pauses", "GET", codes(200, 403, 403, 403, 403, 403, 401)),
    Row("oversight.get_pause", "GET", codes(200, 403, 403, 403, 403, 403, 401), args={"pause_id": "pause"}),
    Row(
        "oversight.review_pause",
        "POST",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"pause_id": "open_pause"},
        body={"note": "Spoke to the advocate's supervisor: genuine."},
    ),
    Row(
        "oversight.site_reveals",
        "GET",
        codes(200, 403, 403, 200, 403, 403, 401),
        args={"site_id": "own_secret_site"},
    ),
    Row("oversight.unused_records", "GET", codes(200, 403, 403, 403, 403, 403, 401)),
    # Stays: client A's current stay at the confidential shelter.
    Row("placements.list_placements", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "placements.place_walk_in",
        "POST",
        codes(201, 403, 403, 201, 403, 403, 401),
        body=lambda w: {"space_id": w["open_bed"], "client": {"age_group": "adult"}},
    ),
    Row(
        "placements.get_placement",
        "GET",
        codes(200, 200, 200, 200, 404, 404, 401),
        args={"placement_id": "current_stay"},
    ),
    Row(
        "placements.extend",
        "POST",
        codes(201, 201, 201, 201, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body={"new_end_on": "2027-12-01", "reason": "Waiting for a unit", "approved_by": "Director"},
    ),
    Row(
        "placements.exit_stay",
        "POST",
        codes(200, 200, 200, 200, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body={"exited_on": str(TODAY), "destination": 410},
    ),
    Row("placements.extensions_beyond_limit", "GET", codes(200, 403, 200, 403, 403, 403, 401)),
    # A bed move keeps the episode. To another site (here the own organisation's open shelter),
    # only that site's staff (or an admin) move a survivor: the case team holds a place instead.
    Row(
        "placements.move",
        "POST",
        codes(201, 403, 403, 201, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body=lambda w: {"space_id": w["open_bed_3"], "reason": "The heater in her room broke"},
    ),
    # Client A's stay began with a check-in ten days ago: past authorization, too late to undo.
    Row(
        "placements.undo_check_in",
        "POST",
        codes(409, 403, 403, 409, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body={},
    ),
    # Client A's stay already begins its own episode: past authorization, 409.
    Row(
        "placements.start_new_episode",
        "POST",
        codes(409, 403, 409, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body={"reason": "Returned after own housing fell through"},
    ),
    Row("placements.restarted_episodes", "GET", codes(200, 403, 200, 403, 403, 403, 401)),
    Row(
        "placements.record_go_live_stay",
        "POST",
        codes(201, 403, 403, 201, 403, 403, 401),
        body=lambda w: {
            "space_id": w["open_bed_3"],
            "client": {"age_group": "adult"},
            "starts_on": str(TODAY - timedelta(days=20)),
            "reason": "Go-live: already staying when the coalition started",
        },
    ),
    # Flags: the flag is about client A's stay at the own organisation's shelter, nearing its
    # end: planning the move is the case team's, so the shelter's staff don't see it (404).
    Row("flags.list_flags", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "flags.acknowledge",
        "POST",
        codes(200, 200, 200, 404, 404, 404, 401),
        args={"flag_id": "flag"},
        body={"note": "On it"},
    ),
    # Moving on: client A's transition plan, suggestions and the survivor's decisions.
    # Partners have no caseload: an empty list (the lead may prefer 403, as /clients answers).
    Row("suggestions.for_caseload", "GET", codes(200, 200, 200, 403, 403, 200, 401)),
    Row(
        "suggestions.for_placement",
        "GET",
        codes(200, 200, 200, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
    ),
    Row(
        "suggestions.record_decision",
        "POST",
        codes(201, 201, 201, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body=lambda w: {"site_id": w["own_next_site"], "decision": "declined", "reason": "Too far"},
    ),
    # The coalition's stay is weeks from its planning window, so nothing is suggested yet:
    # past authorization, the case team gets 409 ("not among the current suggestions").
    Row(
        "suggestions.decisions",
        "GET",
        codes(200, 200, 200, 404, 404, 404, 401),
        args={"client_id": "client_a"},
    ),
    Row(
        "suggestions.hold_suggestion",
        "POST",
        codes(409, 409, 409, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body=lambda w: {"site_id": w["own_next_site"], "space_id": w["next_bed"]},
    ),
    Row(
        "plans.get_plan",
        "GET",
        codes(200, 200, 200, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
    ),
    Row(
        "plans.save_plan",
        "PUT",
        codes(200, 200, 200, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body={"target_tier": "transitional", "move_by": str(TODAY + timedelta(days=30))},
    ),
    Row(
        "plans.add_step",
        "POST",
        codes(201, 201, 201, 403, 404, 404, 401),
        args={"placement_id": "current_stay"},
        body={"kind": "income", "description": "Job search", "owner": "Advocate"},
    ),
    Row(
        "plans.update_step",
        "PATCH",
        codes(200, 200, 200, 404, 404, 404, 401),
        args={"step_id": "plan_step"},
        body={"status": "in_progress"},
    ),
    # The audit trail: admins only, and read only.
    Row("audit.list_audit_events", "GET", codes(200, 403, 403, 403, 403, 403, 401)),
    # Funders of a site: admins set them; the site's own staff may read them.
    Row(
        "inventory.list_funders",
        "GET",
        codes(200, 403, 403, 200, 403, 403, 401),
        args={"site_id": "own_secret_site"},
    ),
    Row(
        "inventory.add_funder",
        "POST",
        codes(201, 403, 403, 403, 403, 403, 401),
        args={"site_id": "own_secret_site"},
        body={"funder": 8, "grant_id": "ESG-1", "starts_on": "2026-01-01"},
    ),
    # No funder has this id: an admin is told so, everyone else is refused first.
    Row(
        "inventory.remove_funder",
        "DELETE",
        codes(404, 403, 403, 403, 403, 403, 401),
        args={"site_id": "own_secret_site", "funder_id": "=999999"},
    ),
    # Reports (aggregates): admins and case managers; the HMIS export, admins only (the
    # coalition's sites lack HUD's fields, so an admin gets past the role check to a 422).
    Row("reports.point_in_time", "GET", codes(200, 403, 200, 403, 403, 403, 401)),
    Row("reports.outcomes", "GET", codes(200, 403, 200, 403, 403, 403, 401)),
    Row("reports.hmis_export_zip", "GET", codes(422, 403, 403, 403, 403, 403, 401)),
    # Notifications: each person's own notes and choices; webhooks are admins' alone.
    Row("notifications.my_notes", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row("notifications.my_choices", "GET", codes(200, 200, 200, 200, 200, 200, 401)),
    Row(
        "notifications.choose",
        "PUT",
        codes(200, 200, 200, 200, 200, 200, 401),
        body={"choices": {"stay_flag": ["in_app"]}, "quiet_from": "22:00", "quiet_until": "07:00"},
    ),
    Row("notifications.list_webhooks", "GET", codes(200, 403, 403, 403, 403, 403, 401)),
    Row(
        "notifications.add_webhook",
        "POST",
        codes(201, 403, 403, 403, 403, 403, 401),
        body={"name": "HMIS lead", "url": "https://93.184.215.14/hmis", "events": ["site_opened"]},
    ),
    Row(
        "notifications.remove_webhook",
        "DELETE",
        codes(204, 403, 403, 403, 403, 403, 401),
        args={"webhook_id": "webhook"},
    ),
    Row(
        "notifications.test_webhook",
        "POST",
        codes(202, 403, 403, 403, 403, 403, 401),
        args={"webhook_id": "webhook"},
    ),
    Row(
        "notifications.turn_on_webhook",
        "POST",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"webhook_id": "webhook"},
    ),
    Row(
        "notifications.webhook_deliveries",
        "GET",
        codes(200, 403, 403, 403, 403, 403, 401),
        args={"webhook_id": "webhook"},
    ),
    # Texts from the SMS provider: no session gives a right; without a provider, refused to all.
    Row("notifications.text_received", "POST", codes(403, 403, 403, 403, 403, 403, 403)),
    # Inventory import and export: admins, and partners for their own organisation's sites.
    Row("inventory_import.columns", "GET", codes(200, 403, 403, 200, 200, 403, 401)),
    Row("inventory_import.template", "GET", codes(200, 403, 403, 200, 200, 403, 401)),
    # A dry run answers for anyone who may import (a partner's foreign rows come back refused).
    Row("inventory_import.dry_run", "POST", codes(200, 403, 403, 200, 200, 403, 401), body=_import_file()),
    # Applying a new site: admins only; a partner's file is refused whole (422), nothing written.
    Row("inventory_import.apply", "POST", codes(200, 403, 403, 422, 422, 403, 401), body=_import_file(True)),
    Row("inventory_import.export", "GET", codes(200, 403, 403, 200, 200, 403, 401)),
    # HSDS import: admins only (a dry run of one valid service; applying with another's fingerprint: 422).
    Row("inventory_import.hsds_dry_run", "POST", codes(200, 403, 403, 403, 403, 403, 401), body=_hsds_file()),
    Row(
        "inventory_import.hsds_apply",
        "POST",
        codes(422, 403, 403, 403, 403, 403, 401),
        body={**_hsds_file(), "fingerprint": "0" * 64},
    ),
    # The public HSDS directory: anyone, signed in or not (no such service: 404 for all).
    Row("hsds.about", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row("hsds.services", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row("hsds.organizations", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row("hsds.locations", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row("hsds.export_zip", "GET", codes(200, 200, 200, 200, 200, 200, 200)),
    Row("hsds.service", "GET", codes(404, 404, 404, 404, 404, 404, 404), args={"service_id": f"={NO_UUID}"}),
    Row(
        "hsds.location", "GET", codes(404, 404, 404, 404, 404, 404, 404), args={"location_id": f"={NO_UUID}"}
    ),
    Row(
        "hsds.organization",
        "GET",
        codes(404, 404, 404, 404, 404, 404, 404),
        args={"organization_id": f"={NO_UUID}"},
    ),
]


def _page(endpoint: str, method: str, expect: dict[str, int], **kwargs: Any) -> Row:
    return Row(endpoint, method, expect, form=True, **kwargs)


# Pages: anonymous visitors are sent to sign in (302); a finished form redirects (303).
PAGE_ROWS = [
    _page("static", "GET", codes(200, 200, 200, 200, 200, 200, 200), args={"filename": "=site.css"}),
    _page("web.home", "GET", codes(303, 303, 303, 303, 303, 303, 302)),
    _page("web.sign_in", "GET", codes(303, 303, 303, 303, 303, 303, 200)),
    _page(
        "web.sign_in",
        "POST",
        codes(303, 303, 303, 303, 303, 303, 303),
        body=lambda w: {"email": w.emails.get(w.acting_role, w.emails["advocate"]), "password": w.password},
    ),
    _page("web.sign_out", "POST", codes(303, 303, 303, 303, 303, 303, 302)),
    # The second step waits for a password typed in this browser: with none, back to signing in
    # (or, for someone signed in, to their main page).
    _page("web.sign_in_second_step", "GET", codes(303, 303, 303, 303, 303, 303, 303)),
    _page(
        "web.sign_in_second_step",
        "POST",
        codes(303, 303, 303, 303, 303, 303, 303),
        body={"code": "123456"},
    ),
    # My account: everyone signed in, each their own.
    _page("web.account", "GET", codes(200, 200, 200, 200, 200, 200, 302)),
    _page(
        "web.change_password",
        "POST",
        codes(303, 303, 303, 303, 303, 303, 302),
        body=lambda w: {
            "current_password": w.password,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
        },
    ),
    _page("web.sign_out_everywhere", "POST", codes(303, 303, 303, 303, 303, 303, 302)),
    _page("web.choose_language", "POST", codes(303, 303, 303, 303, 303, 303, 302), body={"locale": "es"}),
    _page("web.two_step", "GET", codes(200, 200, 200, 200, 200, 200, 302)),
    _page(
        "web.start_two_step",
        "POST",
        codes(200, 200, 200, 200, 200, 200, 302),
        body=lambda w: {"current_password": w.password},
    ),
    _page(
        "web.confirm_two_step", "POST", codes(200, 200, 200, 200, 200, 200, 302), body={"code": SETUP_CODE}
    ),
    # Admin pages.
    _page("web.admin_index", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page("web.admin_accounts", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.admin_accounts",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        body={
            "display_name": "New Person",
            "email": "new@example.org",
            "role": "advocate",
            "organisation_id": "",
            "password": NEW_PASSWORD,
        },
    ),
    _page(
        "web.admin_set_active",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"user_id": "user_advocate", "action": "=deactivate"},
        body={"confirmed": "yes"},
    ),
    _page(
        "web.admin_new_password",
        "POST",
        codes(200, 403, 403, 403, 403, 403, 302),
        args={"user_id": "user_advocate"},
        body={"confirmed": "yes"},
    ),
    _page(
        "web.admin_reset_two_step",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"user_id": "user_advocate"},
        body={"confirmed": "yes"},
    ),
    _page(
        "web.admin_change_role",
        "GET",
        codes(200, 403, 403, 403, 403, 403, 302),
        args={"user_id": "user_advocate"},
    ),
    _page(
        "web.admin_change_role",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"user_id": "user_advocate"},
        body={"role": "case_manager", "organisation_id": "", "confirmed": "yes"},
    ),
    # Who must sign in in two steps: admins only.
    _page("web.admin_sign_in_rules", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.admin_sign_in_rules",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        body={"required_roles": ["admin", "partner"], "confirmed": "yes"},
    ),
    _page("web.admin_areas", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page("web.admin_areas", "POST", codes(303, 403, 403, 403, 403, 403, 302), body={"name": "New County"}),
    _page("web.admin_organisations", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.admin_organisations",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        body={"name": "New Agency"},
    ),
    _page("web.admin_sites", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page("web.admin_new_site", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.admin_new_site",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        body=lambda w: {**_site_body(w), "households_served": "single_adults", "genders_served": "woman"},
    ),
    _page(
        "web.admin_site", "GET", codes(200, 403, 403, 403, 403, 403, 302), args={"site_id": "own_secret_site"}
    ),
    _page(
        "web.admin_add_space",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"site_id": "own_secret_site"},
        body={"count": "2", "label": "Safe", "first_number": "9", "kind": "bed", "capacity": "1"},
    ),
    # Advocates' and case managers' pages.
    _page("web.bed_board", "GET", codes(200, 200, 200, 403, 403, 200, 302)),
    _page("web.caseload", "GET", codes(200, 200, 200, 403, 403, 200, 302)),
    _page("web.new_client", "GET", codes(200, 200, 200, 403, 403, 200, 302)),
    _page(
        "web.new_client",
        "POST",
        codes(303, 303, 303, 403, 403, 303, 302),
        body={
            "alias": "New",
            "age_group": "adult",
            "adults": "1",
            "infants": "0",
            "young_children": "0",
            "school_children": "0",
            "teens": "0",
        },
    ),
    _page(
        "web.new_hold",
        "GET",
        codes(200, 200, 200, 403, 403, 200, 302),
        query=lambda w: {"space": w["open_bed"], "client": w["client_a"]},
    ),
    _page(
        "web.create_hold",
        "POST",
        codes(303, 303, 303, 403, 403, 422, 302),
        body=lambda w: {"client_id": str(w["client_a"]), "space_id": str(w["open_bed"])},
    ),
    _page("web.hold", "GET", codes(200, 200, 200, 200, 404, 404, 302), args={"hold_id": "held_hold"}),
    _page(
        "web.release_hold",
        "POST",
        codes(303, 303, 303, 403, 404, 404, 302),
        args={"hold_id": "held_hold"},
    ),
    # Referrals.
    _page("web.referrals", "GET", codes(200, 200, 200, 200, 200, 200, 302)),
    _page(
        "web.new_referral",
        "GET",
        codes(200, 200, 200, 403, 403, 200, 302),
        query=lambda w: {"site": w["other_secret_site"], "client": w["client_a"]},
    ),
    _page(
        "web.send_referral",
        "POST",
        codes(303, 303, 303, 403, 403, 422, 302),
        body=lambda w: {
            "client_id": str(w["client_a"]),
            "site_id": str(w["other_secret_site"]),
            "urgency": "tonight",
            "callback_phone": "+1 408 555 0100",
        },
    ),
    _page("web.referral", "GET", codes(200, 200, 200, 404, 200, 404, 302), args={"referral_id": "referral"}),
    _page(
        "web.accept_referral",
        "POST",
        codes(303, 403, 403, 404, 303, 404, 302),
        args={"referral_id": "referral"},
        body=lambda w: {"space_id": str(w["other_bed"])},
    ),
    _page(
        "web.decline_referral",
        "POST",
        codes(303, 403, 403, 404, 303, 404, 302),
        args={"referral_id": "referral"},
        body={"reason": "No bed free for those nights"},
    ),
    _page(
        "web.withdraw_referral",
        "POST",
        codes(303, 303, 403, 404, 403, 404, 302),
        args={"referral_id": "referral"},
    ),
    # Oversight of confidential addresses.
    _page("web.admin_address_pauses", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.admin_address_pause", "GET", codes(200, 403, 403, 403, 403, 403, 302), args={"pause_id": "pause"}
    ),
    _page(
        "web.review_address_pause",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"pause_id": "open_pause"},
        body={"note": "Spoke to the advocate's supervisor: genuine."},
    ),
    _page("web.admin_unused_records", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.site_address_reveals",
        "GET",
        codes(200, 403, 403, 200, 403, 403, 302),
        args={"site_id": "own_secret_site"},
    ),
    # Shelter partners' pages (their own sites).
    _page("web.my_sites", "GET", codes(200, 403, 403, 200, 200, 403, 302)),
    _page(
        "web.admin_site_hud",
        "GET",
        codes(200, 403, 403, 403, 403, 403, 302),
        args={"site_id": "own_secret_site"},
    ),
    _page(
        "web.admin_save_site_hud",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"site_id": "own_secret_site"},
        body={"coc_code": "CA-502", "geocode": "069001", "target_population": "1", "es_bed_type": "1"},
    ),
    _page(
        "web.admin_add_funder",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"site_id": "own_secret_site"},
        body={"funder": "8", "grant_id": "ESG-1", "starts_on": "2026-01-01"},
    ),
    _page(
        "web.admin_remove_funder",
        "POST",
        codes(404, 403, 403, 403, 403, 403, 302),
        args={"site_id": "own_secret_site", "funder_id": "=999999"},
    ),
    _page("report_pages.index", "GET", codes(200, 403, 200, 403, 403, 403, 302)),
    _page("report_pages.report", "GET", codes(200, 403, 200, 403, 403, 403, 302), args={"name": "=outcomes"}),
    _page(
        "report_pages.table_download",
        "GET",
        codes(200, 403, 200, 403, 403, 403, 302),
        args={"name": "=point-in-time", "table_name": "=persons"},
    ),
    _page("report_pages.hmis_export_download", "GET", codes(422, 403, 403, 403, 403, 403, 302)),
    _page("directory_pages.index", "GET", codes(200, 403, 403, 200, 200, 403, 302)),
    _page("directory_pages.template_download", "GET", codes(200, 403, 403, 200, 200, 403, 302)),
    _page("directory_pages.export_download", "GET", codes(200, 403, 403, 200, 200, 403, 302)),
    # No file chosen: those who may import are asked for one (422); nothing is written.
    _page("directory_pages.dry_run", "POST", codes(422, 403, 403, 422, 422, 403, 302)),
    _page("directory_pages.apply", "POST", codes(422, 403, 403, 422, 422, 403, 302)),
    _page("directory_hsds_pages.index", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page("directory_hsds_pages.dry_run", "POST", codes(422, 403, 403, 403, 403, 403, 302)),
    _page("directory_hsds_pages.apply", "POST", codes(422, 403, 403, 403, 403, 403, 302)),
    _page("web.site", "GET", codes(200, 403, 403, 200, 403, 403, 302), args={"site_id": "own_secret_site"}),
    _page(
        "web.confirm_availability",
        "POST",
        codes(303, 403, 403, 303, 403, 403, 302),
        args={"site_id": "own_secret_site"},
    ),
    _page(
        "web.take_out_of_service",
        "POST",
        codes(303, 403, 403, 303, 403, 403, 302),
        args={"site_id": "own_open_site", "space_id": "open_bed"},
        body=lambda w: {f"space-{w['open_bed']}-reason": "Repairs", "reason": "Repairs"},
    ),
    _page(
        "web.put_back_in_service",
        "POST",
        codes(303, 403, 403, 303, 403, 403, 302),
        args={"site_id": "own_open_site", "space_id": "open_bed"},
    ),
    _page(
        "web.check_in",
        "POST",
        codes(303, 403, 403, 303, 403, 403, 302),
        args={"site_id": "own_secret_site", "hold_id": "held_hold"},
    ),
    # A walk-in at the own organisation's open site, which has free beds tonight.
    _page("web.walk_in", "GET", codes(200, 403, 403, 200, 403, 403, 302), args={"site_id": "own_open_site"}),
    _page(
        "web.walk_in",
        "POST",
        codes(303, 403, 403, 303, 403, 403, 302),
        args={"site_id": "own_open_site"},
        body=lambda w: {
            "space_id": str(w["open_bed"]),
            "age_group": "adult",
            "adults": "1",
            "infants": "0",
            "young_children": "0",
            "school_children": "0",
            "teens": "0",
        },
    ),
    # Stays and flags.
    _page(
        "web.record_exit", "GET", codes(200, 200, 200, 200, 404, 404, 302), args={"stay_id": "current_stay"}
    ),
    _page(
        "web.record_exit",
        "POST",
        codes(303, 303, 303, 303, 404, 404, 302),
        args={"stay_id": "current_stay"},
        body={"exited_on": str(TODAY), "destination": "410"},
    ),
    _page(
        "web.extend_stay", "GET", codes(200, 200, 200, 200, 404, 404, 302), args={"stay_id": "current_stay"}
    ),
    _page(
        "web.extend_stay",
        "POST",
        codes(303, 303, 303, 303, 404, 404, 302),
        args={"stay_id": "current_stay"},
        body={"new_end_on": LATER, "reason": "Waiting for a unit", "approved_by": "Director"},
    ),
    _page("web.move_stay", "GET", codes(200, 200, 200, 200, 404, 404, 302), args={"stay_id": "current_stay"}),
    # The only other bed at client A's shelter is held for client B tonight: past authorization, 409.
    _page(
        "web.move_stay",
        "POST",
        codes(409, 409, 409, 409, 404, 404, 302),
        args={"stay_id": "current_stay"},
        body=lambda w: {"space_id": str(w["secret_bed_held"]), "reason": "The heater broke"},
    ),
    # Client A's stay began with a check-in ten days ago: too late, the site page says so.
    _page(
        "web.undo_check_in",
        "POST",
        codes(303, 403, 403, 303, 404, 404, 302),
        args={"stay_id": "current_stay"},
        body={},
    ),
    _page(
        "web.next_place", "GET", codes(200, 200, 200, 403, 403, 404, 302), args={"stay_id": "current_stay"}
    ),
    _page(
        "web.hold_suggested_place",
        "POST",
        codes(409, 409, 409, 403, 403, 404, 302),  # not suggested yet, as for the API
        args={"stay_id": "current_stay", "site_id": "own_next_site"},
        body=lambda w: {f"site-{w['own_next_site']}-space_id": str(w["next_bed"])},
    ),
    _page(
        "web.start_plan", "POST", codes(303, 303, 303, 403, 403, 404, 302), args={"stay_id": "current_stay"}
    ),
    _page(
        "web.add_plan_step",
        "POST",
        codes(303, 303, 303, 403, 403, 404, 302),
        args={"stay_id": "current_stay"},
        body={"step-kind": "income", "step-description": "Job offer letter", "step-owner": "Survivor"},
    ),
    _page(
        "web.set_step_status",
        "POST",
        codes(303, 303, 303, 403, 403, 404, 302),
        args={"step_id": "plan_step"},
        body=lambda w: {f"step-{w['plan_step']}-status": "in_progress"},
    ),
    _page(
        "web.decline_suggested_place",
        "POST",
        codes(303, 303, 303, 403, 403, 404, 302),
        args={"stay_id": "current_stay", "site_id": "own_next_site"},
        body=lambda w: {f"site-{w['own_next_site']}-reason": "Too far from school"},
    ),
    _page(
        "web.acknowledge_flag",
        "POST",
        codes(303, 303, 303, 404, 404, 404, 302),
        args={"flag_id": "flag"},
        body=lambda w: {f"flag-{w['flag']}-note": "On it"},
    ),
    # Notifications: my choices and phone number; admins' webhooks. Texting is off in these
    # tests, so a number can't be added (409), and there is no code to confirm (422).
    _page("web.notification_choices", "GET", codes(200, 200, 200, 200, 200, 200, 302)),
    _page(
        "web.notification_choices",
        "POST",
        codes(303, 303, 303, 303, 303, 303, 302),
        body={"stay_flag-in_app": "y", "quiet_from": "22:00", "quiet_until": "07:00"},
    ),
    _page("web.add_phone", "POST", codes(409, 409, 409, 409, 409, 409, 302), body={"phone": "+15551112222"}),
    _page("web.confirm_phone", "POST", codes(422, 422, 422, 422, 422, 422, 302), body={"code": "123456"}),
    _page("web.remove_phone", "POST", codes(303, 303, 303, 303, 303, 303, 302)),
    _page("web.admin_webhooks", "GET", codes(200, 403, 403, 403, 403, 403, 302)),
    _page(
        "web.admin_webhooks",
        "POST",
        codes(201, 403, 403, 403, 403, 403, 302),
        body={"name": "HMIS lead", "url": "https://93.184.215.14/hmis", "events": "site_opened"},
    ),
    _page(
        "web.admin_test_webhook",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"webhook_id": "webhook"},
    ),
    _page(
        "web.admin_turn_on_webhook",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"webhook_id": "webhook"},
    ),
    _page(
        "web.admin_delete_webhook",
        "POST",
        codes(303, 403, 403, 403, 403, 403, 302),
        args={"webhook_id": "webhook"},
    ),
]

ROWS = API_ROWS + PAGE_ROWS
