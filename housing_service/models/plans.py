"""Transition plans: how a survivor gets from this stay to the next, at their own pace."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..db import Base, enum_type
from ..vocabulary import Tier
from .accounts import User
from .bookings import Hold, Placement
from .inventory import Site


class StepKind(StrEnum):
    IDENTITY_DOCUMENTS = "identity_documents"
    INCOME = "income"
    LEGAL_STATUS = "legal_status"
    SCHOOL_ENROLMENT = "school_enrolment"
    HOUSING_VOUCHER = "housing_voucher"
    OTHER = "other"


class StepStatus(StrEnum):
    TO_DO = "to_do"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    NOT_NEEDED = "not_needed"


class Decision(StrEnum):
    CHOSEN = "chosen"
    DECLINED = "declined"


class TransitionPlan(Base):
    __tablename__ = "transition_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), unique=True)
    target_tier: Mapped[Tier] = mapped_column(enum_type(Tier, "tier"))
    move_by: Mapped[date] = mapped_column(Date)
    chosen_site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"))
    hold_id: Mapped[int | None] = mapped_column(ForeignKey("holds.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    placement: Mapped[Placement] = relationship()
    chosen_site: Mapped[Site | None] = relationship()
    hold: Mapped[Hold | None] = relationship()
    steps: Mapped[list[PlanStep]] = relationship(back_populates="plan", order_by="PlanStep.id")


class PlanStep(Base):
    """A step toward readiness: what, who owns it, by when, and where it stands."""

    __tablename__ = "plan_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("transition_plans.id"), index=True)
    kind: Mapped[StepKind] = mapped_column(enum_type(StepKind, "step_kind"))
    description: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(120))
    due_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[StepStatus] = mapped_column(enum_type(StepStatus, "step_status"), default=StepStatus.TO_DO)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    plan: Mapped[TransitionPlan] = relationship(back_populates="steps")


class SuggestionDecision(Base):
    """The survivor's decision on a suggested place, recorded by their case manager."""

    __tablename__ = "suggestion_decisions"
    __table_args__ = (
        Index("ix_suggestion_decisions_placement_site", "placement_id", "site_id"),
        Index("ix_suggestion_decisions_client_recorded", "client_id", "recorded_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The decision is the survivor's: it outlives the stay it was made in (a bed move keeps it).
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    decision: Mapped[Decision] = mapped_column(enum_type(Decision, "decision"))
    reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)

    site: Mapped[Site] = relationship()
    recorded_by: Mapped[User] = relationship()
