"""Accounts, passwords and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from .. import shared_cache
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..models import ApiToken, Organisation, Role, User
from . import audit, passwords, revision, sign_in_rules
from .access import require_admin
from .actor import Actor

TOKEN_PREFIX = "hs_"  # noqa: S105 - a label that marks our tokens, not a secret


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_password(password: str) -> None:
    if len(password) < passwords.MINIMUM_LENGTH:
        raise InvalidInput.field(
            "password", gettext("Use at least %(count)s characters.", count=passwords.MINIMUM_LENGTH)
        )


def _check_organisation(role: Role, organisation_id: int | None) -> None:
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise InvalidInput.field("organisation_id", gettext("No organisation has this id."))
    if role == Role.PARTNER and organisation_id is None:
        raise InvalidInput.field("organisation_id", gettext("A partner account belongs to one organisation."))


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == _normalise_email(email)))


def create_user(
    actor: Actor | None,
    *,
    email: str,
    display_name: str,
    role: Role,
    password: str,
    organisation_id: int | None = None,
) -> User:
    """Create an account (by an admin; `actor` None only for operators at the command line)."""
    if actor is not None:
        require_admin(actor)
    _check_password(password)
    _check_organisation(role, organisation_id)
    if find_by_email(email) is not None:
        raise Conflict(
            gettext("An account with this email already exists."), {"email": [gettext("Already in use.")]}
        )
    user = User(
        email=_normalise_email(email),
        display_name=display_name.strip(),
        role=role,
        organisation_id=organisation_id,
        password_hash=passwords.hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    audit.record(actor or Actor.scheduler(), "user.create", "user", user.id, {"role": role.value})
    return user


def check_update(actor: Actor, user: User, changes: dict[str, Any]) -> None:
    """Refuse a change `update_user` would refuse, changing nothing (before the admin confirms it)."""
    require_admin(actor)
    role = changes.get("role", user.role)
    _check_organisation(role, changes.get("organisation_id", user.organisation_id))
    if user.id == actor.user_id and (changes.get("active") is False or role != user.role):
        raise Conflict(gettext("You can't deactivate your own account or change your own role."))


def update_user(actor: Actor, user: User, changes: dict[str, Any], now: datetime) -> int | None:
    """Change an account's name, role, organisation or active flag (admins only).

    A role change or deactivation ends the person's sessions and revokes their API tokens:
    returns how many tokens were revoked then, None when the change ended nothing.
    """
    check_update(actor, user, changes)
    role = changes.get("role", user.role)
    ends_sessions = role != user.role or changes.get("active", user.active) != user.active
    required = sign_in_rules.required_roles()
    if user.role.value not in required and role.value in required and user.totp_enabled_at is None:
        # Moved into a role that must sign in in two steps: time to set it up, not a lock-out.
        user.second_factor_grace_from = now
    for field in ("display_name", "role", "organisation_id", "active"):
        if field in changes:
            setattr(user, field, changes[field])
    revoked = None
    if ends_sessions:
        # A role change or deactivation takes effect now, not at the next sign-in.
        revoked = end_access(user, now)
    db.session.flush()
    details: dict[str, Any] = {"fields": sorted(changes)}
    if revoked is not None:
        details["tokens_revoked"] = revoked
    audit.record(actor, "user.update", "user", user.id, details)
    return revoked


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(gettext("No account has this id."))
    return user


def change_own_password(actor: Actor, current_password: str, new_password: str, now: datetime) -> int:
    """A person changes their own password; every session and API token of theirs ends.

    Returns how many tokens were revoked.
    """
    user = actor.signed_in_user
    if not passwords.verify_password(user.password_hash, current_password):
        raise InvalidInput.field("current_password", gettext("This is not your current password."))
    revoked = _set_password(user, new_password, now)
    audit.record(actor, "user.password_change", "user", user.id, {"tokens_revoked": revoked}, now=now)
    return revoked


def choose_language(actor: Actor, locale: str | None, offered: tuple[str, ...]) -> None:
    """A person picks the language of their pages and messages (None: as their browser asks)."""
    if locale is not None and locale not in offered:
        raise InvalidInput.field(
            "locale", gettext("Choose one of %(languages)s.", languages=", ".join(offered))
        )
    actor.signed_in_user.locale = locale


def reset_password(actor: Actor, user: User, new_password: str, now: datetime) -> int:
    """An admin sets a new password for someone who lost theirs; their sessions and tokens end.

    Returns how many tokens were revoked.
    """
    require_admin(actor)
    revoked = _set_password(user, new_password, now)
    audit.record(actor, "user.password_reset", "user", user.id, {"tokens_revoked": revoked}, now=now)
    return revoked


def _set_password(user: User, new_password: str, now: datetime) -> int:
    _check_password(new_password)
    user.password_hash = passwords.hash_password(new_password)
    user.password_changed_at = now
    return end_access(user, now)


def authenticate(email: str, password: str) -> User | None:
    """The active account with this email and password, or None (taking the same time)."""
    user = find_by_email(email)
    if user is None:
        passwords.verify_against_nobody(password)
        return None
    if not passwords.verify_password(user.password_hash, password) or not user.active:
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def end_all_sessions(actor: Actor) -> None:
    """Sign out: every session of this person stops working (their API tokens go on)."""
    actor.signed_in_user.session_version += 1
    db.session.flush()


def end_access(user: User, now: datetime) -> int:
    """Every session and every API token of this person stops working; returns the tokens revoked.

    Used whenever an account is recovered or its rights change (password change or reset,
    sign-out everywhere, role change, deactivation, a second factor reset): someone who took
    the account over must not keep a way in through a token made meanwhile.
    """
    user.session_version += 1
    result = db.session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session="fetch")
    )
    revision.mark_accounts_changed()  # the tokens' lookups kept anywhere end with this commit
    db.session.flush()
    return result.rowcount or 0


def sign_out_everywhere(actor: Actor, now: datetime) -> int:
    """Every session and API token of the acting person ends (a lost device, a shared one).

    Returns how many tokens were revoked.
    """
    user = actor.signed_in_user
    revoked = end_access(user, now)
    audit.record(actor, "session.sign_out_everywhere", "user", user.id, {"tokens_revoked": revoked}, now=now)
    return revoked


def _token_digest(token: str) -> str:
    # Tokens are 256 random bits: a fast hash is enough, and lets us look them up.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    actor: Actor, name: str, valid_days: int, now: datetime, *, max_days: int
) -> tuple[ApiToken, str]:
    """A new token for the actor's own account; the plain token is returned only here.

    Whoever calls this has made sure the person confirmed their password (or code) moments
    ago, in a browser session: see `signing_in.require_recent_confirmation`.
    """
    user = actor.signed_in_user
    if not 1 <= valid_days <= max_days:
        raise InvalidInput.field("valid_days", gettext("Choose between 1 and %(days)s days.", days=max_days))
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name.strip(),
        token_hash=_token_digest(plain),
        prefix=plain[:10],
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(actor, "token.create", "api_token", token.id, now=now)
    return token, plain


def tokens_of(actor: Actor) -> list[ApiToken]:
    query = select(ApiToken).order_by(ApiToken.id)
    if not actor.is_admin:
        query = query.where(ApiToken.user_id == actor.user_id)
    return list(db.session.scalars(query))


def revoke_token(actor: Actor, token_id: int, now: datetime) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or (token.user_id != actor.user_id and not actor.is_admin):
        raise NotFound(gettext("No token of yours has this id."))
    if token.revoked_at is None:
        token.revoked_at = now
        db.session.flush()
        audit.record(actor, "token.revoke", "api_token", token.id, now=now)
    return token


@dataclass(frozen=True)
class TokenHolder:
    """What a bearer token stands for, kept while the accounts' revision holds (and, with a
    shared cache, in Redis under the token's digest): no name, email or secret of the person."""

    token_id: int
    expires_at: datetime
    last_used_at: datetime | None
    user_id: int
    role: Role
    organisation_id: int | None
    session_version: int


