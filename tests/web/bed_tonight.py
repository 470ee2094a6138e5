"""A busy night for the bed-tonight tests: family places that fit a Spanish-speaking mother with
two children in different ways, added to the page tests' small coalition (tests/web/world.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from housing_service import clock
from housing_service.vocabulary import SpaceKind, Tier
from tests.factories import Factory
from tests.web.world import World

OPEN_ADDRESS = "500 Mission Street, San Jose"


@dataclass
class BusyNight:
    best: Any  # Spanish-speaking staff, a family unit, arrivals at any hour, confirmed just now
    best_unit: Any
    english_only: Any
    stale: Any  # confirmed three days ago
    office_hours: Any  # arrivals Mon-Fri 9-17 only
    transitional: Any  # office hours too, and not emergency shelter


def busy_night(make: Factory, world: World) -> BusyNight:
    now = clock.now()

    def family_site(name: str, languages: tuple[str, ...], **fields: Any) -> Any:
        site = make.site(
            organisation=world.other_organisation, area=world.area, name=name, languages=languages, **fields
        )
        make.space(site, kind=SpaceKind.UNIT, capacity=4, label="Family room 1")
        return site

    best = make.site(
        organisation=world.other_organisation,
        area=world.area,
        name="Casa Segura",
        languages=("en", "es"),
        address=OPEN_ADDRESS,
        contact="Intake line (408) 555-0142",
    )
    return BusyNight(
        best=best,
        best_unit=make.space(best, kind=SpaceKind.UNIT, capacity=4, label="Family room 2"),
        english_only=family_site("North Star Shelter", ("en",)),
        stale=family_site(
            "Old Mill Family House", ("es",), availability_confirmed_at=now - timedelta(days=3)
        ),
        office_hours=family_site(
            "Daylight Family Center", ("es",), intake_24_hours=False, intake_hours="Mon–Fri 9–17"
        ),
        transitional=family_site(
            "Bridgeway Transitional",
            ("es",),
            tier=Tier.TRANSITIONAL,
            intake_24_hours=False,
            intake_hours="Mon–Fri 9–17",
        ),
    )
