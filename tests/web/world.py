"""A small coalition for the page tests: two organisations, one confidential shelter, one case."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from housing_service.models import Role
from housing_service.vocabulary import SpaceKind, Tier
from tests.factories import Factory

# The page tests' moment: 10 March 2027, noon in the coalition's time zone (UTC-8).
NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)


def text_of(response: Any) -> str:
    """The page's text as a person reads it (entities decoded)."""
    return html.unescape(response.get_data(as_text=True))


@dataclass
class World:
    organisation: Any
    other_organisation: Any
    area: Any
    other_area: Any
    shelter: Any  # confidential emergency shelter of `organisation`
    bed: Any
    second_bed: Any
    unit: Any
    transitional: Any  # open site of the other organisation
    transitional_bed: Any
    partner: Any
    other_partner: Any
    advocate: Any
    case_manager: Any
    admin: Any
    client: Any


def build_world(make: Factory, **shelter_fields: Any) -> World:
    organisation = make.organisation("Harbor Light Community Health")
    other_organisation = make.organisation("New Roots Resettlement")
    area, other_area = make.area("Santa Clara County"), make.area("San Mateo County")
    shelter = make.site(
        organisation=organisation,
        area=area,
        name="Harbor House",
        confidential=True,
        address="7 Secret Road",
        languages=("en", "es"),
        **shelter_fields,
    )
    transitional = make.site(
        organisation=other_organisation,
        area=other_area,
        name="Bridge Apartments",
        tier=Tier.TRANSITIONAL,
        address="12 Open Street",
    )
    advocate = make.user(Role.ADVOCATE, display_name="Ana Advocate")
    case_manager = make.user(Role.CASE_MANAGER, display_name="Chris Case-Manager")
    return World(
        organisation=organisation,
        other_organisation=other_organisation,
        area=area,
        other_area=other_area,
        shelter=shelter,
        bed=make.space(shelter, label="Bed 1"),
        second_bed=make.space(shelter, label="Bed 2"),
        unit=make.space(shelter, kind=SpaceKind.UNIT, capacity=4, label="Unit A"),
        transitional=transitional,
        transitional_bed=make.space(transitional, label="Room 1"),
        partner=make.user(Role.PARTNER, organisation=organisation, display_name="Pat Partner"),
        other_partner=make.user(Role.PARTNER, organisation=other_organisation, display_name="Noor Partner"),
        advocate=advocate,
        case_manager=case_manager,
        admin=make.user(Role.ADMIN, display_name="Alex Admin"),
        client=make.client(case_manager=case_manager, advocates=(advocate,), code="S-AB2CD3"),
    )
