"""The bed board: which sites have a bed or unit free for this household, over these nights.

Free means: in service, fitting the household and its needs, and no active hold or stay
overlapping the nights asked for. Without an end date, the nights asked for are the ones a
hold would book: the site's stay limit (open-ended for long-term housing). A stay that is
past its planned end but has no exit recorded still occupies its space: the survivor is
presumably still there, and offering that bed would send two people to one bed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import ColumnElement, and_, literal, not_, or_, select
from sqlalchemy.orm import joinedload, selectinload

from .. import shared_cache
from ..db import has_all, has_any, plus_days
from ..errors import InvalidInput
from ..extensions import db
from ..models import Booking, Placement, Site, SiteLanguage, Space, UnmetSearch
from ..vocabulary import (
    AgeGroup,
    Gender,
    HouseholdType,
    ReferralMode,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
    household_type,
)
from . import revision
from .actor import Actor


@dataclass(frozen=True)
class Household:
    adults: int = 1
    children: int = 0

    @property
    def size(self) -> int:
        return self.adults + self.children


@dataclass(frozen=True)
class AvailabilityQuery:
    starts_on: date
    ends_on: date | None = None
    tier: Tier | None = None
    household: Household = field(default_factory=Household)
    gender: Gender | None = None
    age_group: AgeGroup | None = None
    language: str | None = None
    needs: frozenset[SpaceFeature] = frozenset()
    pets: bool = False
    avoid_area_ids: frozenset[int] = frozenset()
    site_id: int | None = None
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class FreeSpace:
    id: int
    label: str
    kind: SpaceKind
    capacity: int
    features: frozenset[SpaceFeature]


@dataclass(frozen=True)
class Named:
    id: int
    name: str


@dataclass(frozen=True)
class SiteSnapshot:
    """What the bed board shows of a site: plain values, kept across requests and sessions
    (and hosts: in the shared cache). Never a confidential site's address: the people who may
    search never see one on a list (services/addresses.py), so the board does not carry it."""

    id: int
    organisation_id: int
    organisation: Named
    name: str
    tier: Tier
    hud_project_type: int
    stay_limit_days: int | None
    hold_window_hours: int
    area_id: int
    area: Named
    confidential: bool
    referral_mode: ReferralMode
    address: str
    households_served: frozenset[HouseholdType]
    genders_served: frozenset[Gender]
    age_groups_served: frozenset[AgeGroup]
    accessibility_notes: str
    pets_allowed: bool
    substance_use_policy: SubstanceUsePolicy
    intake_24_hours: bool
    intake_hours: str
    contact: str
    availability_confirmed_at: datetime | None
    active: bool
    language_codes: tuple[str, ...]

    @property
    def screened(self) -> bool:
        return self.referral_mode == ReferralMode.SCREENED

    @classmethod
    def of(cls, site: Site) -> SiteSnapshot:
        plain = {name: getattr(site, name) for name in cls.__dataclass_fields__ if name not in _RELATED}
        if site.confidential:
            plain["address"] = ""
        return cls(
            **plain,
            organisation=Named(site.organisation.id, site.organisation.name),
            area=Named(site.area.id, site.area.name),
            language_codes=tuple(site.language_codes),
        )


_RELATED = frozenset({"organisation", "area", "language_codes"})


@dataclass(frozen=True)
class BoardEntry:
    """A site on a page of the bed board, the same for everyone who asks the same question."""

    site: SiteSnapshot
    free_spaces: tuple[FreeSpace, ...]
    free_until: date | None


@dataclass(frozen=True)
class SiteAvailability:
    site: SiteSnapshot
    free_spaces: tuple[FreeSpace, ...]
    free_until: date | None

    @property
    def free_beds(self) -> int:
        return sum(1 for s in self.free_spaces if s.kind == SpaceKind.BED)

    @property
    def free_units(self) -> int:
        return sum(1 for s in self.free_spaces if s.kind == SpaceKind.UNIT)


@dataclass(frozen=True)
class AvailabilityPage:
    items: list[SiteAvailability]
    has_more: bool  # another page follows (no total: counting means looking at every site)
    page: int
    per_page: int


shared_cache.register(
    AvailabilityQuery, Household, BoardEntry, SiteSnapshot, FreeSpace, Named,
    Tier, Gender, AgeGroup, SpaceFeature, SpaceKind, ReferralMode, SubstanceUsePolicy, HouseholdType,
)


def check_dates(starts_on: date, ends_on: date | None, today: date) -> None:
    """Refuse nights in the past and ranges that end before they begin."""
    if starts_on < today:
        raise InvalidInput.field("starts_on", gettext("Choose today or a later date."))
    if ends_on is not None and ends_on <= starts_on:
        raise InvalidInput.field(
            "ends_on", gettext("The last night must come after the first: end after start.")
        )


def nights_end(site_limit: ColumnElement[int | None] | int | None, starts_on: date) -> ColumnElement[date]:
    """SQL: the first night after a stay at a site starting on `starts_on` (NULL: open-ended)."""
    return plus_days(literal(starts_on), site_limit)


def space_is_free(
    starts_on: date, ends_on: ColumnElement[date | None] | date | None, today: date
) -> ColumnElement[bool]:
    """SQL on Space: no active booking overlaps [starts_on, ends_on), and no stay is overdue.

    `ends_on` None, or an SQL expression that is NULL, means open-ended. Bookings that end
    and open-ended ones are looked up separately, so each half is one range scan of the
    (space, end) index.
    """

    def booked(ending: ColumnElement[bool]) -> ColumnElement[bool]:
        # Correlate with every enclosing query (the space's, and the site's for its stay limit).
        overlapping = (
            select(Booking.id)
            .where(Booking.space_id == Space.id, Booking.active, ending)
            .correlate_except(Booking)
        )
        if isinstance(ends_on, date):
            overlapping = overlapping.where(Booking.starts_on < ends_on)
        elif ends_on is not None:
            overlapping = overlapping.where(or_(ends_on.is_(None), Booking.starts_on < ends_on))
        return overlapping.exists()

    overdue = (
        select(Placement.id)
        .where(
            Placement.space_id == Space.id, Placement.exited_on.is_(None), Placement.expected_end_on <= today
        )
        .correlate_except(Placement)
    )
    return and_(
        not_(booked(Booking.ends_on > starts_on)),
        not_(booked(Booking.ends_on.is_(None))),
        not_(overdue.exists()),
    )


def fits_household(household: Household, needs: frozenset[SpaceFeature]) -> ColumnElement[bool]:
    """SQL on Space: in service, with the needed features, and room for the household.

    A bed sleeps one person; a household of two or more needs a unit of enough capacity.
    """
    room = (
        Space.capacity >= 1
        if household.size == 1
        else and_(Space.kind == SpaceKind.UNIT, Space.capacity >= household.size)
    )
    conditions = [Space.in_service, room]
    if needs:
        conditions.append(has_all(Space.features, needs))
    return and_(*conditions)


def site_matches(query: AvailabilityQuery) -> list[ColumnElement[bool]]:
    """SQL on Site: the hard constraints of the search."""
    household = query.household
    conditions: list[ColumnElement[bool]] = [
        Site.active,
        has_any(Site.households_served, {household_type(household.adults, household.children)}),
    ]
    if query.tier is not None:
        conditions.append(Site.tier == query.tier)
    if query.gender is not None:
        conditions.append(has_any(Site.genders_served, {query.gender}))
    age_group = query.age_group or (AgeGroup.MINOR if household.adults == 0 else None)
    if age_group is not None:
        conditions.append(has_any(Site.age_groups_served, {age_group}))
    if query.language:
        conditions.append(
            select(SiteLanguage.site_id)
            .where(SiteLanguage.site_id == Site.id, SiteLanguage.code == query.language)
            .exists()
        )
    if query.pets:
        conditions.append(Site.pets_allowed)
    if query.avoid_area_ids:
        conditions.append(Site.area_id.not_in(query.avoid_area_ids))
    if query.site_id is not None:
        conditions.append(Site.id == query.site_id)
    return conditions


# Pages of the bed board, kept while the coalition's beds and bookings are unchanged: any hold,
# stay, exit or change of a bed moves the revision, and the next search reads afresh. Shared
# by every worker and host where there is a shared cache: a page is the same for everyone
# who may search (no survivor in it, no confidential address).
_pages: revision.KeptWhileCurrent[tuple[tuple[BoardEntry, ...], bool]] = revision.KeptWhileCurrent(
    size=256, shared_as="board", shared_seconds=600
)


def search(actor: Actor, query: AvailabilityQuery, today: date, now: datetime) -> AvailabilityPage:
    """Sites with free beds or units for the query, most recently confirmed first, a page at a time.

    Freshness comes first because an advocate needs a bed that is really there tonight. The
    search stops as soon as it has a page (and one more site, to know that more follow):
    deciding that a site has a free space stops at the first it finds, and only the page's
    sites have their free spaces listed.
    """
    check_dates(query.starts_on, query.ends_on, today)
    if query.household.size < 1:
        raise InvalidInput.field("adults", gettext("A household has at least one person."))
    entries, has_more = _pages.get((query, today), lambda: _board_page(query, today))
    if not entries and query.page == 1:
        _count_unmet(query, today)
    items = [SiteAvailability(entry.site, entry.free_spaces, entry.free_until) for entry in entries]
    return AvailabilityPage(items, has_more, query.page, query.per_page)


def _count_unmet(query: AvailabilityQuery, today: date) -> None:
    """Count a search that found nothing: the reports' unmet demand (no one's details kept)."""
    household = household_type(query.household.adults, query.household.children)
    db.session.add(UnmetSearch(searched_on=today, tier=query.tier, household_type=household))
    db.session.flush()


def _board_page(query: AvailabilityQuery, today: date) -> tuple[tuple[BoardEntry, ...], bool]:
    ends_on = (
        query.ends_on if query.ends_on is not None else nights_end(Site.stay_limit_days, query.starts_on)
    )
    free_fitting_space = and_(
        Space.site_id == Site.id,
        fits_household(query.household, query.needs),
        space_is_free(query.starts_on, ends_on, today),
    )
    page_rows = db.session.execute(
        select(Site.id)
        .where(*site_matches(query), has_one(free_fitting_space))
        .order_by(Site.availability_confirmed_at.desc().nulls_last(), Site.name, Site.id)
        .limit(query.per_page + 1)
        .offset((query.page - 1) * query.per_page)
    ).all()
    has_more = len(page_rows) > query.per_page
    site_ids = [row.id for row in page_rows[: query.per_page]]
    if not site_ids:
        return (), False

    free_by_site: dict[int, list[FreeSpace]] = {site_id: [] for site_id in site_ids}
    for row in db.session.execute(
        select(Space.id, Space.site_id, Space.label, Space.kind, Space.capacity, Space.features)
        .join(Site, Site.id == Space.site_id)
        .where(Site.id.in_(site_ids), free_fitting_space)
        .order_by(Space.label)
    ):
        free_by_site[row.site_id].append(FreeSpace(row.id, row.label, row.kind, row.capacity, row.features))
    sites = {
        site.id: site
        for site in db.session.scalars(
            select(Site)
            .where(Site.id.in_(site_ids))
            # Area and organisation in the same statement (one each per site); languages in one more.
            .options(selectinload(Site.languages), joinedload(Site.area), joinedload(Site.organisation))
        )
    }
    entries = tuple(
        BoardEntry(
            SiteSnapshot.of(sites[site_id]),
            tuple(free_by_site[site_id]),
            query.ends_on or _stay_end(sites[site_id], query.starts_on),
        )
        for site_id in site_ids
    )
    return entries, has_more


def has_one(free_fitting_space: ColumnElement[bool]) -> ColumnElement[bool]:
    """SQL on Site: at least one space matches. OFFSET 0 keeps PostgreSQL from turning this into
    a join over every space: each site's spaces are looked at only until one is free."""
    return select(Space.id).where(free_fitting_space).limit(1).offset(0).exists()


def _stay_end(site: Site, starts_on: date) -> date | None:
    return None if site.stay_limit_days is None else starts_on + timedelta(days=site.stay_limit_days)


def freshness_hours(confirmed_at: datetime | None, now: datetime) -> float | None:
    """Hours since the site's availability was last confirmed (None: never)."""
    if confirmed_at is None:
        return None
    return round((now - confirmed_at).total_seconds() / 3600, 1)
