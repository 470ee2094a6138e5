"""What each message says: plain words, a link to the page, and nothing that identifies a survivor.

No alias, name, household detail or address ever goes into a message: e-mails are forwarded
and texts show on locked phones. A client code appears only in an e-mail or in-app note to
someone who works that case (or holds the bed), never in a subject line or a text; a site's
name only to its own staff. Everything else is behind the link, where the page checks who asks.

Each message is written in its recipient's language (`i18n.words_of`), when it is composed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..i18n import words_of
from ..models import Flag, FlagKind, User
from ..plain_words import day_text, moment_text
from ..translation import Words
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
    words = words_of(recipient)
    if flag.kind == FlagKind.HOLD_EXPIRING and flag.hold is not None:
        ends = moment_text(flag.hold.expires_at, zone, words=words)
        body = (
            words.gettext("The hold you made (%(code)s) ends at %(ends)s.", code=client_code, ends=ends)
            if client_code
            else words.gettext("The hold you made ends at %(ends)s.", ends=ends)
        )
        return Message(
            words.gettext("A hold you made ends soon"),
            body
            + " "
            + words.gettext("Check the survivor in, or release the bed so someone else can have it."),
            words.gettext("housing_service: a hold you made ends at %(ends)s. Open the hold:", ends=ends),
            HOLD_PAGE.format(id=flag.hold_id),
        )
    if flag.kind == FlagKind.HOLD_EXPIRED and flag.hold is not None:
        ends = moment_text(flag.hold.expires_at, zone, words=words)
        if flag.hold.held_by_id != recipient.id:
            body = words.gettext(
                "A hold at your site ended at %(ends)s without a check-in; the bed is free again.", ends=ends
            )
        elif client_code:
            body = words.gettext(
                "The hold you made (%(code)s) ended at %(ends)s without a check-in; the bed is free again.",
                code=client_code,
                ends=ends,
            )
        else:
            body = words.gettext(
                "The hold you made ended at %(ends)s without a check-in; the bed is free again.", ends=ends
            )
        return Message(
            words.gettext("A hold ended without a check-in"),
            body,
            words.gettext(
                "housing_service: a hold ended at %(ends)s; the bed is free again. Details:", ends=ends
            ),
            HOLD_PAGE.format(id=flag.hold_id),
        )
    if flag.kind == FlagKind.STALE_AVAILABILITY and flag.site is not None:
        return Message(
            words.gettext("Please confirm your site's availability"),
            words.gettext(
                "The beds at %(site)s were not confirmed lately. Confirm them so advocates can rely on the"
                " board.",
                site=flag.site.name,
            ),
            # CONFIRM and BEDS are the words the texting service reads: they stay as they are.
            words.gettext(
                "housing_service: please confirm availability at site %(site_id)s. Reply CONFIRM if nothing"
                " changed, or BEDS and the number free tonight. Or open:",
                site_id=flag.site_id,
            ),
            MY_SITE_PAGE.format(id=flag.site_id),
        )
    if flag.kind in (FlagKind.NEARING_LIMIT, FlagKind.OVER_LIMIT):
        when = day_text(flag.act_by or flag.subject_on, words)
        nearing = flag.kind == FlagKind.NEARING_LIMIT
        title = words.gettext("A stay nears its end") if nearing else words.gettext("A stay passed its end")
        if client_code:
            body = words.gettext(
                "%(title)s (%(code)s): plan the next step by %(when)s.",
                title=title,
                code=client_code,
                when=when,
            )
        else:
            body = words.gettext("%(title)s: plan the next step by %(when)s.", title=title, when=when)
        text = (
            words.gettext("housing_service: a stay nears its end. Open the case:")
            if nearing
            else words.gettext("housing_service: a stay passed its end. Open the case:")
        )
        return Message(title, body, text, NEXT_PLACE_PAGE.format(id=flag.placement_id))
    if flag.kind in (FlagKind.PLAN_STEP_OVERDUE, FlagKind.MOVE_WITHOUT_CHOICE):
        overdue = flag.kind == FlagKind.PLAN_STEP_OVERDUE
        what = (
            words.gettext("A plan step is past its date")
            if overdue
            else words.gettext("A move-by date is near and no place is chosen")
        )
        body = (
            words.gettext("%(what)s (%(code)s).", what=what, code=client_code)
            if client_code
            else words.gettext("%(what)s.", what=what)
        )
        text = (
            words.gettext("housing_service: a plan step is past its date. Open the case:")
            if overdue
            else words.gettext(
                "housing_service: a move-by date is near and no place is chosen. Open the case:"
            )
        )
        link = NEXT_PLACE_PAGE.format(id=flag.placement_id) if flag.placement_id else CASELOAD_PAGE
        return Message(what, body, text, link)
    if flag.kind == FlagKind.REFERRAL_WAITING and flag.referral_id is not None:
        ends = (
            moment_text(flag.referral.respond_by, zone, words=words)
            if flag.referral
            else words.gettext("soon")
        )
        return Message(
            words.gettext("A referral is still waiting for your answer"),
            words.gettext(
                "A referral to your site needs an answer by %(ends)s. Open it to screen it.", ends=ends
            ),
            words.gettext("housing_service: a referral needs your answer by %(ends)s. Open:", ends=ends),
            REFERRAL_PAGE.format(id=flag.referral_id),
        )
    if flag.kind == FlagKind.REFERRAL_UNANSWERED and flag.referral_id is not None:
        return Message(
            words.gettext("A referral was not answered in time"),
            words.gettext(
                "A referral to a screened site was not answered in time. Open it to see what to do next."
            ),
            words.gettext("housing_service: a referral was not answered in time. Open:"),
            REFERRAL_PAGE.format(id=flag.referral_id),
        )
    return None


def webhook_stopped(webhook_id: int, failures: int, now: datetime, zone: str, words: Words) -> Message:
    return Message(
        words.gettext("A partner system's webhook was stopped"),
        words.gettext(
            "Webhook %(webhook)s failed %(failures)s times in a row and was stopped at %(when)s."
            " Check the address with the partner, then turn it back on.",
            webhook=webhook_id,
            failures=failures,
            when=moment_text(now, zone, words=words),
        ),
        words.gettext(
            "housing_service: webhook %(webhook)s was stopped after %(failures)s failures. Open:",
            webhook=webhook_id,
            failures=failures,
        ),
        WEBHOOKS_PAGE,
    )


def referral(answered: bool, link: str, words: Words) -> Message:
    """A screened referral waits for the site's answer, or was answered (never who it is for)."""
    if answered:
        return Message(
            words.gettext("A referral was answered"),
            words.gettext("A referral you sent was answered. Open it to see the answer and what comes next."),
            words.gettext("housing_service: a referral you sent was answered. Open:"),
            link,
        )
    return Message(
        words.gettext("A referral is waiting for an answer"),
        words.gettext("A referral to your site is waiting for an answer. Open it to screen it."),
        words.gettext("housing_service: a referral is waiting for your answer. Open:"),
        link,
    )
