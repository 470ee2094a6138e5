"""Survivors' records: the least data that lets a case be worked, and nothing more.

No legal name and no birth date: a generated code, an optional alias, an age group (or an
age in years at intake) and the household's shape are enough to find a safe bed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..db import Base, EnumSet, enum_type
from ..vocabulary import (
    AgeGroup,
    CasePhase,
    Gender,
    LegalStatusProgress,
    SpaceFeature,
    StageOfChange,
    SubstanceUsePolicy,
)
from .accounts import User


class Client(Base):
    """A survivor (and their household) whom the coalition supports."""

    __tablename__ = "clients"
    __table_args__ = (CheckConstraint("age_years BETWEEN 0 AND 120", name="age_years_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    alias: Mapped[str | None] = mapped_column(String(60))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    adults: Mapped[int] = mapped_column(Integer, default=1)
    children: Mapped[list[str]] = mapped_column(JSON, default=list)  # ChildAgeBracket values
    gender: Mapped[Gender | None] = mapped_column(enum_type(Gender, "gender"))
    age_group: Mapped[AgeGroup] = mapped_column(enum_type(AgeGroup, "age_group"))
    # Age in years at intake, where the survivor gave it: enough to match a site's licensed ages.
    age_years: Mapped[int | None] = mapped_column(Integer)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # most comfortable first
    accessibility_needs: Mapped[frozenset[SpaceFeature]] = mapped_column(
        EnumSet(SpaceFeature), default=frozenset()
    )
    has_pets: Mapped[bool] = mapped_column(Boolean, default=False)
    # Safety plan: places the survivor must not be sent to (e.g. near the trafficker).
    avoid_area_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    avoid_site_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    preferred_area_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    substance_use_preference: Mapped[SubstanceUsePolicy | None] = mapped_column(
        enum_type(SubstanceUsePolicy, "substance_use_preference")
    )

    case_phase: Mapped[CasePhase] = mapped_column(
        enum_type(CasePhase, "case_phase"), default=CasePhase.CRISIS
    )
    stage_of_change: Mapped[StageOfChange | None] = mapped_column(enum_type(StageOfChange, "stage_of_change"))
    has_income: Mapped[bool] = mapped_column(Boolean, default=False)
    has_identity_documents: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_status: Mapped[LegalStatusProgress | None] = mapped_column(
        enum_type(LegalStatusProgress, "legal_status")
    )
    says_ready_to_move: Mapped[bool] = mapped_column(Boolean, default=False)
    # How many screened referrals were sent for this record: kept after the referrals' own
    # details are cleared, so admins can still see a record used only to ask for places.
    referrals_sent: Mapped[int] = mapped_column(Integer, default=0)

    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)
    # Set when the retention period after exit has passed and personal fields were erased.
    erased_at: Mapped[datetime | None]

    case_manager: Mapped[User | None] = relationship(foreign_keys=[case_manager_id])
    team: Mapped[list[CaseTeamMember]] = relationship(cascade="all, delete-orphan")

    @property
    def household_size(self) -> int:
        return self.adults + len(self.children)


class CaseTeamMember(Base):
    """An advocate working a survivor's case; they may see the record and act on it."""

    __tablename__ = "case_team_members"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship()
