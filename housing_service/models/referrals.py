"""Screened referrals: an advocate asks a screened site for a place, the site's staff answer.

A referral carries the household and its needs, never who the survivor is: the site's staff
see sizes, age brackets, needs, languages, pets, the nights and a call-back number. The
record it was sent for is linked so that an accepted referral can become a hold, and that
link is never shown to the site. Once a referral is finished, what identifies the request
(the link, the call-back number, the details) is cleared; counts, outcome and times remain
for reports.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, EnumSet, enum_type
from ..vocabulary import ReferralUrgency, SpaceFeature
from .accounts import User
from .bookings import Hold
from .clients import Client
from .inventory import Site


class ReferralStatus(StrEnum):
    WAITING = "waiting"  # sent; the site has not answered yet
    ACCEPTED = "accepted"  # the site chose a place: a hold now keeps it
    DECLINED = "declined"  # the site said no, with a reason
    UNANSWERED = "unanswered"  # the response deadline passed without an answer
    WITHDRAWN = "withdrawn"  # the advocate no longer needs it

    @property
    def finished(self) -> bool:
        return self != ReferralStatus.WAITING


class Referral(Base):
    __tablename__ = "referrals"
    __table_args__ = (
        CheckConstraint(
            "adults >= 0 AND children_count >= 0 AND adults + children_count >= 1", name="household"
        ),
        CheckConstraint("ends_on IS NULL OR ends_on > starts_on", name="nights_in_order"),
        CheckConstraint(
            "status <> 'declined' OR scrubbed_at IS NOT NULL OR length(coalesce(decline_reason, '')) > 0",
            name="decline_has_reason",
        ),
        CheckConstraint(
            "status <> 'accepted' OR hold_id IS NOT NULL OR scrubbed_at IS NOT NULL", name="accepted_has_hold"
        ),
        # A site's staff list what waits for them; the job looks for deadlines passing.
        Index(
            "ix_referrals_waiting_site",
            "site_id",
            "respond_by",
            postgresql_where=text("status = 'waiting'"),
            sqlite_where=text("status = 'waiting'"),
        ),
        Index("ix_referrals_requested_by", "requested_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The record the referral was sent for: never shown to the site; cleared once finished.
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    status: Mapped[ReferralStatus] = mapped_column(
        enum_type(ReferralStatus, "referral_status"), default=ReferralStatus.WAITING
    )
    urgency: Mapped[ReferralUrgency] = mapped_column(enum_type(ReferralUrgency, "referral_urgency"))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)  # None: as long as the site allows
    # The household, as counts and brackets: what reports need stays after the details go.
    adults: Mapped[int] = mapped_column(Integer)
    children_count: Mapped[int] = mapped_column(Integer)
    children: Mapped[list[str]] = mapped_column(JSON, default=list)  # ChildAgeBracket values
    accessibility_needs: Mapped[frozenset[SpaceFeature]] = mapped_column(
        EnumSet(SpaceFeature), default=frozenset()
    )
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    has_pets: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    respond_by: Mapped[datetime]
    answered_at: Mapped[datetime | None]  # accepted, declined, unanswered or withdrawn
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"), unique=True)
    scrubbed_at: Mapped[datetime | None]

    site: Mapped[Site] = relationship()
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])
    client: Mapped[Client | None] = relationship()
    hold: Mapped[Hold | None] = relationship(back_populates="referral")

    @property
    def household_size(self) -> int:
        return self.adults + self.children_count
