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
from .rendering import acting, now, safe_next, see_other

FLAGS_SHOWN = 200


@dataclass(frozen=True)
class FlagItem:
    flag: Flag
    title: str
    reason: str
    form: AcknowledgeForm


def open_flags(actor: Actor) -> list[Flag]:
    """The open flags this person may see, soonest 'act by' first."""
    records, _total = flags.list_flags(actor, open_only=True, kind=None, page=1, per_page=FLAGS_SHOWN)
    return records


def flag_items(records: list[Flag]) -> list[FlagItem]:
    stale_after = current_app.config["STALE_AVAILABILITY_HOURS"]
    items = []
    for flag in records:
        text = flags.describe(flag, stale_after, current_app.config["COALITION_TIMEZONE"])
        items.append(
            FlagItem(flag, text.title, text.reason, AcknowledgeForm(formdata=None, prefix=f"flag-{flag.id}"))
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
    flags.acknowledge(actor, flag, form.note.data, now())
    flash(gettext("Noted: colleagues can see that you are on it."), "success")
    return see_other(safe_next(request.args.get("next")) or url_for("web.home"))
