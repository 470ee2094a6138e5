"""What a person can be told, by which channels, and what each role is told unless they choose."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l

from ..models import FlagKind, Role


class NotificationKind(StrEnum):
    HOLD_EXPIRING = "hold_expiring"  # a hold you made ends soon
    HOLD_EXPIRED = "hold_expired"  # a hold ended without a check-in
    STALE_AVAILABILITY = "stale_availability"  # your site's beds need confirming
    STAY_FLAG = "stay_flag"  # a stay nears or passed its end
    REFERRAL = "referral"  # a referral is waiting for an answer, or was answered
    PLAN_STEP_DUE = "plan_step_due"  # a plan step is past its date, or a move-by date is near
    DIGEST = "digest"  # the daily e-mail of new items
    WEBHOOK_STOPPED = "webhook_stopped"  # admins: a partner system's webhook kept failing


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    SMS = "sms"


KIND_LABELS: dict[NotificationKind, str] = {
    NotificationKind.HOLD_EXPIRING: _l("A hold you made ends soon"),
    NotificationKind.HOLD_EXPIRED: _l("A hold ended without a check-in"),
    NotificationKind.STALE_AVAILABILITY: _l("Your site's availability needs confirming"),
    NotificationKind.STAY_FLAG: _l("A stay nears or passed its end"),
    NotificationKind.REFERRAL: _l("A referral is waiting or was answered"),
    NotificationKind.PLAN_STEP_DUE: _l("A plan step or move-by date is due"),
    NotificationKind.DIGEST: _l("The daily e-mail of new items"),
    NotificationKind.WEBHOOK_STOPPED: _l("A partner system's webhook stopped"),
}

CHANNEL_LABELS = {Channel.IN_APP: _l("In the app"), Channel.EMAIL: _l("E-mail"), Channel.SMS: _l("Text message")}

# The digest is an e-mail by nature; the others may go anywhere.
CHANNELS_OF: dict[NotificationKind, frozenset[Channel]] = {
    kind: frozenset({Channel.EMAIL}) if kind == NotificationKind.DIGEST else frozenset(Channel)
    for kind in NotificationKind
}

# A survivor may be waiting in a car: a hold's warning is sent even in quiet hours.
URGENT_KINDS = frozenset({NotificationKind.HOLD_EXPIRING})

FLAG_KINDS: dict[FlagKind, NotificationKind] = {
    FlagKind.HOLD_EXPIRING: NotificationKind.HOLD_EXPIRING,
    FlagKind.HOLD_EXPIRED: NotificationKind.HOLD_EXPIRED,
    FlagKind.STALE_AVAILABILITY: NotificationKind.STALE_AVAILABILITY,
    FlagKind.NEARING_LIMIT: NotificationKind.STAY_FLAG,
    FlagKind.OVER_LIMIT: NotificationKind.STAY_FLAG,
    FlagKind.PLAN_STEP_OVERDUE: NotificationKind.PLAN_STEP_DUE,
    FlagKind.MOVE_WITHOUT_CHOICE: NotificationKind.PLAN_STEP_DUE,
    FlagKind.REFERRAL_WAITING: NotificationKind.REFERRAL,
    FlagKind.REFERRAL_UNANSWERED: NotificationKind.REFERRAL,
}

_ALL = frozenset(Channel)
_APP = frozenset({Channel.IN_APP})
_APP_EMAIL = frozenset({Channel.IN_APP, Channel.EMAIL})
_EMAIL = frozenset({Channel.EMAIL})
_NONE: frozenset[Channel] = frozenset()

# What each role is told unless the person chooses otherwise. Text messages go only to a
# confirmed number, and only where the moment matters most. A case manager's e-mail about
# stays and plans is the daily digest (one e-mail, not one per flag) unless they choose more.
ROLE_DEFAULTS: dict[Role, dict[NotificationKind, frozenset[Channel]]] = {
    Role.ADVOCATE: {
        NotificationKind.HOLD_EXPIRING: _ALL,
        NotificationKind.HOLD_EXPIRED: _APP_EMAIL,
        NotificationKind.STALE_AVAILABILITY: _NONE,
        NotificationKind.STAY_FLAG: _APP,
        NotificationKind.REFERRAL: _ALL,
        NotificationKind.PLAN_STEP_DUE: _APP,
        NotificationKind.DIGEST: _NONE,
        NotificationKind.WEBHOOK_STOPPED: _NONE,
    },
    Role.CASE_MANAGER: {
        NotificationKind.HOLD_EXPIRING: _ALL,
        NotificationKind.HOLD_EXPIRED: _APP_EMAIL,
        NotificationKind.STALE_AVAILABILITY: _NONE,
        NotificationKind.STAY_FLAG: _APP,
        NotificationKind.REFERRAL: _APP_EMAIL,
        NotificationKind.PLAN_STEP_DUE: _APP,
        NotificationKind.DIGEST: _EMAIL,
        NotificationKind.WEBHOOK_STOPPED: _NONE,
    },
    Role.PARTNER: {
        NotificationKind.HOLD_EXPIRING: _NONE,
        NotificationKind.HOLD_EXPIRED: _APP,
        NotificationKind.STALE_AVAILABILITY: _ALL,
        NotificationKind.STAY_FLAG: _NONE,
        NotificationKind.REFERRAL: _ALL,
        NotificationKind.PLAN_STEP_DUE: _NONE,
        NotificationKind.DIGEST: _NONE,
        NotificationKind.WEBHOOK_STOPPED: _NONE,
    },
    Role.ADMIN: {
        **{kind: _NONE for kind in NotificationKind},
        NotificationKind.HOLD_EXPIRING: _APP_EMAIL,
        NotificationKind.HOLD_EXPIRED: _APP,
        NotificationKind.WEBHOOK_STOPPED: _APP_EMAIL,
        # An admin is told of a referral only when a screened site let it go unanswered.
        NotificationKind.REFERRAL: _APP_EMAIL,
    },
}


# Admins alone hear about partner systems' webhooks, whoever a producer names.
ADMIN_ONLY_KINDS = frozenset({NotificationKind.WEBHOOK_STOPPED})


def kinds_for(role: Role) -> list[NotificationKind]:
    """The kinds a person in `role` can be told about (and so choose channels for)."""
    return [kind for kind in NotificationKind if role == Role.ADMIN or kind not in ADMIN_ONLY_KINDS]


class WebhookEvent(StrEnum):
    AVAILABILITY_CHANGED = "availability_changed"
    SITE_OPENED = "site_opened"
    SITE_CLOSED = "site_closed"
    HOLD_CHANGED = "hold_changed"
    REFERRAL_CHANGED = "referral_changed"
    TEST = "test"  # the "send a test event" button; every webhook receives it


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    SENDING = "sending"  # claimed by a delivery run
    SENT = "sent"
    FAILED = "failed"  # gave up after its last attempt
