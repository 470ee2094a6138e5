"""Go-live stays: survivors already mid-stay when the coalition starts using the service.

Such a stay is recorded with its real first night (and the first night of its episode, if the
survivor moved beds before), so that days used, the limit and the flags are true from day one.
Only an admin or the site's own staff record one, with a reason, and the audit trail keeps it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from flask_babel import gettext, ngettext
from sqlalchemy import or_, select

from ..errors import Conflict, Forbidden, InvalidInput
from ..extensions import db
from ..models import Client, Placement, Space, StayEpisode
from ..vocabulary import Tier
from . import audit, clients
from .access import manages_site, works_case
from .actor import Actor
from .holds import book, check_fit, require_no_overdue_stay

# A first night further back is far more likely a typo (1926 for 2026) than a real stay.
OLDEST_FIRST_NIGHT = timedelta(days=10 * 365)


def record_go_live_stay(
    actor: Actor,
    *,
    space_id: int,
    client_id: int | None,
    new_client: dict[str, Any] | None,
    starts_on: date,
    episode_starts_on: date | None,
    ends_on: date | None,
    reason: str,
    now: datetime,
    today: date,
) -> Placement:
    """A current stay that began before today, with its real first night and episode."""
    space = db.session.get(Space, space_id)
    if space is None:
        raise InvalidInput.field("space_id", gettext("No bed or unit has this id."))
    site = space.site
    if not manages_site(actor, site):
        raise Forbidden(gettext("Only an admin or the site's own staff record a stay that began before go-live."))
    reason = reason.strip()
    if not reason:
        raise InvalidInput.field("reason", gettext("Say why the stay is recorded after the fact (e.g. go-live)."))
    if starts_on >= today:
        raise InvalidInput.field(
            "starts_on",
            gettext("A go-live stay began before today; a stay from tonight is a walk-in or a check-in."),
        )
    if starts_on < today - OLDEST_FIRST_NIGHT:
        raise InvalidInput.field(
            "starts_on", _within_the_last()
        )
    episode_starts_on = episode_starts_on or starts_on
    if episode_starts_on > starts_on:
        raise InvalidInput.field(
            "episode_starts_on", gettext("The first night in the tier can't come after this stay's first night.")
        )
    if episode_starts_on < today - OLDEST_FIRST_NIGHT:
        raise InvalidInput.field(
            "episode_starts_on", _within_the_last()
        )
    end = _end(site.tier, site.stay_limit_days, starts_on, episode_starts_on, ends_on)
    if (client_id is None) == (new_client is None):
        raise InvalidInput.field("client", gettext("Give either client_id or a new client's household and needs."))
    if new_client is not None:
        client = clients.create_client(actor, new_client, now)
    else:
        client = db.session.get(Client, client_id)
        if client is None or not (works_case(actor, client)):
            raise InvalidInput.field(
                "client_id",
                gettext("No survivor on your caseload has this id; a site's staff give the new record instead."),
            )
    _require_no_other_stay(client, starts_on)
    check_fit(client, space)
    require_no_overdue_stay(space, today)
    booking = book(space, client, starts_on, end)
    placement = Placement(
        booking=booking,
        client_id=client.id,
        space_id=space.id,
        site_id=site.id,
        tier=site.tier,
        stay_limit_days=site.stay_limit_days,
        starts_on=starts_on,
        expected_end_on=end,
        placed_by_id=actor.signed_in_user.id,
        go_live_reason=reason[:300],
        created_at=now,
        episode=StayEpisode(client_id=client.id, tier=site.tier, starts_on=episode_starts_on, created_at=now),
    )
    db.session.add(placement)
    db.session.flush()
    audit.record(
        actor,
        "placement.go_live",
        "placement",
        placement.id,
        {"starts_on": starts_on.isoformat(), "episode_starts_on": episode_starts_on.isoformat()},
        now=now,
    )
    return placement


def _within_the_last() -> str:
    return ngettext(
        "Give a first night within the last %(num)s day.",
        "Give a first night within the last %(num)s days.",
        OLDEST_FIRST_NIGHT.days,
    )


def _end(
    tier: Tier, limit_days: int | None, starts_on: date, episode_starts_on: date, ends_on: date | None
) -> date | None:
    if tier == Tier.LONG_TERM:
        if ends_on is not None:
            raise InvalidInput.field("ends_on", gettext("Long-term housing has no end date."))
        return None
    limit_end = episode_starts_on + timedelta(days=limit_days or 0)
    if limit_end <= starts_on:
        raise InvalidInput.field(
            "episode_starts_on",
            ngettext(
                "The %(num)s-night limit counted from %(start)s ended on %(end)s, before this stay began; "
                "record the stay from its own first night, and any extension with its reason.",
                "The %(num)s-night limit counted from %(start)s ended on %(end)s, before this stay began; "
                "record the stay from its own first night, and any extension with its reason.",
                limit_days or 0,
                start=episode_starts_on.isoformat(),
                end=limit_end.isoformat(),
            ),
        )
    if ends_on is None:
        return limit_end
    if ends_on <= starts_on:
        raise InvalidInput.field("ends_on", gettext("The stay must end after its first night."))
    if ends_on > limit_end:
        raise InvalidInput.field(
            "ends_on",
            gettext(
                "The limit counted from the episode's first night ends on %(end)s; end by then, then extend.",
                end=limit_end.isoformat(),
            ),
        )
    return ends_on


def _require_no_other_stay(client: Client, starts_on: date) -> None:
    """A survivor lives in one place at a time: no current stay, no earlier stay over these nights."""
    clash = db.session.scalar(
        select(Placement)
        .where(
            Placement.client_id == client.id,
            or_(Placement.exited_on.is_(None), Placement.exited_on > starts_on),
        )
        .order_by(Placement.starts_on)
        .limit(1)
    )
    if clash is not None:
        if clash.exited_on:
            message = gettext(
                "This survivor has a stay at %(site)s from %(start)s until %(end)s; "
                "a go-live stay can't overlap another stay.",
                site=clash.site.name,
                start=clash.starts_on.isoformat(),
                end=clash.exited_on.isoformat(),
            )
        else:
            message = gettext(
                "This survivor has a stay at %(site)s from %(start)s and it is still current; "
                "a go-live stay can't overlap another stay.",
                site=clash.site.name,
                start=clash.starts_on.isoformat(),
            )
        raise Conflict(message, {"starts_on": [gettext("Overlaps another stay.")]})
