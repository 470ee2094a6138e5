"""No survivor's detail, address, password or token reaches the log, even at DEBUG."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text

from housing_service.extensions import db
from housing_service.services import clients as client_service

from .coalition import (
    ADVOCATE,
    OTHER_SECRET_ADDRESS,
    OWN_SECRET_ADDRESS,
    PARTNER_OTHER,
    PARTNER_OWN,
    TODAY,
    Coalition,
)

ALIAS = "LogAliasZinnia"
DESTINATION = "LogDestinationWithHerAunt"
EXTENSION = "LogExtensionWaitingForVisa"
WRONG_PASSWORD = "LogWrongPasswordTyped"
NEW_PASSWORD = "LogNewPassphraseChosen"
CALLBACK = "+1 408 555 0177"
LOGGERS = (
    "",
    "sqlalchemy",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "sqlalchemy.orm",
    "werkzeug",
    "flask_login",
)


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # the traceback included

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def log() -> Iterator[Capture]:
    capture = Capture()
    previous = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.getLogger().addHandler(capture)
    try:
        yield capture
    finally:
        logging.getLogger().removeHandler(capture)
        for name, level in previous.items():
            logging.getLogger(name).setLevel(level)


def _signed_in_with_password(app: Flask, world: Coalition, role: str):
    browser = app.test_client()
    browser.post("/api/v1/sessions", json={"email": world.emails[role], "password": WRONG_PASSWORD})
    response = browser.post(
        "/api/v1/sessions", json={"email": world.emails[role], "password": world.password}
    )
    assert response.status_code == 200
    return browser


def test_a_full_scenario_leaves_nothing_personal_in_the_log(
    app: Flask, coalition: Coalition, log, monkeypatch
):
    advocate = _signed_in_with_password(app, coalition, ADVOCATE)
    partner = _signed_in_with_password(app, coalition, PARTNER_OWN)

    created = advocate.post(
        "/api/v1/clients", json={"age_group": "adult", "alias": ALIAS, "languages": ["uk"], "has_pets": False}
    )
    assert created.status_code == 201
    client = created.get_json()
    free_bed = coalition["secret_bed_held"]
    advocate.post(f"/api/v1/holds/{coalition['held_hold']}/release", json={})
    hold = advocate.post("/api/v1/holds", json={"client_id": client["id"], "space_id": free_bed})
    assert hold.status_code == 201 and hold.get_json()["address"] == OWN_SECRET_ADDRESS
    stay = partner.post(f"/api/v1/holds/{hold.get_json()['id']}/check-in", json={})
    assert stay.status_code == 201
    stay_id = stay.get_json()["id"]
    extended = advocate.post(
        f"/api/v1/placements/{stay_id}/extensions",
        json={"new_end_on": "2027-06-01", "reason": EXTENSION, "approved_by": "Director"},
    )
    assert extended.status_code == 201
    exited = partner.post(
        f"/api/v1/placements/{stay_id}/exit",
        json={"exited_on": str(TODAY), "destination": 17, "destination_text": DESTINATION},
    )
    assert exited.status_code == 200
    assert advocate.get(f"/api/v1/clients/{client['id']}").status_code == 200

    # A screened referral, accepted by the site's staff.
    screened = _signed_in_with_password(app, coalition, PARTNER_OTHER)
    referral = advocate.post(
        "/api/v1/referrals",
        json={
            "site_id": coalition["other_secret_site"],
            "client_id": client["id"],
            "urgency": "tonight",
            "callback_phone": CALLBACK,
        },
    )
    assert referral.status_code == 201
    accepted = screened.post(
        f"/api/v1/referrals/{referral.get_json()['id']}/accept", json={"space_id": coalition["other_bed"]}
    )
    assert accepted.status_code == 200

    token = advocate.post("/api/v1/tokens", json={"name": "export"}).get_json()["token"]
    script = app.test_client()
    assert script.get("/api/v1/clients", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert (
        script.get("/api/v1/sites", headers={"Authorization": "Bearer hs_not-a-real-token"}).status_code
        == 401
    )

    # A request that fails on our side, inside the database, with a survivor's alias in hand.
    def failing_read(actor, client_id, now):
        db.session.execute(
            text("SELECT id FROM clients WHERE alias = :alias AND no_such_column = 1"), {"alias": ALIAS}
        )

    monkeypatch.setattr(client_service, "get_client", failing_read)
    script_failure = script.get(
        f"/api/v1/clients/{client['id']}", headers={"Authorization": f"Bearer {token}"}
    )
    assert script_failure.status_code == 500
    assert ALIAS not in script_failure.get_data(as_text=True)
    # Last: a password change ends the advocate's sessions and revokes the script's token.
    changed = advocate.post(
        "/api/v1/users/me/password",
        json={"current_password": coalition.password, "new_password": NEW_PASSWORD},
    )
    assert changed.status_code == 200 and changed.get_json()["sessions_ended"] is True

    logged = log.text
    assert "Traceback" in logged and "no_such_column" in logged  # the failure was logged...
    assert "SELECT" in logged  # ... and so was the SQL: the capture saw everything
    secrets = {
        "alias": ALIAS,
        "survivor's code": client["code"],
        "extension reason": EXTENSION,
        "exit destination text": DESTINATION,
        "confidential address": OWN_SECRET_ADDRESS,
        "screened site's address": OTHER_SECRET_ADDRESS,
        "call-back number": CALLBACK,
        "password": coalition.password,
        "wrong password": WRONG_PASSWORD,
        "new password": NEW_PASSWORD,
        "token": token,
        "token's secret part": token.removeprefix("hs_")[:20],
    }
    found = {name: value for name, value in secrets.items() if value in logged}
    assert not found, f"in the log: {found}"


def test_result_rows_are_dropped_even_when_sqlalchemy_logs_at_debug(app: Flask, coalition: Coalition, log):
    browser = _signed_in_with_password(app, coalition, ADVOCATE)
    assert browser.get(f"/api/v1/sites/{coalition['own_secret_site']}").status_code == 200
    assert OWN_SECRET_ADDRESS not in log.text
    assert "sqlalchemy.engine" in log.text  # statements were logged, rows were not


def test_two_step_secrets_and_codes_never_reach_the_log(app: Flask, coalition: Coalition, log):
    import pyotp

    from housing_service import clock

    browser = _signed_in_with_password(app, coalition, ADVOCATE)
    setup = browser.post("/api/v1/users/me/second-factor", json={"current_password": coalition.password})
    secret = setup.get_json()["secret"]
    totp = pyotp.TOTP(secret)
    confirmed = browser.post(
        "/api/v1/users/me/second-factor/confirmation", json={"code": totp.at(clock.now())}
    )
    recovery_codes = confirmed.get_json()["recovery_codes"]
    signing_in = app.test_client().post(
        "/api/v1/sessions",
        json={"email": coalition.emails[ADVOCATE], "password": coalition.password, "otp": recovery_codes[0]},
    )
    assert signing_in.status_code == 200
    assert "sqlalchemy.engine" in log.text  # the statements were captured
    found = [
        value
        for value in (secret, *recovery_codes, *(c.replace("-", "") for c in recovery_codes))
        if value in log.text
    ]
    assert not found, f"in the log: {found}"
