"""Files for the import tests: inventory CSVs built from rows of the template's columns."""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from housing_service.directory.inventory_columns import COLUMN_NAMES

API = "/api/v1/inventory-import"


def site_row(**cells: str) -> dict[str, str]:
    """A complete, valid row; `cells` override it (use "" for a blank cell)."""
    row = {
        "organisation": "Harbor Light",
        "organisation_external_id": "",
        "victim_service_provider": "yes",
        "site_external_id": "",
        "site": "Harbor House",
        "tier": "emergency",
        "hud_project_type": "0",
        "stay_limit_days": "60",
        "area": "Alameda County",
        "confidential": "no",
        "street_address": "12 Elm St",
        "city": "Oakland",
        "state": "CA",
        "postal_code": "94601",
        "households_served": "single_adults|adults_with_children",
        "genders_served": "woman|nonbinary",
        "age_groups_served": "youth|adult",
        "languages": "en|es",
        "substance_use_policy": "harm_reduction",
        "pets_allowed": "no",
        "intake_24_hours": "yes",
        "intake_hours": "",
        "contact": "510-555-0100",
        "accessibility_notes": "Step-free entrance",
        "hold_window_hours": "4",
        "beds": "10",
        "units": "2",
        "unit_capacity": "4",
    }
    row.update(cells)
    return row


def inventory_csv(
    rows: list[dict[str, str]], delimiter: str = ",", columns: tuple[str, ...] = COLUMN_NAMES
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(name, "") for name in columns])
    return buffer.getvalue().encode()


def file_body(content: bytes, file_name: str = "inventory.csv", **extra: Any) -> dict[str, Any]:
    return {"file_name": file_name, "content": base64.b64encode(content).decode(), **extra}


def dry_run(client: Any, content: bytes, file_name: str = "inventory.csv") -> Any:
    return client.post(f"{API}/dry-run", json=file_body(content, file_name))


def apply(client: Any, content: bytes, file_name: str = "inventory.csv") -> Any:
    """Dry run, then apply with the dry run's fingerprint (as a person would)."""
    preview = dry_run(client, content, file_name)
    assert preview.status_code == 200, preview.get_json()
    return client.post(
        f"{API}/apply", json=file_body(content, file_name, fingerprint=preview.get_json()["fingerprint"])
    )
