"""A small coalition with everything HUD's files need, for the report and export tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from housing_service.models import Booking, Organisation, Placement, Role, Site, SiteFunder, Space, User
from housing_service.vocabulary import AgeGroup, HouseholdType, SpaceKind, Tier

CONFIDENTIAL_STREET = "77 Hidden Harbour Lane"
CONFIDENTIAL_CITY = "Secretville"


def hud_fields(tier: Tier, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "street_address": f"{tier.value.title()} House, 1 Main St",
        "city": "Oakland",
        "state": "CA",
        "postal_code": "94607-1234",
        "coc_code": "CA-502",
        "geocode": "069001",
        "geography_type": 1,
        "housing_type": 1,
        "target_population": 4,
        "operating_start_on": date(2020, 1, 1),
        "hmis_participation": 1,
    }
    if tier == Tier.EMERGENCY:
        values |= {"es_bed_type": 1, "bed_availability": 1}
    return values | overrides


@dataclass
class World:
    admin: User
    case_manager: User
    vsp: Organisation
    other: Organisation
    shelter: Site  # VSP, confidential emergency shelter: beds for adults, family units
    youth: Site  # VSP, emergency shelter for minors only
    transitional: Site  # not a VSP
    rrh: Site  # not a VSP, rapid re-housing (long-term)
    spaces: dict[str, Space] = field(default_factory=dict)


def build(make: Any) -> World:
    admin = make.user(Role.ADMIN)
    case_manager = make.user(Role.CASE_MANAGER)
    vsp = make.organisation(victim_service_provider=True)
    other = make.organisation(victim_service_provider=False)
    area = make.area()
    shelter = make.site(
        vsp,
        area,
        Tier.EMERGENCY,
        confidential=True,
        **hud_fields(
            Tier.EMERGENCY,
            street_address=CONFIDENTIAL_STREET,
            city=CONFIDENTIAL_CITY,
            hmis_participation=2,
            target_population=1,
            bed_availability=2,
            es_bed_type=3,
        ),
        households_served=frozenset({HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN}),
        address=f"{CONFIDENTIAL_STREET}, {CONFIDENTIAL_CITY}",
    )
    youth = make.site(
        vsp,
        area,
        Tier.EMERGENCY,
        **hud_fields(Tier.EMERGENCY, hmis_participation=2, target_population=1),
        households_served=frozenset({HouseholdType.MINORS_ONLY}),
        age_groups_served=frozenset({AgeGroup.MINOR}),
    )
    transitional = make.site(
        other,
        area,
        Tier.TRANSITIONAL,
        **hud_fields(Tier.TRANSITIONAL),
        age_groups_served=frozenset({AgeGroup.YOUTH}),
    )
    rrh = make.site(
        other, area, Tier.LONG_TERM, hud_project_type=13, **hud_fields(Tier.LONG_TERM, housing_type=3)
    )
    world = World(admin, case_manager, vsp, other, shelter, youth, transitional, rrh)
    for n in range(3):
        world.spaces[f"shelter bed {n}"] = make.space(shelter)
    world.spaces["shelter unit"] = make.space(shelter, SpaceKind.UNIT, 4)
    world.spaces["shelter unit 2"] = make.space(shelter, SpaceKind.UNIT, 3)
    for n in range(2):
        world.spaces[f"youth bed {n}"] = make.space(youth)
    for n in range(2):
        world.spaces[f"transitional bed {n}"] = make.space(transitional)
    world.spaces["rrh unit"] = make.space(rrh, SpaceKind.UNIT, 3)
    world.spaces["rrh studio"] = make.space(rrh, SpaceKind.UNIT, 1)
    for site in (shelter, youth, transitional, rrh):
        make._save(SiteFunder(site_id=site.id, funder=8, grant_id="G-1", starts_on=date(2020, 1, 1)))
    make._save(
        SiteFunder(
            site_id=shelter.id,
            funder=46,
            other_funder="CalOES",
            starts_on=date(2020, 1, 1),
            ends_on=date(2021, 1, 1),
        )
    )
    return world


def stay(
    make: Any,
    world: World,
    space: str,
    starts_on: date,
    nights: int | None = None,
    destination: int = 410,
    previous: Any = None,
    **client: Any,
) -> Any:
    """A stay in `space` from `starts_on`: exited after `nights` (to `destination`) or current."""
    target = world.spaces[space]
    site = next(
        s for s in (world.shelter, world.youth, world.transitional, world.rrh) if s.id == target.site_id
    )
    record = previous.client if previous is not None else make.client(**client)
    limit = site.stay_limit_days
    exited = starts_on + timedelta(days=nights) if nights is not None else None
    expected = None if limit is None else starts_on + timedelta(days=limit)
    booking = Booking(
        space_id=target.id, client_id=record.id, starts_on=starts_on, ends_on=exited or expected
    )
    placement = Placement(
        booking=booking,
        client_id=record.id,
        space_id=target.id,
        site_id=site.id,
        tier=site.tier,
        stay_limit_days=limit,
        starts_on=starts_on,
        expected_end_on=expected,
        exited_on=exited,
        destination=destination if exited else None,
        subsidy_type=436 if exited and destination == 435 else None,
        destination_text="Repatriated" if exited and destination == 17 else None,
        previous_placement_id=previous.id if previous is not None else None,
        placed_by_id=world.admin.id,
    )
    placement = make._save(placement)
    placement.client = record
    return placement
