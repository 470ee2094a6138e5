"""Flags raised by the scheduler, and the record of each job run.

A flag's `key` names what it is about and which threshold it marks; the unique index on
it means a flag is raised once per placement and threshold, ever, however many
processes run the jobs and however often.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, enum_type
from .accounts import User
from .bookings import Hold, Placement
from .inventory import Site
from .referrals import Referral


class FlagKind(StrEnum):
    NEARING_LIMIT = "nearing_limit"  # a stay is a set number of days from its end
    OVER_LIMIT = "over_limit"  # a stay went past its end with no exit or extension
    HOLD_EXPIRING = "hold_expiring"  # a hold's window ends soon
    HOLD_EXPIRED = "hold_expired"  # a hold's window ended; its bed was released
    STALE_AVAILABILITY = "stale_availability"  # a site's availability needs confirming
    PLAN_STEP_OVERDUE = "plan_step_overdue"  # a step toward a move is past its due date
    MOVE_WITHOUT_CHOICE = "move_without_choice"  # the move-by date is near, no option chosen
    REFERRAL_WAITING = "referral_waiting"  # a referral to a screened site is half way to its deadline
    REFERRAL_UNANSWERED = "referral_unanswered"  # a referral's deadline passed without an answer
    ADDRESS_REVEALS_PAUSED = "address_reveals_paused"  # someone reached the confidential-address limit


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        Index(
            "ix_flags_open_client",
            "client_id",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
        Index(
            "ix_flags_open_site",
            "site_id",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
        Index(
            "ix_flags_open_kind",
            "kind",
            postgresql_where=text("resolved_at IS NULL"),
            sqlite_where=text("resolved_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[FlagKind] = mapped_column(enum_type(FlagKind, "flag_kind"))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"), index=True)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    plan_step_id: Mapped[int | None] = mapped_column(ForeignKey("plan_steps.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(ForeignKey("referrals.id"), index=True)
    # The staff member a flag is about (address reveals paused), for admins.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # The stay's end date (or a step's due date) the flag is about, and the threshold.
    subject_on: Mapped[date | None] = mapped_column(Date)
    days_before: Mapped[int | None] = mapped_column(Integer)
    act_by: Mapped[date | None] = mapped_column(Date)
    raised_at: Mapped[datetime]
    job_run_id: Mapped[int | None] = mapped_column(ForeignKey("job_runs.id"))
    resolved_at: Mapped[datetime | None]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledgement_note: Mapped[str | None] = mapped_column(Text)
    emailed_at: Mapped[datetime | None]

    placement: Mapped[Placement | None] = relationship()
    hold: Mapped[Hold | None] = relationship()
    site: Mapped[Site | None] = relationship()
    referral: Mapped[Referral | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    # Who said "I'm on it": named on the flag, so colleagues know whom to ask.
    acknowledged_by: Mapped[User | None] = relationship(foreign_keys=[acknowledged_by_id])


class JobRun(Base):
    """One run of a scheduled job: when, how long, what it did. The (job, slot) pair is
    claimed once, so that only one process runs each scheduled run."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("uq_job_runs_job_slot", "job", "slot", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(40))
    slot: Mapped[str] = mapped_column(String(40))
    now: Mapped[datetime]  # the moment the run judged by
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    duration_ms: Mapped[int | None] = mapped_column(Integer)
    flags_raised: Mapped[int] = mapped_column(Integer, default=0)
    flags_resolved: Mapped[int] = mapped_column(Integer, default=0)
    records_changed: Mapped[int] = mapped_column(Integer, default=0)
