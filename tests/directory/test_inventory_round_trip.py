"""The inventory CSV goes out and comes back: the same file after a move to an empty
database; a partner edits its own sites' file and imports it, within what partners may change."""

from __future__ import annotations

import csv
import io
from typing import Any

from housing_service.models import Role, Site
from housing_service.vocabulary import AgeGroup, HouseholdType, SpaceKind, Tier

from ..conftest import _reset_database
from .helpers import apply, dry_run


def _coalition(make: Any) -> dict[str, Any]:
    light = make.organisation(
        "Harbor Light",
        external_id="ORG-1",
        victim_service_provider=True,
        confidential_services_phone="+1 510 555 0199",
    )
    bridge = make.organisation("Bridge Homes")
    east, west = make.area("East County"), make.area("West County")
    shelter = make.site(
        light, east, name="Harbor House", street_address="12 Elm St", city="Oakland", state="CA",
        postal_code="94601", contact="+1 510 555 0100", languages=("en", "es"), external_id="S-1",
        intake_hours="=call first", accessibility_notes="Lift; ramp, \"wide\" doors",
    )  # fmt: skip
    for _ in range(5):
        make.space(shelter)
    make.space(shelter, SpaceKind.UNIT, capacity=3)
    safe = make.site(light, west, name="Safe Haven", confidential=True, tier=Tier.TRANSITIONAL)
    make.space(safe, SpaceKind.UNIT, capacity=5)
    make.site(
        bridge, west, name="Bridge Apartments", tier=Tier.LONG_TERM,
        households_served=frozenset({HouseholdType.ADULTS_WITH_CHILDREN}),
        age_groups_served=frozenset({AgeGroup.ADULT}), languages=(),
    )  # fmt: skip
    return {"light": light, "bridge": bridge}


def test_export_import_into_an_empty_database_export_gives_the_same_file(app, api, make):
    _coalition(make)
    first = api(make.user(Role.ADMIN)).get("/api/v1/inventory-export")
    assert first.status_code == 200
    exported = first.data
    assert exported.count(b"\r\n") == 4  # a header and three sites
    _reset_database(app)
    admin = api(make.user(Role.ADMIN))
    answer = apply(admin, exported)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["counts"]["sites_created"] == 3
    assert admin.get("/api/v1/inventory-export").data == exported


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _write(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_a_partner_downloads_edits_and_re_imports_its_own_sites(api, make):
    world = _coalition(make)
    partner = api(make.user(Role.PARTNER, world["light"]))
    rows = _rows(partner.get("/api/v1/inventory-export").get_data(as_text=True))
    assert [row["site"] for row in rows] == ["Harbor House", "Safe Haven"]  # never Bridge Homes' sites
    rows[0]["intake_hours"] = "Every day 8am-8pm"
    rows[0]["beds"] = "7"
    answer = apply(partner, _write(rows))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["counts"]["sites_updated"] == 1
    assert answer.get_json()["counts"]["beds_created"] == 2
    with make.app.app_context():
        from housing_service.extensions import db

        site = db.session.scalar(db.select(Site).where(Site.name == "Harbor House"))
        assert site.intake_hours == "Every day 8am-8pm" and len(site.spaces) == 8


def test_a_partner_can_t_change_admins_fields_add_sites_or_touch_another_organisation(api, make):
    world = _coalition(make)
    partner = api(make.user(Role.PARTNER, world["light"]))
    rows = _rows(partner.get("/api/v1/inventory-export").get_data(as_text=True))
    rows[0]["confidential"] = "yes"
    rows[1]["tier"] = "emergency"
    rows[1]["hud_project_type"] = "0"
    rows[1]["stay_limit_days"] = "60"
    new_site = {**rows[0], "site": "Another House", "site_external_id": "", "confidential": "no"}
    theirs = {**rows[0], "organisation": "Bridge Homes", "organisation_external_id": ""}
    theirs.update(site="Bridge Apartments", site_external_id="", confidential="no")
    body = dry_run(partner, _write([*rows, new_site, theirs])).get_json()
    assert [(r["row"], r["column"]) for r in body["refusals"]] == [
        (2, "confidential"), (3, "hud_project_type"), (4, "site"), (5, "organisation"),
    ]  # fmt: skip
    assert all("only admins" in r["reason"] or "your own" in r["reason"] for r in body["refusals"])


def test_advocates_may_not_import_or_export(api, make):
    advocate = api(make.user(Role.ADVOCATE))
    assert advocate.get("/api/v1/inventory-export").status_code == 403
    assert dry_run(advocate, b"organisation\n").status_code == 403
