"""Text messages through Twilio (the `twilio` package), configured by environment.

Without TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER, texting is off: no text
is queued or sent, and texts received are refused. TWILIO_API_BASE_URL points the client
at another address with Twilio's API shape (the tests' fake on 127.0.0.1).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

TWILIO_API = "https://api.twilio.com"
TIMEOUT_SECONDS = 15


class SmsNotSent(Exception):
    """The provider did not take the text; the message says why in a few words (no content)."""


class _ElsewhereHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, sending what it would send to api.twilio.com to `base_url`."""

    def __init__(self, base_url: str) -> None:
        super().__init__(timeout=TIMEOUT_SECONDS)
        self.base_url = base_url.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if url.startswith(TWILIO_API):
            url = self.base_url + url.removeprefix(TWILIO_API)
        return super().request(method, url, *args, **kwargs)


@dataclass(frozen=True)
class TwilioSms:
    account_sid: str
    auth_token: str
    from_number: str
    base_url: str = ""

    def client(self) -> Client:
        http = (
            _ElsewhereHttpClient(self.base_url)
            if self.base_url
            else TwilioHttpClient(timeout=TIMEOUT_SECONDS)
        )
        return Client(self.account_sid, self.auth_token, http_client=http)

    def send(self, to: str, body: str) -> str:
        """Send one text; return the provider's id for it."""
        try:
            sent = self.client().messages.create(to=to, from_=self.from_number, body=body)
        except TwilioRestException as error:
            raise SmsNotSent(f"provider answered {error.status} (code {error.code})") from None
        except TwilioException as error:
            raise SmsNotSent(f"provider not reached ({type(error).__name__})") from None
        except OSError as error:
            raise SmsNotSent(f"provider not reached ({type(error).__name__})") from None
        return str(sent.sid)


def provider_from(config: Mapping[str, Any]) -> TwilioSms | None:
    """The configured provider, or None when texting is off."""
    sid, token, number = (
        config.get(k, "") for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
    )
    if not (sid and token and number):
        return None
    return TwilioSms(sid, token, number, config.get("TWILIO_API_BASE_URL", ""))
