"""A small, fictional coalition to try the service with. Never mix it with real data."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select

from . import clock
from .demo_history import create_history
from .extensions import db
from .models import Organisation, Role, Site, Space, User
from .referrals import service as referrals
from .services import accounts, clients, go_live, holds, inventory, passwords, two_factor
from .services.actor import Actor
from .services.stay_review import review_stays
from .vocabulary import (
    AgeGroup,
    CasePhase,
    Gender,
    HouseholdType,
    ReferralUrgency,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)

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
    ("New Roots Resettlement", False),  # a refugee-resettlement agency: not a victim service provider
    ("Bay Homes Collective", False),
]
AREAS = ["Santa Clara County", "San Mateo County", "Alameda County", "San Francisco"]
# Each area's city, ZIP, HUD Continuum of Care and geocode (fictional streets, real codes).
AREA_HUD_FIELDS = {
    "Santa Clara County": ("San José", "95112", "CA-500", "069085"),
    "San Mateo County": ("San Mateo", "94401", "CA-512", "069081"),
    "Alameda County": ("Oakland", "94607", "CA-502", "069001"),
    "San Francisco": ("San Francisco", "94103", "CA-501", "069075"),
}
# Funders by site: (HUD funder code, other funder's name, grant id).
SITE_FUNDERS = {
    "Harbor House": [(8, None, "ESG-DEMO-01"), (46, "CalOES", "XH-DEMO-22")],
    "Lantern Shelter": [(8, None, "ESG-DEMO-02")],
    "Safe Harbor Youth Home": [(22, None, "RHY-DEMO-07")],
    "Bridgeway Transitional": [(5, None, "COC-TH-DEMO-3"), (46, "OVC", "OVC-DEMO-2024")],
    "Cedar Commons": [(5, None, "COC-TH-DEMO-4")],
    "Maple Court Apartments": [(52, None, "EHV-DEMO-9")],
}
PROGRAMMES_SINCE = date(2019, 7, 1)
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
        _create_caseload(now)
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
    vsp = {name for name, flag in ORGANISATIONS if flag}
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
                **_hud_fields(name, tier, area, org in vsp),
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
        for funder, other, grant in SITE_FUNDERS[name]:
            inventory.add_funder(
                actor,
                site,
                {"funder": funder, "other_funder": other, "grant_id": grant, "starts_on": PROGRAMMES_SINCE},
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


def _hud_fields(name: str, tier: Tier, area: str, victim_service_provider: bool) -> dict[str, object]:
    """What HUD's inventory export needs of a demo site: sensible, and complete."""
    city, postal_code, coc_code, geocode = AREA_HUD_FIELDS[area]
    emergency = {"es_bed_type": 1, "bed_availability": 1} if tier == Tier.EMERGENCY else {}
    return {
        "street_address": f"{100 + len(name)} Demo Street",
        "city": city,
        "state": "CA",
        "postal_code": postal_code,
        "coc_code": coc_code,
        "geocode": geocode,
        "geography_type": 1,
        "housing_type": 3 if tier == Tier.LONG_TERM else 1,
        "target_population": 1 if victim_service_provider else 4,
        "operating_start_on": PROGRAMMES_SINCE,
        # A victim service provider reports from its comparable database (this service).
        "hmis_participation": 2 if victim_service_provider else 1,
        **emergency,
    }


def _reset_demo_passwords(now: datetime) -> list[tuple[str, str, str]]:
    sign_ins = []
    for role, local_part, _name, _org in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == f"{local_part}@{DEMO_DOMAIN}"))
        if user is None:
            continue
        password = secrets.token_urlsafe(12)
        user.password_hash = passwords.hash_password(password)
        # A fresh start for whoever tries the demo next: no second factor set up by someone
        # before, sessions and tokens ended, and the whole grace period for two-step sign-in
        # ahead, so that the printed password signs in (and the reminder shows how to enrol).
        two_factor.turn_off(user, now)
        sign_ins.append((role.value, user.email, password))
    db.session.flush()
    return sign_ins


