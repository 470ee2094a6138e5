"""Who was shown which confidential address, and pauses on people shown too many.

Every time the service puts a confidential site's address in front of someone other than
the site's own staff, a row here says who, which site and which hold (the audit trail has
the same event). A person shown the addresses of more distinct confidential sites than the
coalition allows in a window is paused: no further address until an admin reviews.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base
from .accounts import User
from .inventory import Site


class AddressReveal(Base):
    __tablename__ = "address_reveals"
    __table_args__ = (
        Index("ix_address_reveals_user_at", "user_id", "revealed_at"),
        Index("ix_address_reveals_site_at", "site_id", "revealed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"))
    revealed_at: Mapped[datetime]

    user: Mapped[User] = relationship()
    site: Mapped[Site] = relationship()


class AddressRevealPause(Base):
    """A person's confidential addresses paused, until an admin has reviewed why."""

    __tablename__ = "address_reveal_pauses"
    __table_args__ = (
        # One open pause per person, however many requests reach the limit at once.
        Index(
            "uq_address_reveal_pauses_open_user",
            "user_id",
            unique=True,
            postgresql_where=text("reviewed_at IS NULL"),
            sqlite_where=text("reviewed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    paused_at: Mapped[datetime]
    # The site whose address was asked for when the limit was reached.
    asked_site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    review_note: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])
