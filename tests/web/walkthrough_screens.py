"""The README's "A night shift with the service" screenshots, taken from the demo coalition.

    .venv/bin/python -m tests.web.walkthrough_screens

loads the demo (`seed-demo`) into a new SQLite database in a temporary directory, serves the app
on 127.0.0.1, and walks each role's night in Debian's Chromium (/usr/bin/chromium), signing in
with the passwords `seed-demo` prints. The two screenshots the README shows are written to
docs/screenshots/ (one viewport each, not the whole page, so they stay small); every step of every
role is also written to test-artifacts/walkthrough/ (git-ignored), to look through before choosing
other ones. Nothing here touches instance/ or any other database.
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPOSITORY = Path(__file__).resolve().parents[2]
README_SHOTS = REPOSITORY / "docs" / "screenshots"
ALL_SHOTS = REPOSITORY / "test-artifacts" / "walkthrough"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The screenshots the README shows: (role, step) -> file under docs/screenshots/.
README_PICTURES = {
    ("advocate", "beds-for-rosa"): "advocate-bed-tonight-phone.png",
    ("partner", "site"): "partner-site-desktop.png",
}
MAX_PICTURE_BYTES = 200_000


@dataclass
class Walk:
    """One person's tab, saving each step at their device's width."""

    role: str
    page: Any
    viewport: dict[str, int]
    readme_dir: Path
    all_dir: Path
    written: list[Path]

    def shot(self, step: str) -> None:
        self.page.wait_for_load_state()
        width = "phone" if self.viewport is PHONE else "desktop"
        self.all_dir.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.all_dir / f"{self.role}-{step}-{width}.png"))
        if (self.role, step) in README_PICTURES:
            target = self.readme_dir / README_PICTURES[self.role, step]
            target.parent.mkdir(parents=True, exist_ok=True)
            self.page.screenshot(path=str(target))
            self.written.append(target)

    def click(self, role: str, name: str | re.Pattern[str]) -> None:
        self.page.get_by_role(role, name=name).first.click()
        self.page.wait_for_load_state()


# Each role's night, as the README tells it ----------------------------------------------------


def advocate_night(walk: Walk) -> None:
    """Rosa, a Spanish-speaking mother of two, needs a bed tonight: find one and hold it."""
    page = walk.page
    walk.shot("bed-board")
    rosa = page.locator("select#client option", has_text="Rosa").first.get_attribute("value")
    page.locator("select#client").select_option(rosa)
    walk.click("button", "Find a bed")
    # The results, where a person reading them is (the page may open there itself).
    page.locator("#results-title").evaluate("heading => heading.scrollIntoView()")
    walk.shot("beds-for-rosa")
    hold = page.get_by_role("link", name=re.compile(r"^Hold "))
    if hold.count():
        hold.first.click()
        walk.shot("hold-confirm")
        walk.click("button", "Confirm the hold")
        walk.shot("held")
    else:  # in the demo, the one place that suits Rosa's family screens its referrals
        walk.click("link", "Send a referral")
        walk.shot("referral-form")


def partner_night(walk: Walk) -> None:
    """Keep Harbor House's beds current and answer the referral for Rosa's family."""
    walk.click("link", "Harbor House")
    walk.shot("site")
    walk.click("button", "Confirm availability")
    walk.shot("availability-confirmed")
    walk.page.goto("/referrals")
    walk.shot("referrals")
    walk.click("link", re.compile(r"for Harbor House"))
    walk.shot("referral")


def case_manager_night(walk: Walk) -> None:
    """The caseload: whose stay ends soonest, and where each survivor goes next."""
    walk.shot("caseload")
    suggested = walk.page.get_by_role("link", name=re.compile(r"^See \d+ suggested place"))
    if suggested.count():
        suggested.first.click()
        walk.shot("next-place")


def admin_night(walk: Walk) -> None:
    """Add beds to a site and an account for a new colleague."""
    walk.shot("admin")
    walk.page.goto("/admin/sites")
    walk.click("link", "Lantern Shelter")
    walk.shot("site-beds")
    walk.page.goto("/admin/accounts")
    walk.shot("accounts")


# Whose night (the demo account's email before the @), how it goes, and on what screen.
NIGHTS: dict[str, tuple[str, Callable[[Walk], None], dict[str, int]]] = {
    "advocate": ("advocate", advocate_night, PHONE),
    "partner": ("partner", partner_night, DESKTOP),
    "case.manager": ("case-manager", case_manager_night, DESKTOP),
    "admin": ("admin", admin_night, DESKTOP),
}


# The demo, served, and a browser ---------------------------------------------------------------


@contextmanager
def demo_server(workdir: Path) -> Iterator[tuple[str, dict[str, tuple[str, str]]]]:
    """The app with a fresh demo coalition, on a free port; yields its URL and each account's sign-in."""
    # Settings for a quiet, self-contained run (set before the app reads them): no jobs in the
    # background, and the pages as someone who has already set up two-step sign-in sees them.
    os.environ.setdefault("SECRET_KEY", "walkthrough-screens-not-secret-0123456789abcdef")
    os.environ["SCHEDULER"] = "off"
    os.environ["TWO_FACTOR_REQUIRED_ROLES"] = ""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from housing_service import create_app
    from housing_service.demo import seed_demo
    from housing_service.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'walkthrough.db'}"})
    with app.app_context():
        upgrade()
        sign_ins = {email.split("@")[0]: (email, password) for _role, email, password in seed_demo()}
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", sign_ins
    finally:
        server.shutdown()
        thread.join(timeout=10)


def take_screenshots(readme_dir: Path = README_SHOTS, all_dir: Path = ALL_SHOTS) -> list[Path]:
    """Walk every role's night; returns the README's pictures written."""
    from playwright.sync_api import sync_playwright

    from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS

    written: list[Path] = []
    with (
        tempfile.TemporaryDirectory(prefix="walkthrough-") as temporary,
        demo_server(Path(temporary)) as (base_url, sign_ins),
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for account, (role, night, viewport) in NIGHTS.items():
                context = browser.new_context(base_url=base_url, viewport=viewport, device_scale_factor=1)
                context.set_default_timeout(15_000)
                page = context.new_page()
                email, password = sign_ins[account]
                page.goto("/sign-in")
                page.get_by_label("Email address").fill(email)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state()
                night(Walk(role, page, viewport, readme_dir, all_dir, written))
                context.close()
        finally:
            browser.close()
    too_big = [f"{p.name}: {p.stat().st_size} bytes" for p in written if p.stat().st_size > MAX_PICTURE_BYTES]
    if too_big:
        raise SystemExit(f"README screenshots over {MAX_PICTURE_BYTES} bytes: {too_big}")
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args()
    for path in take_screenshots():
        print(f"wrote {path.relative_to(REPOSITORY)} ({path.stat().st_size // 1000} kB)")
    print(f"every step: {ALL_SHOTS.relative_to(REPOSITORY)}/")


if __name__ == "__main__":
    main()
