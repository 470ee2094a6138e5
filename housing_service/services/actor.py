"""Who is acting: a signed-in person (and from where), or the scheduler."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext

from ..errors import NotSignedIn
from ..models import Role, User


@dataclass(frozen=True)
class Actor:
    user: User | None
    address: str | None = None

    @classmethod
    def scheduler(cls) -> Actor:
        return cls(user=None, address=None)

    @property
    def signed_in_user(self) -> User:
        """The person acting; the scheduler is nobody and may not use personal actions."""
        if self.user is None:
            raise NotSignedIn(gettext("Sign in first."))
        return self.user

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @property
    def role(self) -> Role | None:
        return self.user.role if self.user else None

    @property
    def organisation_id(self) -> int | None:
        return self.user.organisation_id if self.user else None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_partner(self) -> bool:
        return self.role == Role.PARTNER
