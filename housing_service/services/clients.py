"""Survivors' records: created and read only by the people working the case, every read audited."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from flask_babel import gettext
from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.exc import IntegrityError

from ..db import savepoint
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..extensions import db
from ..models import CaseTeamMember, Client, Flag, Placement, Role, Site, User
from ..vocabulary import ADULT_AGE, AgeGroup, CasePhase
from . import audit
from .access import clients_visible_to, require_case_worker, require_role, works_case
from .actor import Actor
from .inventory import require_areas_exist

# No 0/O or 1/I/L: codes are read aloud over the phone and copied by hand.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 6
MOST_YEARS = 120

# The fields a survivor's record holds; the audit trail names them, never their values.
PERSONAL_FIELDS = (
    "alias",
    "adults",
    "children",
    "gender",
    "age_group",
    "age_years",
    "languages",
    "accessibility_needs",
    "has_pets",
    "avoid_area_ids",
    "avoid_site_ids",
    "preferred_area_ids",
    "substance_use_preference",
    "case_phase",
    "stage_of_change",
    "has_income",
    "has_identity_documents",
    "legal_status",
    "says_ready_to_move",
)


NEW_RECORD_DEFAULTS: dict[str, Any] = {
    "children": [],
    "languages": [],
    "accessibility_needs": frozenset(),
    "has_pets": False,
    "avoid_area_ids": [],
    "avoid_site_ids": [],
    "preferred_area_ids": [],
    "case_phase": CasePhase.CRISIS,
    "has_income": False,
    "has_identity_documents": False,
    "says_ready_to_move": False,
}


def new_client_code() -> str:
    return "S-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def adults_by_default(age_group: AgeGroup) -> int:
    """A minor's household has no adult unless one is recorded: never a family by accident."""
    return 0 if age_group == AgeGroup.MINOR else 1


def _check_client(client: Client) -> None:
    if client.age_years is not None:
        if not 0 <= client.age_years <= MOST_YEARS:
            raise InvalidInput.field(
                "age_years", gettext("An age in years is between 0 and %(most)s.", most=MOST_YEARS)
            )
        if (client.age_years < ADULT_AGE) != (client.age_group == AgeGroup.MINOR):
            raise InvalidInput.field(
                "age_years",
                gettext(
                    "An age of %(years)s does not match the age group %(group)s.",
                    years=client.age_years,
                    group=AgeGroup(client.age_group).value,
                ),
            )
    if client.adults + len(client.children) < 1:
        raise InvalidInput.field("adults", gettext("A household has at least one person."))
    if client.age_group == AgeGroup.MINOR and not client.children:
        raise InvalidInput.field(
            "children", gettext("A survivor who is a minor is counted among the children.")
        )
    require_areas_exist("avoid_area_ids", client.avoid_area_ids)
    require_areas_exist("preferred_area_ids", client.preferred_area_ids)
    if overlap := sorted(set(client.avoid_area_ids) & set(client.preferred_area_ids)):
        raise InvalidInput.field(
            "preferred_area_ids", gettext("Area %(area)s is also an area to avoid.", area=overlap[0])
        )
    if client.avoid_site_ids:
        known = set(db.session.scalars(select(Site.id).where(Site.id.in_(client.avoid_site_ids))))
        if missing := sorted(set(client.avoid_site_ids) - known):
            raise InvalidInput.field(
                "avoid_site_ids", gettext("No site has id %(ids)s.", ids=", ".join(map(str, missing)))
            )
    if client.case_manager_id is not None:
        manager = db.session.get(User, client.case_manager_id)
        if manager is None or manager.role != Role.CASE_MANAGER or not manager.active:
            raise InvalidInput.field("case_manager_id", gettext("Choose an active case manager's account."))


def _apply(client: Client, data: dict[str, Any]) -> None:
    for field, value in data.items():
        if field == "accessibility_needs":
            value = frozenset(value)
        elif field in ("avoid_area_ids", "avoid_site_ids", "preferred_area_ids", "languages"):
            value = list(dict.fromkeys(value))
        elif field == "children":
            value = [str(getattr(bracket, "value", bracket)) for bracket in value]
        elif field == "alias" and value is not None:
            value = value.strip() or None
        setattr(client, field, value)


def _require_may_assign_case_manager(actor: Actor) -> None:
    # Whoever is named case manager sees the whole record: case managers and admins decide
    # that, whether the record is new or not.
    if actor.role not in (Role.ADMIN, Role.CASE_MANAGER):
        raise Forbidden(gettext("A case manager or an admin assigns the case manager."))


