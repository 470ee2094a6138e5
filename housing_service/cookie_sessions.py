"""Flask's signed-cookie session, without its work on the requests that carry no session.

Most requests to the API carry a bearer token and no cookie; /health carries neither. Flask
builds a signing serializer (key derivation included) to open every request's session, and
works out seven cookie settings to save it, even when there is no cookie and nothing was
written. Here a request without the cookie gets an empty session at once, the serializer is
built once per key, and an empty session nobody wrote is saved as Flask saves it (a `Vary:
Cookie` if it was looked at) without the rest. Signed, checked and expired exactly as before.
"""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from itsdangerous import URLSafeTimedSerializer


class LeanCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers[keys] = super().get_signing_serializer(app)
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not request.cookies.get(self.get_cookie_name(app)) and app.secret_key:
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified:
            if session.accessed:
                response.vary.add("Cookie")
            return
        super().save_session(app, session, response)


def install(app: Flask) -> None:
    app.session_interface = LeanCookieSessions()
