"""All tables, imported together so that relationships and migrations see every model."""

from .accounts import ApiToken, Role, User
from .audit import AuditEvent
from .bookings import Booking, Extension, Hold, HoldStatus, Placement
from .clients import CaseTeamMember, Client
from .idempotency import IdempotentRequest
from .inventory import (
    Area,
    AvailabilityConfirmation,
    Organisation,
    Site,
    SiteLanguage,
    Space,
    SpaceStatusChange,
)

__all__ = [
    "ApiToken",
    "Area",
    "AuditEvent",
    "AvailabilityConfirmation",
    "Booking",
    "CaseTeamMember",
    "Client",
    "Extension",
    "Hold",
    "HoldStatus",
    "IdempotentRequest",
    "Organisation",
    "Placement",
    "Role",
    "Site",
    "SiteLanguage",
    "Space",
    "SpaceStatusChange",
    "User",
]
