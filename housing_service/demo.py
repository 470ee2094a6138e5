"""A small, fictional coalition to try the service with. Never mix it with real data."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select

from . import clock
from .extensions import db
from .models import Organisation, Role, User
from .services import accounts, inventory, passwords
from .services.actor import Actor
from .vocabulary import AgeGroup, Gender, HouseholdType, SpaceFeature, SpaceKind, SubstanceUsePolicy, Tier

DEMO_DOMAIN = "demo.housing.invalid"
DEMO_ACCOUNTS = [
    (Role.ADMIN, "admin", "Alex Admin", None),
    (Role.ADVOCATE, "advocate", "Ana Advocate", None),
    (Role.CASE_MANAGER, "case.manager", "Chris Case-Manager", None),
    (Role.PARTNER, "partner", "Pat Partner", "Harbor Light Community Health"),
    (Role.PARTNER, "partner.newroots", "Noor Partner", "New Roots Resettlement"),
]
ORGANISATIONS = [
    ("Harbor Light Community Health", True),
    ("New Roots Resettlement", True),
    ("Bay Homes Collective", False),
]
AREAS = ["Santa Clara County", "San Mateo County", "Alameda County", "San Francisco"]
ALL_GENDERS = [Gender.WOMAN, Gender.MAN, Gender.NONBINARY]

# (organisation, name, tier, area, confidential, households, genders, ages, languages, pets,
#  policy, 24h intake, beds, units as (capacity, count))
SITES = [
    (
        "Harbor Light Community Health",
        "Harbor House",
        Tier.EMERGENCY,
        "Santa Clara County",
        True,
        [HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN],
        [Gender.WOMAN, Gender.NONBINARY],
        [AgeGroup.YOUTH, AgeGroup.ADULT],
        ["en", "es", "vi"],
        False,
        SubstanceUsePolicy.HARM_REDUCTION,
        True,
        6,
        [(3, 2), (4, 1)],
    ),
    (
        "Harbor Light Community Health",
        "Lantern Shelter",
        Tier.EMERGENCY,
        "San Mateo County",
        False,
        [HouseholdType.SINGLE_ADULTS],
        ALL_GENDERS,
        [AgeGroup.YOUTH, AgeGroup.ADULT],
        ["en", "tl"],
        True,
        SubstanceUsePolicy.HARM_REDUCTION,
        True,
        8,
        [],
    ),
    (
        "New Roots Resettlement",
        "Safe Harbor Youth Home",
        Tier.EMERGENCY,
        "Alameda County",
        True,
        [HouseholdType.MINORS_ONLY],
        ALL_GENDERS,
        [AgeGroup.MINOR],
        ["en", "es"],
        False,
        SubstanceUsePolicy.SOBRIETY_REQUIRED,
        True,
        4,
        [],
    ),
    (
        "New Roots Resettlement",
        "Bridgeway Transitional",
        Tier.TRANSITIONAL,
        "Santa Clara County",
        False,
        [HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN],
        ALL_GENDERS,
        [AgeGroup.YOUTH, AgeGroup.ADULT],
        ["en", "es", "ar", "uk"],
        False,
        SubstanceUsePolicy.SOBRIETY_REQUIRED,
        False,
        4,
        [(2, 2), (4, 2)],
    ),
    (
        "Harbor Light Community Health",
        "Cedar Commons",
        Tier.TRANSITIONAL,
        "Alameda County",
        True,
        [HouseholdType.SINGLE_ADULTS],
        [Gender.WOMAN],
        [AgeGroup.YOUTH, AgeGroup.ADULT],
        ["en", "zh", "ko"],
        True,
        SubstanceUsePolicy.HARM_REDUCTION,
        False,
        6,
        [],
    ),
    (
        "Bay Homes Collective",
        "Maple Court Apartments",
        Tier.LONG_TERM,
        "San Francisco",
        False,
        [HouseholdType.SINGLE_ADULTS, HouseholdType.ADULTS_WITH_CHILDREN],
        ALL_GENDERS,
        [AgeGroup.YOUTH, AgeGroup.ADULT],
        ["en", "es"],
        True,
        SubstanceUsePolicy.HARM_REDUCTION,
        False,
        0,
        [(1, 3), (3, 3), (5, 1)],
    ),
]


def seed_demo() -> list[tuple[str, str, str]]:
    """Create the demo coalition if it isn't there; (re)set the demo accounts' passwords."""
    now = clock.now()
    if db.session.scalar(select(Organisation).where(Organisation.name == ORGANISATIONS[0][0])) is None:
        _create_coalition(now)
    return _reset_demo_passwords(now)


def _create_coalition(now: object) -> None:
    admin = accounts.create_user(
        None,
        email=f"admin@{DEMO_DOMAIN}",
        display_name="Alex Admin",
        role=Role.ADMIN,
        password=secrets.token_urlsafe(16),
    )
    actor = Actor(admin)
    organisations = {name: inventory.create_organisation(actor, name, vsp) for name, vsp in ORGANISATIONS}
    areas = {name: inventory.create_area(actor, name) for name in AREAS}
    moment = clock.now()
    for (
        org,
        name,
        tier,
        area,
        confidential,
        households,
        genders,
        ages,
        languages,
        pets,
        policy,
        intake_24h,
        beds,
        units,
    ) in SITES:
        site = inventory.create_site(
            actor,
            {
                "organisation_id": organisations[org].id,
                "name": name,
                "tier": tier,
                "area_id": areas[area].id,
                "confidential": confidential,
                "address": f"{100 + len(name)} Demo Street, {area}",
                "households_served": households,
                "genders_served": genders,
                "age_groups_served": ages,
                "languages": languages,
                "pets_allowed": pets,
                "substance_use_policy": policy,
                "intake_24_hours": intake_24h,
                "intake_hours": "Any time" if intake_24h else "Mon–Fri 9:00–17:00",
                "contact": "Intake line (demo): 555-0100",
            },
        )
        for number in range(1, beds + 1):
            features = [SpaceFeature.WHEELCHAIR_ACCESSIBLE, SpaceFeature.GROUND_FLOOR] if number == 1 else []
            inventory.add_space(
                actor, site, {"label": f"Bed {number}", "kind": SpaceKind.BED, "features": features}, moment
            )
        unit_number = 0
        for capacity, count in units:
            for _ in range(count):
                unit_number += 1
                features = [SpaceFeature.CRIB] if capacity >= 3 else []
                inventory.add_space(
                    actor,
                    site,
                    {
                        "label": f"Unit {unit_number}",
                        "kind": SpaceKind.UNIT,
                        "capacity": capacity,
                        "features": features,
                    },
                    moment,
                )
        inventory.confirm_availability(actor, site, [], moment - timedelta(hours=2))
    for role, local_part, display_name, org in DEMO_ACCOUNTS[1:]:
        accounts.create_user(
            actor,
            email=f"{local_part}@{DEMO_DOMAIN}",
            display_name=display_name,
            role=role,
            password=secrets.token_urlsafe(16),
            organisation_id=organisations[org].id if org else None,
        )


def _reset_demo_passwords(now: object) -> list[tuple[str, str, str]]:
    sign_ins = []
    for role, local_part, _name, _org in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == f"{local_part}@{DEMO_DOMAIN}"))
        if user is None:
            continue
        password = secrets.token_urlsafe(12)
        user.password_hash = passwords.hash_password(password)
        user.session_version += 1
        sign_ins.append((role.value, user.email, password))
    db.session.flush()
    return sign_ins