def create_client(actor: Actor, data: dict[str, Any], now: datetime) -> Client:
    """Open a survivor's record; an advocate who opens it joins the case team."""
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER, Role.PARTNER)
    data = dict(data)
    if actor.role == Role.CASE_MANAGER:
        data.setdefault("case_manager_id", actor.user_id)
    if data.get("case_manager_id") is not None:
        _require_may_assign_case_manager(actor)
    client = Client(
        organisation_id=actor.organisation_id,
        created_by_id=actor.user_id,
        created_at=now,
        **NEW_RECORD_DEFAULTS,
    )
    data.setdefault("adults", adults_by_default(AgeGroup(data["age_group"])) if "age_group" in data else 1)
    _apply(client, data)
    _check_client(client)
    if actor.role == Role.ADVOCATE:
        client.team.append(CaseTeamMember(user_id=actor.signed_in_user.id, added_at=now))
    db.session.add(client)
    for _attempt in range(5):
        client.code = new_client_code()
        try:
            with savepoint(db.session):
                db.session.flush()
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - 31^6 codes make five collisions in a row unthinkable
        raise Conflict(gettext("Could not give the record a unique code; please try again."))
    audit.record(actor, "client.create", "client", client.id, {"fields": sorted(data)}, now=now)
    return client


def get_client(actor: Actor, client_id: int, now: datetime) -> Client:
    """A survivor's record, for the people working the case; the read is audited."""
    client = db.session.get(Client, client_id)
    # A record the actor doesn't work on is answered as one that doesn't exist: a 403
    # would confirm to anyone signed in that a survivor's record has this id.
    if client is None or not works_case(actor, client):
        raise NotFound(gettext("No survivor record you work on has this id."))
    audit.record(actor, "client.read", "client", client.id, now=now, read=True)
    return client


def update_client(actor: Actor, client: Client, changes: dict[str, Any], now: datetime) -> Client:
    require_case_worker(actor, client)
    if "case_manager_id" in changes:
        _require_may_assign_case_manager(actor)
    _apply(client, changes)
    # Check before anything is written: an unknown id must be a 422, not a foreign-key error.
    with db.session.no_autoflush:
        _check_client(client)
    client.updated_at = now
    db.session.flush()
    audit.record(actor, "client.update", "client", client.id, {"fields": sorted(changes)}, now=now)
    return client


def list_clients(actor: Actor, page: int, per_page: int, now: datetime) -> tuple[list[Client], int]:
    """The records the actor works on, newest first; the read of each is audited."""
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    query = select(Client).where(clients_visible_to(actor))
    return _page_of(actor, query, [Client.id.desc()], page, per_page, now)


def list_worklist(
    actor: Actor, page: int, per_page: int, now: datetime, *, needs_action: bool = False
) -> tuple[list[Client], int]:
    """The records the actor works on, most urgent first: the fewest days left in the current
    stay, then the earliest 'act by' date of the survivor's open flags, then any open flag at
    all, then the newest record (a last tie-break, so that the order is the same on every page).
    With `needs_action`, only the survivors with an open flag (a flag closes once dealt with).
    """
    require_role(actor, Role.ADVOCATE, Role.CASE_MANAGER)
    stay_ends = (
        select(func.min(Placement.expected_end_on))
        .where(Placement.client_id == Client.id, Placement.exited_on.is_(None))
        .scalar_subquery()
    )
    # A survivor's own flags: whoever works the case may see them all (see flags.visible_to).
    open_flag = and_(Flag.client_id == Client.id, Flag.resolved_at.is_(None))
    act_by = select(func.min(Flag.act_by)).where(open_flag).scalar_subquery()
    has_open_flag = exists().where(open_flag)
    query = select(Client).where(clients_visible_to(actor))
    if needs_action:
        query = query.where(has_open_flag)
    order = [
        stay_ends.is_(None),
        stay_ends,
        act_by.is_(None),
        act_by,
        ~has_open_flag,
        Client.id.desc(),
    ]
    return _page_of(actor, query, order, page, per_page, now)


def _page_of(
    actor: Actor, query: Select[tuple[Client]], order: list[Any], page: int, per_page: int, now: datetime
) -> tuple[list[Client], int]:
    """One page of survivors' records, counted and ordered in SQL; the read of each is audited."""
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    clients = list(db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)))
    if clients:
        ids = [c.id for c in clients]
        audit.record(actor, "client.list", "client", None, {"ids": ids}, now=now, read=True)
    return clients, total


def add_to_team(actor: Actor, client: Client, user_id: int, now: datetime) -> CaseTeamMember:
    """Bring an advocate onto the case (the case manager or an admin)."""
    if not (actor.is_admin or (actor.role == Role.CASE_MANAGER and client.case_manager_id == actor.user_id)):
        raise Forbidden(gettext("The survivor's case manager or an admin builds the case team."))
    user = db.session.get(User, user_id)
    if user is None or user.role != Role.ADVOCATE or not user.active:
        raise InvalidInput.field("user_id", gettext("Choose an active advocate's account."))
    if any(member.user_id == user_id for member in client.team):
        raise Conflict(gettext("This advocate is already on the case team."))
    member = CaseTeamMember(user_id=user_id, added_at=now)
    client.team.append(member)
    db.session.flush()
    audit.record(actor, "client.team_add", "client", client.id, {"user_id": user_id}, now=now)
    return member
