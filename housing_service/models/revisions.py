"""A revision number of the coalition's beds: bumped by every committed change to sites,
beds and units, or bookings, so that a process can tell whether what it keeps is current."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CoalitionRevision(Base):
    __tablename__ = "coalition_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)  # 1: the coalition; 2: accounts (services/revision.py)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
