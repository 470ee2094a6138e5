"""Partners update beds by text: signed, replay-protected, throttled, audited; others change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from itertools import count

import pytest
from twilio.request_validator import RequestValidator

from housing_service import clock
from housing_service.models import AuditEvent, Role, Site, Space
from housing_service.notifications.models import InboundText, NotificationSettings

from .conftest import AUTH_TOKEN

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
TONIGHT = date(2027, 3, 10)
PARTNER_PHONE = "+15557770001"
URL = "http://localhost:5000/api/v1/sms/inbound"
_sids = count(1)


@pytest.fixture
def shelter(make, phone_of, twilio):
    class World:
        pass

    w = World()
    w.organisation = make.organisation()
    w.site = make.site(organisation=w.organisation, name="Night Shelter", availability_confirmed_at=None)
    w.beds = [make.space(w.site, label=f"Bed {n}") for n in range(1, 5)]
    w.partner = make.user(Role.PARTNER, organisation=w.organisation)
    phone_of(w.partner, PARTNER_PHONE)
    advocate = make.user(Role.ADVOCATE)
    client = make.client(advocates=(advocate,))
    w.hold = make.hold(client, w.beds[0], w.site, TONIGHT, advocate, expires_at=NOW.replace(hour=23))
    return w


def send(
    app, body: str, sender: str = PARTNER_PHONE, sid: str | None = None, token: str = AUTH_TOKEN, **extra
):
    params = {
        "MessageSid": sid or f"SM{next(_sids):032x}",
        "From": sender,
        "To": "+15550000000",
        "Body": body,
    }
    signature = RequestValidator(token).compute_signature(URL, params)
    with clock.frozen(NOW):
        return app.test_client().post(
            "/api/v1/sms/inbound", data=params, headers={"X-Twilio-Signature": signature, **extra}
        )


def in_service(make, world) -> list[bool]:
    return [make.reload(Space, bed.id).in_service for bed in world.beds]


def reply(response) -> str:
    return response.get_data(as_text=True)


def test_beds_sets_the_free_count_tonight_without_touching_a_held_bed(app, make, shelter):
    response = send(app, "beds 2")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert "Night Shelter shows 2 bed(s) free tonight" in reply(response)
    # Bed 1 is held: untouched. Of the other three, two stay free, one is taken out of service.
    assert in_service(make, shelter) == [True, True, True, False]
    assert make.reload(Site, shelter.site.id).availability_confirmed_at == NOW
    assert make.count(AuditEvent, action="sms.beds") == 1

    send(app, "BEDS 3")
    assert in_service(make, shelter) == [True, True, True, True]


def test_confirm_confirms_as_it_is(app, make, shelter):
    response = send(app, "CONFIRM")
    assert "confirmed" in reply(response)
    assert make.reload(Site, shelter.site.id).availability_confirmed_at == NOW
    assert in_service(make, shelter) == [True] * 4


def test_a_count_that_would_free_a_held_bed_is_refused_plainly(app, make, shelter):
    response = send(app, "BEDS 4")
    assert response.status_code == 200
    assert "1 of the 4 beds are held or occupied tonight, so at most 3 can be free" in reply(response)
    assert "Nothing was changed" in reply(response)
    assert make.reload(Site, shelter.site.id).availability_confirmed_at is None


@pytest.mark.parametrize(
    ("body", "answer"),
    [
        ("BEDS 9", "This site has 4 beds, so 9 can't be free"),
        ("BEDS -1", "whole number of 0 or more"),
        ("BEDS three", "whole number of 0 or more"),
        ("BEDS 99 1", "None of your sites has the code 99"),
        ("PLEASE HELP", "Text HELP"),
        ("", "Text HELP"),
    ],
)
def test_bad_commands_get_a_clear_answer_and_change_nothing(app, make, shelter, body, answer):
    response = send(app, body)
    assert response.status_code == 200 and answer in reply(response)
    assert in_service(make, shelter) == [True] * 4
    assert make.reload(Site, shelter.site.id).availability_confirmed_at is None


def test_help_lists_the_commands(app, shelter):
    assert "BEDS 3" in reply(send(app, "help"))


def test_an_unregistered_number_gets_a_neutral_answer_and_changes_nothing(app, make, shelter):
    response = send(app, "BEDS 0", sender="+15559990000")
    assert response.status_code == 200
    text = reply(response)
    assert "not set up for this service" in text and "Night Shelter" not in text
    assert in_service(make, shelter) == [True] * 4
    # The stranger's number is not kept, only a keyed hash of it.
    with app.app_context():
        from housing_service.extensions import db

        row = db.session.query(InboundText).one()
        assert "+15559990000" not in row.sender_hash and row.user_id is None


def test_a_forged_signature_is_refused_and_changes_nothing(app, make, shelter):
    response = send(app, "BEDS 0", token="not-the-real-token")
    assert response.status_code == 403
    assert response.get_json()["message"].startswith("The provider's signature")
    assert in_service(make, shelter) == [True] * 4
    assert make.count(InboundText) == 0
    unsigned = app.test_client().post(
        "/api/v1/sms/inbound", data={"MessageSid": "SM" + "1" * 32, "Body": "BEDS 0"}
    )
    assert unsigned.status_code == 403


def test_a_replayed_message_is_not_carried_out_twice(app, make, shelter):
    sid = "SM" + "a" * 32
    assert send(app, "BEDS 3", sid=sid).status_code == 200
    # The partner frees a bed from the page; a replay of the old text must not undo it.
    with app.app_context():
        from housing_service.extensions import db

        db.session.get(Space, shelter.beds[3].id).in_service = False
        db.session.get(Space, shelter.beds[3].id).out_of_service_reason = "Repairs"
        db.session.commit()
    replay = send(app, "BEDS 3", sid=sid)
    assert replay.status_code == 409
    assert in_service(make, shelter) == [True, True, True, False]


def test_texts_are_throttled_per_number(app, make, shelter):
    app.config["SMS_TEXTS_PER_NUMBER_PER_HOUR"] = 3
    try:
        answers = [send(app, "HELP").status_code for _ in range(5)]
    finally:
        app.config["SMS_TEXTS_PER_NUMBER_PER_HOUR"] = 20
    assert answers == [200, 200, 200, 429, 429]
    assert send(app, "HELP", sender="+15557770002").status_code == 200  # another number is not held back


def test_without_a_provider_texts_are_refused(app, make):
    assert app.config["TWILIO_AUTH_TOKEN"] == ""
    response = app.test_client().post("/api/v1/sms/inbound", data={"Body": "BEDS 1"})
    assert response.status_code == 403


def test_a_number_is_confirmed_by_the_code_sent_to_it(app, make, twilio, browser_for):
    advocate = make.user(Role.ADVOCATE)
    browser = browser_for(advocate)
    with clock.frozen(NOW):
        assert (
            browser.post("/account/notifications/phone", data={"phone": "+1 (555) 444-0001"}).status_code
            == 303
        )
    assert twilio.texts[-1]["To"] == "+15554440001"
    code = twilio.texts[-1]["Body"].split("code is ")[1][:6]
    with clock.frozen(NOW):
        wrong = browser.post(
            "/account/notifications/phone/confirm", data={"code": "000000" if code != "000000" else "111111"}
        )
        assert wrong.status_code == 422 and "not the one we sent" in wrong.get_data(as_text=True)
        assert browser.post("/account/notifications/phone/confirm", data={"code": code}).status_code == 303
    settings = make.reload(NotificationSettings, advocate.id)
    assert settings.phone == "+15554440001" and settings.pending_phone is None


def test_a_bad_number_is_refused(app, make, twilio, browser_for):
    browser = browser_for(make.user(Role.ADVOCATE))
    response = browser.post("/account/notifications/phone", data={"phone": "555-0001"})
    assert response.status_code == 422 and "country code" in response.get_data(as_text=True)
    assert twilio.texts == []


def test_a_code_runs_out_and_allows_five_tries(app, make, twilio, browser_for):
    from datetime import timedelta

    advocate = make.user(Role.ADVOCATE)
    browser = browser_for(advocate)
    with clock.frozen(NOW):
        browser.post("/account/notifications/phone", data={"phone": "+15554440002"})
    code = twilio.texts[-1]["Body"].split("code is ")[1][:6]
    wrong = "000000" if code != "000000" else "111111"
    with clock.frozen(NOW):
        for _ in range(5):
            assert (
                browser.post("/account/notifications/phone/confirm", data={"code": wrong}).status_code == 422
            )
        sixth = browser.post("/account/notifications/phone/confirm", data={"code": code})
    assert sixth.status_code == 422 and "Too many wrong codes" in sixth.get_data(as_text=True)
    with clock.frozen(NOW):
        browser.post("/account/notifications/phone", data={"phone": "+15554440002"})
    code = twilio.texts[-1]["Body"].split("code is ")[1][:6]
    with clock.frozen(NOW + timedelta(minutes=11)):
        late = browser.post("/account/notifications/phone/confirm", data={"code": code})
    assert late.status_code == 422 and "run out" in late.get_data(as_text=True)
    assert make.reload(NotificationSettings, advocate.id).phone is None


def test_a_number_confirmed_by_someone_else_can_not_be_taken(app, make, twilio, browser_for, phone_of):
    phone_of(make.user(Role.PARTNER), "+15554440003")
    response = browser_for(make.user(Role.ADVOCATE)).post(
        "/account/notifications/phone", data={"phone": "+15554440003"}
    )
    assert response.status_code == 422 and "belongs to another account" in response.get_data(as_text=True)
    assert twilio.texts == []
