"""The public HSDS 3.1 directory: its documents validate against the HSDS schemas, its
datapackage validates with frictionless, and no confidential site reaches it in any form."""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from frictionless import Package, validate
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from housing_service import clock
from housing_service.models import Role
from housing_service.vocabulary import SpaceFeature, SpaceKind

SCHEMAS = Path(__file__).parent / "hsds_3_1"
BASE = "https://schemas.test/hsds/"
FEED = "/api/v1/hsds"
SECRET_NAME = "Hidden Harbor Refuge"
SECRET_STREET = "77 Whisper Lane"


def _registry() -> Registry:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        contents = {**json.loads(path.read_text()), "$id": BASE + path.name}
        resources.append(
            (BASE + path.name, Resource.from_contents(contents, default_specification=DRAFT202012))
        )
    return Registry().with_resources(resources)


REGISTRY = _registry()


def validator(name: str) -> Draft202012Validator:
    schema = REGISTRY.contents(BASE + name)
    return Draft202012Validator(schema, registry=REGISTRY, format_checker=FormatChecker())


def assert_valid(name: str, document: dict[str, Any]) -> None:
    errors = sorted(validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])


@pytest.fixture
def directory(make: Any) -> dict[str, Any]:
    """One organisation with a public shelter (confirmed, two free beds of three, a unit) and a
    confidential one; a second organisation with only a confidential shelter."""
    open_org = make.organisation("Bay Area Light", confidential_services_phone="+1 510 555 0199")
    area = make.area("Alameda County")
    public = make.site(
        open_org, area, name="Open Door House", street_address="1 Open St", city="Oakland", state="CA",
        postal_code="94601", contact="510-555-0100", accessibility_notes="Step-free entrance",
        intake_24_hours=False, intake_hours="Mon-Fri 9am-5pm", languages=("en", "es"),
    )  # fmt: skip
    beds = [make.space(public, features=frozenset({SpaceFeature.WHEELCHAIR_ACCESSIBLE})), make.space(public)]
    make.space(public, in_service=False, out_of_service_reason="Repairs")
    make.space(public, SpaceKind.UNIT, capacity=4)
    secret = make.site(
        open_org, area, name=SECRET_NAME, confidential=True, street_address=SECRET_STREET, city="Oakland",
        state="CA", postal_code="94602", address=SECRET_STREET,
    )  # fmt: skip
    for _ in range(7):
        make.space(secret)
    hidden_org = make.organisation("Quiet Shelter Network")
    hidden = make.site(hidden_org, area, name="Quiet Shelter Home", confidential=True, address="9 Still Rd")
    make.space(hidden)
    client = make.client()
    make.placement(client, beds[1], public, clock.now().date() - timedelta(days=2), make.user(Role.PARTNER))
    return {"public": public, "secret": secret, "hidden": hidden, "hidden_org": hidden_org}


def _all(anonymous: Any, path: str) -> list[dict[str, Any]]:
    items, page = [], 1
    while True:
        answer = anonymous.get(f"{FEED}/{path}", query_string={"page": page, "per_page": 1})
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        items += body["contents"]
        if body["last_page"]:
            assert body["total_items"] == len(items)
            return items
        page += 1


def test_every_document_validates_against_the_hsds_schemas(api, directory):
    anonymous = api(None)
    services = _all(anonymous, "services")
    assert len(services) == 2  # the public shelter, and the organisation's confidential-services line
    for service in services:
        assert_valid("compiled-service_with_definitions.json", service)
        assert_valid("service.json", service)
        one = anonymous.get(f"{FEED}/services/{service['id']}")
        assert one.status_code == 200
        assert one.get_json() == service
    organizations = _all(anonymous, "organizations")
    assert [o["name"] for o in organizations] == ["Bay Area Light"]
    for organization in organizations:
        assert_valid("organization.json", organization)
    locations = _all(anonymous, "locations")
    assert [location["name"] for location in locations] == ["Open Door House"]
    for location in locations:
        assert_valid("location.json", location)
        assert anonymous.get(f"{FEED}/locations/{location['id']}").get_json() == location


def test_a_service_carries_tonight_s_capacity_intake_hours_languages_and_accessibility(api, directory):
    services = api(None).get(f"{FEED}/services").get_json()["contents"]
    shelter = next(s for s in services if s["name"].startswith("Open Door House"))
    capacity = {c["unit"]["name"]: (c["available"], c["maximum"]) for c in shelter["capacities"]}
    # Two beds in service, one of them taken by a current stay; one free unit.
    assert capacity == {"Bed": (1, 2), "Unit": (1, 1)}
    assert all(c["updated"] == directory["public"].availability_confirmed_at.isoformat(timespec="seconds")
               for c in shelter["capacities"])  # fmt: skip
    assert shelter["schedules"][0]["description"] == "Mon-Fri 9am-5pm"
    assert [language["code"] for language in shelter["languages"]] == ["en", "es"]
    location = shelter["service_at_locations"][0]["location"]
    assert location["addresses"][0]["address_1"] == "1 Open St"
    assert location["accessibility"][0]["description"] == "Step-free entrance"
    assert location["accessibility"][0]["details"] == "1 wheelchair-accessible beds or units."
    hotline = next(s for s in services if "confidential" in s["name"])
    assert hotline["phones"][0]["number"] == "+1 510 555 0199"
    assert "service_at_locations" not in hotline and "capacities" not in hotline


