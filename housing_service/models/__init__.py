"""All tables, imported together so that relationships and migrations see every model."""

from .accounts import ApiToken, RecoveryCode, Role, TwoStepRoleRule, User
from .address_reveals import AddressReveal, AddressRevealPause
from .audit import AuditEvent
from .bookings import Booking, Extension, Hold, HoldStatus, Placement, StayEpisode
from .clients import CaseTeamMember, Client
from .demand import UnmetSearch
from .flags import Flag, FlagKind, JobRun
from .idempotency import IdempotentRequest
from .inventory import (
    Area,
    AvailabilityConfirmation,
    Organisation,
    Site,
    SiteFunder,
    SiteLanguage,
    Space,
    SpaceStatusChange,
)
from .plans import Decision, PlanStep, StepKind, StepStatus, SuggestionDecision, TransitionPlan
from .referrals import Referral, ReferralStatus
from .revisions import CoalitionRevision
from .sign_ins import SignInAttempt

__all__ = [
    "AddressReveal",
    "AddressRevealPause",
    "ApiToken",
    "Area",
    "AuditEvent",
    "AvailabilityConfirmation",
    "Booking",
    "CaseTeamMember",
    "Client",
    "CoalitionRevision",
    "Decision",
    "Extension",
    "Flag",
    "FlagKind",
    "Hold",
    "HoldStatus",
    "IdempotentRequest",
    "JobRun",
    "Organisation",
    "Placement",
    "PlanStep",
    "RecoveryCode",
    "Referral",
    "ReferralStatus",
    "Role",
    "SignInAttempt",
    "Site",
    "SiteFunder",
    "SiteLanguage",
    "Space",
    "SpaceStatusChange",
    "StayEpisode",
    "StepKind",
    "StepStatus",
    "SuggestionDecision",
    "TransitionPlan",
    "TwoStepRoleRule",
    "UnmetSearch",
    "User",
]
