"""Holds and stays, and the ledger of nights that keeps any bed from being booked twice.

Every hold and every stay owns one `Booking`: a space over a half-open range of nights
[starts_on, ends_on). The database refuses two active bookings of one space whose ranges
overlap: an exclusion constraint on PostgreSQL, triggers on SQLite (where every write
transaction is serialised, see db.py); migration 0001 creates both. Availability is read
from this table, never kept as a counter.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..db import Base, enum_type
from ..vocabulary import Tier
from .accounts import User
from .clients import Client
from .inventory import Site, Space

if TYPE_CHECKING:
    from .referrals import Referral

OVERLAP_CONSTRAINT = "ex_bookings_no_overlap"


class Booking(Base):
    """One client's claim on one space over a range of nights."""

    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="ends_after_start"),
        ExcludeConstraint(
            ("space_id", "="),
            (text("daterange(starts_on, ends_on, '[)')"), "&&"),
            where=text("active"),
            using="gist",
            name=OVERLAP_CONSTRAINT,
        ).ddl_if(dialect="postgresql"),
        # Availability looks up a space's bookings ending after a date (or open-ended).
        Index(
            "ix_bookings_active_space_ends",
            "space_id",
            "ends_on",
            postgresql_where=text("active"),
            sqlite_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # None: open-ended (long-term housing)
    # False once a hold is released or expires; stays (also past ones) remain active.
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    space: Mapped[Space] = relationship()


class HoldStatus(StrEnum):
    HELD = "held"
    PLACED = "placed"
    RELEASED = "released"
    EXPIRED = "expired"


class Hold(Base):
    """A space reserved for a client: arriving now (within the window) or from a future date."""

    __tablename__ = "holds"
    __table_args__ = (
        # One active hold per client and start date, unless someone overrode with a reason.
        Index(
            "uq_holds_one_active_per_client_day",
            "client_id",
            "starts_on",
            unique=True,
            postgresql_where=text("status = 'held' AND override_reason IS NULL"),
            sqlite_where=text("status = 'held' AND override_reason IS NULL"),
        ),
        Index("ix_holds_status_expires", "status", "expires_at"),
        # Whether the person asking holds a bed at a site (and so may see its address).
        Index(
            "ix_holds_current_by_holder",
            "held_by_id",
            "site_id",
            postgresql_where=text("status = 'held'"),
            sqlite_where=text("status = 'held'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    status: Mapped[HoldStatus] = mapped_column(enum_type(HoldStatus, "hold_status"), default=HoldStatus.HELD)
    expires_at: Mapped[datetime]
    override_reason: Mapped[str | None] = mapped_column(String(300))
    held_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[datetime | None]  # placed, released or expired
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    release_reason: Mapped[str | None] = mapped_column(String(300))

    booking: Mapped[Booking] = relationship()
    client: Mapped[Client] = relationship()
    space: Mapped[Space] = relationship()
    site: Mapped[Site] = relationship()
    held_by: Mapped[User] = relationship(foreign_keys=[held_by_id])
    placement: Mapped[Placement | None] = relationship(back_populates="hold")
    # The screened referral this hold answered, if any: until the survivor arrives, the
    # site's staff know the household, not who it is.
    referral: Mapped[Referral | None] = relationship(back_populates="hold", viewonly=True)

    # Current: held and inside its window. A hold past its window counts for nothing (no
    # check-in, no address) even before the expiry job has marked it expired.
    def is_current(self, now: datetime) -> bool:
        return self.status == HoldStatus.HELD and self.expires_at > now

    @classmethod
    def current_at(cls, now: datetime) -> ColumnElement[bool]:
        return and_(cls.status == HoldStatus.HELD, cls.expires_at > now)


class StayEpisode(Base):
    """A survivor's continuous time in one tier: bed moves and transfers within the tier keep it.

    The tier's limit and the move-by date count from its first night. A new episode starts
    after a real break (a return once the episode's end date has passed), or earlier only with
    the case team's recorded reason (`restart_reason`), which is reported like an extension.
    """

    __tablename__ = "stay_episodes"
    __table_args__ = (
        CheckConstraint(
            "restart_reason IS NULL OR length(restart_reason) > 0", name="restart_reason_not_empty"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    tier: Mapped[Tier] = mapped_column(enum_type(Tier, "tier"))
    starts_on: Mapped[date] = mapped_column(Date)  # the first night in this tier
    # Set when a case manager started this episode although the earlier one could have gone on.
    restart_reason: Mapped[str | None] = mapped_column(Text)
    restarted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    previous_episode_id: Mapped[int | None] = mapped_column(ForeignKey("stay_episodes.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    client: Mapped[Client] = relationship()


class Placement(Base):
    """A stay: a survivor living in a space, from the first night to the exit."""

    __tablename__ = "placements"
    __table_args__ = (
        # A survivor lives in one place at a time.
        Index(
            "uq_placements_one_current_per_client",
            "client_id",
            unique=True,
            postgresql_where=text("exited_on IS NULL"),
            sqlite_where=text("exited_on IS NULL"),
        ),
        CheckConstraint("exited_on IS NULL OR exited_on >= starts_on", name="exit_after_start"),
        CheckConstraint(
            "(exited_on IS NULL AND destination IS NULL)"
            " OR (exited_on IS NOT NULL AND destination IS NOT NULL)",
            name="exit_has_destination",
        ),
        CheckConstraint("destination <> 435 OR subsidy_type IS NOT NULL", name="subsidised_rental_has_type"),
        CheckConstraint(
            "destination <> 17 OR length(coalesce(destination_text, '')) > 0",
            name="other_destination_has_text",
        ),
        CheckConstraint(
            "(tier = 'long_term' AND stay_limit_days IS NULL AND expected_end_on IS NULL)"
            " OR (tier <> 'long_term' AND stay_limit_days >= 1 AND expected_end_on > starts_on)",
            name="limit_fits_tier",
        ),
        Index("ix_placements_current_end", "exited_on", "expected_end_on"),
        # A stay past its end without an exit still occupies its space.
        Index(
            "ix_placements_current_space",
            "space_id",
            postgresql_where=text("exited_on IS NULL"),
            sqlite_where=text("exited_on IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    booking_id: Mapped[int] = mapped_column(ForeignKey("bookings.id"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    space_id: Mapped[int] = mapped_column(ForeignKey("spaces.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"), unique=True)
    previous_placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), unique=True)
    episode_id: Mapped[int] = mapped_column(ForeignKey("stay_episodes.id"), index=True)
    tier: Mapped[Tier] = mapped_column(enum_type(Tier, "tier"))
    stay_limit_days: Mapped[int | None] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    expected_end_on: Mapped[date | None] = mapped_column(Date)  # first night no longer planned
    exited_on: Mapped[date | None] = mapped_column(Date)  # HUD exit date: the day the stay ended
    destination: Mapped[int | None] = mapped_column(Integer)  # HUD 3.12
    subsidy_type: Mapped[int | None] = mapped_column(Integer)  # HUD 3.12.A, for 435
    destination_text: Mapped[str | None] = mapped_column(String(300))  # for 17 (e.g. repatriation)
    placed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Why the survivor changed bed or unit within the tier (a move keeps the episode).
    move_reason: Mapped[str | None] = mapped_column(String(300))
    # A stay that began before the coalition used the service, recorded after the fact.
    go_live_reason: Mapped[str | None] = mapped_column(String(300))
    exit_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    booking: Mapped[Booking] = relationship()
    client: Mapped[Client] = relationship()
    space: Mapped[Space] = relationship()
    site: Mapped[Site] = relationship()
    hold: Mapped[Hold | None] = relationship(back_populates="placement")
    previous_placement: Mapped[Placement | None] = relationship(
        remote_side=[id], back_populates="next_placement"
    )
    next_placement: Mapped[Placement | None] = relationship(back_populates="previous_placement")
    episode: Mapped[StayEpisode] = relationship()
    extensions: Mapped[list[Extension]] = relationship(back_populates="placement", order_by="Extension.id")

    def __init__(self, **fields: Any) -> None:
        super().__init__(**fields)
        if self.episode is None and self.episode_id is None:
            # A stay with no episode given begins one of its own, from its first night.
            episode = StayEpisode(client_id=self.client_id, tier=self.tier, starts_on=self.starts_on)
            if self.client_id is None:
                episode.client = self.client
            self.episode = episode

    @property
    def current(self) -> bool:
        return self.exited_on is None

    @property
    def episode_starts_on(self) -> date:
        return self.episode.starts_on


class Extension(Base):
    """A stay extended to a new end date: why, and who approved it. Kept as history."""

    __tablename__ = "extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)
    previous_end_on: Mapped[date] = mapped_column(Date)
    new_end_on: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(120))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    beyond_tier_limit: Mapped[bool] = mapped_column(Boolean, default=False)
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)

    placement: Mapped[Placement] = relationship(back_populates="extensions")
