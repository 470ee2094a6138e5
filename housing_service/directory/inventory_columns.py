"""The inventory file's columns: one row per site, with its organisation and its beds and units.

One place that says what each column holds; the template, the documented column list, the
import and the export all read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..vocabulary import AgeGroup, Gender, HouseholdType, SubstanceUsePolicy, Tier


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    meaning: str
    example: str


def _choices(enum: type) -> str:
    return ", ".join(member.value for member in enum)


LIST_SEPARATOR = "|"
LARGEST_SPACE_COUNT = 1_000
LARGEST_UNIT_CAPACITY = 30

COLUMNS: tuple[Column, ...] = (
    Column("organisation", True, "The organisation's name.", "Harbor Light"),
    Column(
        "organisation_external_id",
        False,
        "Your own key for the organisation (kept; a re-import matches on it, else on the name).",
        "ORG-17",
    ),
    Column(
        "victim_service_provider", False, "HUD's victim service provider flag: yes or no (default no).", "yes"
    ),
    Column(
        "confidential_services_phone",
        False,
        "A hotline the public directory lists as the organisation's one \"confidential housing: call "
        'this number" service (blank: none). Its confidential sites are never listed.',
        "510-555-0199",
    ),
    Column(
        "site_external_id",
        False,
        "Your own key for the site (kept; a re-import matches on it, else on organisation + site name).",
        "SITE-204",
    ),
    Column("site", True, "The site's (programme's) name, unique within its organisation.", "Harbor House"),
    Column("tier", True, f"One of: {_choices(Tier)}.", "emergency"),
    Column(
        "hud_project_type",
        False,
        "HUD project type (emergency 0 or 1, transitional 2, long_term 3, 9, 10 or 13); default by tier.",
        "0",
    ),
    Column(
        "stay_limit_days",
        False,
        "Days a stay may last (1–3650); default by tier (emergency 60, transitional 240); long_term: none.",
        "60",
    ),
    Column("area", True, "The county or city the site is in (a new name adds an area).", "Alameda County"),
    Column(
        "confidential",
        True,
        "yes or no. A confidential site's address reaches only those who need it, never the directory.",
        "no",
    ),
    Column("street_address", False, "Street and number.", "12 Elm St"),
    Column("city", False, "City.", "Oakland"),
    Column("state", False, "USPS state code: two capital letters.", "CA"),
    Column("postal_code", False, "ZIP code: 12345 or 12345-6789.", "94601"),
    Column(
        "households_served",
        True,
        f"One or more, separated by {LIST_SEPARATOR}: {_choices(HouseholdType)}.",
        "single_adults|adults_with_children",
    ),
    Column("genders_served", True, f"One or more: {_choices(Gender)}.", "woman|nonbinary"),
    Column(
        "age_groups_served", True, f"One or more: {_choices(AgeGroup)} (minor only where licensed).", "adult"
    ),
    Column("languages", False, "Languages staff speak, ISO 639 codes.", "en|es"),
    Column("substance_use_policy", True, f"One of: {_choices(SubstanceUsePolicy)}.", "harm_reduction"),
    Column("pets_allowed", False, "yes or no (default no).", "no"),
    Column("intake_24_hours", False, "yes if intake is open day and night (default no).", "yes"),
    Column("intake_hours", False, "When intake is open, in words (up to 200 characters).", "Mon-Fri 9am-5pm"),
    Column(
        "contact", False, "How partners reach the site's intake (up to 300 characters).", "intake@example.org"
    ),
    Column(
        "accessibility_notes", False, "Accessibility, in words (up to 1000 characters).", "Step-free entrance"
    ),
    Column(
        "hold_window_hours",
        False,
        "Hours a held bed waits for the survivor (1–72); default the coalition's.",
        "4",
    ),
    Column(
        "beds",
        True,
        f"Beds (one person each), 0–{LARGEST_SPACE_COUNT:,}. A re-import adds beds up to this number; "
        "it never removes any.",
        "12",
    ),
    Column(
        "units", True, f"Units (one household each), 0–{LARGEST_SPACE_COUNT:,}; never removed either.", "3"
    ),
    Column(
        "unit_capacity",
        False,
        f"People a unit houses (1–{LARGEST_UNIT_CAPACITY}); needed when units is more than 0.",
        "4",
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(column.name for column in COLUMNS)
REQUIRED_COLUMNS: frozenset[str] = frozenset(column.name for column in COLUMNS if column.required)