# (alias, adults, children, languages, needs, site, space label, days into the stay, phase, ready)
DEMO_STAYS = [
    (
        "Amaya",
        1,
        ["3-5", "6-12"],
        ["es", "en"],
        [],
        "Harbor House",
        "Unit 1",
        50,
        CasePhase.STABILISATION,
        False,
    ),
    ("Lin", 1, [], ["zh", "en"], [], "Harbor House", "Bed 2", 8, CasePhase.CRISIS, False),
    (
        "Oksana",
        1,
        [],
        ["uk", "en"],
        [SpaceFeature.WHEELCHAIR_ACCESSIBLE],
        "Lantern Shelter",
        "Bed 1",
        57,
        CasePhase.STABILISATION,
        False,
    ),
    (
        "Grace",
        1,
        [],
        ["en", "tl"],
        [],
        "Bridgeway Transitional",
        "Bed 1",
        215,
        CasePhase.SUSTAINABILITY,
        True,
    ),
]


def _create_caseload(now: datetime) -> None:
    """Survivors (by alias, fictional) in stays at different points, so every page has something to show."""
    case_manager = db.session.scalar(select(User).where(User.email == f"case.manager@{DEMO_DOMAIN}"))
    advocate = db.session.scalar(select(User).where(User.email == f"advocate@{DEMO_DOMAIN}"))
    admin = db.session.scalar(select(User).where(User.email == f"admin@{DEMO_DOMAIN}"))
    today = clock.local_date(now, current_app.config["COALITION_TIMEZONE"])
    for alias, adults, children, languages, needs, site_name, label, days_in, phase, ready in DEMO_STAYS:
        client = clients.create_client(
            Actor(case_manager),
            {
                "alias": alias,
                "adults": adults,
                "children": children,
                "languages": languages,
                "accessibility_needs": needs,
                "age_group": AgeGroup.ADULT,
                "gender": Gender.WOMAN,
                "case_phase": phase,
                "has_income": ready,
                "has_identity_documents": ready,
                "says_ready_to_move": ready,
            },
            now,
        )
        clients.add_to_team(Actor(case_manager), client, advocate.id, now)
        site = db.session.scalar(select(Site).where(Site.name == site_name))
        space = db.session.scalar(select(Space).where(Space.site_id == site.id, Space.label == label))
        # Survivors mid-stay when the coalition started: go-live stays with their real first night.
        go_live.record_go_live_stay(
            Actor(admin),
            space_id=space.id,
            client_id=client.id,
            new_client=None,
            starts_on=today - timedelta(days=days_in),
            episode_starts_on=None,
            ends_on=None,
            reason="Demo data: staying here when the coalition started using the service",
            now=now,
            today=today,
        )
    newcomer = clients.create_client(
        Actor(advocate),
        {"alias": "Marisol", "languages": ["es"], "age_group": AgeGroup.YOUTH, "gender": Gender.WOMAN},
        now,
    )
    lantern = db.session.scalar(select(Site).where(Site.name == "Lantern Shelter"))
    bed = db.session.scalar(select(Space).where(Space.site_id == lantern.id, Space.label == "Bed 3"))
    holds.create_hold(
        Actor(advocate),
        client_id=newcomer.id,
        space_id=bed.id,
        starts_on=None,
        ends_on=None,
        override_reason=None,
        now=now,
        today=today,
    )
    # A mother and two children asked for at Harbor House, which screens referrals: Pat
    # Partner answers it, and would call the advocate back.
    family = clients.create_client(
        Actor(advocate),
        {
            "alias": "Rosa",
            "languages": ["es"],
            "age_group": AgeGroup.ADULT,
            "gender": Gender.WOMAN,
            "children": ["3-5", "6-12"],
        },
        now,
    )
    harbor_house = db.session.scalar(select(Site).where(Site.name == "Harbor House"))
    referrals.send_referral(
        Actor(advocate),
        referrals.ReferralRequest(
            site_id=harbor_house.id,
            client_id=family.id,
            starts_on=today,
            ends_on=None,
            urgency=ReferralUrgency.TONIGHT,
            callback_phone="+1 408 555 0123",
        ),
        now,
        today,
    )
    db.session.flush()
    create_history(today, now, admin)
    review_stays(current_app.config["STAY_REVIEW_THRESHOLDS"], today, now)
