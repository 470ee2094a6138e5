"""Confidential shelters, as a hostile account would try them: fixtures shared by these tests."""

import time
from datetime import UTC, date, datetime

import pytest

from housing_service import clock
from housing_service.models import Role
from housing_service.vocabulary import ReferralMode, SpaceKind
from tests.web.conftest import PageClient

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)  # noon in Los Angeles
TODAY = date(2027, 3, 10)
SECRETS = [f"SecretAddress{n} {n} Hidden Way" for n in range(1, 6)]
SCREENED_ADDRESS = "ScreenedAddress 9 Quiet Lane"
PHONE = "+1 408 555 0142"


@pytest.fixture(autouse=True)
def frozen_clock():
    with clock.frozen(NOW):
        yield


class World:
    pass


@pytest.fixture
def world(make):
    w = World()
    w.direct, w.direct_beds, w.partners = [], [], []
    for address in SECRETS:
        organisation = make.organisation()
        site = make.site(organisation=organisation, confidential=True, address=address)
        w.direct.append(site)
        w.direct_beds.append(make.space(site, label="Bed 1"))
        w.partners.append(make.user(Role.PARTNER, organisation=organisation))
    w.screened_organisation = make.organisation()
    w.screened = make.site(
        organisation=w.screened_organisation,
        confidential=True,
        address=SCREENED_ADDRESS,
        referral_mode=ReferralMode.SCREENED,
        referral_response_minutes=30,
    )
    w.screened_bed = make.space(w.screened, label="Quiet 1")
    w.screened_unit = make.space(w.screened, kind=SpaceKind.UNIT, capacity=4, label="Family 1")
    w.screened_partner = make.user(Role.PARTNER, organisation=w.screened_organisation)
    w.admin = make.user(Role.ADMIN)
    w.advocate = make.user(Role.ADVOCATE)
    w.case_manager = make.user(Role.CASE_MANAGER)
    w.client = make.client(advocates=(w.advocate,), case_manager=w.case_manager)
    return w


@pytest.fixture
def pages(app, make):
    def signed_in_as(user):
        http = app.test_client()
        if user is not None:
            with http.session_transaction() as session:
                session["_user_id"] = make.session_id(user)
                session["_fresh"] = True
                session["signed_in_at"] = time.time()
        return PageClient(http)

    return signed_in_as


def send_referral(session, world, **fields):
    body = {
        "site_id": world.screened.id,
        "client_id": world.client.id,
        "urgency": "tonight",
        "callback_phone": PHONE,
        **fields,
    }
    return session.post("/api/v1/referrals", json=body)
