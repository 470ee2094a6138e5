"""The matching package stays pure Python: no Flask, no SQLAlchemy, so it runs without an app or database."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]


def test_importing_matching_loads_neither_flask_nor_sqlalchemy() -> None:
    check = (
        "import sys, housing_service.matching; "
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('flask', 'sqlalchemy')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], cwd=REPOSITORY, capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
