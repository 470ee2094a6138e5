"""HUD's HMIS CSV FY2026 project descriptor files, zipped: what a HIC or LSA upload needs.

Organization, Project, ProjectCoC, Inventory, Funder and HMISParticipation, with Export.
Never a client-level file (Client, Enrollment, Exit, Services…): this service is a victim
service provider's comparable database, and its client data never leaves it. A confidential
site (or any site of a victim service provider) is exported without its street or city:
HUD's upload rules ask only its geocode, ZIP and geography type.

Every site is checked before a byte is written: a missing HUD field is a 422 naming the site
and the field, never a half-written file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext, ngettext

from ..errors import InvalidInput
from ..services.access import require_admin
from ..services.actor import Actor
from ..vocabulary import HMIS_PARTICIPATING, AgeGroup, HouseholdType, SpaceKind, Tier
from . import queries
from .service import check_night, check_period

CSV_VERSION = "2026 v1"
SOFTWARE_NAME = "housing_service"
SOFTWARE_VERSION = "0.1.0"
SOURCE_TYPE_STANDALONE = 2  # a standalone, agency-specific application (a comparable database)
EXPORT_PERIOD_REPORTING = 3
EXPORT_DIRECTIVE_FULL = 2
HASH_STATUS_UNHASHED = 1
RRH_SUBTYPE_HOUSING = 2
EMERGENCY_SHELTER_TYPES = frozenset({0, 1})

# (file, columns as (name, HMIS CSV type)), in HUD's order (tests compare with columns.csv).
C, N, D, T = "character", "numeric", "date", "datetime"
FILES: dict[str, tuple[tuple[str, str], ...]] = {
    "Export": (
        ("ExportID", C), ("SourceType", N), ("SourceID", C), ("SourceName", C), ("SourceContactFirst", C),
        ("SourceContactLast", C), ("SourceContactPhone", C), ("SourceContactExtension", C),
        ("SourceContactEmail", C), ("ExportDate", T), ("ExportStartDate", D), ("ExportEndDate", D),
        ("SoftwareName", C), ("SoftwareVersion", C), ("CSVVersion", C), ("ExportPeriodType", N),
        ("ExportDirective", N), ("HashStatus", N), ("ImplementationID", C),
    ),
    "Organization": (
        ("OrganizationID", C), ("OrganizationName", C), ("VictimServiceProvider", N),
        ("OrganizationCommonName", C), ("DateCreated", T), ("DateUpdated", T), ("UserID", C),
        ("DateDeleted", C), ("ExportID", C),
    ),
    "Project": (
        ("ProjectID", C), ("OrganizationID", C), ("ProjectName", C), ("ProjectCommonName", C),
        ("OperatingStartDate", D), ("OperatingEndDate", D), ("ContinuumProject", N), ("ProjectType", N),
        ("HousingType", N), ("RRHSubType", N), ("ResidentialAffiliation", N), ("TargetPopulation", N),
        ("HOPWAMedAssistedLivingFac", N), ("PITCount", N), ("DateCreated", T), ("DateUpdated", T),
        ("UserID", C), ("DateDeleted", C), ("ExportID", C),
    ),
    "ProjectCoC": (
        ("ProjectCoCID", C), ("ProjectID", C), ("CoCCode", C), ("Geocode", C), ("Address1", C),
        ("Address2", C), ("City", C), ("State", C), ("ZIP", C), ("GeographyType", N), ("DateCreated", T),
        ("DateUpdated", T), ("UserID", C), ("DateDeleted", C), ("ExportID", C),
    ),
    "Inventory": (
        ("InventoryID", C), ("ProjectID", C), ("CoCCode", C), ("HouseholdType", N), ("Availability", N),
        ("UnitInventory", N), ("BedInventory", N), ("CHVetBedInventory", N), ("YouthVetBedInventory", N),
        ("VetBedInventory", N), ("CHYouthBedInventory", N), ("YouthBedInventory", N), ("CHBedInventory", N),
        ("OtherBedInventory", N), ("ESBedType", N), ("InventoryStartDate", D), ("InventoryEndDate", D),
        ("DateCreated", T), ("DateUpdated", T), ("UserID", C), ("DateDeleted", C), ("ExportID", C),
    ),
    "Funder": (
        ("FunderID", C), ("ProjectID", C), ("Funder", N), ("OtherFunder", C), ("GrantID", C),
        ("StartDate", D), ("EndDate", D), ("DateCreated", T), ("DateUpdated", T), ("UserID", C),
        ("DateDeleted", C), ("ExportID", C),
    ),
    "HMISParticipation": (
        ("HMISParticipationID", C), ("ProjectID", C), ("HMISParticipationType", N),
        ("HMISParticipationStatusStartDate", D), ("HMISParticipationStatusEndDate", D), ("DateCreated", T),
        ("DateUpdated", T), ("UserID", C), ("DateDeleted", C), ("ExportID", C),
    ),
}  # fmt: skip

# Fields HUD's upload rules require of every project, and of emergency shelter only.
REQUIRED_SITE_FIELDS = (
    "coc_code", "geocode", "postal_code", "geography_type", "housing_type", "operating_start_on",
    "hmis_participation",
)  # fmt: skip
REQUIRED_EMERGENCY_SHELTER_FIELDS = ("es_bed_type", "bed_availability")
# Dedicated beds: the only dedication this service knows is a programme for youth (18–24).
DEDICATED_BED_COLUMNS = (
    "CHVetBedInventory", "YouthVetBedInventory", "VetBedInventory", "CHYouthBedInventory",
    "YouthBedInventory", "CHBedInventory", "OtherBedInventory",
)  # fmt: skip
HOUSEHOLD_ORDER = (HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN, HouseholdType.MINORS_ONLY)


@dataclass(frozen=True)
class Export:
    file_name: str
    content: bytes
    files: dict[str, list[dict[str, Any]]]  # the rows written, by file: for callers that check them


def household_type_of_space(
    kind: SpaceKind, capacity: int, served: frozenset[HouseholdType]
) -> HouseholdType:
    """A unit for two or more houses a family where the site takes families; a bed (or a studio
    for one), an adult or a minor on their own."""
    preference = (
        (HouseholdType.ADULTS_WITH_CHILDREN, HouseholdType.SINGLE_ADULTS, HouseholdType.MINORS_ONLY)
        if kind == SpaceKind.UNIT and capacity >= 2
        else (HouseholdType.SINGLE_ADULTS, HouseholdType.MINORS_ONLY, HouseholdType.ADULTS_WITH_CHILDREN)
    )
    return next((household for household in preference if household in served), preference[0])


def export_hmis(
    actor: Actor | None, starts: date, ends: date, hic_night: date, today: date, now: datetime, timezone: str
) -> Export:
    """The zipped project descriptor files for a period, with PITCount for `hic_night`.

    Admins only (None: the operator at the console).
    """
    if actor is not None:
        require_admin(actor)
    check_period(starts, ends, today)
    check_night(hic_night, today)
    zone = ZoneInfo(timezone)
    export_id = now.astimezone(zone).strftime("%Y%m%d%H%M%S")
    user_id = str(actor.user_id if actor is not None and actor.user_id else 0)

    def stamp(moment: datetime | None) -> datetime | None:
        return moment.astimezone(zone).replace(tzinfo=None) if moment else None

    sites = queries.exported_sites(starts)
    spaces: dict[int, list[tuple[SpaceKind, int, int, int]]] = {}
    for site_id, kind, capacity, count, beds in queries.spaces_by_site_kind_and_capacity():
        spaces.setdefault(site_id, []).append((SpaceKind(kind), int(capacity), int(count), int(beds)))
    funders: dict[int, list[Any]] = {}
    for funder in queries.funders_in_period(starts):
        funders.setdefault(funder.site_id, []).append(funder)
    _refuse_incomplete(sites, spaces, funders)
    persons = queries.persons_by_site_on(hic_night)

    common = {"UserID": user_id, "DateDeleted": None, "ExportID": export_id}
    files: dict[str, list[dict[str, Any]]] = {name: [] for name in FILES}
    coc_codes = sorted({row.Site.coc_code for row in sites})
    files["Export"].append(
        {
            "ExportID": export_id, "SourceType": SOURCE_TYPE_STANDALONE,
            "SourceID": coc_codes[0] if len(coc_codes) == 1 else None, "SourceName": SOFTWARE_NAME,
            "SourceContactFirst": None, "SourceContactLast": None, "SourceContactPhone": None,
            "SourceContactExtension": None, "SourceContactEmail": None, "ExportDate": stamp(now),
            "ExportStartDate": starts, "ExportEndDate": ends, "SoftwareName": SOFTWARE_NAME,
            "SoftwareVersion": SOFTWARE_VERSION, "CSVVersion": CSV_VERSION,
            "ExportPeriodType": EXPORT_PERIOD_REPORTING, "ExportDirective": EXPORT_DIRECTIVE_FULL,
            "HashStatus": HASH_STATUS_UNHASHED, "ImplementationID": SOFTWARE_NAME,
        }
    )  # fmt: skip
    organisations_done: set[int] = set()
    for row in sites:
        site = row.Site
        if site.organisation_id not in organisations_done:
            organisations_done.add(site.organisation_id)
            files["Organization"].append(
                {
                    "OrganizationID": str(site.organisation_id),
                    "OrganizationName": row.organisation_name[:200],
                    "VictimServiceProvider": int(row.victim_service_provider), "OrganizationCommonName": None,
                    "DateCreated": stamp(row.organisation_created_at),
                    "DateUpdated": stamp(row.organisation_created_at), **common,
                }
            )  # fmt: skip
        dated = {"DateCreated": stamp(site.created_at), "DateUpdated": stamp(site.updated_at), **common}
        emergency = site.hud_project_type in EMERGENCY_SHELTER_TYPES
        comparable = site.hmis_participation != HMIS_PARTICIPATING
        files["Project"].append(
            {
                "ProjectID": str(site.id), "OrganizationID": str(site.organisation_id),
                "ProjectName": site.name[:200], "ProjectCommonName": None,
                "OperatingStartDate": site.operating_start_on, "OperatingEndDate": site.operating_end_on,
                "ContinuumProject": 1, "ProjectType": site.hud_project_type, "HousingType": site.housing_type,
                "RRHSubType": RRH_SUBTYPE_HOUSING if site.hud_project_type == 13 else None,
                "ResidentialAffiliation": None, "TargetPopulation": site.target_population,
                "HOPWAMedAssistedLivingFac": None,
                # HUD takes a PIT count from the project only where HMIS doesn't hold the stays.
                "PITCount": persons.get(site.id, 0) if comparable else None,
                **dated,
            }
        )  # fmt: skip
        # A confidential site's street and city never leave the service, nor a VSP's.
        withheld = site.confidential or row.victim_service_provider
        files["ProjectCoC"].append(
            {
                "ProjectCoCID": str(site.id), "ProjectID": str(site.id), "CoCCode": site.coc_code,
                "Geocode": site.geocode, "Address1": None if withheld else site.street_address,
                "Address2": None, "City": None if withheld else site.city, "State": site.state,
                "ZIP": (site.postal_code or "")[:5], "GeographyType": site.geography_type, **dated,
            }
        )  # fmt: skip
        for household, units, beds in _inventory(site, spaces.get(site.id, [])):
            youth_only = site.age_groups_served == frozenset({AgeGroup.YOUTH})
            dedicated = dict.fromkeys(DEDICATED_BED_COLUMNS, 0)
            dedicated["YouthBedInventory" if youth_only else "OtherBedInventory"] = beds
            files["Inventory"].append(
                {
                    "InventoryID": f"{site.id}-{household.hud_code}", "ProjectID": str(site.id),
                    "CoCCode": site.coc_code, "HouseholdType": household.hud_code,
                    "Availability": site.bed_availability if emergency else None,
                    "UnitInventory": units, "BedInventory": beds, **dedicated,
                    "ESBedType": site.es_bed_type if emergency else None,
                    "InventoryStartDate": site.operating_start_on, "InventoryEndDate": site.operating_end_on,
                    **dated,
                }
            )  # fmt: skip
        for funder in funders.get(site.id, []):
            files["Funder"].append(
                {
                    "FunderID": str(funder.id), "ProjectID": str(site.id), "Funder": funder.funder,
                    "OtherFunder": funder.other_funder, "GrantID": funder.grant_id,
                    "StartDate": funder.starts_on, "EndDate": funder.ends_on,
                    "DateCreated": stamp(funder.created_at), "DateUpdated": stamp(funder.updated_at),
                    **common,
                }
            )  # fmt: skip
        files["HMISParticipation"].append(
            {
                "HMISParticipationID": str(site.id), "ProjectID": str(site.id),
                "HMISParticipationType": site.hmis_participation,
                "HMISParticipationStatusStartDate": site.operating_start_on,
                "HMISParticipationStatusEndDate": site.operating_end_on, **dated,
            }
        )  # fmt: skip
    return Export(f"hmis-csv-{export_id}.zip", _zipped(files), files)


def _inventory(
    site: Any, spaces: Sequence[tuple[SpaceKind, int, int]]
) -> list[tuple[HouseholdType, int, int]]:
    """(household type, units, beds) of a site, one line per household type it has beds for."""
    totals: dict[HouseholdType, list[int]] = {}
    for kind, capacity, count, beds in spaces:
        household = household_type_of_space(kind, capacity, site.households_served)
        line = totals.setdefault(household, [0, 0])
        line[0] += count if kind == SpaceKind.UNIT else 0
        line[1] += beds
    return [(household, *totals[household]) for household in HOUSEHOLD_ORDER if household in totals]


def _refuse_incomplete(sites: Sequence[Any], spaces: dict[int, Any], funders: dict[int, Any]) -> None:
    problems: dict[str, list[str]] = {}
    for row in sites:
        site = row.Site

        def missing(field: str, problem: str, site: Any = site) -> None:
            problems.setdefault(f"sites.{site.id}.{field}", []).append(
                gettext("%(site)s (site %(id)s): %(problem)s", site=site.name, id=site.id, problem=problem)
            )

        for field in REQUIRED_SITE_FIELDS:
            if getattr(site, field) in (None, ""):
                missing(field, gettext("HUD needs this for every project; set it on the site."))
        if site.tier == Tier.EMERGENCY:
            for field in REQUIRED_EMERGENCY_SHELTER_FIELDS:
                if getattr(site, field) is None:
                    missing(field, gettext("HUD needs this for emergency shelter; set it on the site."))
        if row.victim_service_provider and site.hmis_participation == HMIS_PARTICIPATING:
            missing(
                "hmis_participation",
                gettext("a victim service provider's project uses a comparable database (2)."),
            )
        if not spaces.get(site.id):
            missing("spaces", gettext("HUD needs at least one bed or unit in the inventory."))
        if not funders.get(site.id):
            missing("funders", gettext("HUD needs at least one funder running in the period."))
    if problems:
        first_field, (first_problem, *_rest) = next(iter(problems.items()))
        raise InvalidInput(
            ngettext(
                "The export can't be made: %(num)s site field to fix. First: %(field)s: %(problem)s",
                "The export can't be made: %(num)s site fields to fix. First: %(field)s: %(problem)s",
                len(problems),
                field=first_field,
                problem=first_problem,
            ),
            problems,
        )


def _formatted(value: Any, data_type: str) -> str:
    if value is None:
        return ""
    if data_type == "character":
        return '"' + str(value).replace('"', '""') + '"'
    if data_type == "datetime":
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if data_type == "date":
        return value.isoformat()
    return str(int(value))


def csv_text(name: str, rows: Sequence[dict[str, Any]]) -> str:
    """One HMIS CSV file as the sample writes it: strings quoted, numbers and dates bare, NULL empty."""
    columns = FILES[name]
    lines = [",".join(f'"{column}"' for column, _type in columns)]
    lines += [",".join(_formatted(row[column], data_type) for column, data_type in columns) for row in rows]
    return "\n".join(lines) + "\n"


def _zipped(files: dict[str, list[dict[str, Any]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in files.items():
            archive.writestr(f"{name}.csv", csv_text(name, rows))
    return buffer.getvalue()