shared_cache.register(TokenHolder, Role)
# Any change to an account or a token (deactivation, role, revocation, the hourly last-used
# time) moves the accounts' revision: the next request reads the token afresh, on every host.
_holders: revision.KeptWhileCurrent[TokenHolder | None] = revision.KeptWhileCurrent(
    size=1024, revision=revision.accounts_current, shared_as="token", shared_seconds=300
)
LAST_USED_RESOLUTION = timedelta(hours=1)  # precise enough, and spares a write per request


def user_for_token(plain: str, now: datetime) -> User | None:
    """The active account behind a bearer token that is neither expired nor revoked."""
    if not plain.startswith(TOKEN_PREFIX):
        return None
    digest = _token_digest(plain)
    holder = _holders.get(digest, lambda: _holder(digest))
    if holder is None or holder.expires_at <= now:
        return None
    if holder.last_used_at is None or now - holder.last_used_at > LAST_USED_RESOLUTION:
        token = db.session.get(ApiToken, holder.token_id)
        if token is not None:
            token.last_used_at = now
    return _account(holder)


def _holder(digest: str) -> TokenHolder | None:
    row = db.session.execute(
        select(
            ApiToken.id,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            User.id,
            User.role,
            User.organisation_id,
            User.session_version,
        )
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None), User.active)
    ).first()
    return None if row is None else TokenHolder(*row)


def _account(holder: TokenHolder) -> User:
    """The account as a record of this session, without reading it: what a request needs of it
    (id, role, organisation, session version) is in hand; anything else is read if asked for."""
    loaded = db.session.identity_map.get(identity_key(User, holder.user_id))
    if loaded is not None:
        return loaded  # already read in this transaction
    known = {
        "id": holder.user_id,
        "role": holder.role,
        "organisation_id": holder.organisation_id,
        "session_version": holder.session_version,
        "active": True,
    }
    user = User(**known)
    make_transient_to_detached(user)  # as if read from the database: the rest loads when touched
    db.session.add(user)
    return user
