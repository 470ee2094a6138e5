"""No `Server` header naming the software that serves the app (gunicorn, Werkzeug's dev server).

A banner tells an attacker which exploits to try first and helps no one else. Neither server
has a setting to leave it out, so the header line is dropped where each one writes it.
"""

from __future__ import annotations

from typing import Any

_HIDDEN = "_housing_service_hides_the_server_header"


def hide_werkzeug_banner() -> None:
    """Werkzeug's development server (`flask run`) sends no `Server: Werkzeug/x Python/y`."""
    from werkzeug.serving import WSGIRequestHandler

    if getattr(WSGIRequestHandler, _HIDDEN, False):
        return

    def send_response(self: WSGIRequestHandler, code: int, message: str | None = None) -> None:
        # http.server's own, less its `Server` line.
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    WSGIRequestHandler.send_response = send_response  # type: ignore[method-assign]
    setattr(WSGIRequestHandler, _HIDDEN, True)


def hide_gunicorn_banner() -> None:
    """gunicorn sends no `Server: gunicorn` (called from gunicorn.conf.py, in its master process)."""
    from gunicorn.http.wsgi import Response

    if getattr(Response, _HIDDEN, False):
        return
    default_headers = Response.default_headers

    def without_server(self: Any) -> list[str]:
        return [line for line in default_headers(self) if not line.lower().startswith("server:")]

    Response.default_headers = without_server  # type: ignore[method-assign]
    setattr(Response, _HIDDEN, True)
