"""Moving a coalition's inventory in from a file: the plan, which is the dry run's answer.

The dry run reads everything it needs in a few queries and writes nothing: what the file would
create, update and leave unchanged, each refused row, and the changes worth a second look.
Rows match existing records by a stable key (an external id, else the organisation's name and
the site's name). Applying it is inventory_write's job.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from flask import current_app
from flask_babel import format_number, gettext, ngettext
from sqlalchemy import func, select

from ..errors import InvalidInput
from ..extensions import db
from ..models import Area, Organisation, Role, Site, Space
from ..services.access import require_role
from ..services.actor import Actor
from ..services.inventory import PARTNER_EDITABLE_SITE_FIELDS
from ..vocabulary import SpaceKind, Tier
from . import inventory_columns as columns
from .inventory_rows import RowRefused, SiteRow, read_row
from .spreadsheet import Sheet

DEFAULT_HUD_PROJECT_TYPE = {Tier.EMERGENCY: 0, Tier.TRANSITIONAL: 2, Tier.LONG_TERM: 9}


@dataclass(frozen=True)
class Refusal:
    """One cell (or row) the import can't take, and the rule it breaks."""

    row: int
    column: str
    reason: str


@dataclass
class SitePlan:
    row: SiteRow
    site: Site | None  # None: a new site
    changes: dict[str, Any] = field(default_factory=dict)
    new_beds: int = 0
    new_units: int = 0
    created: Site | None = None  # the new site, once applied

    @property
    def site_id(self) -> int:
        """The site's id: the existing one's, or the new one's once flushed."""
        site = self.site or self.created
        if site is None:
            raise RuntimeError("a new site has no id before it is written")
        return site.id


@dataclass
class ImportPlan:
    """What an import would do; `as_dict` is the dry run's answer."""

    file_name: str
    fingerprint: str
    rows: int
    refusals: list[Refusal] = field(default_factory=list)
    callouts: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    new_areas: list[str] = field(default_factory=list)
    new_organisations: dict[str, SiteRow] = field(default_factory=dict)  # by organisation key
    organisation_changes: dict[int, dict[str, Any]] = field(default_factory=dict)
    sites: list[SitePlan] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        created = [plan for plan in self.sites if plan.site is None]
        updated = [
            plan
            for plan in self.sites
            if plan.site is not None and (plan.changes or plan.new_beds or plan.new_units)
        ]
        return {
            "areas_created": len(self.new_areas),
            "organisations_created": len(self.new_organisations),
            "organisations_updated": len(self.organisation_changes),
            "sites_created": len(created),
            "sites_updated": len(updated),
            "sites_unchanged": len(self.sites) - len(created) - len(updated),
            "beds_created": sum(plan.new_beds for plan in self.sites),
            "units_created": sum(plan.new_units for plan in self.sites),
            "rows_refused": len({refusal.row for refusal in self.refusals}),
        }

    @property
    def summary(self) -> str:
        """What the import will do, in the reader's words (the dry run's account)."""
        return gettext(
            "Will create %(sites)s, %(beds)s and %(units)s (%(organisations)s, %(areas)s); "
            "update %(updated)s, leave %(unchanged)s unchanged; %(refused)s refused.",
            **self._counted(),
        )

    @property
    def done_summary(self) -> str:
        """What the import did, once written."""
        return gettext(
            "Created %(sites)s, %(beds)s and %(units)s (%(organisations)s, %(areas)s); "
            "updated %(updated)s, left %(unchanged)s unchanged; %(refused)s refused.",
            **self._counted(),
        )

    def _counted(self) -> dict[str, str]:
        c = self.counts
        return {
            "sites": ngettext("%(num)s site", "%(num)s sites", c["sites_created"]),
            "beds": ngettext("%(num)s bed", "%(num)s beds", c["beds_created"]),
            "units": ngettext("%(num)s unit", "%(num)s units", c["units_created"]),
            "organisations": ngettext(
                "%(num)s new organisation", "%(num)s new organisations", c["organisations_created"]
            ),
            "areas": ngettext("%(num)s new area", "%(num)s new areas", c["areas_created"]),
            "updated": format_number(c["sites_updated"]),
            "unchanged": format_number(c["sites_unchanged"]),
            "refused": ngettext("%(num)s row", "%(num)s rows", c["rows_refused"]),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "file_name": self.file_name,
            "fingerprint": self.fingerprint,
            "rows": self.rows,
            "summary": self.summary,
            "counts": self.counts,
            "refusals": [
                {"file": self.file_name, "row": r.row, "column": r.column, "reason": r.reason}
                for r in self.refusals
            ],
            "callouts": self.callouts,
            "notes": self.notes,
        }