def _everything(anonymous: Any) -> str:
    texts = [anonymous.get(f"{FEED}/").get_data(as_text=True)]
    for path in ("services", "organizations", "locations"):
        texts.append(anonymous.get(f"{FEED}/{path}", query_string={"per_page": 200}).get_data(as_text=True))
    with zipfile.ZipFile(io.BytesIO(anonymous.get(f"{FEED}/export.zip").data)) as archive:
        texts += [archive.read(name).decode() for name in archive.namelist()]
    return "\n".join(texts)


def test_no_confidential_site_address_or_count_reaches_the_feed(api, app, directory):
    anonymous = api(None)
    published = _everything(anonymous)
    for secret in (SECRET_NAME, SECRET_STREET, "94602", "Quiet Shelter", "9 Still Rd"):
        assert secret not in published
    # Counts: seven confidential beds would make any total larger than the public three.
    services = anonymous.get(f"{FEED}/services").get_json()
    assert services["total_items"] == 2
    # Ids: derived from a secret, so the confidential sites' ids are not guessable from the
    # public ones; and none of the ids the feed would give them appears.
    from housing_service.directory.hsds_feed import namespace

    space = namespace(app.config["HSDS_ID_SECRET"])
    for site in (directory["secret"], directory["hidden"]):
        for kind in ("service", "location", "service_at_location", "address"):
            assert str(uuid.uuid5(space, f"{kind}/{site.id}")) not in published
        assert anonymous.get(f"{FEED}/services/{uuid.uuid5(space, f'service/{site.id}')}").status_code == 404
    public_id = str(uuid.uuid5(space, f"service/{directory['public'].id}"))
    assert public_id in published
    # Anyone who knows only the public source code can't derive the ids from database ids.
    assert str(uuid.uuid5(uuid.NAMESPACE_URL, f"service/{directory['public'].id}")) not in published


def test_the_feed_is_public_cacheable_and_can_be_turned_off(api, app, make, directory, monkeypatch):
    anonymous = api(None)
    first = anonymous.get(f"{FEED}/services")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=300"
    again = anonymous.get(f"{FEED}/services", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    # Signed-in people read the same directory.
    assert api(make.user(Role.ADVOCATE)).get(f"{FEED}/services").get_json() == first.get_json()
    monkeypatch.setitem(app.config, "HSDS_FEED", False)
    off = anonymous.get(f"{FEED}/services")
    assert off.status_code == 404
    assert off.get_json()["code"] == 404 and "HSDS_FEED" in off.get_json()["message"]
    assert off.headers["Cache-Control"] == "no-store"  # only answers that hold the directory are kept


def test_pages_follow_the_hsds_api_and_bad_paging_is_refused(api, directory):
    anonymous = api(None)
    second = anonymous.get(f"{FEED}/services", query_string={"page": 2, "per_page": 1}).get_json()
    assert (second["page_number"], second["size"], second["total_pages"]) == (2, 1, 2)
    assert second["last_page"] and not second["first_page"] and not second["empty"]
    beyond = anonymous.get(f"{FEED}/services", query_string={"page": 9}).get_json()
    assert beyond["empty"] and beyond["contents"] == []
    refused = anonymous.get(f"{FEED}/services", query_string={"per_page": 0})
    assert refused.status_code == 422 and "per_page" in json.dumps(refused.get_json()["errors"])
    unknown = anonymous.get(f"{FEED}/services", query_string={"taxonomy": "x"})
    assert unknown.status_code == 422


def test_the_datapackage_validates_with_frictionless(api, directory, tmp_path):
    content = api(None).get(f"{FEED}/export.zip").data
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        archive.extractall(tmp_path)
        names = set(archive.namelist())
    assert {"datapackage.json", "services.csv", "service_capacity.csv", "locations.csv"} <= names
    report = validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = Package(str(tmp_path / "datapackage.json"))
    capacity = package.get_resource("service_capacity").read_rows()
    assert sorted(row["available"] for row in capacity) == [1, 1]
    assert len(package.get_resource("location").read_rows()) == 1
    # The CSV headers are HSDS 3.1 field names of each table.
    for resource in package.resources:
        schema = json.loads((SCHEMAS / f"{resource.name}.json").read_text())
        assert {field.name for field in resource.schema.fields} <= set(schema["properties"])
