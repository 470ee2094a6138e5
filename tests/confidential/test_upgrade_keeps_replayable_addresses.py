"""Found in a review of issue 11, and fixed.

answers kept for Idempotency-Key replays before migration 0007 (which then held
confidential addresses) survive the upgrade; the holds view re-renders its replays, but other
kept answers (e.g. POST /placements/{id}/suggestions/hold, which has no render_again) are
replayed verbatim for up to 24 hours, and sit at rest. README: "no kept answer holds one"."""

import json
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.test_migrations import _flask

SECRET = "SecretAddressKeptBeforeUpgrade 7 Hidden Way"


def test_upgrade_to_0007_clears_addresses_from_kept_answers(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'upgrade.db'}"
    assert _flask("db", "upgrade", "0006", database_url=url).returncode == 0
    engine = create_engine(url)
    with engine.connect() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, display_name, role, password_hash, active, session_version, "
                "created_at, password_changed_at) VALUES (1, 'a@example.org', 'A', 'advocate', 'x', 1, 1, "
                "'2027-03-10 20:00:00', '2027-03-10 20:00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO idempotent_requests"
                " (user_id, key, fingerprint, status_code, response, created_at) "
                "VALUES (1, 'k', 'f', 201, :response, '2027-03-10 20:00:00')"
            ),
            {"response": json.dumps({"id": 1, "address": SECRET, "status": "held"})},
        )
        connection.commit()
    engine.dispose()
    result = _flask("db", "upgrade", database_url=url)
    assert result.returncode == 0, result.stderr
    engine = create_engine(url)
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT response FROM idempotent_requests")).scalars().all()
    engine.dispose()
    assert SECRET not in str(kept)