def fingerprint(content: bytes) -> str:
    """The file's sha256: applying names the dry run it follows."""
    return hashlib.sha256(content).hexdigest()


# Planning ------------------------------------------------------------------------------


def _refuse_file(problem: str) -> InvalidInput:
    return InvalidInput.field("file", problem)


def require_importer(actor: Actor) -> None:
    """Admins import any organisation's inventory; partners their own organisation's."""
    require_role(actor, Role.PARTNER)


def plan_import(actor: Actor, sheet: Sheet, content_fingerprint: str) -> ImportPlan:
    """The dry run: what the file would create, update and leave, and every refused row."""
    require_importer(actor)
    present = frozenset(sheet.header)
    if missing := sorted(columns.REQUIRED_COLUMNS - present):
        raise _refuse_file(
            gettext(
                "%(file)s has no column %(columns)s (see the template).",
                file=sheet.file_name,
                columns=", ".join(missing),
            )
        )
    if unknown := sorted(name for name in present if name and name not in columns.COLUMN_NAMES):
        raise _refuse_file(
            gettext(
                "%(file)s has columns the import doesn't know: %(columns)s.",
                file=sheet.file_name,
                columns=", ".join(unknown),
            )
        )
    plan = ImportPlan(sheet.file_name, content_fingerprint, len(sheet.rows))
    rows = []
    for number, cells in sheet.rows:
        try:
            rows.append(read_row(number, cells, present))
        except RowRefused as refused:
            plan.refusals.append(Refusal(number, refused.column, refused.reason))
    _Matcher(actor, plan).match(rows)
    plan.refusals.sort(key=lambda refusal: refusal.row)
    return plan


