"""No message of any kind carries a survivor's details or a confidential address.

Every flag kind is raised over the coalition's records (whose values are markers), every
message is written for every channel, and each body and subject is searched: aliases,
addresses, notes and reasons never appear; a client code appears only in an e-mail or
in-app body to someone allowed to see that survivor's code, never in a subject or a text.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from housing_service.extensions import db
from housing_service.models import Flag, FlagKind, JobRun
from housing_service.notifications import outbox
from housing_service.notifications.kinds import CHANNELS_OF, Channel, NotificationKind
from housing_service.notifications.models import NotificationChoice, NotificationSettings, OutboxMessage

from ..security.coalition import (
    ACKNOWLEDGEMENT_NOTE,
    ADMIN,
    ALIAS_A,
    ALIAS_B,
    ALIAS_C,
    DECLINE_REASON,
    DESTINATION_TEXT,
    EXTENSION_REASON,
    NOW,
    OTHER_SECRET_ADDRESS,
    OWN_SECRET_ADDRESS,
    PLAN_STEP,
    PUBLIC_ADDRESS,
    RELEASE_REASON,
)
from ..security.conftest import signed_in
from ..security.test_leaks import allowed_markers

NEVER_IN_A_MESSAGE = [
    ALIAS_A,
    ALIAS_B,
    ALIAS_C,
    OWN_SECRET_ADDRESS,
    OTHER_SECRET_ADDRESS,
    PUBLIC_ADDRESS,
    DESTINATION_TEXT,
    EXTENSION_REASON,
    RELEASE_REASON,
    ACKNOWLEDGEMENT_NOTE,
    PLAN_STEP,
    DECLINE_REASON,
]


def _every_kind_of_flag(app, world) -> int:
    """Flags of every kind over the coalition's records, raised by one job run."""
    with app.app_context(), Session(db.engine) as session:
        run = JobRun(job="leak_test", slot="1", now=NOW, started_at=NOW)
        session.add(run)
        session.flush()
        common = {"raised_at": NOW, "job_run_id": run.id}
        stay = {
            "client_id": world["client_a"],
            "placement_id": world["current_stay"],
            "site_id": world["own_secret_site"],
        }
        hold = {
            "client_id": world["client_b"],
            "hold_id": world["held_hold"],
            "site_id": world["own_secret_site"],
        }
        session.add_all(
            [
                Flag(
                    key="t:1",
                    kind=FlagKind.NEARING_LIMIT,
                    subject_on=NOW.date(),
                    act_by=NOW.date(),
                    **stay,
                    **common,
                ),
                Flag(key="t:2", kind=FlagKind.OVER_LIMIT, subject_on=NOW.date(), **stay, **common),
                Flag(
                    key="t:3",
                    kind=FlagKind.PLAN_STEP_OVERDUE,
                    plan_step_id=world["plan_step"],
                    **stay,
                    **common,
                ),
                Flag(key="t:4", kind=FlagKind.MOVE_WITHOUT_CHOICE, subject_on=NOW.date(), **stay, **common),
                Flag(key="t:5", kind=FlagKind.HOLD_EXPIRING, **hold, **common),
                Flag(key="t:6", kind=FlagKind.HOLD_EXPIRED, **hold, **common),
                Flag(key="t:7", kind=FlagKind.STALE_AVAILABILITY, site_id=world["own_secret_site"], **common),
                Flag(
                    key="t:8", kind=FlagKind.STALE_AVAILABILITY, site_id=world["other_secret_site"], **common
                ),
            ]
        )
        # Everyone chooses every channel for every kind, and has a confirmed number.
        for number, user in enumerate(world.users.values()):
            session.add(
                NotificationSettings(
                    user_id=user.id,
                    phone=f"+1555000{number:04d}",
                    phone_confirmed_at=NOW,
                    pending_code_attempts=0,
                )
            )
            for kind in NotificationKind:
                session.add(NotificationChoice(user_id=user.id, kind=kind, channels=CHANNELS_OF[kind]))
        session.commit()
        return run.id


def test_no_message_of_any_kind_leaks(app, coalition, smtp, twilio):
    world = coalition
    run_id = _every_kind_of_flag(app, world)
    with app.app_context():
        written = outbox.notify_flags_raised(run_id, NOW)
        # The kinds produced elsewhere: a webhook stopped, and a referral (its producer is one call).
        from housing_service.i18n import words_of
        from housing_service.notifications import messages

        users = [u.id for u in world.users.values()]
        written += outbox.notify(
            NotificationKind.WEBHOOK_STOPPED,
            users,
            lambda person: messages.webhook_stopped(1, 10, NOW, "America/Los_Angeles", words_of(person)),
            key="w:1",
            now=NOW,
        )
        for answered in (False, True):
            written += outbox.notify(
                NotificationKind.REFERRAL,
                users,
                lambda person, answered=answered: messages.referral(answered, "/caseload", words_of(person)),
                key=f"referral:1:{answered}",
                now=NOW,
            )
        db.session.commit()
        rows = db.session.scalars(select(OutboxMessage)).all()
        assert written == len(rows) > 0
        assert {row.kind for row in rows} == set(NotificationKind) - {NotificationKind.DIGEST}
        assert {row.channel for row in rows} == set(Channel)
        role_of = {user.id: role for role, user in world.users.items()}
        allowed = allowed_markers(world)
        codes = set(world.client_codes.values())
        for row in rows:
            text = f"{row.subject}\n{row.body}\n{row.link}"
            for marker in NEVER_IN_A_MESSAGE:
                assert marker not in text, f"{marker} in a {row.kind} message by {row.channel}"
            for code in codes:
                if code in text:
                    assert row.channel != Channel.SMS and code not in row.subject, row
                    assert role_of[row.user_id] in allowed[code], f"{role_of[row.user_id]} got {code}"
        # A partner is told about their own site, never another organisation's.
        partner_rows = [
            r
            for r in rows
            if role_of[r.user_id] == "partner_own" and r.kind == NotificationKind.STALE_AVAILABILITY
        ]
        assert {r.link for r in partner_rows} == {f"/my-sites/{world['own_secret_site']}"}

    # Delivered by e-mail and text, the same holds for what leaves the building.
    with app.app_context():
        from housing_service.notifications import delivery

        delivery.deliver_outbox(NOW + timedelta(seconds=1))
    sent = [m["Subject"] + m.get_content() for m in smtp.messages] + [t["Body"] for t in twilio.texts]
    assert smtp.messages and twilio.texts
    for text in sent:
        for marker in NEVER_IN_A_MESSAGE:
            assert marker not in text

    # Each person's notes page and API list show their own notes only.
    for role, user in world.users.items():
        browser = signed_in(app, world, role)
        page = browser.get("/account/notifications").get_data(as_text=True)
        notes = browser.get("/api/v1/notifications?per_page=200").get_json()["items"]
        with app.app_context():
            mine = db.session.scalars(
                select(OutboxMessage.id).where(
                    OutboxMessage.user_id == user.id, OutboxMessage.channel == Channel.IN_APP
                )
            ).all()
        assert sorted(n["id"] for n in notes) == sorted(mine)
        for marker in NEVER_IN_A_MESSAGE:
            assert marker not in page
        if role != ADMIN:
            assert "webhook" not in " ".join(n["subject"] for n in notes).lower()
