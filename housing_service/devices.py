"""Device cookies (OWASP's pattern against lock-out): a browser that signed in to an account before.

After a successful sign-in the browser gets a signed cookie naming that account (by a keyed
hash of its email, never the email itself) and a random nonce. When it later tries to sign
in to the same account, the throttle judges it by its own failures only (services/throttle.py):
a colleague's wrong guesses on the same network, or an attacker's anywhere, never delay it.

One cookie holds the devices of up to MAX_ACCOUNTS accounts, so that a shared office
computer stays "known" to each of the people who use it. It is signed with SECRET_KEY: a
forged or edited cookie is simply ignored.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import Flask, Response, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from .services.throttle import normalise_email

COOKIE_NAME = "device"
MAX_ACCOUNTS = 5
_SALT = "device-cookie"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def _max_age() -> int:
    return current_app.config["DEVICE_COOKIE_DAYS"] * 86400


def _account_key(email: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, normalise_email(email).encode(), hashlib.sha256).hexdigest()[:20]


def _known_devices() -> dict[str, str]:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return {}
    try:
        value = _serializer().loads(raw, max_age=_max_age())
    except BadSignature:  # forged, edited or expired: as if there were none
        return {}
    if not isinstance(value, dict):
        return {}
    return {k: v for k, v in value.items() if isinstance(k, str) and isinstance(v, str)}


def device_for(email: str) -> str | None:
    """This browser's device nonce for the account with this email, if it signed in there before."""
    return _known_devices().get(_account_key(email))


def remember_device(email: str) -> str:
    """After a successful sign-in: this browser is known to the account (the cookie goes out below)."""
    devices = _known_devices()
    key = _account_key(email)
    nonce = devices.pop(key, None) or secrets.token_hex(16)
    devices[key] = nonce  # the most recent last; the oldest fall out past MAX_ACCOUNTS
    g.device_cookie = dict(list(devices.items())[-MAX_ACCOUNTS:])
    return nonce


def _set_device_cookie(response: Response) -> Response:
    devices = g.get("device_cookie")
    if devices is not None:
        response.set_cookie(
            COOKIE_NAME,
            _serializer().dumps(devices),
            max_age=_max_age(),
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
            samesite="Lax",
        )
    return response


def install(app: Flask) -> None:
    app.after_request(_set_device_cookie)
