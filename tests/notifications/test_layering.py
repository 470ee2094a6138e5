"""The notifications feature stands on the shared layers; none of them imports it.

Only the outermost wiring may: the app factory (which installs it) and the scheduler's jobs
(which call it, as they call services). Referrals and the rest call `outbox.notify` from
their own feature packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "housing_service"
ALLOWED = {"app_factory.py", "scheduling/jobs.py"}


def _imports_notifications(path: Path) -> bool:
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            names = {alias.name for alias in node.names}
            if "notifications" in module.split(".") or (
                module in ("", "housing_service") and "notifications" in names
            ):
                return True
            if module == "" and node.level and "notifications" in names:
                return True
        if isinstance(node, ast.Import) and any("notifications" in a.name.split(".") for a in node.names):
            return True
    return False


def test_no_shared_layer_imports_the_notifications_feature():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if "notifications" not in path.relative_to(PACKAGE).parts
        and str(path.relative_to(PACKAGE)) not in ALLOWED
        and _imports_notifications(path)
    ]
    assert offenders == []
    assert _imports_notifications(PACKAGE / "scheduling" / "jobs.py")  # the check can see an import
