"""Flags on the pages: what needs attention, why, by when; acknowledging one with a note."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ..errors import InvalidInput
from ..models import Flag
from ..services import flags
from ..services.actor import Actor
from .blueprint import bp
from .forms import AcknowledgeForm
from .presentation import moment_text
from .rendering import acting, now, safe_next, see_other, today

FLAGS_SHOWN = 200


@dataclass(frozen=True)
class FlagItem:
    flag: Flag
    title: str
    reason: str
    form: AcknowledgeForm
    mine: bool  # the reader said "I'm on it": theirs is the note box
    on_it: str | None  # "Chris Case-Manager is on it, since 9:40 am today"


def open_flags(actor: Actor) -> list[Flag]:
    """The open flags this person may see, soonest 'act by' first."""
    records, _total = flags.list_flags(actor, open_only=True, kind=None, page=1, per_page=FLAGS_SHOWN)
    return records


def flag_items(actor: Actor, records: list[Flag]) -> list[FlagItem]:
    stale_after = current_app.config["STALE_AVAILABILITY_HOURS"]
    on = today()
    items = []
    for flag in records:
        on_it = None
        if flag.acknowledged_at is not None:
            # Staff names are not survivor data; the reader sees this flag, so may see who took it on.
            who = flag.acknowledged_by.display_name if flag.acknowledged_by else "Someone"
            on_it = f"{who} is on it, since {moment_text(flag.acknowledged_at, on)}"
        text = flags.describe(flag, stale_after, current_app.config["COALITION_TIMEZONE"])
        items.append(
            FlagItem(
                flag,
                text.title,
                text.reason,
                AcknowledgeForm(formdata=None, prefix=f"flag-{flag.id}", note=flag.acknowledgement_note),
                flag.acknowledged_at is not None and flag.acknowledged_by_id == actor.signed_in_user.id,
                on_it,
            )
        )
    return items


@bp.route("/flags/<int:flag_id>/acknowledge", methods=["POST"])
def acknowledge_flag(flag_id: int) -> ResponseReturnValue:
    """Say that you are on it; the flag closes by itself once its cause is dealt with."""
    actor = acting()
    flag = flags.get_flag(actor, flag_id)
    form = AcknowledgeForm(prefix=f"flag-{flag.id}")
    if not form.validate_on_submit():
        raise InvalidInput(
            gettext("The note is too long: keep it under 2,000 characters, then send it again.")
        )
    taking_it_on = flag.acknowledged_at is None or flag.acknowledged_by_id != actor.signed_in_user.id
    flags.acknowledge(actor, flag, form.note.data, now())
    flash(
        gettext("Noted: colleagues can see that you are on it.")
        if taking_it_on
        else gettext("Your note is saved."),
        "success",
    )
    back = safe_next(request.args.get("next"))
    if back is None:
        return see_other(url_for("web.home"))
    # Back to the flag itself on the page the person came from: it may be long.
    return see_other(f"{back.split('#')[0].rstrip('?')}#flag-{flag.id}")
