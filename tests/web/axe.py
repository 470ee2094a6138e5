"""axe-core in the test browser: WCAG 2.0, 2.1 and 2.2 A and AA, with the pages' CSP left as it is.

axe-core comes with the PyPI package axe-playwright-python (its `axe.min.js`, MPL-2.0), which the
test extra installs, so CI needs nothing new. It is put into each page with Playwright's
`evaluate`, which runs through the browser's debugging protocol: the page's Content-Security-Policy
("script-src 'self'", no inline script) stays in force and is not bypassed (`check_csp` shows it).
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


def violations(page: Any, *, role: str, width: int) -> list[Violation]:
    """Run axe on the page as it is now (at its current viewport) and list what it found."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("options => window.axe.run(document, options)", AXE_OPTIONS)
    path = page.url.split("//", 1)[-1].split("/", 1)[-1]
    return [
        Violation(
            rule=found["id"],
            impact=found.get("impact") or "",
            help=found["help"],
            selector=" ".join(str(part) for part in node["target"]),
            summary=" ".join((node.get("failureSummary") or "").split()),
            page="/" + path,
            role=role,
            width=width,
        )
        for found in results["violations"]
        for node in found["nodes"]
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
    return f"{len(found)} accessibility violation(s) (axe-core, WCAG 2.2 A/AA):\n" + "\n".join(
        str(violation) for violation in found
    )
