"""A year and a half of fictional past stays for the demo, so that every report has numbers.

Deterministic (a fixed seed): stays come and go in every bed and unit before today's, some
households move on from emergency shelter to transitional housing and on to a home, some stays
run past their limit with a recorded extension, and some bed searches found no place.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from .extensions import db
from .models import Booking, Client, Extension, Placement, Site, Space, UnmetSearch, User
from .services.clients import new_client_code
from .vocabulary import AgeGroup, Gender, HouseholdType, SpaceKind, Tier

HISTORY_DAYS = 730
# Typical lengths of stay (nights) by tier: emergency shelter sometimes runs past 60.
LENGTHS = {Tier.EMERGENCY: (7, 80), Tier.TRANSITIONAL: (40, 300), Tier.LONG_TERM: (40, 240)}
# Exit destinations by tier, weighted (HUD 3.12), when the household doesn't move along the path.
DESTINATIONS = {
    Tier.EMERGENCY: [(410, 2), (422, 3), (313, 2), (312, 2), (101, 1), (206, 1), (30, 1), (8, 1)],
    Tier.TRANSITIONAL: [(410, 4), (435, 4), (422, 2), (313, 1), (30, 1), (17, 1)],
    Tier.LONG_TERM: [(410, 3), (422, 2), (435, 2), (17, 1), (30, 1)],
}
SUBSIDY = 436  # Emergency Housing Voucher, for 435 destinations
NEXT = {Tier.EMERGENCY: Tier.TRANSITIONAL, Tier.TRANSITIONAL: Tier.LONG_TERM}
# Finding a home of one's own takes longer than a transitional place.
MOVE_WITHIN_DAYS = {Tier.TRANSITIONAL: 7, Tier.LONG_TERM: 30}


def create_history(today: date, now: datetime, admin: User) -> None:
    """Past stays in every space before its current stay (if any), and searches that found nothing."""
    rng = random.Random(15)  # noqa: S311 (demo data, not security)
    first_current = dict(
        db.session.execute(
            select(Booking.space_id, func.min(Booking.starts_on))
            .where(Booking.active)
            .group_by(Booking.space_id)
        ).all()
    )
    spaces = db.session.execute(
        select(Space, Site).join(Site, Site.id == Space.site_id).order_by(Space.id)
    ).all()
    stays: list[dict] = []
    for space, site in spaces:
        end_by = first_current.get(space.id, today)
        cursor = today - timedelta(days=HISTORY_DAYS - rng.randint(0, 30))
        low, high = LENGTHS[site.tier]
        while True:
            nights = rng.randint(low, high)
            if cursor + timedelta(days=nights) > end_by:
                break
            stays.append(
                {"space": space, "site": site, "starts_on": cursor, "exited_on": cursor + timedelta(nights)}
            )
            cursor += timedelta(days=nights + rng.randint(0, 12))
    # Moves along the path: a stay that ends where a stay of the next tier, of the same kind of
    # household, starts soon after continues with the same household.
    by_start: dict[tuple[Tier, SpaceKind], list[dict]] = {}
    for stay in stays:
        by_start.setdefault((stay["site"].tier, stay["space"].kind), []).append(stay)
    for stay in sorted(stays, key=lambda s: s["exited_on"]):
        following = NEXT.get(stay["site"].tier)
        if following is None or "next" in stay or rng.random() > 0.8:
            continue
        # A household from a bed may move on to a unit of its own (a studio, an apartment).
        kinds = (SpaceKind.BED, SpaceKind.UNIT) if stay["space"].kind == SpaceKind.BED else (SpaceKind.UNIT,)
        for candidate in (c for kind in kinds for c in by_start.get((following, kind), [])):
            gap = (candidate["starts_on"] - stay["exited_on"]).days
            if (
                0 <= gap <= MOVE_WITHIN_DAYS[following]
                and "previous" not in candidate
                and _fits(stay, candidate)
            ):
                candidate["previous"] = stay
                stay["next"] = candidate
                break
    for stay in sorted(stays, key=lambda s: s["starts_on"]):
        _write(stay, rng, now, admin)
    db.session.flush()
    for stay in stays:
        if "previous" in stay:
            stay["placement"].previous_placement_id = stay["previous"]["placement"].id
    for days_ago in range(1, HISTORY_DAYS, 3):
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            db.session.add(
                UnmetSearch(
                    searched_on=today - timedelta(days=days_ago),
                    tier=rng.choice(
                        (Tier.EMERGENCY, Tier.EMERGENCY, Tier.TRANSITIONAL, Tier.LONG_TERM, None)
                    ),
                    household_type=rng.choice(
                        (
                            HouseholdType.SINGLE_ADULTS,
                            HouseholdType.SINGLE_ADULTS,
                            HouseholdType.ADULTS_WITH_CHILDREN,
                        )
                    ),
                )
            )
    db.session.flush()


def _fits(stay: dict, candidate: dict) -> bool:
    minors = lambda s: AgeGroup.MINOR in s["site"].age_groups_served  # noqa: E731
    return minors(stay) == minors(candidate) and candidate["space"].capacity >= stay["space"].capacity


def _household(stay: dict, rng: random.Random) -> tuple[int, list[str], AgeGroup]:
    if AgeGroup.MINOR in stay["site"].age_groups_served:
        return 0, ["13-17"], AgeGroup.MINOR
    if (
        stay["space"].kind == SpaceKind.UNIT
        and HouseholdType.ADULTS_WITH_CHILDREN in stay["site"].households_served
    ):
        children = rng.randint(1, max(1, stay["space"].capacity - 1))
        return 1, [rng.choice(("0-2", "3-5", "6-12", "13-17")) for _ in range(children)], AgeGroup.ADULT
    return 1, [], rng.choice((AgeGroup.ADULT, AgeGroup.ADULT, AgeGroup.YOUTH))


def _write(stay: dict, rng: random.Random, now: datetime, admin: User) -> None:
    site, space = stay["site"], stay["space"]
    previous = stay.get("previous")
    if previous is not None:
        client = previous["placement"].client
    else:
        adults, children, age_group = _household(stay, rng)
        client = Client(
            code=new_client_code(),
            adults=adults,
            children=children,
            age_group=age_group,
            gender=rng.choice((Gender.WOMAN, Gender.WOMAN, Gender.MAN, Gender.NONBINARY)),
            languages=[rng.choice(("en", "es", "vi", "zh", "uk", "tl"))],
            created_by_id=admin.id,
            created_at=now,
        )
        db.session.add(client)
        db.session.flush()
    limit = site.stay_limit_days
    expected = stay["starts_on"] + timedelta(days=limit) if limit else None
    destination, subsidy, text = _destination(stay, rng)
    booking = Booking(
        space_id=space.id, client_id=client.id, starts_on=stay["starts_on"], ends_on=stay["exited_on"]
    )
    placement = Placement(
        booking=booking,
        client=client,
        space_id=space.id,
        site_id=site.id,
        tier=site.tier,
        stay_limit_days=limit,
        starts_on=stay["starts_on"],
        expected_end_on=expected,
        exited_on=stay["exited_on"],
        destination=destination,
        subsidy_type=subsidy,
        destination_text=text,
        placed_by_id=admin.id,
        exit_recorded_by_id=admin.id,
        created_at=now,
    )
    stay["placement"] = placement
    db.session.add(placement)
    if expected is not None and stay["exited_on"] > expected:
        placement.expected_end_on = stay["exited_on"]
        placement.extensions.append(
            Extension(
                previous_end_on=expected,
                new_end_on=stay["exited_on"],
                reason="Waiting for a transitional place (demo)",
                approved_by="Programme director",
                recorded_by_id=admin.id,
                beyond_tier_limit=True,
                recorded_at=now - timedelta(days=(now.date() - expected).days + 3),
            )
        )


def _destination(stay: dict, rng: random.Random) -> tuple[int, int | None, str | None]:
    if "next" in stay:
        following = stay["next"]["site"].tier
        return (302, None, None) if following == Tier.TRANSITIONAL else (435, SUBSIDY, None)
    codes, weights = zip(*DESTINATIONS[stay["site"].tier], strict=True)
    code = rng.choices(codes, weights)[0]
    if code == 435:
        return code, SUBSIDY, None
    if code == 17:
        return code, None, "Repatriated to home country"
    return code, None, None
