"""Local fakes for the notifications tests: an SMTP server (aiosmtpd), Twilio's HTTP API and a
partner system's webhook receiver, all on 127.0.0.1. Nothing here reaches the internet."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller

from ..scheduling.conftest import noon, run, stay_world  # noqa: F401  (shared fixtures)
from ..security.conftest import coalition, frozen_now  # noqa: F401  (shared fixtures)

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-for-the-fake"
FROM_NUMBER = "+15550000000"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp(app) -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    saved = {key: app.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    yield inbox
    app.config.update(saved)
    controller.stop()


class _Server:
    """A tiny HTTP server on 127.0.0.1 that records requests and answers as told."""

    def __init__(self, answer) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                recorder.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status, payload = answer(recorder, self.path, body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _twilio_answer(server: _Server, path: str, body: bytes) -> tuple[int, dict[str, Any]]:
    if server.status != 201:
        return server.status, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": server.status}
    form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
    sid = f"SM{len(server.requests):032x}"
    return 201, {
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "to": form.get("To"),
        "from": form.get("From"),
        "body": form.get("Body"),
        "status": "queued",
    }


class FakeTwilio:
    def __init__(self) -> None:
        self.server = _Server(_twilio_answer)
        self.server.status = 201

    @property
    def texts(self) -> list[dict[str, str]]:
        return [{k: v[0] for k, v in parse_qs(r["body"].decode()).items()} for r in self.server.requests]

    def fail_with(self, status: int) -> None:
        self.server.status = status


@pytest.fixture
def twilio(app) -> Iterator[FakeTwilio]:
    fake = FakeTwilio()
    keys = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER", "TWILIO_API_BASE_URL")
    saved = {key: app.config[key] for key in keys}
    app.config.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_AUTH_TOKEN=AUTH_TOKEN,
        TWILIO_FROM_NUMBER=FROM_NUMBER,
        TWILIO_API_BASE_URL=fake.server.url,
    )
    yield fake
    app.config.update(saved)
    fake.server.close()


class Receiver:
    """A partner system's webhook endpoint."""

    def __init__(self) -> None:
        self.server = _Server(lambda server, path, body: (server.status, {"ok": server.status < 300}))

    @property
    def url(self) -> str:
        return self.server.url + "/hooks"

    @property
    def requests(self) -> list[dict[str, Any]]:
        return self.server.requests

    def answer_with(self, status: int) -> None:
        self.server.status = status


@pytest.fixture
def receiver(app) -> Iterator[Receiver]:
    fake = Receiver()
    saved = app.config["WEBHOOKS_ALLOW_LOOPBACK"]
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = True
    yield fake
    app.config["WEBHOOKS_ALLOW_LOOPBACK"] = saved
    fake.server.close()


@pytest.fixture
def phone_of(app):
    """phone_of(user, number): give a person a confirmed number straight in the table."""
    from sqlalchemy.orm import Session

    from housing_service import clock
    from housing_service.extensions import db
    from housing_service.notifications.models import NotificationSettings

    def _give(user, number: str) -> None:
        with app.app_context(), Session(db.engine) as session:
            session.add(
                NotificationSettings(
                    user_id=user.id, phone=number, phone_confirmed_at=clock.now(), pending_code_attempts=0
                )
            )
            session.commit()

    return _give


@pytest.fixture
def browser_for(app, make, monkeypatch):
    """browser_for(user): a signed-in test browser (the pages' CSRF is tested elsewhere)."""
    import time

    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)

    def _browser(user):
        browser = app.test_client()
        with browser.session_transaction() as session:
            session["_user_id"] = make.session_id(user)
            session["_fresh"] = True
            session["signed_in_at"] = session["last_seen_at"] = time.time()
        return browser

    return _browser
