"""A revision number of the coalition's beds: bumped by every committed change to sites,
beds and units, or bookings, so that a process can tell whether what it keeps is current.
It is the sum of the rows' counters (slots, see services/revision.py)."""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class CoalitionRevision(Base):
    __tablename__ = "coalition_revisions"

    # a slot, ids 1..services.revision.SLOTS; the accounts' revision is row 0 (services/revision.py)
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(BigInteger, default=0)