class _Matcher:
    """Rows to the records they name, read in a few queries."""

    def __init__(self, actor: Actor, plan: ImportPlan) -> None:
        self.actor, self.plan = actor, plan
        organisations = list(db.session.scalars(select(Organisation)))
        self.organisations_by_key = {o.external_id: o for o in organisations if o.external_id}
        self.organisations_by_name = {o.name.lower(): o for o in organisations}
        sites = list(db.session.scalars(select(Site)))
        self.sites_by_key = {s.external_id: s for s in sites if s.external_id}
        self.sites_by_name = {(s.organisation_id, s.name.lower()): s for s in sites}
        self.areas = {a.name.lower(): a for a in db.session.scalars(select(Area))}
        self.spaces = _space_counts()
        self.new_names: dict[str, SiteRow] = {}

    def match(self, rows: list[SiteRow]) -> None:
        seen_sites: dict[Any, int] = {}
        named_sites: dict[tuple[str, str], int] = {}
        organisation_rows: dict[str, SiteRow] = {}
        for row in rows:
            try:
                organisation_key = self._organisation(row, organisation_rows)
                site_key = (
                    ("id", row.site_external_id)
                    if row.site_external_id
                    else (organisation_key, row.name.lower())
                )
                if site_key in seen_sites:
                    column = "site_external_id" if row.site_external_id else "site"
                    raise RowRefused(
                        column,
                        gettext("the same site as row %(row)s: one row per site.", row=seen_sites[site_key]),
                    )
                seen_sites[site_key] = row.number
                if (organisation_key, row.name.lower()) in named_sites:
                    first = named_sites[(organisation_key, row.name.lower())]
                    raise RowRefused(
                        "site", gettext("the same name as row %(row)s in the same organisation.", row=first)
                    )
                named_sites[(organisation_key, row.name.lower())] = row.number
                self._site(row, organisation_key)
            except RowRefused as refused:
                self.plan.refusals.append(Refusal(row.number, refused.column, refused.reason))

    def _organisation(self, row: SiteRow, organisation_rows: dict[str, SiteRow]) -> str:
        """The organisation's key in this file; plans its creation or change once."""
        existing = None
        if row.organisation_external_id:
            existing = self.organisations_by_key.get(row.organisation_external_id)
        if existing is None:
            existing = self.organisations_by_name.get(row.organisation.lower())
            if existing is not None and not self.actor.is_admin and existing.id != self.actor.organisation_id:
                raise RowRefused(
                    "organisation", gettext("you may import only your own organisation's sites.")
                )
            if existing is not None and row.organisation_external_id and existing.external_id:
                raise RowRefused(
                    "organisation",
                    gettext(
                        "%(name)s already has the external id %(id)s.",
                        name=repr(row.organisation),
                        id=repr(existing.external_id),
                    ),
                )
        key = f"id:{existing.id}" if existing is not None else new_organisation_key(row)
        if key in organisation_rows:
            first = organisation_rows[key]
            if first.organisation != row.organisation:
                raise RowRefused(
                    "organisation",
                    gettext(
                        "names it %(name)s, row %(row)s %(other)s.",
                        name=repr(row.organisation),
                        row=first.number,
                        other=repr(first.organisation),
                    ),
                )
            if None not in (first.victim_service_provider, row.victim_service_provider) and (
                first.victim_service_provider != row.victim_service_provider
            ):
                raise RowRefused(
                    "victim_service_provider",
                    gettext("differs from row %(row)s for the same organisation.", row=first.number),
                )
            if row.hotline_given and row.hotline != first.hotline:
                raise RowRefused(
                    "confidential_services_phone",
                    gettext("differs from row %(row)s for the same organisation.", row=first.number),
                )
            return key
        if existing is None and (clash := self.new_names.get(row.organisation.lower())) is not None:
            raise RowRefused(
                "organisation",
                gettext("the same name as row %(row)s, with another external id.", row=clash.number),
            )
        organisation_rows[key] = row
        if existing is None:
            self.new_names[row.organisation.lower()] = row
            if not self.actor.is_admin:
                raise RowRefused("organisation", gettext("only admins may add organisations."))
            self.plan.new_organisations[key] = row
            return key
        if not self.actor.is_admin and existing.id != self.actor.organisation_id:
            raise RowRefused("organisation", gettext("you may import only your own organisation's sites."))
        changes: dict[str, Any] = {}
        if existing.name != row.organisation:
            changes["name"] = row.organisation
        if row.organisation_external_id and existing.external_id != row.organisation_external_id:
            changes["external_id"] = row.organisation_external_id
        if (
            row.victim_service_provider is not None
            and row.victim_service_provider != existing.victim_service_provider
        ):
            changes["victim_service_provider"] = row.victim_service_provider
        if row.hotline_given and row.hotline != existing.confidential_services_phone:
            changes["confidential_services_phone"] = row.hotline
        if changes:
            if not self.actor.is_admin:
                raise RowRefused(
                    sorted(changes)[0] if "name" not in changes else "organisation",
                    gettext("only admins may change an organisation."),
                )
            self.plan.organisation_changes[existing.id] = changes
        return key

    def _site(self, row: SiteRow, organisation_key: str) -> None:
        organisation_id = int(organisation_key[3:]) if organisation_key.startswith("id:") else None
        site = self.sites_by_key.get(row.site_external_id) if row.site_external_id else None
        if site is None and organisation_id is not None:
            site = self.sites_by_name.get((organisation_id, row.name.lower()))
            if site is not None and row.site_external_id and site.external_id:
                raise RowRefused(
                    "site",
                    gettext(
                        "%(name)s already has the external id %(id)s.",
                        name=repr(row.name),
                        id=repr(site.external_id),
                    ),
                )
        if (site is not None and organisation_id is not None and site.organisation_id != organisation_id) or (
            site is None and organisation_id is None and row.site_external_id in self.sites_by_key
        ):
            raise RowRefused(
                "site_external_id",
                gettext("belongs to a site of another organisation.")
                if self.actor.is_admin
                else gettext("no site of yours has it."),
            )
        area_changes = self._area(row, site)
        if site is None:
            if not self.actor.is_admin:
                raise RowRefused(
                    "site", gettext("no site of yours has this name: only admins may add sites.")
                )
            self.plan.sites.append(SitePlan(row, None, new_beds=row.beds, new_units=row.units))
            return
        changes = {**area_changes, **_site_changes(site, row)}
        if not self.actor.is_admin and (refused := sorted(set(changes) - PARTNER_EDITABLE_SITE_FIELDS)):
            raise RowRefused(refused[0], gettext("only admins may change this."))
        for name in ("confidential", "tier"):
            if name in changes:
                values = {
                    "row": row.number,
                    "site": repr(site.name),
                    "before": _shown(getattr(site, name)),
                    "after": _shown(changes[name]),
                }
                self.plan.callouts.append(
                    gettext(
                        "Row %(row)s: %(site)s changes confidential from %(before)s to %(after)s.", **values
                    )
                    if name == "confidential"
                    else gettext("Row %(row)s: %(site)s changes tier from %(before)s to %(after)s.", **values)
                )
        beds, units = self.spaces.get(site.id, (0, 0))
        plan = SitePlan(row, site, changes, max(row.beds - beds, 0), max(row.units - units, 0))
        keeping = {
            "beds": (beds, row.beds, ngettext("%(num)s bed", "%(num)s beds", beds)),
            "units": (units, row.units, ngettext("%(num)s unit", "%(num)s units", units)),
        }
        for has, wants, kept in keeping.values():
            if wants < has:
                self.plan.notes.append(
                    gettext(
                        "Row %(row)s: %(site)s keeps its %(kept)s (the file says %(wants)s): an import never "
                        "removes beds or units; take them out of service on the site's page.",
                        row=row.number,
                        site=repr(site.name),
                        kept=kept,
                        wants=wants,
                    )
                )
        self.plan.sites.append(plan)

    def _area(self, row: SiteRow, site: Site | None) -> dict[str, Any]:
        area = self.areas.get((row.area or "").lower())
        if area is None:
            if not self.actor.is_admin:
                raise RowRefused(
                    "area",
                    gettext("no area is named %(name)s: only admins may add areas.", name=repr(row.area)),
                )
            if row.area and row.area.lower() not in {name.lower() for name in self.plan.new_areas}:
                self.plan.new_areas.append(row.area)
            return {"area_id": row.area} if site is not None else {}
        if site is not None and site.area_id != area.id:
            return {"area_id": area.id}
        return {}


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    return str(getattr(value, "value", value))


