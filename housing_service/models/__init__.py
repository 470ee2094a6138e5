"""All tables, imported together so that relationships and migrations see every model."""

from .accounts import ApiToken, Role, User
from .audit import AuditEvent
from .bookings import Booking, Extension, Hold, HoldStatus, Placement
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
from .revisions import CoalitionRevision
from .sign_ins import SignInAttempt

__all__ = [
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
    "Role",
    "SignInAttempt",
    "Site",
    "SiteFunder",
    "SiteLanguage",
    "Space",
    "SpaceStatusChange",
    "StepKind",
    "StepStatus",
    "SuggestionDecision",
    "TransitionPlan",
    "UnmetSearch",
    "User",
]
