"""Test data with no hard-coded ids: each call commits in its own short session and returns
the record (detached, its columns loaded) so tests read ids and fields without holding locks.
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from sqlalchemy.orm import Session

from housing_service import clock
from housing_service.extensions import db
from housing_service.models import (
    Area,
    Booking,
    CaseTeamMember,
    Client,
    Hold,
    HoldStatus,
    Organisation,
    Placement,
    Role,
    Site,
    SiteLanguage,
    Space,
    User,
)
from housing_service.services import passwords
from housing_service.vocabulary import (
    AgeGroup,
    Gender,
    HouseholdType,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


class Factory:
    def __init__(self, app: Flask) -> None:
        self.app = app

    def _save(self, *records: Any) -> Any:
        with self.app.app_context(), Session(db.engine, expire_on_commit=False) as session:
            session.add_all(records)
            session.commit()
        return records[0]

    @staticmethod
    def session_id(user: User) -> str:
        return f"{user.id}.{user.session_version}"

    def organisation(self, name: str | None = None, **fields: Any) -> Organisation:
        return self._save(Organisation(name=name or f"Organisation {next(_numbers)}", **fields))

    def area(self, name: str | None = None) -> Area:
        return self._save(Area(name=name or f"Area {next(_numbers)}"))

    def user(
        self, role: Role = Role.ADVOCATE, organisation: Organisation | None = None, **fields: Any
    ) -> User:
        if role == Role.PARTNER and organisation is None:
            organisation = self.organisation()
        number = next(_numbers)
        user = User(
            email=fields.pop("email", f"person{number}@example.org"),
            display_name=fields.pop("display_name", f"Person {number}"),
            role=role,
            organisation_id=organisation.id if organisation else None,
            password_hash=passwords.hash_password(fields.pop("password", PASSWORD)),
            **fields,
        )
        return self._save(user)

    def site(
        self,
        organisation: Organisation | None = None,
        area: Area | None = None,
        tier: Tier = Tier.EMERGENCY,
        languages: tuple[str, ...] = ("en",),
        **fields: Any,
    ) -> Site:
        organisation = organisation or self.organisation()
        area = area or self.area()
        hud = {Tier.EMERGENCY: 0, Tier.TRANSITIONAL: 2, Tier.LONG_TERM: 9}[tier]
        values: dict[str, Any] = {
            "name": f"Site {next(_numbers)}",
            "tier": tier,
            "hud_project_type": hud,
            "stay_limit_days": tier.default_stay_limit_days,
            "hold_window_hours": 4,
            "confidential": False,
            "address": f"{next(_numbers)} Test Street",
            "households_served": frozenset(HouseholdType),
            "genders_served": frozenset(Gender),
            "age_groups_served": frozenset({AgeGroup.YOUTH, AgeGroup.ADULT}),
            "pets_allowed": False,
            "substance_use_policy": SubstanceUsePolicy.HARM_REDUCTION,
            "intake_24_hours": True,
            "availability_confirmed_at": clock.now(),
        }
        values.update(fields)
        site = Site(organisation_id=organisation.id, area_id=area.id, **values)
        site.languages = [SiteLanguage(code=code) for code in languages]
        return self._save(site)

    def space(self, site: Site, kind: SpaceKind = SpaceKind.BED, capacity: int = 1, **fields: Any) -> Space:
        label = fields.pop("label", f"{kind.value.title()} {next(_numbers)}")
        return self._save(Space(site_id=site.id, label=label, kind=kind, capacity=capacity, **fields))

    def client(
        self, case_manager: User | None = None, advocates: tuple[User, ...] = (), **fields: Any
    ) -> Client:
        values: dict[str, Any] = {
            "code": f"S-T{next(_numbers):05d}",
            "adults": 1,
            "children": [],
            "gender": Gender.WOMAN,
            "age_group": AgeGroup.ADULT,
            "languages": ["en"],
        }
        values.update(fields)
        client = Client(case_manager_id=case_manager.id if case_manager else None, **values)
        client.team = [CaseTeamMember(user_id=advocate.id) for advocate in advocates]
        return self._save(client)

    def placement(
        self,
        client: Client,
        space: Space,
        site: Site,
        starts_on: date,
        placed_by: User,
        ends_on: date | None = None,
        **fields: Any,
    ) -> Placement:
        """A stay written straight to the tables (for tests about what happens later)."""
        limit = site.stay_limit_days
        expected_end = ends_on or (None if limit is None else starts_on + timedelta(days=limit))
        booking = Booking(space_id=space.id, client_id=client.id, starts_on=starts_on, ends_on=expected_end)
        placement = Placement(
            booking=booking,
            client_id=client.id,
            space_id=space.id,
            site_id=site.id,
            tier=site.tier,
            stay_limit_days=limit,
            starts_on=starts_on,
            expected_end_on=expected_end,
            placed_by_id=placed_by.id,
            **fields,
        )
        return self._save(placement)

    def hold(
        self,
        client: Client,
        space: Space,
        site: Site,
        starts_on: date,
        held_by: User,
        expires_at: datetime,
        ends_on: date | None = None,
    ) -> Hold:
        """A hold written straight to the tables."""
        limit = site.stay_limit_days
        end = ends_on or (None if limit is None else starts_on + timedelta(days=limit))
        booking = Booking(space_id=space.id, client_id=client.id, starts_on=starts_on, ends_on=end)
        hold = Hold(
            booking=booking,
            client_id=client.id,
            space_id=space.id,
            site_id=site.id,
            starts_on=starts_on,
            status=HoldStatus.HELD,
            expires_at=expires_at,
            held_by_id=held_by.id,
        )
        return self._save(hold)

    def reload(self, model: type[Any], record_id: int) -> Any:
        """A fresh copy of a record as the database holds it now."""
        with self.app.app_context(), Session(db.engine, expire_on_commit=False) as session:
            record = session.get(model, record_id)
            if record is not None:
                session.expunge(record)
            return record

    def count(self, model: type[Any], **where: Any) -> int:
        from sqlalchemy import func, select

        with self.app.app_context(), Session(db.engine) as session:
            query = select(func.count()).select_from(model)
            for name, value in where.items():
                query = query.where(getattr(model, name) == value)
            return session.scalar(query) or 0
