"""People who use the service, and the API tokens their scripts use."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..db import Base, enum_type
from .inventory import Organisation


class Role(StrEnum):
    ADMIN = "admin"
    ADVOCATE = "advocate"
    CASE_MANAGER = "case_manager"
    PARTNER = "partner"


class User(UserMixin, Base):
    """A staff member of a coalition provider. Survivors never have accounts."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role <> 'partner' OR organisation_id IS NOT NULL", name="partner_has_organisation"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on sign-out everywhere, password or role change and deactivation: every
    # session carrying an older version is refused on its next request.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    password_changed_at: Mapped[datetime] = mapped_column(default=clock.now)
    # Two-step sign-in (TOTP, RFC 6238). The secret is set when enrolment begins and counts
    # only once a typed code confirmed it (`totp_enabled_at`); the last time step used is
    # kept so that a code seen over someone's shoulder can't be replayed within its 30 s.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Where two-step sign-in is required for the role, password-only sign-in works for
    # TWO_FACTOR_GRACE_DAYS from this moment (account creation, or an admin's reset).
    # (The server default serves rows written in plain SQL: an operator's, the benchmarks'.)
    second_factor_grace_from: Mapped[datetime] = mapped_column(default=clock.now, server_default=func.now())
    # The language the person chose in "My account" (a code of LANGUAGES); none: the browser's.
    locale: Mapped[str | None] = mapped_column(String(16))

    organisation: Mapped[Organisation | None] = relationship()

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:  # Flask-Login: the session remembers id and version together
        return f"{self.id}.{self.session_version}"


class RecoveryCode(Base):
    """A single-use code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    used_at: Mapped[datetime | None]


class ApiToken(Base):
    """A revocable bearer token for scripts and partner systems; only its hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()


class TwoStepRoleRule(Base):
    """Whether a role must sign in in two steps, as an admin set it (one row per role).

    All four rows are written together when an admin first sets the rule; until then (no
    rows) TWO_FACTOR_REQUIRED_ROLES from the environment applies. See services/sign_in_rules.py.
    """

    __tablename__ = "two_step_role_rules"

    role: Mapped[Role] = mapped_column(enum_type(Role, "role"), primary_key=True)
    required: Mapped[bool] = mapped_column(Boolean)
    changed_at: Mapped[datetime]
    changed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
