"""The reporting query layer: every number the reports publish comes from a query here.

Set-based SQL (SQLAlchemy Core), one statement per table, grouped in the database: the
reports never walk the ORM in loops, so a city's million past stays are read in one pass.
Each function returns plain rows; `tables.py` shapes them and suppresses small cells.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Date, Integer, and_, case, func, literal, or_, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from ..extensions import db
from ..models import Client, Extension, Organisation, Placement, Site, SiteFunder, Space, UnmetSearch
from ..vocabulary import HouseholdType, SpaceKind, Tier

SHELTERED_TIERS = (Tier.EMERGENCY, Tier.TRANSITIONAL)

# HUD's APR length-of-stay buckets (Q22a1), in days: (label, first day, last day or None).
LENGTH_OF_STAY_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("30 days or less", 0, 30),
    ("31 to 60 days", 31, 60),
    ("61 to 90 days", 61, 90),
    ("91 to 180 days", 91, 180),
    ("181 to 365 days", 181, 365),
    ("366 to 730 days (1–2 years)", 366, 730),
    ("731 to 1,095 days (2–3 years)", 731, 1095),
    ("1,096 to 1,460 days (3–4 years)", 1096, 1460),
    ("1,461 to 1,825 days (4–5 years)", 1461, 1825),
    ("More than 1,825 days (over 5 years)", 1826, None),
)

# Exit destinations by HUD's groups (3.12): the hundreds digit, and the "other" codes.
DESTINATION_GROUPS = ("permanent", "temporary", "institutional", "other", "unknown")
UNKNOWN_DESTINATIONS = (8, 9, 30, 99)  # doesn't know, prefers not to answer, no interview, not collected


class days_between(FunctionElement[int]):
    """Whole days from the second date to the first."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_postgresql(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return f"({compiler.process(later, **kw)} - {compiler.process(earlier, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    later, earlier = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})"
        " AS INTEGER)"
    )


class earliest(FunctionElement[date]):
    type = Date()
    inherit_cache = True


class latest(FunctionElement[date]):
    type = Date()
    inherit_cache = True


@compiles(earliest)
def _least(element: earliest, compiler: Any, **kw: Any) -> str:
    return f"LEAST({compiler.process(element.clauses, **kw)})"


@compiles(earliest, "sqlite")
def _least_sqlite(element: earliest, compiler: Any, **kw: Any) -> str:
    return f"MIN({compiler.process(element.clauses, **kw)})"


@compiles(latest)
def _greatest(element: latest, compiler: Any, **kw: Any) -> str:
    return f"GREATEST({compiler.process(element.clauses, **kw)})"


@compiles(latest, "sqlite")
def _greatest_sqlite(element: latest, compiler: Any, **kw: Any) -> str:
    return f"MAX({compiler.process(element.clauses, **kw)})"


def _children() -> ColumnElement[int]:
    return func.coalesce(func.json_array_length(Client.children), 0)


def household_type_of_client() -> ColumnElement[str]:
    """HUD's household type from the household as recorded (see vocabulary.household_type)."""
    return case(
        (Client.adults == 0, literal(HouseholdType.MINORS_ONLY.value)),
        (_children() > 0, literal(HouseholdType.ADULTS_WITH_CHILDREN.value)),
        else_=literal(HouseholdType.SINGLE_ADULTS.value),
    )


def _persons() -> ColumnElement[int]:
    return Client.adults + _children()


def _in_stay_on(night: date) -> ColumnElement[bool]:
    """Sheltered on `night`: the first night on or before it, and not exited by that day."""
    return and_(Placement.starts_on <= night, or_(Placement.exited_on.is_(None), Placement.exited_on > night))


def _overlaps(starts: date, ends: date) -> ColumnElement[bool]:
    return and_(
        Placement.starts_on <= ends, or_(Placement.exited_on.is_(None), Placement.exited_on >= starts)
    )


def _for_reporting() -> None:
    """On PostgreSQL, let this transaction's report queries group in memory, without JIT.

    A report groups a million stays into a few hundred rows, but the planner can't tell from
    the CASE expressions and, with the default work_mem, sorts them on disk instead of
    hashing them; compiling each query (JIT) costs more than it saves here. SET LOCAL ends
    with the transaction (one request).
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL work_mem = '64MB'"))
        db.session.execute(text("SET LOCAL jit = off"))


def _rows(statement: Any) -> list[tuple[Any, ...]]:
    _for_reporting()
    return [tuple(row) for row in db.session.execute(statement)]


# Point-in-time -------------------------------------------------------------------------


def sheltered_on(night: date) -> list[tuple[Any, ...]]:
    """(tier, household type, households, persons, children) in shelter on `night`."""
    household = household_type_of_client().label("household_type")
    return _rows(
        select(
            Placement.tier,
            household,
            func.count(),
            func.sum(_persons()),
            func.sum(_children()),
        )
        .join(Client, Client.id == Placement.client_id)
        .where(Placement.tier.in_(SHELTERED_TIERS), _in_stay_on(night))
        .group_by(Placement.tier, household)
    )


def capacity_by_tier(night: date) -> list[tuple[Any, ...]]:
    """(tier, beds, units) of sites operating on `night`: every bed, and each unit's beds."""
    return _rows(
        select(
            Site.tier,
            func.sum(Space.capacity),
            func.sum(case((Space.kind == SpaceKind.UNIT, 1), else_=0)),
        )
        .join(Site, Site.id == Space.site_id)
        .where(_site_operating_on(night))
        .group_by(Site.tier)
    )


