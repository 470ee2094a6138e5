"""The whole directory as an HSDS 3.1 tabular datapackage: one CSV per table, and
datapackage.json describing each (fields, types, keys), zipped."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

from .hsds_feed import HSDS_VERSION, Directory

UUID = ("string", "uuid")
TEXT = ("string", None)
NUMBER = ("number", None)
WHEN = ("datetime", None)

# table: (file, [(field, (type, format), required)], [(field, referenced table)])
TABLES: dict[str, tuple[str, list[tuple[str, tuple[str, str | None], bool]], list[tuple[str, str]]]] = {
    "organization": (
        "organizations.csv",
        [("id", UUID, True), ("name", TEXT, True), ("description", TEXT, True)],
        [],
    ),
    "service": (
        "services.csv",
        [
            ("id", UUID, True),
            ("organization_id", UUID, True),
            ("name", TEXT, True),
            ("description", TEXT, False),
            ("email", ("string", "email"), False),
            ("status", TEXT, True),
            ("eligibility_description", TEXT, False),
            ("minimum_age", NUMBER, False),
            ("maximum_age", NUMBER, False),
            ("last_modified", WHEN, False),
        ],
        [("organization_id", "organization")],
    ),
    "location": (
        "locations.csv",
        [
            ("id", UUID, True),
            ("location_type", TEXT, True),
            ("organization_id", UUID, False),
            ("name", TEXT, False),
        ],
        [("organization_id", "organization")],
    ),
    "service_at_location": (
        "service_at_location.csv",
        [("id", UUID, True), ("service_id", UUID, True), ("location_id", UUID, True)],
        [("service_id", "service"), ("location_id", "location")],
    ),
    "phone": (
        "phones.csv",
        [
            ("id", UUID, True),
            ("location_id", UUID, False),
            ("service_id", UUID, False),
            ("number", TEXT, True),
        ],
        [("location_id", "location"), ("service_id", "service")],
    ),
    "language": (
        "languages.csv",
        [
            ("id", UUID, True),
            ("service_id", UUID, False),
            ("location_id", UUID, False),
            ("code", TEXT, False),
        ],
        [("location_id", "location"), ("service_id", "service")],
    ),
    "schedule": (
        "schedules.csv",
        [
            ("id", UUID, True),
            ("service_id", UUID, False),
            ("freq", TEXT, False),
            ("byday", TEXT, False),
            ("opens_at", TEXT, False),
            ("closes_at", TEXT, False),
            ("description", TEXT, False),
        ],
        [("service_id", "service")],
    ),
    "accessibility": (
        "accessibility.csv",
        [
            ("id", UUID, True),
            ("location_id", UUID, False),
            ("description", TEXT, False),
            ("details", TEXT, False),
        ],
        [("location_id", "location")],
    ),
    "address": (
        "addresses.csv",
        [
            ("id", UUID, True),
            ("location_id", UUID, False),
            ("address_1", TEXT, True),
            ("city", TEXT, True),
            ("state_province", TEXT, True),
            ("postal_code", TEXT, True),
            ("country", TEXT, True),
            ("address_type", TEXT, True),
        ],
        [("location_id", "location")],
    ),
    "unit": ("units.csv", [("id", UUID, True), ("name", TEXT, True)], []),
    "service_capacity": (
        "service_capacity.csv",
        [
            ("id", UUID, True),
            ("service_id", UUID, True),
            ("unit_id", UUID, True),
            ("available", NUMBER, True),
            ("maximum", NUMBER, False),
            ("description", TEXT, False),
            ("updated", WHEN, True),
        ],
        [("service_id", "service"), ("unit_id", "unit")],
    ),
}


def tables_of(directory: Directory) -> dict[str, list[dict[str, Any]]]:
    """The directory's records, flattened into HSDS's tables."""
    rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLES}

    def put(table: str, record: dict[str, Any]) -> None:
        rows[table][record["id"]] = record

    for organization in directory.organizations:
        put("organization", organization)
    for location in directory.locations:
        put("location", location)
        for table, key in (("language", "languages"), ("phone", "phones"), ("address", "addresses"),
                           ("accessibility", "accessibility")):  # fmt: skip
            for record in location[key]:
                put(table, record)
    for service in directory.services:
        put("service", service)
        for table, key in (("language", "languages"), ("phone", "phones"), ("schedule", "schedules")):
            for record in service.get(key, []):
                put(table, record)
        for at_location in service.get("service_at_locations", []):
            put("service_at_location", at_location)
        for capacity in service.get("capacities", []):
            put("unit", capacity["unit"])
            put("service_capacity", {**capacity, "unit_id": capacity["unit"]["id"]})
    return {name: sorted(records.values(), key=lambda r: r["id"]) for name, records in rows.items()}


def _csv(fields: list[str], records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(fields)
    for record in records:
        writer.writerow(["" if record.get(name) is None else record[name] for name in fields])
    return buffer.getvalue().encode()


def descriptor() -> dict[str, Any]:
    """datapackage.json: each table's file, fields, primary and foreign keys."""
    resources = []
    for name, (path, fields, references) in TABLES.items():
        schema_fields = []
        for field, (kind, form), required in fields:
            entry: dict[str, Any] = {"name": field, "type": kind}
            if form:
                entry["format"] = form
            if required:
                entry["constraints"] = {"required": True}
            schema_fields.append(entry)
        schema: dict[str, Any] = {"fields": schema_fields, "primaryKey": ["id"]}
        if references:
            schema["foreignKeys"] = [
                {"fields": field, "reference": {"resource": table, "fields": "id"}}
                for field, table in references
            ]
        resources.append(
            {"name": name, "path": path, "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8", "schema": schema}
        )  # fmt: skip
    return {
        "name": "hsds-directory",
        "title": "Housing for survivors of human trafficking: public directory",
        "profile": "tabular-data-package",
        "version": HSDS_VERSION,
        "resources": resources,
    }


def datapackage_zip(directory: Directory) -> bytes:
    tables = tables_of(directory)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date on every entry: the same directory gives the same bytes (and ETag).
        for name, (path, fields, _) in TABLES.items():
            archive.writestr(
                zipfile.ZipInfo(path, (2026, 1, 1, 0, 0, 0)), _csv([f[0] for f in fields], tables[name])
            )
        archive.writestr(
            zipfile.ZipInfo("datapackage.json", (2026, 1, 1, 0, 0, 0)), json.dumps(descriptor(), indent=2)
        )
    return buffer.getvalue()
