"""What each message says: plain words, a link to the page, and nothing that identifies a survivor.

No alias, name, household detail or address ever goes into a message: e-mails are forwarded
and texts show on locked phones. A client code appears only in an e-mail or in-app note to
someone who works that case (or holds the bed), never in a subject line or a text; a site's
name only to its own staff. Everything else is behind the link, where the page checks who asks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..models import Flag, FlagKind, User
from ..plain_words import day_text, moment_text
from .kinds import Channel


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # e-mail and in-app
    text: str  # the SMS: shorter, no client code
    link: str = ""  # a path on this site; the channel adds the public address

    def for_channel(self, channel: Channel) -> str:
        return self.text if channel == Channel.SMS else self.body


# The pages the links open (each is a route of the web pages; a test checks they exist).
HOLD_PAGE = "/holds/{id}"
MY_SITE_PAGE = "/my-sites/{id}"
NEXT_PLACE_PAGE = "/stays/{id}/next"
CASELOAD_PAGE = "/caseload"
WEBHOOKS_PAGE = "/admin/webhooks"
REFERRAL_PAGE = "/referrals/{id}"


def about_flag(flag: Flag, recipient: User, client_code: str | None, zone: str) -> Message | None:
    """The message about a new flag for one recipient (None: nothing to say to them)."""
    code = f" ({client_code})" if client_code else ""
    if flag.kind == FlagKind.HOLD_EXPIRING and flag.hold is not None:
        ends = moment_text(flag.hold.expires_at, zone)
        link = HOLD_PAGE.format(id=flag.hold_id)
        return Message(
            "A hold you made ends soon",
            f"The hold you made{code} ends at {ends}. Check the survivor in, or release the bed "
            "so someone else can have it.",
            f"housing_service: a hold you made ends at {ends}. Open the hold:",
            link,
        )
    if flag.kind == FlagKind.HOLD_EXPIRED and flag.hold is not None:
        ends = moment_text(flag.hold.expires_at, zone)
        held_by_them = flag.hold.held_by_id == recipient.id
        link = HOLD_PAGE.format(id=flag.hold_id)
        return Message(
            "A hold ended without a check-in",
            (f"The hold you made{code}" if held_by_them else "A hold at your site")
            + f" ended at {ends} without a check-in; the bed is free again.",
            f"housing_service: a hold ended at {ends}; the bed is free again. Details:",
            link,
        )
    if flag.kind == FlagKind.STALE_AVAILABILITY and flag.site is not None:
        link = MY_SITE_PAGE.format(id=flag.site_id)
        return Message(
            "Please confirm your site's availability",
            f"The beds at {flag.site.name} were not confirmed lately. Confirm them so advocates "
            "can rely on the board.",
            f"housing_service: please confirm availability at site {flag.site_id}. Reply CONFIRM "
            "if nothing changed, or BEDS and the number free tonight. Or open:",
            link,
        )
    if flag.kind in (FlagKind.NEARING_LIMIT, FlagKind.OVER_LIMIT):
        when = day_text(flag.act_by or flag.subject_on)
        link = NEXT_PLACE_PAGE.format(id=flag.placement_id)
        title = "A stay nears its end" if flag.kind == FlagKind.NEARING_LIMIT else "A stay passed its end"
        return Message(
            title,
            f"{title}{code}: plan the next step by {when}.",
            f"housing_service: {title.lower()}. Open the case:",
            link,
        )
    if flag.kind in (FlagKind.PLAN_STEP_OVERDUE, FlagKind.MOVE_WITHOUT_CHOICE):
        what = (
            "A plan step is past its date"
            if flag.kind == FlagKind.PLAN_STEP_OVERDUE
            else "A move-by date is near and no place is chosen"
        )
        link = NEXT_PLACE_PAGE.format(id=flag.placement_id) if flag.placement_id else CASELOAD_PAGE
        return Message(what, f"{what}{code}.", f"housing_service: {what.lower()}. Open the case:", link)
    if flag.kind == FlagKind.REFERRAL_WAITING and flag.referral_id is not None:
        ends = moment_text(flag.referral.respond_by, zone) if flag.referral else "soon"
        return Message(
            "A referral is still waiting for your answer",
            f"A referral to your site needs an answer by {ends}. Open it to screen it.",
            f"housing_service: a referral needs your answer by {ends}. Open:",
            REFERRAL_PAGE.format(id=flag.referral_id),
        )
    if flag.kind == FlagKind.REFERRAL_UNANSWERED and flag.referral_id is not None:
        return Message(
            "A referral was not answered in time",
            "A referral to a screened site was not answered in time. Open it to see what to do next.",
            "housing_service: a referral was not answered in time. Open:",
            REFERRAL_PAGE.format(id=flag.referral_id),
        )
    return None


def webhook_stopped(webhook_id: int, failures: int, now: datetime, zone: str) -> Message:
    return Message(
        "A partner system's webhook was stopped",
        f"Webhook {webhook_id} failed {failures} times in a row and was stopped at "
        f"{moment_text(now, zone)}. Check the address with the partner, then turn it back on.",
        f"housing_service: webhook {webhook_id} was stopped after {failures} failures. Open:",
        WEBHOOKS_PAGE,
    )


def referral(answered: bool, link: str) -> Message:
    """A screened referral waits for the site's answer, or was answered (never who it is for)."""
    if answered:
        return Message(
            "A referral was answered",
            "A referral you sent was answered. Open it to see the answer and what comes next.",
            "housing_service: a referral you sent was answered. Open:",
            link,
        )
    return Message(
        "A referral is waiting for an answer",
        "A referral to your site is waiting for an answer. Open it to screen it.",
        "housing_service: a referral is waiting for your answer. Open:",
        link,
    )
