"""axe-core in the test browser: WCAG 2.0, 2.1 and 2.2 A and AA, with the pages' CSP left as it is.

axe-core comes with the PyPI package axe-playwright-python (its `axe.min.js`, MPL-2.0), which the
test extra installs, so CI needs nothing new. It is put into each page with Playwright's
`evaluate`, which runs through the browser's debugging protocol: the page's Content-Security-Policy
("script-src 'self'", no inline script) stays in force and is not bypassed (`check_csp` shows it).
Reflow (WCAG 1.4.10), which axe cannot test, is checked here too (`sideways_scrolling`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from axe_playwright_python.base import AXE_SCRIPT

from housing_service.security_headers import CONTENT_SECURITY_POLICY

# The success criteria of WCAG 2.0, 2.1 and 2.2 at levels A and AA; axe's best-practice rules
# (not WCAG criteria) are not run.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    selector: str
    summary: str
    page: str
    role: str
    width: int

    def __str__(self) -> str:
        return (
            f"{self.rule} ({self.impact}): {self.help}\n"
            f"    on {self.page} as {self.role} at {self.width} px, element {self.selector}\n"
            f"    {self.summary}"
        )


def _path(page: Any) -> str:
    return "/" + page.url.split("//", 1)[-1].split("/", 1)[-1]


def violations(page: Any, *, role: str, width: int) -> list[Violation]:
    """Run axe on the page as it is now (at its current viewport) and list what it found."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    return [
        Violation(
            rule=found["id"],
            impact=found.get("impact") or "",
            help=found["help"],
            selector=" ".join(str(part) for part in node["target"]),
            summary=" ".join((node.get("failureSummary") or "").split()),
            page=_path(page),
            role=role,
            width=width,
        )
        for found in results["violations"]
        for node in found["nodes"]
    ]


# Reflow (WCAG 1.4.10), which axe does not test: at 320 CSS px (390 here) a page reads without
# scrolling sideways; a wide table may scroll inside its own region (`overflow-x: auto`).
_WIDER_THAN_THE_SCREEN = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= width) return null;
    const inScroller = e => { for (let p = e.parentElement; p; p = p.parentElement) {
        if (getComputedStyle(p).overflowX === 'auto') return true; } return false; };
    const tooWide = e => {
        const box = e.getBoundingClientRect();
        if (box.width <= 1 || inScroller(e)) return false;  // visually hidden, or scrolls in its region
        return box.right > width + 1
            || (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible');
    };
    const wide = Array.from(document.querySelectorAll('body *')).filter(tooWide);
    const innermost = wide.filter(e => !wide.some(other => other !== e && e.contains(other)));
    return {scrollWidth: document.documentElement.scrollWidth,
            elements: (innermost.length ? innermost : [document.body]).slice(0, 3).map(e =>
                e.tagName.toLowerCase() + (e.className ? '.' + e.className.split(' ').join('.') : ''))};
}"""


def sideways_scrolling(page: Any, *, role: str, width: int) -> list[Violation]:
    """The page as a Violation if it is wider than the screen (the rule is named "reflow")."""
    wider = page.evaluate(_WIDER_THAN_THE_SCREEN)
    if wider is None:
        return []
    return [
        Violation(
            rule="reflow",
            impact="serious",
            help="Content must fit the screen without scrolling sideways (WCAG 1.4.10; not an axe rule)",
            selector=", ".join(wider["elements"]),
            summary=f"the page is {wider['scrollWidth']} px wide on a {width} px screen",
            page=_path(page),
            role=role,
            width=width,
        )
    ]


def check_csp(page: Any, response: Any) -> None:
    """The page came with the app's own policy, and the browser still enforces it with axe loaded."""
    header = response.headers.get("content-security-policy")
    assert header == CONTENT_SECURITY_POLICY, f"{page.url}: Content-Security-Policy is {header!r}"
    page.evaluate(AXE_SCRIPT)
    ran = page.evaluate(
        """() => {
            const script = document.createElement('script');
            script.textContent = 'window.inlineScriptRan = true';
            document.head.appendChild(script);
            script.remove();
            return window.inlineScriptRan === true;
        }"""
    )
    assert not ran, f"{page.url}: an inline script ran: the Content-Security-Policy is not enforced"


def report(found: list[Violation]) -> str:
    return f"{len(found)} accessibility violation(s) (axe-core WCAG 2.2 A/AA, and reflow):\n" + "\n".join(
        str(violation) for violation in found
    )
