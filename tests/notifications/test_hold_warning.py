"""A hold's warning reaches its holder before the hold ends, by e-mail and text, exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from housing_service.models import Hold, HoldStatus, Role
from housing_service.notifications.kinds import Channel, DeliveryStatus
from housing_service.notifications.models import DeliveryAttempt, OutboxMessage

ALIAS = "AliasWillowMarker"
ADDRESS = "SecretAddress 12 Hidden Court"
EXPIRES = datetime(2027, 3, 10, 5, 0, tzinfo=UTC)  # 9 pm the evening before, in the coalition
HOLDER_PHONE = "+15551230001"


@pytest.fixture
def held(make, phone_of):
    class World:
        pass

    w = World()
    w.site = make.site(confidential=True, address=ADDRESS, name="Safe Harbour")
    w.bed = make.space(w.site)
    w.advocate = make.user(Role.ADVOCATE)
    w.client = make.client(advocates=(w.advocate,), alias=ALIAS)
    w.hold = make.hold(w.client, w.bed, w.site, date(2027, 3, 9), w.advocate, expires_at=EXPIRES)
    phone_of(w.advocate, HOLDER_PHONE)
    return w


def _no_survivor_details(text: str, world) -> None:
    assert ALIAS not in text and ADDRESS not in text and "Safe Harbour" not in text


def test_the_holder_is_told_by_email_and_text_before_the_hold_ends(run, make, held, smtp, twilio):
    warned_at = EXPIRES - timedelta(minutes=50)
    run("hold_expiry", warned_at)

    # Sent in the run that raised the warning: 50 minutes before the hold ends.
    assert [m["To"] for m in smtp.messages] == [held.advocate.email]
    email = smtp.messages[0]
    assert email["Subject"] == "housing_service: A hold you made ends soon"
    body = email.get_content()
    assert held.client.code in body  # the holder works this case: the code helps them
    assert f"/holds/{held.hold.id}" in body
    _no_survivor_details(email["Subject"] + body, held)

    assert [t["To"] for t in twilio.texts] == [HOLDER_PHONE]
    text = twilio.texts[0]["Body"]
    assert "ends at" in text and f"/holds/{held.hold.id}" in text
    assert held.client.code not in text  # never a client code in a text
    _no_survivor_details(text, held)

    assert make.reload(Hold, held.hold.id).status == HoldStatus.HELD  # told first, still held
    sent = make.count(OutboxMessage, status=DeliveryStatus.SENT)
    assert sent == 3  # in the app, e-mail, text
    assert make.count(DeliveryAttempt, succeeded=True) == 2

    # Later runs neither repeat it nor lose it; the expiry is a message of its own.
    run("hold_expiry", warned_at + timedelta(minutes=5))
    assert len(smtp.messages) == 1 and len(twilio.texts) == 1
    run("hold_expiry", EXPIRES + timedelta(minutes=1))
    assert make.reload(Hold, held.hold.id).status == HoldStatus.EXPIRED
    assert [m["Subject"] for m in smtp.messages][-1] == "housing_service: A hold ended without a check-in"


def test_the_warning_comes_first_whatever_order_the_jobs_run_in(run, make, held, smtp, twilio):
    moment = EXPIRES - timedelta(minutes=30)
    # The delivery job runs first and finds nothing; the expiry job then warns and sends at once.
    run("deliver", moment)
    run("hold_expiry", moment)
    assert len(smtp.messages) == 1 and len(twilio.texts) == 1
    assert make.reload(Hold, held.hold.id).status == HoldStatus.HELD


def test_a_crash_between_the_flag_and_the_send_leaves_the_message_to_be_sent_once(
    app, run, make, held, smtp, twilio, monkeypatch
):
    from dataclasses import replace

    from housing_service.scheduling import jobs

    def crash(now):
        raise SystemExit("the process stopped right after the commit, before sending")

    monkeypatch.setitem(jobs.JOBS, "hold_expiry", replace(jobs.JOBS["hold_expiry"], then=crash))
    moment = EXPIRES - timedelta(minutes=40)
    with pytest.raises(SystemExit):
        run("hold_expiry", moment)
    assert smtp.messages == [] and twilio.texts == []
    waiting = make.count(OutboxMessage, status=DeliveryStatus.PENDING)
    assert waiting == 2  # e-mail and text, kept in the outbox with the flag

    run("deliver", moment + timedelta(minutes=1))
    run("deliver", moment + timedelta(minutes=2))
    run("deliver", moment + timedelta(minutes=3))
    assert len(smtp.messages) == 1 and len(twilio.texts) == 1
    assert make.count(OutboxMessage, status=DeliveryStatus.PENDING) == 0


def test_a_failure_inside_the_run_keeps_neither_flag_nor_message(app, run, make, held, smtp, monkeypatch):
    from housing_service.notifications import outbox

    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(outbox, "notify_flags_raised", fail)
    with pytest.raises(RuntimeError):
        run("hold_expiry", EXPIRES - timedelta(minutes=40))
    assert make.count(OutboxMessage) == 0
    monkeypatch.undo()
    run("hold_expiry", EXPIRES - timedelta(minutes=39), slot="retry")
    assert len(smtp.messages) == 1


def test_a_failed_send_is_retried_with_backoff_and_each_try_recorded(app, run, make, held, twilio):
    twilio.fail_with(400)
    moment = EXPIRES - timedelta(minutes=55)
    run("hold_expiry", moment)
    with app.app_context():
        from housing_service.extensions import db

        text = db.session.query(OutboxMessage).filter_by(channel=Channel.SMS).one()
        assert text.status == DeliveryStatus.PENDING and text.attempts == 1
        assert text.next_attempt_at == moment + timedelta(minutes=1)
        assert text.last_error == "provider answered 400 (code 21211)"
    run("deliver", moment + timedelta(seconds=30))  # not due yet
    assert len(twilio.server.requests) == 1
    twilio.fail_with(201)
    run("deliver", moment + timedelta(minutes=1, seconds=5))
    assert len(twilio.texts) == 2 and twilio.texts[-1]["To"] == HOLDER_PHONE
    assert make.count(DeliveryAttempt, succeeded=False) == 1
    assert make.count(DeliveryAttempt, succeeded=True) == 1


def test_quiet_hours_do_not_hold_back_a_hold_warning(app, run, make, held, smtp, twilio):
    from datetime import time

    from housing_service.extensions import db
    from housing_service.notifications.models import NotificationSettings

    with app.app_context():
        settings = db.session.get(NotificationSettings, held.advocate.id)
        settings.quiet_from, settings.quiet_until = time(20), time(8)  # the warning comes at 8:10 pm
        db.session.commit()
    run("hold_expiry", EXPIRES - timedelta(minutes=50))
    assert len(smtp.messages) == 1 and len(twilio.texts) == 1


def test_a_message_claimed_by_a_run_that_died_is_sent_after_the_lease(app, make, held, smtp):
    from housing_service.extensions import db
    from housing_service.notifications import delivery, outbox

    moment = EXPIRES - timedelta(minutes=50)
    with app.app_context():
        from housing_service.notifications.kinds import NotificationKind
        from housing_service.notifications.messages import Message

        outbox.notify(
            NotificationKind.HOLD_EXPIRING,
            [held.advocate.id],
            Message("s", "b", "t", "/holds/1"),
            key="k",
            now=moment,
        )
        db.session.commit()
        assert delivery.claim(OutboxMessage, moment) != []  # then the process died mid-send
        assert delivery.deliver_outbox(moment + timedelta(minutes=5)).total == 0  # still claimed
        assert delivery.deliver_outbox(moment + timedelta(minutes=11)).sent == 1  # lease over
    assert len(smtp.messages) == 1
