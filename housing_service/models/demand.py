"""Searches that found no place: the coalition's unmet demand, counted without anyone in it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, enum_type
from ..vocabulary import HouseholdType, Tier


class UnmetSearch(Base):
    """One bed search that found nothing: the day, the tier asked for and the household's type.

    Deliberately no client, no needs and no person who searched: enough to count demand by
    tier and household, too little to say anything about a survivor.
    """

    __tablename__ = "unmet_searches"
    __table_args__ = (Index("ix_unmet_searches_on", "searched_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    searched_on: Mapped[date] = mapped_column(Date)
    tier: Mapped[Tier | None] = mapped_column(enum_type(Tier, "tier"))  # None: any tier
    household_type: Mapped[HouseholdType] = mapped_column(enum_type(HouseholdType, "household_type"))
