"""The reports a coalition owes its funders: the point-in-time count and outcomes for a period.

Aggregates only, and every count table suppressed (see suppression.py). Admins and case
managers may read them; the services take the acting person and the coalition's today.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from flask_babel import gettext

from ..clock import start_of_day
from ..errors import InvalidInput
from ..models import Role
from ..services.access import require_role
from ..services.actor import Actor
from ..vocabulary import HouseholdType, Tier
from . import queries
from .tables import Cell, Table, count_table, count_tables_alike, figure_table

MAX_PERIOD_YEARS = 5
LARGEST_K = 100

TIER_LABELS = {Tier.EMERGENCY: "Emergency", Tier.TRANSITIONAL: "Transitional", Tier.LONG_TERM: "Long-term"}
HOUSEHOLD_LABELS = {
    HouseholdType.SINGLE_ADULTS: "Without children",
    HouseholdType.ADULTS_WITH_CHILDREN: "Adults with children",
    HouseholdType.MINORS_ONLY: "Only children",
}
DESTINATION_LABELS = {
    "permanent": "Permanent",
    "temporary": "Temporary",
    "institutional": "Institutional",
    "other": "Other",
    "unknown": "Unknown",
}
STEPS = (
    (Tier.EMERGENCY, Tier.TRANSITIONAL),
    (Tier.TRANSITIONAL, Tier.LONG_TERM),
    (Tier.EMERGENCY, Tier.LONG_TERM),
)


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    parameters: dict[str, str]
    k: int
    tables: tuple[Table, ...]

    def table(self, name: str) -> Table | None:
        return next((table for table in self.tables if table.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title,
            "parameters": self.parameters,
            "k": self.k,
            "suppression": suppression_note(self.k),
            "tables": [table.as_dict() for table in self.tables],
        }


def suppression_note(k: int) -> str:
    if k == 2:
        return gettext(
            "Counts of 1 are suppressed, and so are as many other counts as it takes for none of them "
            "to be worked out from the totals; every suppressed count is shown the same way."
        )
    return gettext(
        "Counts from 1 to %(largest)s are suppressed, and so are as many other counts as it takes for "
        "none of them to be worked out from the totals; every suppressed count is shown the same way.",
        largest=k - 1,
    )


# The parameters, checked ----------------------------------------------------------------


def last_wednesday_of_january(year: int) -> date:
    day = date(year, 1, 31)
    return day - timedelta(days=(day.weekday() - 2) % 7)


def default_night(today: date) -> date:
    """The last Wednesday of January (HUD's usual PIT night) most recently passed."""
    night = last_wednesday_of_january(today.year)
    return night if night <= today else last_wednesday_of_january(today.year - 1)


def default_period(today: date) -> tuple[date, date]:
    """The last twelve months, today included."""
    return today - timedelta(days=364), today


def period_asked(starts: date | None, ends: date | None, today: date) -> tuple[date, date]:
    """The period asked for: the end defaults to today, the start to a year before the end."""
    ends = ends or today
    if ends < EARLIEST_DATE:
        raise InvalidInput.field(
            "to", gettext("A period ends on %(day)s or later.", day=EARLIEST_DATE.isoformat())
        )
    return starts or default_period(ends)[0], ends


def check_k(k: int) -> int:
    if not 2 <= k <= LARGEST_K:
        raise InvalidInput.field(
            "k", gettext("k is the smallest count published: from 2 to %(largest)s.", largest=LARGEST_K)
        )
    return k


def check_night(night: date, today: date) -> date:
    if night < EARLIEST_DATE:
        raise InvalidInput.field(
            "night", gettext("Nights before %(day)s have no stays here.", day=EARLIEST_DATE.isoformat())
        )
    if night > today:
        raise InvalidInput.field(
            "night", gettext("The night can't be in the future: a count is of people sheltered.")
        )
    return night


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_period(starts: date, ends: date, today: date) -> tuple[date, date]:
    if starts < EARLIEST_DATE:
        raise InvalidInput.field(
            "from", gettext("A period starts on %(day)s or later.", day=EARLIEST_DATE.isoformat())
        )
    if ends < starts:
        raise InvalidInput.field("to", gettext("The period ends before it starts."))
    if ends >= _years_later(starts, MAX_PERIOD_YEARS):
        raise InvalidInput.field(
            "to", gettext("A period spans at most %(years)s years.", years=MAX_PERIOD_YEARS)
        )
    if ends > today:
        raise InvalidInput.field("to", gettext("The period can't end after today."))
    return starts, ends


EARLIEST_DATE = date(1970, 1, 1)


def require_reader(actor: Actor | None) -> None:
    """Admins and case managers read the reports; None is the operator at the console."""
    if actor is not None:
        require_role(actor, Role.CASE_MANAGER)


# Point-in-time ---------------------------------------------------------------------------


def point_in_time(actor: Actor | None, night: date, k: int, today: date) -> Report:
    """Sheltered persons and households on one night, with beds and units available and used."""
    require_reader(actor)
    check_night(night, today)
    check_k(k)
    tiers = queries.SHELTERED_TIERS
    households = list(HouseholdType)
    sheltered = {(Tier(t), HouseholdType(h)): (n, p, c) for t, h, n, p, c in queries.sheltered_on(night)}

    def grid(index: int) -> list[list[int]]:
        return [[int(sheltered.get((t, h), (0, 0, 0))[index] or 0) for h in households] for t in tiers]

    tier_labels = [TIER_LABELS[t] for t in tiers]
    household_labels = [HOUSEHOLD_LABELS[h] for h in households]
    # One household of one person is a 1 in both tables: they hide the same cells.
    households_table, persons = count_tables_alike(
        [
            (
                "households",
                "Households sheltered",
                grid(0),
                "Household type as recorded for each household today.",
            ),
            ("persons", "Persons sheltered", grid(1), ""),
        ],
        "Tier",
        tier_labels,
        household_labels,
        k,
    )
    children = [[sum(row)] for row in grid(2)]
    capacity = {
        Tier(t): (int(beds or 0), int(units or 0)) for t, beds, units in queries.capacity_by_tier(night)
    }
    units_used = {Tier(t): int(n) for t, n in queries.units_used_on(night)}
    used = count_table(
        "units_used",
        "Units with a household in them",
        "Tier",
        tier_labels,
        ["Units used"],
        [[units_used.get(t, 0)] for t in tiers],
        k,
        row_totals=False,
    )
    persons_by_tier = [cells[-1] for _label, cells in persons.rows]
    return Report(
        "point-in-time",
        f"Sheltered point-in-time count, night of {night.isoformat()}",
        {"night": night.isoformat()},
        k,
        (
            households_table,
            persons,
            count_table(
                "children",
                "Children sheltered",
                "Tier",
                tier_labels,
                ["Children"],
                children,
                k,
                row_totals=False,
            ),
            figure_table(
                "beds_and_units",
                "Beds and units: available and used",
                "Tier",
                [*tier_labels, "Total"],
                ["Beds", "Beds used", "Units", "Units used"],
                [
                    [
                        capacity.get(t, (0, 0))[0],
                        persons_by_tier[i],
                        capacity.get(t, (0, 0))[1],
                        used.rows[i][1][0],
                    ]
                    for i, t in enumerate(tiers)
                ]
                + [
                    [
                        sum(capacity.get(t, (0, 0))[0] for t in tiers),
                        persons_by_tier[-1],
                        sum(capacity.get(t, (0, 0))[1] for t in tiers),
                        used.rows[-1][1][0],
                    ]
                ],
                note="Beds used is the persons sheltered (suppressed as in that table); "
                "a unit's beds count at its capacity.",
            ),
        ),
    )


# Outcomes for a period -------------------------------------------------------------------

OUTCOME_TABLES: dict[str, str] = {
    "served": "Persons and households served",
    "length-of-stay": "Length of stay",
    "exits": "Exits by destination",
    "moves": "Moves along the path",
    "stay-limits": "Stays past their limit, and extensions",
    "utilisation": "Nightly utilisation",
    "unmet-demand": "Searches that found no place",
}


def outcomes(
    actor: Actor | None,
    starts: date,
    ends: date,
    k: int,
    today: date,
    timezone: str,
    only: Iterable[str] | None = None,
) -> Report:
    """Outcomes for a period: served, length of stay, exits, moves, limits, use of beds, unmet demand."""
    require_reader(actor)
    check_period(starts, ends, today)
    check_k(k)
    stays = cache(lambda: queries.stays_in_period(starts, ends))  # one scan for four groups
    builders: dict[str, Callable[[], tuple[Table, ...]]] = {
        "served": lambda: _served(starts, ends, k),
        "length-of-stay": lambda: (_length_of_stay(stays(), k),),
        "exits": lambda: (_exits(stays(), k),),
        "moves": lambda: _moves(starts, ends, k),
        "stay-limits": lambda: _stay_limits(stays(), starts, ends, k, timezone),
        "utilisation": lambda: (_utilisation(stays(), starts, ends),),
        "unmet-demand": lambda: (_unmet_demand(starts, ends, k),),
    }
    wanted = list(only) if only is not None else list(builders)
    tables = tuple(table for name in wanted for table in builders[name]())
    period = {"from": starts.isoformat(), "to": ends.isoformat()}
    return Report("outcomes", f"Outcomes, {starts.isoformat()} to {ends.isoformat()}", period, k, tables)


def _served(starts: date, ends: date, k: int) -> tuple[Table, ...]:
    tiers, households = list(Tier), list(HouseholdType)
    found = {(Tier(t), HouseholdType(h)): (n, p) for t, h, n, p in queries.served(starts, ends)}
    tier_labels = [TIER_LABELS[t] for t in tiers]
    household_labels = [HOUSEHOLD_LABELS[h] for h in households]
    note = "Each household counts once in each tier it stayed in (so one that moved counts in each)."
    return count_tables_alike(
        [
            (
                "households_served",
                "Households served",
                [[int(found.get((t, h), (0, 0))[0]) for h in households] for t in tiers],
                note,
            ),
            (
                "persons_served",
                "Persons served",
                [[int(found.get((t, h), (0, 0))[1] or 0) for h in households] for t in tiers],
                note,
            ),
        ],
        "Tier",
        tier_labels,
        household_labels,
        k,
    )


def _length_of_stay(stays: queries.StaysInPeriod, k: int) -> Table:
    tiers = list(Tier)
    found = {(int(b), Tier(t)): int(n) for b, t, n in stays.lengths_of_stay()}
    return count_table(
        "length_of_stay",
        "Stays by length (HUD APR buckets)",
        "Length",
        [label for label, _first, _last in queries.LENGTH_OF_STAY_BUCKETS],
        [TIER_LABELS[t] for t in tiers],
        [[found.get((b, t), 0) for t in tiers] for b in range(len(queries.LENGTH_OF_STAY_BUCKETS))],
        k,
        note="Nights from the first to the exit, or to the period's end for stays still going.",
    )


def _exits(stays: queries.StaysInPeriod, k: int) -> Table:
    tiers = list(Tier)
    found = {(g, Tier(t)): int(n) for g, t, n in stays.exits()}
    return count_table(
        "exits",
        "Exits by destination",
        "Destination",
        [DESTINATION_LABELS[g] for g in queries.DESTINATION_GROUPS],
        [TIER_LABELS[t] for t in tiers],
        [[found.get((g, t), 0) for t in tiers] for g in queries.DESTINATION_GROUPS],
        k,
        note="Temporary includes shelter and other homeless situations; unknown: doesn't know, prefers "
        "not to answer, no exit interview, not collected.",
    )


def _moves(starts: date, ends: date, k: int) -> tuple[Table, ...]:
    found = {
        (Tier(a), Tier(b)): (int(n), int(days or 0))
        for a, b, n, days in queries.moves_along_the_path(starts, ends)
    }
    labels = [f"{TIER_LABELS[a]} → {TIER_LABELS[b]}" for a, b in STEPS]
    moves = count_table(
        "moves",
        "Moves to the next tier",
        "Step",
        labels,
        ["Moves"],
        [[found.get(step, (0, 0))[0]] for step in STEPS],
        k,
        row_totals=False,
    )
    # An average of few stays would tell of those few: shown only beside a published count.
    averages = [
        [
            Cell(round(found[step][1] / found[step][0], 1))
            if not moves.rows[i][1][0].suppressed and step in found
            else Cell(None, moves.rows[i][1][0].suppressed)
        ]
        for i, step in enumerate(STEPS)
    ]
    return (
        moves,
        figure_table(
            "move_days",
            "How long each step took",
            "Step",
            labels,
            ["Average days in the stay before"],
            averages,
            note="Days from the start of the stay the survivor moved from "
            "(after a change of bed, the last one).",
        ),
    )


def _stay_limits(
    stays: queries.StaysInPeriod, starts: date, ends: date, k: int, timezone: str
) -> tuple[Table, ...]:
    limited = [Tier.EMERGENCY, Tier.TRANSITIONAL]
    labels = [TIER_LABELS[t] for t in limited]
    past = {Tier(t): int(n) for t, n in stays.stays_past_their_limit()}
    recorded = {
        Tier(t): (int(n), int(beyond or 0))
        for t, n, beyond in queries.extensions_recorded(
            starts, ends, start_of_day(starts, timezone), start_of_day(ends + timedelta(days=1), timezone)
        )
    }
    return (
        count_table(
            "stays_past_limit",
            "Stays past their tier's limit",
            "Tier",
            labels,
            ["Stays"],
            [[past.get(t, 0)] for t in limited],
            k,
            row_totals=False,
            note="Stays in the period longer than their limit, by the period's end or their exit.",
        ),
        count_table(
            "extensions",
            "Extensions recorded",
            "Tier",
            labels,
            ["Within the limit", "Past the tier's limit"],
            [
                [recorded.get(t, (0, 0))[0] - recorded.get(t, (0, 0))[1], recorded.get(t, (0, 0))[1]]
                for t in limited
            ],
            k,
        ),
    )


def _utilisation(stays: queries.StaysInPeriod, starts: date, ends: date) -> Table:
    nights = (ends - starts).days + 1
    beds = {Tier(t): int(n or 0) for t, n in queries.beds_by_tier()}
    used = {Tier(t): int(n or 0) for t, n in stays.person_nights()}

    def rate(bed_nights: int, person_nights: int) -> float | None:
        return round(100 * person_nights / bed_nights, 1) if bed_nights else None

    rows = [[rate(beds.get(t, 0) * nights, used.get(t, 0))] for t in Tier]
    rows.append([rate(sum(beds.values()) * nights, sum(used.values()))])
    return figure_table(
        "utilisation",
        "Nightly utilisation (average % of beds used)",
        "Tier",
        [*(TIER_LABELS[t] for t in Tier), "Total"],
        ["% of bed-nights used"],
        rows,
        note="Nights slept by everyone in each household, over the nights of today's beds in the period.",
    )


def _unmet_demand(starts: date, ends: date, k: int) -> Table:
    tiers: list[Tier | None] = [*Tier, None]
    households = list(HouseholdType)
    found = {
        (Tier(t) if t else None, HouseholdType(h)): int(n) for t, h, n in queries.unmet_searches(starts, ends)
    }
    return count_table(
        "unmet_demand",
        "Searches that found no place",
        "Tier asked for",
        [TIER_LABELS[t] if t else "Any tier" for t in tiers],
        [HOUSEHOLD_LABELS[h] for h in households],
        [[found.get((t, h), 0) for h in households] for t in tiers],
        k,
        note="Bed searches whose first page was empty; nothing about who searched or for whom is kept.",
    )
