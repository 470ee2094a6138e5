"""Confidential addresses and survivors' details reach only the people the rules allow.

Each role walks every list and detail the app can show (API and pages), over every record
of the coalition, and the test records which markers (coalition.py) it saw. The rules
(services/access.py, api/presenters.py):

- a confidential shelter's address: admins, the shelter's own staff, and the person who
  holds a bed there right now;
- a survivor's record (alias, languages, household, safety plan, readiness): admins and
  the people working the case;
- shelter staff see, of the survivors coming to or staying at their own sites, only what
  they need to welcome them (code, household size, needs, languages, pets);
- notes about holds, stays and flags follow the record they belong to.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, url_for

from housing_service.directory.hsds_feed import namespace

from .coalition import (
    ACKNOWLEDGEMENT_NOTE,
    ADMIN,
    ADVOCATE,
    ALIAS_A,
    ALIAS_B,
    ALIAS_C,
    ANONYMOUS,
    CALLBACK_PHONE,
    CASE_MANAGER,
    DECLINE_REASON,
    DESTINATION_TEXT,
    EXTENSION_REASON,
    OFF_CASE,
    OTHER_SECRET_ADDRESS,
    OWN_SECRET_ADDRESS,
    PARTNER_OTHER,
    PARTNER_OWN,
    PLAN_STEP,
    PUBLIC_ADDRESS,
    RELEASE_REASON,
    REVIEW_NOTE,
    ROLES,
    Coalition,
)
from .conftest import signed_in

CASE_TEAM = {ADMIN, ADVOCATE, CASE_MANAGER}

# Which records each URL argument is walked over (coalition ids by name).
STAYS = ["past_stay", "current_stay", "stay_c"]
ARGUMENT_RECORDS = {
    "client_id": ["client_a", "client_b", "client_c"],
    "hold_id": ["held_hold", "placed_hold", "released_hold", "expired_hold"],
    "placement_id": STAYS,
    "stay_id": STAYS,
    "site_id": ["own_open_site", "own_secret_site", "other_secret_site"],
    "space_id": ["open_bed", "secret_bed", "secret_bed_held", "other_bed", "other_bed_2"],
    "organisation_id": ["own_organisation", "other_organisation"],
    "user_id": [f"user_{role}" for role in ROLES if role != ANONYMOUS],
    "token_id": ["token"],
    "webhook_id": ["webhook"],
    "flag_id": ["flag"],
    "step_id": ["plan_step"],
    "referral_id": ["referral"],
    "pause_id": ["pause", "open_pause"],
}
# Arguments that are not record ids: the values to walk.
LITERAL_ARGUMENTS: dict[str, list[str]] = {
    "filename": ["site.css"],
    # Report pages: each report, and a table of each (the other pairs answer 404).
    "name": ["point-in-time", "outcomes"],
    "table_name": ["persons", "exits"],
}
# The public directory's ids (directory/hsds_feed.py), derived from sites' and organisations'
# ids: walked for every site and organisation, the confidential ones included (they must 404).
HSDS_ARGUMENTS = {
    "service_id": ("service", "site_id"),
    "location_id": ("location", "site_id"),
    "organization_id": ("organization", "organisation_id"),
}
# Lists whose default filter hides some records: walk these queries too.
EXTRA_QUERIES = {
    "flags.list_flags": [{"open": "false"}],
    "placements.list_placements": [{"current": "true"}, {"current": "false"}],
    "availability.search": [{"starts_on": "2027-05-20"}],
    # Exclusions named on request: a confidential site is never among them.
    "suggestions.for_placement": [{"name_exclusions": "true"}],
    "reports.outcomes": [{"k": "2"}],
    "report_pages.report": [{"k": "2"}],
}


def allowed_markers(world: Coalition) -> dict[str, set[str]]:
    """Marker → the roles that may see it."""
    return {
        OWN_SECRET_ADDRESS: {ADMIN, PARTNER_OWN, ADVOCATE},  # the advocate holds a bed there
        OTHER_SECRET_ADDRESS: {ADMIN, PARTNER_OTHER},
        ALIAS_A: CASE_TEAM,
        ALIAS_B: CASE_TEAM,
        ALIAS_C: {ADMIN, OFF_CASE},
        # Codes: the case team, and staff of the sites the survivor stays at or is coming to.
        world.client_codes["a"]: CASE_TEAM | {PARTNER_OWN, PARTNER_OTHER},
        world.client_codes["b"]: CASE_TEAM | {PARTNER_OWN},
        world.client_codes["c"]: {ADMIN, OFF_CASE, PARTNER_OTHER},
        DESTINATION_TEXT: CASE_TEAM | {PARTNER_OTHER},  # client A's stay at the other shelter
        EXTENSION_REASON: CASE_TEAM | {PARTNER_OWN},
        RELEASE_REASON: CASE_TEAM | {PARTNER_OWN},
        ACKNOWLEDGEMENT_NOTE: CASE_TEAM,  # on a 'nearing its end' flag: the case team's alone
        PLAN_STEP: CASE_TEAM,
        DECLINE_REASON: CASE_TEAM,
        PUBLIC_ADDRESS: set(ROLES) - {ANONYMOUS, PARTNER_OTHER},
        # A referral's call-back number: its sender's side and the screened site's staff.
        CALLBACK_PHONE: CASE_TEAM | {PARTNER_OTHER},
        REVIEW_NOTE: {ADMIN},
    }


# Every marker a role may see is reachable through the API too (the survivor's decisions
# through /clients/{id}/decisions).
NOT_SHOWN_BY_THE_API: set[str] = set()

# Fields only a full survivor's record has; shelter staff never get them.
RECORD_ONLY_FIELDS = {
    "alias",
    "avoid_area_ids",
    "avoid_site_ids",
    "preferred_area_ids",
    "substance_use_preference",
    "legal_status",
    "stage_of_change",
    "has_income",
    "has_identity_documents",
    "says_ready_to_move",
    "case_phase",
    "team_user_ids",
}
# What a site's staff see of a survivor (ClientAtSiteSchema).
AT_SITE_FIELDS = {"code", "household_size", "accessibility_needs", "languages", "has_pets"}
RECORDS_OF = {
    ADMIN: {"client_a", "client_b", "client_c"},
    ADVOCATE: {"client_a", "client_b"},
    CASE_MANAGER: {"client_a", "client_b"},
    PARTNER_OWN: set(),
    PARTNER_OTHER: set(),
    OFF_CASE: {"client_c"},
    ANONYMOUS: set(),
}


def _urls(app: Flask, world: Coalition, blueprint_filter: Any) -> Iterator[tuple[str, str]]:
    """Every GET URL of the app (chosen by `blueprint_filter(endpoint)`), over every record."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or not blueprint_filter(rule.endpoint):
            continue
        choices = []
        for name in sorted(rule.arguments):
            if name in ARGUMENT_RECORDS:
                choices.append([(name, world[record]) for record in ARGUMENT_RECORDS[name]])
            elif name in HSDS_ARGUMENTS:
                kind, records = HSDS_ARGUMENTS[name]
                space = namespace(app.config["HSDS_ID_SECRET"])
                ids = [
                    str(uuid.uuid5(space, f"{kind}/{world[record]}")) for record in ARGUMENT_RECORDS[records]
                ]
                choices.append([(name, value) for value in ids])
            elif name in LITERAL_ARGUMENTS:
                choices.append([(name, value) for value in LITERAL_ARGUMENTS[name]])
            else:
                pytest.fail(
                    f"{rule.rule} ({rule.endpoint}) has the argument {name!r}, which the leak walk does not "
                    "know: add it to ARGUMENT_RECORDS (coalition records to walk) or LITERAL_ARGUMENTS in "
                    "tests/security/test_leaks.py.",
                    pytrace=False,
                )
        for combination in itertools.product(*choices):
            with app.test_request_context():
                base = url_for(rule.endpoint, **dict(combination))
            yield rule.endpoint, base
            for query in EXTRA_QUERIES.get(rule.endpoint, []):
                with app.test_request_context():
                    yield rule.endpoint, url_for(rule.endpoint, **dict(combination), **query)


