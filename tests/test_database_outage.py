"""While the database can't be reached: 503 with Retry-After (never a 500), in the API's error
shape and as a plain page; the first requests after it is back succeed."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import text
from sqlalchemy.engine import make_url

from housing_service import create_app
from housing_service.extensions import db
from housing_service.models import Role

SESSION = {"_user_id": "1.0", "signed_in_at": time.time()}


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again when the block ends: nothing listens there


def _app_on(url: str) -> Flask:
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SERVER_NAME": "localhost"})


def _dispose(application: Flask) -> None:
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def _assert_api_unavailable(answer) -> None:
    assert answer.status_code == 503, answer.get_data(as_text=True)
    assert answer.headers["Retry-After"] == "5"
    body = answer.get_json()
    assert body["code"] == 503 and body["status"] == "Service Unavailable" and body["errors"] == {}
    assert "can't reach its database" in body["message"]


def _assert_page_unavailable(answer) -> None:
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "5"
    assert answer.mimetype == "text/html"
    assert "briefly unavailable" in answer.get_data(as_text=True)


def test_a_database_that_refuses_connections_answers_503_with_retry_after():
    application = _app_on(f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/nothing")
    try:
        http = application.test_client()
        _assert_api_unavailable(http.get("/api/v1/users/me", headers={"Authorization": "Bearer hs_whatever"}))
        with http.session_transaction() as session:
            session.update(SESSION)
        _assert_api_unavailable(http.get("/api/v1/holds"))
        _assert_page_unavailable(http.get("/beds"))
        assert http.get("/api/v1/health").status_code == 200  # reads no database
    finally:
        _dispose(application)


class Proxy:
    """A TCP forwarder to PostgreSQL that can be stopped (every connection cut, new ones
    refused) and started again on the same port: a database restart, seen from the app."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = _closed_port()
        self.sockets: list[socket.socket] = []
        self.listener: socket.socket | None = None

    def start(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", self.port), reuse_port=False)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def stop(self) -> None:
        if self.listener is not None:
            with contextlib.suppress(OSError):
                self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accepting thread (Linux)
            self.listener.close()
            self.listener = None
        for sock in self.sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.sockets.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def proxied(app) -> Iterator[tuple[Proxy, Flask]]:
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    application = _app_on(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    yield proxy, application
    _dispose(application)
    proxy.stop()


@pytest.mark.postgres_only
def test_a_database_restart_gives_503s_and_the_first_request_after_it_succeeds(app, api, make, proxied):
    proxy, application = proxied
    user = make.user(Role.ADVOCATE)
    token = api(user).post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    http = application.test_client()
    assert http.get("/api/v1/users/me", headers=bearer).status_code == 200  # a pooled connection now

    proxy.stop()  # the database goes away: pooled connections die, new ones are refused
    _assert_api_unavailable(http.get("/api/v1/users/me", headers=bearer))
    _assert_api_unavailable(http.post("/api/v1/clients", json={"age_group": "adult"}, headers=bearer))
    with http.session_transaction() as session:
        session.update(SESSION)
    _assert_page_unavailable(http.get("/beds"))

    proxy.start()  # back: the very first request gets a fresh connection
    assert http.get("/api/v1/users/me", headers=bearer).status_code == 200


@pytest.mark.postgres_only
def test_connections_ended_by_the_server_are_replaced_before_a_request_uses_them(app, api, make, proxied):
    _proxy, application = proxied
    user = make.user(Role.ADVOCATE)
    token = api(user).post("/api/v1/tokens", json={"name": "script"}).get_json()["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    http = application.test_client()
    assert http.get("/api/v1/users/me", headers=bearer).status_code == 200
    with app.app_context(), db.engine.connect() as admin:
        ended = admin.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                "AND backend_type = 'client backend'"
            )
        )
    assert ended >= 1
    assert http.get("/api/v1/users/me", headers=bearer).status_code == 200