def _space_counts() -> dict[int, tuple[int, int]]:
    counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    query = select(Space.site_id, Space.kind, func.count()).group_by(Space.site_id, Space.kind)
    for site_id, kind, count in db.session.execute(query):
        counts[site_id][0 if kind == SpaceKind.BED else 1] = count
    return {site_id: (beds, units) for site_id, (beds, units) in counts.items()}


def resolved_values(site: Site | None, row: SiteRow) -> dict[str, Any]:
    """The row's site values with blank optional cells filled as the import fills them."""
    values = dict(row.values)
    tier: Tier = values["tier"]
    tier_kept = site is not None and site.tier == tier
    if values.get("hud_project_type") is None:
        values["hud_project_type"] = (
            site.hud_project_type if tier_kept and site is not None else DEFAULT_HUD_PROJECT_TYPE[tier]
        )
    if tier == Tier.LONG_TERM:
        values["stay_limit_days"] = None
    elif values.get("stay_limit_days") is None:
        values["stay_limit_days"] = (
            site.stay_limit_days if tier_kept and site is not None else tier.default_stay_limit_days
        )
    if values.get("hold_window_hours") is None:
        values["hold_window_hours"] = (
            site.hold_window_hours if site is not None else current_app.config["HOLD_WINDOW_HOURS"]
        )
    if site is None:
        for name in ("pets_allowed", "intake_24_hours"):
            values.setdefault(name, False)
        for name in ("intake_hours", "contact", "accessibility_notes"):
            values.setdefault(name, "")
        values.setdefault("languages", ())
    return values


def _site_changes(site: Site, row: SiteRow) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if site.name != row.name:
        changes["name"] = row.name
    if row.site_external_id and site.external_id != row.site_external_id:
        changes["external_id"] = row.site_external_id
    for name, value in resolved_values(site, row).items():
        current = tuple(site.language_codes) if name == "languages" else getattr(site, name)
        if current != value:
            changes[name] = value
    return changes


def new_organisation_key(row: SiteRow) -> str:
    return f"new:{(row.organisation_external_id or row.organisation.lower())}"