def _text(response: Any) -> str:
    """What a response shows; a zip (the directory's datapackage) by the text of its files."""
    if response.mimetype == "application/zip" and response.status_code == 200:
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return response.get_data(as_text=True)


def _walk(app: Flask, world: Coalition, role: str, blueprint_filter: Any) -> list[tuple[str, int, str]]:
    browser = signed_in(app, world, role)
    seen = []
    for endpoint, url in _urls(app, world, blueprint_filter):
        if endpoint == "api-docs.openapi_json":
            continue  # the API's description: field names, no records
        response = browser.get(url)
        assert response.status_code < 500, f"{role}: GET {url} -> {response.status_code}"
        seen.append((url, response.status_code, _text(response)))
    return seen


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, dict):
        yield value
        for item in value.values():
            yield from _objects(item)
    elif isinstance(value, list):
        for item in value:
            yield from _objects(item)


PAGE_BLUEPRINTS = ("web.", "report_pages.", "directory_pages.", "directory_hsds_pages.")


def _is_api(endpoint: str) -> bool:
    return not endpoint.startswith(PAGE_BLUEPRINTS) and endpoint != "static"


def _is_page(endpoint: str) -> bool:
    return endpoint.startswith(PAGE_BLUEPRINTS)


@pytest.mark.parametrize("role", ROLES)
def test_the_api_shows_each_role_only_what_the_rules_allow(app: Flask, coalition: Coalition, role: str):
    responses = _walk(app, coalition, role, _is_api)
    allowed = allowed_markers(coalition)
    seen = {marker for marker in allowed for _, _, text in responses if marker in text}
    may_see = {marker for marker, roles in allowed.items() if role in roles}
    leaked = seen - may_see
    assert not leaked, f"{role} saw {sorted(leaked)} in: " + ", ".join(
        url for url, _, text in responses if any(marker in text for marker in leaked)
    )
    # Each allowed marker was found: the walk reaches what it claims to check.
    missing = may_see - seen - NOT_SHOWN_BY_THE_API
    assert not missing, f"{role} never saw {sorted(missing)}"

    allowed_ids = {coalition[name] for name in RECORDS_OF[role]}
    for url, status, text in responses:
        if status != 200 or not text.lstrip().startswith(("{", "[")):
            continue
        for item in _objects(json.loads(text)):
            if "alias" in item and "code" in item:  # a full survivor's record
                assert item["id"] in allowed_ids, f"{role} got survivor record {item['id']} from {url}"
            if role in (PARTNER_OWN, PARTNER_OTHER, ANONYMOUS):
                assert not (RECORD_ONLY_FIELDS & item.keys()), (
                    f"{role} got {RECORD_ONLY_FIELDS & item.keys()} {url}"
                )
            if isinstance(item.get("client"), dict):
                assert set(item["client"]) == AT_SITE_FIELDS, f"{url}: {sorted(item['client'])}"