def units_used_on(night: date) -> list[tuple[Any, ...]]:
    """(tier, units with a household in them) in shelter on `night`."""
    return _rows(
        select(Placement.tier, func.count(func.distinct(Placement.space_id)))
        .join(Space, Space.id == Placement.space_id)
        .where(Space.kind == SpaceKind.UNIT, Placement.tier.in_(SHELTERED_TIERS), _in_stay_on(night))
        .group_by(Placement.tier)
    )


def _site_operating_on(night: date) -> ColumnElement[bool]:
    return and_(
        Site.active,
        or_(Site.operating_start_on.is_(None), Site.operating_start_on <= night),
        or_(Site.operating_end_on.is_(None), Site.operating_end_on >= night),
    )


# Outcomes for a period -------------------------------------------------------------------


def served(starts: date, ends: date) -> list[tuple[Any, ...]]:
    """(tier, household type, households, persons): each household once per tier it stayed in."""
    stays = (
        select(Placement.tier.label("tier"), Placement.client_id.label("client_id"))
        .where(_overlaps(starts, ends))
        .distinct()
        .subquery()
    )
    household = household_type_of_client().label("household_type")
    return _rows(
        select(stays.c.tier, household, func.count(), func.sum(_persons()))
        .join(Client, Client.id == stays.c.client_id)
        .group_by(stays.c.tier, household)
    )


def _days_in_stay(ends: date) -> ColumnElement[int]:
    """Nights from the first to the exit, or to the period's end for a stay still going."""
    last = earliest(func.coalesce(Placement.exited_on, ends), literal(ends, Date()))
    return days_between(last, Placement.starts_on)


def _destination_group() -> ColumnElement[str]:
    destination = Placement.destination
    return case(
        (destination.between(400, 499), literal("permanent")),
        (or_(destination.between(100, 199), destination.between(300, 399)), literal("temporary")),
        (destination.between(200, 299), literal("institutional")),
        (destination.in_(UNKNOWN_DESTINATIONS), literal("unknown")),
        else_=literal("other"),
    )


def moves_along_the_path(starts: date, ends: date) -> list[tuple[Any, ...]]:
    """(from tier, to tier, moves, total days in the stay before) for moves that began in the period."""
    previous = Placement.__table__.alias("previous")
    return _rows(
        select(
            previous.c.tier,
            Placement.tier,
            func.count(),
            func.sum(days_between(Placement.starts_on, previous.c.starts_on)),
        )
        .join(previous, previous.c.id == Placement.previous_placement_id)
        .where(Placement.starts_on.between(starts, ends), previous.c.tier != Placement.tier)
        .group_by(previous.c.tier, Placement.tier)
    )


def extensions_recorded(starts: date, ends: date, zone_start: Any, zone_end: Any) -> list[tuple[Any, ...]]:
    """(tier, extensions, of which past the tier's limit) recorded in the period."""
    return _rows(
        select(
            Placement.tier,
            func.count(),
            func.sum(case((Extension.beyond_tier_limit, 1), else_=0)),
        )
        .join(Placement, Placement.id == Extension.placement_id)
        .where(Extension.recorded_at >= zone_start, Extension.recorded_at < zone_end)
        .group_by(Placement.tier)
    )


@dataclass(frozen=True)
class StaysInPeriod:
    """The period's stays in one pass: (tier, length bucket, exit group, past limit, stays, person-nights).

    Length of stay, exits, stays past their limit and the nights slept all read the same
    stays, so one statement groups them by all four at once (a few hundred rows at most) and
    each table sums what it needs: one scan of the placements instead of four.
    """

    rows: tuple[tuple[Tier, int, str | None, bool, int, int], ...]

    def _sum(
        self, key: Callable[[tuple[Any, ...]], Any], where: Callable[[tuple[Any, ...]], bool]
    ) -> list[Any]:
        totals: dict[Any, int] = {}
        for row in self.rows:
            if where(row):
                totals[key(row)] = totals.get(key(row), 0) + row[4]
        return [(*k, n) if isinstance(k, tuple) else (k, n) for k, n in totals.items()]

    def lengths_of_stay(self) -> list[tuple[Any, ...]]:
        """(bucket index, tier, stays), by length as of the period's end."""
        return self._sum(lambda row: (row[1], row[0]), lambda row: True)

    def exits(self) -> list[tuple[Any, ...]]:
        """(destination group, tier, exits) for stays that ended in the period."""
        return self._sum(lambda row: (row[2], row[0]), lambda row: row[2] is not None)

    def stays_past_their_limit(self) -> list[tuple[Any, ...]]:
        """(tier, stays) that went past their limit by the period's end or their exit."""
        return self._sum(lambda row: row[0], lambda row: row[3])

    def person_nights(self) -> list[tuple[Any, ...]]:
        """(tier, nights slept by everyone in each household) within the period."""
        totals: dict[Tier, int] = {}
        for tier, _bucket, _group, _past, _stays, nights in self.rows:
            totals[tier] = totals.get(tier, 0) + nights
        return list(totals.items())


