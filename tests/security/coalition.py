"""A small coalition with records in every state, for the authorization and leak tests.

Two organisations: `own` (the records' own: its partner runs the sites where the records
are) and `other`. One person per role, and an advocate who works a different case.
Every value that must not leak is a distinctive marker, so that a test can look for it
in any response text or log.

Built in one transaction (the matrix builds it once per cell, so it must be quick).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask
from sqlalchemy.orm import Session

from housing_service.extensions import db
from housing_service.models import (
    AddressReveal,
    AddressRevealPause,
    ApiToken,
    Area,
    Booking,
    CaseTeamMember,
    Client,
    Extension,
    Flag,
    FlagKind,
    Hold,
    HoldStatus,
    Organisation,
    Placement,
    PlanStep,
    Referral,
    Role,
    Site,
    SiteLanguage,
    Space,
    User,
)
from housing_service.models.plans import Decision, StepKind, SuggestionDecision, TransitionPlan
from housing_service.notifications.kinds import WebhookEvent
from housing_service.notifications.models import Webhook
from housing_service.services import accounts, passwords
from housing_service.vocabulary import (
    AgeGroup,
    Gender,
    HouseholdType,
    LegalStatusProgress,
    ReferralMode,
    ReferralUrgency,
    SpaceKind,
    StageOfChange,
    SubstanceUsePolicy,
    Tier,
)

from ..factories import PASSWORD

# 10 March 2027, noon in the coalition's time zone.
NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TODAY = date(2027, 3, 10)

# Roles as the matrix and the leak tests name them.
ADMIN, ADVOCATE, CASE_MANAGER = "admin", "advocate", "case_manager"
PARTNER_OWN, PARTNER_OTHER, OFF_CASE, ANONYMOUS = "partner_own", "partner_other", "off_case", "anonymous"
ROLES = (ADMIN, ADVOCATE, CASE_MANAGER, PARTNER_OWN, PARTNER_OTHER, OFF_CASE, ANONYMOUS)

# Markers: values that may only reach the people the rules allow.
OWN_SECRET_ADDRESS = "SecretOwnAddress 7 Hidden Lane"
OTHER_SECRET_ADDRESS = "SecretOtherAddress 99 Quiet Road"
PUBLIC_ADDRESS = "PublicAddress 1 Open Street"
ALIAS_A, ALIAS_B, ALIAS_C = "AliasMarigold", "AliasJuniper", "AliasCypress"
DESTINATION_TEXT = "DestinationTextSisterInFresno"
EXTENSION_REASON = "ExtensionReasonCourtHearing"
RELEASE_REASON = "ReleaseReasonFamilyCalled"
ACKNOWLEDGEMENT_NOTE = "AcknowledgementNoteCalledCaseManager"
PLAN_STEP = "PlanStepCertificationLetter"
DECLINE_REASON = "DeclineReasonTooFarFromSchool"
CALLBACK_PHONE = "+1 408 555 0199"
REVIEW_NOTE = "ReviewNoteSpokeToSupervisor"

# Everyone has begun setting up two-step sign-in with this secret (not yet confirmed), so that
# the confirmation routes have something to confirm.
TWO_STEP_SETUP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

_password_hash: str | None = None


def _hash() -> str:
    global _password_hash
    if _password_hash is None:
        _password_hash = passwords.hash_password(PASSWORD)
    return _password_hash


@dataclass
class Coalition:
    """Ids of everything built, by name, and the people by role."""

    ids: dict[str, int] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    client_codes: dict[str, str] = field(default_factory=dict)
    token: str = ""
    password: str = PASSWORD
    acting_role: str = ""  # set by a test, for bodies that depend on who asks

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


def _site(
    organisation: Organisation,
    area: Area,
    name: str,
    address: str,
    confidential: bool,
    tier: Tier = Tier.EMERGENCY,
) -> Site:
    site = Site(
        organisation=organisation,
        area=area,
        name=name,
        tier=tier,
        hud_project_type={Tier.EMERGENCY: 0, Tier.TRANSITIONAL: 2}[tier],
        stay_limit_days=tier.default_stay_limit_days,
        hold_window_hours=4,
        confidential=confidential,
        address=address,
        households_served=frozenset(HouseholdType),
        genders_served=frozenset(Gender),
        age_groups_served=frozenset({AgeGroup.YOUTH, AgeGroup.ADULT}),
        pets_allowed=False,
        substance_use_policy=SubstanceUsePolicy.HARM_REDUCTION,
        intake_24_hours=True,
        availability_confirmed_at=NOW - timedelta(hours=2),
    )
    site.languages = [SiteLanguage(code="en")]
    return site


def _user(role: Role, email: str, organisation: Organisation | None = None) -> User:
    return User(
        email=email,
        display_name=email.split("@")[0].replace("-", " ").title(),
        role=role,
        organisation=organisation,
        password_hash=_hash(),
        totp_secret=TWO_STEP_SETUP_SECRET,
    )


def _stay(
    client: Client, space: Space, site: Site, starts_on: date, placed_by: User, **fields: object
) -> Placement:
    ends_on = starts_on + timedelta(days=site.stay_limit_days or 0)
    exited_on = fields.get("exited_on")
    booking = Booking(space=space, client_id=client.id, starts_on=starts_on, ends_on=exited_on or ends_on)
    return Placement(
        booking=booking,
        client=client,
        space=space,
        site=site,
        tier=site.tier,
        stay_limit_days=site.stay_limit_days,
        starts_on=starts_on,
        expected_end_on=ends_on,
        placed_by_id=placed_by.id,
        **fields,
    )


def _hold(
    client: Client,
    space: Space,
    site: Site,
    starts_on: date,
    held_by: User,
    status: HoldStatus,
    **fields: object,
) -> Hold:
    booking = Booking(
        space=space,
        client_id=client.id,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=site.stay_limit_days or 0),
        active=status in (HoldStatus.HELD, HoldStatus.PLACED),
    )
    return Hold(
        booking=booking,
        client=client,
        space=space,
        site=site,
        starts_on=starts_on,
        status=status,
        expires_at=fields.pop("expires_at", NOW + timedelta(hours=3)),
        held_by_id=held_by.id,
        created_at=NOW - timedelta(hours=1),
        **fields,
    )


def build(app: Flask) -> Coalition:
    """Build the coalition; returns ids, people and markers' owners."""
    world = Coalition()
    with app.app_context(), Session(db.engine, expire_on_commit=False) as session:
        own = Organisation(name="Harbour House Agency")
        other = Organisation(name="Quiet Refuge Agency")
        north, south, far = Area(name="North County"), Area(name="South County"), Area(name="Far County")
        session.add_all([own, other, north, south, far])

        people = {
            ADMIN: _user(Role.ADMIN, "admin@example.org"),
            ADVOCATE: _user(Role.ADVOCATE, "advocate@example.org"),
            CASE_MANAGER: _user(Role.CASE_MANAGER, "case-manager@example.org"),
            PARTNER_OWN: _user(Role.PARTNER, "partner-own@example.org", own),
            PARTNER_OTHER: _user(Role.PARTNER, "partner-other@example.org", other),
            OFF_CASE: _user(Role.ADVOCATE, "off-case@example.org"),
        }
        session.add_all(people.values())

        own_open = _site(own, north, "Harbour Open House", PUBLIC_ADDRESS, confidential=False)
        own_secret = _site(own, north, "Harbour Safe House", OWN_SECRET_ADDRESS, confidential=True)
        other_secret = _site(other, south, "Quiet Refuge", OTHER_SECRET_ADDRESS, confidential=True)
        # The other organisation screens referrals; our own confidential shelter takes holds.
        other_secret.referral_mode = ReferralMode.SCREENED
        # Where client A may move next: the own organisation's transitional programme.
        own_next = _site(own, north, "Harbour Bridge Housing", PUBLIC_ADDRESS, False, Tier.TRANSITIONAL)
        session.add_all([own_open, own_secret, other_secret, own_next])
        spaces = {
            "open_bed": Space(site=own_open, label="Open 1", kind=SpaceKind.BED),
            "open_bed_2": Space(site=own_open, label="Open 2", kind=SpaceKind.BED),
            "open_bed_3": Space(site=own_open, label="Open 3", kind=SpaceKind.BED),
            "secret_bed": Space(site=own_secret, label="Safe 1", kind=SpaceKind.BED),
            "secret_bed_held": Space(site=own_secret, label="Safe 2", kind=SpaceKind.BED),
            "other_bed": Space(site=other_secret, label="Quiet 1", kind=SpaceKind.BED),
            "other_bed_2": Space(site=other_secret, label="Quiet 2", kind=SpaceKind.BED),
            "next_bed": Space(site=own_next, label="Bridge 1", kind=SpaceKind.BED),
        }
        session.add_all(spaces.values())
        session.flush()

        advocate, case_manager = people[ADVOCATE], people[CASE_MANAGER]
        client_a = Client(
            code="S-AAAAAA",
            alias=ALIAS_A,
            organisation_id=own.id,
            case_manager_id=case_manager.id,
            age_group=AgeGroup.ADULT,
            gender=Gender.WOMAN,
            languages=["tl", "en"],
            avoid_area_ids=[far.id],
            avoid_site_ids=[],
            preferred_area_ids=[north.id],
            legal_status=LegalStatusProgress.IN_PROGRESS,
            stage_of_change=StageOfChange.PREPARATION,
            children=[],
            created_at=NOW - timedelta(days=60),
            updated_at=NOW - timedelta(days=1),
        )
        client_a.team = [CaseTeamMember(user_id=advocate.id)]
        client_b = Client(
            code="S-BBBBBB",
            alias=ALIAS_B,
            organisation_id=own.id,
            case_manager_id=case_manager.id,
            age_group=AgeGroup.ADULT,
            gender=Gender.WOMAN,
            languages=["es"],
            avoid_area_ids=[south.id],
            avoid_site_ids=[other_secret.id],
            children=[],
            created_at=NOW - timedelta(days=2),
        )
        client_b.team = [CaseTeamMember(user_id=advocate.id)]
        client_c = Client(
            code="S-CCCCCC",
            alias=ALIAS_C,
            organisation_id=other.id,
            age_group=AgeGroup.ADULT,
            gender=Gender.MAN,
            languages=["fr"],
            children=[],
            created_at=NOW - timedelta(days=5),
        )
        client_c.team = [CaseTeamMember(user_id=people[OFF_CASE].id)]
        session.add_all([client_a, client_b, client_c])
        session.flush()

        # Client A: an earlier stay at the other organisation's shelter, ended; now a stay
        # at our confidential shelter (from a hold), extended.
        past = _stay(
            client_a,
            spaces["other_bed"],
            other_secret,
            TODAY - timedelta(days=40),
            people[PARTNER_OTHER],
            exited_on=TODAY - timedelta(days=10),
            destination=17,
            destination_text=DESTINATION_TEXT,
        )
        placed_hold = _hold(
            client_a,
            spaces["secret_bed"],
            own_secret,
            TODAY - timedelta(days=10),
            advocate,
            HoldStatus.PLACED,
            ended_at=NOW - timedelta(days=10),
        )
        placed_hold.booking.active = False
        current = _stay(
            client_a, spaces["secret_bed"], own_secret, TODAY - timedelta(days=10), people[PARTNER_OWN]
        )
        session.add_all([past, placed_hold, current])
        session.flush()
        current.hold_id = placed_hold.id
        current.previous_placement_id = past.id
        extension = Extension(
            placement_id=current.id,
            previous_end_on=current.expected_end_on,
            new_end_on=current.expected_end_on + timedelta(days=30),
            reason=EXTENSION_REASON,
            approved_by="Programme Director",
            recorded_by_id=case_manager.id,
            beyond_tier_limit=True,
            recorded_at=NOW - timedelta(days=1),
        )
        current.expected_end_on = extension.new_end_on
        current.booking.ends_on = extension.new_end_on
        session.add(extension)

        # Client B: a bed held at our confidential shelter by the advocate, for tonight; an
        # earlier hold released, another expired.
        held = _hold(client_b, spaces["secret_bed_held"], own_secret, TODAY, advocate, HoldStatus.HELD)
        released = _hold(
            client_b,
            spaces["open_bed_2"],
            own_open,
            TODAY - timedelta(days=1),
            advocate,
            HoldStatus.RELEASED,
            release_reason=RELEASE_REASON,
            ended_at=NOW - timedelta(days=1),
        )
        expired = _hold(
            client_b,
            spaces["open_bed_3"],
            own_open,
            TODAY - timedelta(days=2),
            case_manager,
            HoldStatus.EXPIRED,
            expires_at=NOW - timedelta(days=2),
            ended_at=NOW - timedelta(days=2),
        )
        # Client C: staying at the other organisation's shelter (a walk-in there).
        stay_c = _stay(
            client_c, spaces["other_bed_2"], other_secret, TODAY - timedelta(days=3), people[PARTNER_OTHER]
        )
        session.add_all([held, released, expired, stay_c])
        session.flush()

        flag = Flag(
            key=f"nearing_limit:{current.id}:7",
            kind=FlagKind.NEARING_LIMIT,
            client_id=client_a.id,
            placement_id=current.id,
            site_id=own_secret.id,
            subject_on=current.expected_end_on,
            days_before=7,
            act_by=TODAY + timedelta(days=3),
            raised_at=NOW - timedelta(hours=5),
            acknowledged_at=NOW - timedelta(hours=1),
            acknowledged_by_id=case_manager.id,
            acknowledgement_note=ACKNOWLEDGEMENT_NOTE,
        )
        session.add(flag)
        # Client A's plan to move on, a step toward it, and a place the survivor declined.
        plan = TransitionPlan(
            placement_id=current.id,
            target_tier=Tier.TRANSITIONAL,
            move_by=TODAY + timedelta(days=40),
            created_by_id=case_manager.id,
            created_at=NOW - timedelta(days=3),
            updated_at=NOW - timedelta(days=3),
        )
        session.add(plan)
        session.flush()
        step = PlanStep(
            plan_id=plan.id,
            kind=StepKind.LEGAL_STATUS,
            description=PLAN_STEP,
            owner="Case manager",
            due_on=TODAY - timedelta(days=2),
        )
        declined = SuggestionDecision(
            client_id=client_a.id,
            placement_id=current.id,
            site_id=other_secret.id,
            decision=Decision.DECLINED,
            reason=DECLINE_REASON,
            recorded_by_id=case_manager.id,
            recorded_at=NOW - timedelta(days=2),
        )
        session.add_all([step, declined])
        session.flush()
        # The step is past its date: its flag names it, so it must reach the case team alone.
        session.add(
            Flag(
                key=f"plan_step_overdue:{step.id}",
                kind=FlagKind.PLAN_STEP_OVERDUE,
                client_id=client_a.id,
                placement_id=current.id,
                site_id=own_secret.id,
                plan_step_id=step.id,
                subject_on=step.due_on,
                act_by=step.due_on,
                raised_at=NOW - timedelta(hours=5),
            )
        )
        session.flush()

        # A referral for client A to the other organisation's screened shelter, waiting; the
        # advocate was shown our shelter's address (client B's hold); the off-case advocate was
        # paused from addresses once, and an admin reviewed it.
        referral = Referral(
            site_id=other_secret.id,
            requested_by_id=advocate.id,
            client_id=client_a.id,
            urgency=ReferralUrgency.WITHIN_DAYS,
            starts_on=TODAY + timedelta(days=1),
            adults=1,
            children_count=0,
            children=[],
            languages=["tl"],
            callback_phone=CALLBACK_PHONE,
            created_at=NOW - timedelta(minutes=5),
            respond_by=NOW + timedelta(minutes=25),
        )
        session.add(referral)
        session.flush()
        session.add(
            Flag(
                key=f"referral:{referral.id}:waiting",
                kind=FlagKind.REFERRAL_WAITING,
                referral_id=referral.id,
                site_id=other_secret.id,
                raised_at=NOW - timedelta(minutes=1),
            )
        )
        session.add(
            AddressReveal(user_id=advocate.id, site_id=own_secret.id, hold_id=held.id, revealed_at=NOW)
        )
        pause = AddressRevealPause(
            user_id=people[OFF_CASE].id,
            paused_at=NOW - timedelta(days=3),
            asked_site_id=own_secret.id,
            reviewed_at=NOW - timedelta(days=2),
            reviewed_by_id=people[ADMIN].id,
            review_note=REVIEW_NOTE,
        )
        open_pause = AddressRevealPause(
            user_id=people[OFF_CASE].id, paused_at=NOW - timedelta(hours=1), asked_site_id=own_secret.id
        )
        session.add_all([pause, open_pause])
        session.flush()

        plain = accounts.TOKEN_PREFIX + "coalition-advocate-token-0123456789abcdef"
        token = ApiToken(
            user_id=advocate.id,
            name="advocate's script",
            token_hash=accounts._token_digest(plain),
            prefix=plain[:10],
            created_at=NOW - timedelta(days=1),
            expires_at=NOW + timedelta(days=30),
        )
        session.add(token)
        # A partner system's webhook (a public address: nothing is delivered during these tests).
        webhook = Webhook(
            name="211 line",
            url="https://93.184.215.14/hooks",
            events=frozenset({WebhookEvent.AVAILABILITY_CHANGED}),
            secret="whsec_coalition-webhook-secret",
            active=True,
            consecutive_failures=0,
            created_at=NOW - timedelta(days=2),
        )
        session.add(webhook)
        session.commit()

        world.token = plain
        world.users = people
        world.emails = {role: user.email for role, user in people.items()}
        world.client_codes = {"a": client_a.code, "b": client_b.code, "c": client_c.code}
        world.ids.update(
            own_organisation=own.id,
            other_organisation=other.id,
            north=north.id,
            south=south.id,
            far=far.id,
            own_open_site=own_open.id,
            own_secret_site=own_secret.id,
            other_secret_site=other_secret.id,
            own_next_site=own_next.id,
            plan=plan.id,
            plan_step=step.id,
            client_a=client_a.id,
            client_b=client_b.id,
            client_c=client_c.id,
            past_stay=past.id,
            current_stay=current.id,
            stay_c=stay_c.id,
            placed_hold=placed_hold.id,
            held_hold=held.id,
            released_hold=released.id,
            expired_hold=expired.id,
            extension=extension.id,
            flag=flag.id,
            referral=referral.id,
            pause=pause.id,
            open_pause=open_pause.id,
            token=token.id,
            webhook=webhook.id,
            **{name: space.id for name, space in spaces.items()},
            **{f"user_{role}": user.id for role, user in people.items()},
        )
    return world
