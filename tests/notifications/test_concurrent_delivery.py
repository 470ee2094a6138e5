"""Several delivery runs at once (several scheduler processes) send each message exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, datetime

from housing_service.extensions import db
from housing_service.models import Role
from housing_service.notifications import delivery, outbox
from housing_service.notifications.kinds import DeliveryStatus, NotificationKind
from housing_service.notifications.messages import Message
from housing_service.notifications.models import OutboxMessage

NOW = datetime(2027, 3, 10, 20, 0, tzinfo=UTC)
MESSAGES = 30
RUNS = 4


def test_concurrent_delivery_runs_send_each_message_once(app, make, smtp):
    people = [make.user(Role.CASE_MANAGER) for _ in range(MESSAGES)]
    with app.app_context():
        for number, person in enumerate(people):
            message = Message(f"Item {number}", "A hold you made ends soon.", "", "/holds/1")
            outbox.notify(NotificationKind.HOLD_EXPIRING, [person.id], message, key=f"item:{number}", now=NOW)
        db.session.commit()
    start = threading.Barrier(RUNS)
    errors: list[BaseException] = []

    def deliver() -> None:
        try:
            with app.app_context():
                start.wait()
                delivery.deliver_outbox(NOW)
                db.session.remove()
        except BaseException as error:  # reported below, in the test thread
            errors.append(error)

    threads = [threading.Thread(target=deliver) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    sent_to = Counter(m["To"] for m in smtp.messages)
    assert len(smtp.messages) == MESSAGES and set(sent_to.values()) == {1}
    assert make.count(OutboxMessage, status=DeliveryStatus.SENT, channel="email") == MESSAGES