def stays_in_period(starts: date, ends: date) -> StaysInPeriod:
    """Every stay that overlaps the period, grouped for the length, exit, limit and use tables."""
    days = _days_in_stay(ends)
    bucket = case(
        *[
            (days <= last, index)
            for index, (_label, _first, last) in enumerate(LENGTH_OF_STAY_BUCKETS)
            if last is not None
        ],
        else_=len(LENGTH_OF_STAY_BUCKETS) - 1,
    ).label("bucket")
    exit_group = case((Placement.exited_on <= ends, _destination_group()), else_=None).label("exit_group")
    past_limit = case(
        (and_(Placement.stay_limit_days.is_not(None), days > Placement.stay_limit_days), 1), else_=0
    ).label("past_limit")
    after_end = ends + timedelta(days=1)
    first = latest(Placement.starts_on, literal(starts, Date()))
    last = earliest(func.coalesce(Placement.exited_on, after_end), literal(after_end, Date()))
    _for_reporting()
    rows = db.session.execute(
        select(
            Placement.tier,
            bucket,
            exit_group,
            past_limit,
            func.count(),
            func.sum(days_between(last, first) * _persons()),
        )
        .join(Client, Client.id == Placement.client_id)
        .where(_overlaps(starts, ends))
        .group_by(Placement.tier, bucket, exit_group, past_limit)
    )
    return StaysInPeriod(
        tuple((Tier(t), int(b), g, bool(p), int(n), int(nights or 0)) for t, b, g, p, n, nights in rows)
    )


def beds_by_tier() -> list[tuple[Any, ...]]:
    """(tier, beds): the active sites' beds, each unit counted at its capacity."""
    return _rows(
        select(Site.tier, func.sum(Space.capacity))
        .join(Site, Site.id == Space.site_id)
        .where(Site.active)
        .group_by(Site.tier)
    )


def unmet_searches(starts: date, ends: date) -> list[tuple[Any, ...]]:
    """(tier or None, household type, searches) that found no place in the period."""
    return _rows(
        select(UnmetSearch.tier, UnmetSearch.household_type, func.count())
        .where(UnmetSearch.searched_on.between(starts, ends))
        .group_by(UnmetSearch.tier, UnmetSearch.household_type)
    )


# Project descriptor data (the HMIS CSV export) -----------------------------------------


def exported_sites(starts: date) -> list[Any]:
    """The sites, with their organisation's name and flag, that operated in a period from `starts`."""
    return list(
        db.session.execute(
            select(
                Site,
                Organisation.name.label("organisation_name"),
                Organisation.victim_service_provider,
                Organisation.created_at.label("organisation_created_at"),
            )
            .join(Organisation, Organisation.id == Site.organisation_id)
            .where(or_(and_(Site.active, Site.operating_end_on.is_(None)), Site.operating_end_on >= starts))
            .order_by(Organisation.id, Site.id)
        )
    )


def spaces_by_site_kind_and_capacity() -> list[tuple[Any, ...]]:
    """(site id, kind, capacity, spaces, beds): every bed and unit, a unit's beds at its capacity."""
    return _rows(
        select(Space.site_id, Space.kind, Space.capacity, func.count(), func.sum(Space.capacity)).group_by(
            Space.site_id, Space.kind, Space.capacity
        )
    )


def funders_in_period(starts: date) -> list[SiteFunder]:
    """Grants still running at, or after, the period's start (HUD: EndDate NULL or ≥ start)."""
    return list(
        db.session.scalars(
            select(SiteFunder)
            .where(or_(SiteFunder.ends_on.is_(None), SiteFunder.ends_on >= starts))
            .order_by(SiteFunder.site_id, SiteFunder.id)
        )
    )


def persons_by_site_on(night: date) -> dict[int, int]:
    """Persons staying at each site on `night` (the HIC's PITCount)."""
    return {
        site_id: int(persons or 0)
        for site_id, persons in db.session.execute(
            select(Placement.site_id, func.sum(_persons()))
            .join(Client, Client.id == Placement.client_id)
            .where(_in_stay_on(night))
            .group_by(Placement.site_id)
        )
    }