@pytest.mark.parametrize("role", ROLES)
def test_the_pages_show_each_role_only_what_the_rules_allow(app: Flask, coalition: Coalition, role: str):
    responses = _walk(app, coalition, role, _is_page)
    if not responses:
        pytest.skip("the app has no pages")
    allowed = allowed_markers(coalition)
    leaked = {
        (marker, url)
        for marker, roles in allowed.items()
        if role not in roles
        for url, _, text in responses
        if marker in text
    }
    assert not leaked, f"{role} saw: {sorted(leaked)}"
    if role == ANONYMOUS:
        assert all(status in (200, 302, 303) for _, status, _ in responses)


def test_the_public_directory_never_shows_a_confidential_site(app: Flask, coalition: Coalition):
    """Every site with a full street address (the directory publishes one): only the open
    sites' reach the feed, its pages and its datapackage; the confidential ones, nowhere."""
    from housing_service.extensions import db
    from housing_service.models import Site

    with app.app_context():
        for name, street in (
            ("own_open_site", PUBLIC_ADDRESS),
            ("own_secret_site", OWN_SECRET_ADDRESS),
            ("other_secret_site", OTHER_SECRET_ADDRESS),
        ):
            site = db.session.get(Site, coalition[name])
            site.street_address, site.city, site.state, site.postal_code = street, "Oakland", "CA", "94601"
        db.session.commit()
    responses = _walk(app, coalition, ANONYMOUS, lambda endpoint: endpoint.startswith("hsds."))
    published = "\n".join(text for _, _, text in responses)
    assert PUBLIC_ADDRESS in published and "Harbour Open House" in published
    for secret in (OWN_SECRET_ADDRESS, OTHER_SECRET_ADDRESS, "Harbour Safe House", "Quiet Refuge"):
        assert secret not in published, secret
    assert {status for url, status, _ in responses if "/hsds/services/" in url} == {200, 404}
