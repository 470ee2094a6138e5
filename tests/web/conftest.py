"""Fixtures for the pages: signed-in test clients, a live server, and Debian's Chromium.

The browser tests need /usr/bin/chromium and Playwright. Without them they are skipped with
the reason, unless REQUIRE_BROWSER=1 (CI sets it): then they fail, so that a missing browser
can never pass for a green run.
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from housing_service import clock
from tests.factories import PASSWORD, Factory
from tests.web.world import NOW, World, build_world

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 800}}
_CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


# Every page, checked on the way: no inline code (the CSP forbids it), a label on every control.


class _Controls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.control_ids: list[str] = []
        self.unlabelled: list[str] = []
        self.label_targets: set[str] = set()
        self.inline_code: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        # A script is allowed only from a file (/static), never written into the page.
        if (
            (tag == "script" and not values.get("src"))
            or "style" in values
            or any(name.startswith("on") for name in values)
        ):
            self.inline_code.append(self.get_starttag_text() or tag)
        if tag == "label" and values.get("for"):
            self.label_targets.add(values["for"] or "")
        if tag in ("select", "textarea") or (
            tag == "input" and values.get("type") not in ("hidden", "submit", "button")
        ):
            if values.get("id"):
                self.control_ids.append(values["id"] or "")
            else:
                self.unlabelled.append(self.get_starttag_text() or tag)


def check_page(html: str) -> None:
    """Fail on inline script or style, and on any form control without a <label for>."""
    parser = _Controls()
    parser.feed(html)
    assert not parser.inline_code, f"inline script or style: {parser.inline_code}"
    missing = [c for c in parser.control_ids if c not in parser.label_targets] + parser.unlabelled
    assert not missing, f"controls without a label: {missing}"


class PageClient:
    """A test client for the pages, as one signed-in person (or nobody)."""

    def __init__(self, http: Any) -> None:
        self.http = http

    def get(self, path: str, **kwargs: Any) -> Any:
        response = self.http.get(path, **kwargs)
        if response.mimetype == "text/html":
            check_page(response.get_data(as_text=True))
        return response

    def token(self) -> str:
        """A CSRF token of this session, read from a page as a browser would."""
        html = self.http.get("/sign-in", follow_redirects=True).get_data(as_text=True)
        found = _CSRF_FIELD.search(html)
        assert found, "no CSRF token on the page"
        return found.group(1)

    def post(self, path: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any) -> Any:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token()
        response = self.http.post(path, data=form, **kwargs)
        if response.mimetype == "text/html":
            check_page(response.get_data(as_text=True))
        return response


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    """The page tests run at NOW (test modules opt in with `usefixtures`)."""
    with clock.frozen(NOW):
        yield


@pytest.fixture
def world(make: Factory) -> World:
    return build_world(make)


@pytest.fixture
def pages(app: Flask, make: Factory) -> Callable[[Any], PageClient]:
    """`pages(user)`: a client signed in as `user`; `pages(None)`: one that is not signed in."""

    def signed_in_as(user: Any) -> PageClient:
        http = app.test_client()
        if user is not None:
            with http.session_transaction() as session:
                session["_user_id"] = make.session_id(user)
                session["_fresh"] = True
                session["signed_in_at"] = session["confirmed_at"] = time.time()
        return PageClient(http)

    return signed_in_as


# A live server and a real browser -------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    """The app served on 127.0.0.1 and a free port, in a thread of this process."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        return f"Debian's Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _why_no_browser()
    if reason is not None:
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1, but {reason}", pytrace=False)
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class BrowserPage:
    """One browser tab on the live server, watching for requests that leave it and page errors."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.outside_requests: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", self._on_console)

    def _on_request(self, request: Any) -> None:
        if not request.url.startswith(self.base_url):
            self.outside_requests.append(request.url)

    def _on_console(self, message: Any) -> None:
        # A refused inline style or script (CSP) shows up here; error statuses the test
        # asks for (403, 422 ...) also log "Failed to load resource", which is expected.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.console_errors.append(message.text)

    def sign_in(self, user: Any, password: str = PASSWORD) -> None:
        """Through the real sign-in form, as a person would."""
        self.page.goto("/sign-in")
        self.page.get_by_label("Email address").fill(user.email)
        self.page.get_by_label("Password").fill(password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state()

    def screenshot(self, name: str) -> None:
        """The page at phone and desktop widths, into test-artifacts/screenshots/."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width_name, viewport in VIEWPORTS.items():
            self.page.set_viewport_size(viewport)
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width_name}.png"), full_page=True)
        self.page.set_viewport_size(VIEWPORTS["desktop"])


@pytest.fixture
def tab(browser: Any, live_server: str, app: Flask) -> Iterator[BrowserPage]:
    context = browser.new_context(base_url=live_server, viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(15_000)
    watched = BrowserPage(context.new_page(), live_server)
    yield watched
    context.close()
    assert not watched.outside_requests, f"requests left 127.0.0.1: {watched.outside_requests}"
    assert not watched.console_errors, f"errors in the browser console: {watched.console_errors}"
