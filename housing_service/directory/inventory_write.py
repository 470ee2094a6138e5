"""Applying an import: the plan made again from the same file (never from a stale preview),
written in one transaction only when no row is refused, and never deleting anything."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

from flask_babel import gettext, ngettext

from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..models import Area, Organisation, Site, SiteLanguage, Space
from ..services import audit, revision
from ..services.actor import Actor
from ..services.inventory import one_line_address
from ..vocabulary import SpaceKind
from .inventory_import import ImportPlan, new_organisation_key, plan_import, resolved_values
from .inventory_rows import SiteRow
from .spreadsheet import Sheet


@dataclass(frozen=True)
class ImportResult:
    counts: dict[str, int]
    summary: str


def apply_import(
    actor: Actor, sheet: Sheet, content_fingerprint: str, dry_run_fingerprint: str, now: datetime
) -> ImportResult:
    """Plan again from the file and write it all, or refuse it all; flushes, never commits."""
    return apply_planned(
        actor,
        lambda: plan_import(actor, sheet, content_fingerprint),
        content_fingerprint,
        dry_run_fingerprint,
        now,
    )


def apply_planned(
    actor: Actor,
    make_plan: Callable[[], ImportPlan],
    content_fingerprint: str,
    dry_run_fingerprint: str,
    now: datetime,
    action: str = "inventory.import",
) -> ImportResult:
    """Write what `make_plan` plans (after taking the import's turn), or refuse it all."""
    if dry_run_fingerprint != content_fingerprint:
        raise InvalidInput.field(
            "fingerprint", gettext("This is not the file of the dry run: run the dry run on this file first.")
        )
    _one_import_at_a_time()
    plan = make_plan()
    if plan.refusals:
        errors: dict[str, list[str]] = defaultdict(list)
        for refusal in plan.refusals:
            errors[f"row {refusal.row}: {refusal.column}"].append(refusal.reason)
        raise InvalidInput(
            ngettext(
                "%(file)s: %(num)s problem; nothing was imported. Fix it, try again.",
                "%(file)s: %(num)s problems; nothing was imported. Fix them, try again.",
                len(plan.refusals),
                file=plan.file_name,
            ),
            dict(errors),
        )
    try:
        _write(actor, plan, now)
    except (IntegrityError, psycopg.errors.IntegrityError) as error:
        raise Conflict(
            gettext(
                "The inventory changed while this import ran; nothing was imported. Run the dry run again."
            ),
            {"file": [gettext("Changed by someone else meanwhile.")]},
        ) from error
    audit.record(actor, action, "import", None, {"file": plan.fingerprint[:16], **plan.counts}, now=now)
    return ImportResult(plan.counts, plan.done_summary)


IMPORT_LOCK_ID = 7_460_016  # pg advisory lock id: one inventory import at a time


def _one_import_at_a_time() -> None:
    """Imports take turns (PostgreSQL; SQLite writes one at a time anyway): the second of two
    imports of one file plans after the first has committed, and finds its rows there."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": IMPORT_LOCK_ID})


def _write(actor: Actor, plan: ImportPlan, now: datetime) -> None:
    if not actor.is_admin and (plan.new_areas or plan.new_organisations):
        raise Forbidden(gettext("Only admins may add areas or organisations."))
    areas = {area.name.lower(): area for area in db.session.scalars(select(Area))}
    for name in plan.new_areas:
        areas[name.lower()] = Area(name=name)
        db.session.add(areas[name.lower()])
    organisations: dict[str, Organisation] = {}
    for key, row in plan.new_organisations.items():
        organisations[key] = Organisation(
            name=row.organisation,
            external_id=row.organisation_external_id,
            victim_service_provider=bool(row.victim_service_provider),
            confidential_services_phone=row.hotline,
        )
        db.session.add(organisations[key])
    for organisation_id, changes in plan.organisation_changes.items():
        organisation = db.session.get(Organisation, organisation_id)
        for name, value in changes.items():
            setattr(organisation, name, value)
    db.session.flush()
    for site_plan in plan.sites:
        row = site_plan.row
        if site_plan.site is None:
            organisation = organisations.get(new_organisation_key(row)) or _existing_organisation(row)
            site = Site(organisation_id=organisation.id, name=row.name, external_id=row.site_external_id)
            site.area = areas[(row.area or "").lower()]
            _set_values(site, resolved_values(None, row))
            db.session.add(site)
            site_plan.created = site
        elif site_plan.changes:
            changes = dict(site_plan.changes)
            if isinstance(changes.get("area_id"), str):
                changes["area_id"] = areas[changes["area_id"].lower()].id
            _set_values(site_plan.site, changes)
            site_plan.site.updated_at = now
    db.session.flush()
    _add_spaces(plan, now)
    revision.mark_changed()


def _existing_organisation(row: SiteRow) -> Organisation:
    if row.organisation_external_id:
        found = db.session.scalar(
            select(Organisation).where(Organisation.external_id == row.organisation_external_id)
        )
        if found is not None:
            return found
    return db.session.scalars(
        select(Organisation).where(func.lower(Organisation.name) == row.organisation.lower())
    ).one()


def _set_values(site: Site, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name == "languages":
            site.languages = [SiteLanguage(code=code) for code in value]
        else:
            setattr(site, name, value)
    if any(part in values for part in ("street_address", "city", "state", "postal_code")):
        site.address = one_line_address(site)


def _add_spaces(plan: ImportPlan, now: datetime) -> None:
    """Beds "Bed 1", "Bed 2" … and units "Unit 1" …, numbered past the labels a site has."""
    growing = [p for p in plan.sites if p.new_beds or p.new_units]
    if not growing:
        return
    site_ids = [p.site.id for p in growing if p.site is not None]
    taken: dict[int, set[str]] = defaultdict(set)
    if site_ids:
        for site_id, label in db.session.execute(
            select(Space.site_id, Space.label).where(Space.site_id.in_(site_ids))
        ):
            taken[site_id].add(label.lower())
    new_rows = []
    for site_plan in growing:
        site_id = site_plan.site_id
        for kind, count, capacity in (
            (SpaceKind.BED, site_plan.new_beds, 1),
            (SpaceKind.UNIT, site_plan.new_units, site_plan.row.unit_capacity or 1),
        ):
            number = 0
            for _ in range(count):
                number += 1
                while f"{kind.value} {number}" in taken[site_id]:
                    number += 1
                new_rows.append(
                    {
                        "site_id": site_id,
                        "label": f"{kind.value.capitalize()} {number}",
                        "kind": kind,
                        "capacity": capacity,
                        "features": frozenset(),
                        "in_service": True,
                        "created_at": now,
                    }
                )
    _insert_spaces(new_rows)


SPACE_COLUMNS = ("site_id", "label", "kind", "capacity", "features", "in_service", "created_at")


def _insert_spaces(rows: list[dict[str, Any]]) -> None:
    """Tens of thousands of rows: PostgreSQL's COPY (in this transaction, every constraint
    checked), ten times quicker than INSERTs; SQLite gets one executemany."""
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(insert(Space.__table__), rows)
        return
    features = Space.__table__.c.features.type
    cursor = connection.connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY spaces ({', '.join(SPACE_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            stored = {**row, "kind": row["kind"].value, "features": features.mask(row["features"])}
            copy.write_row(tuple(stored[column] for column in SPACE_COLUMNS))
