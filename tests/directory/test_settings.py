"""The directory's settings: off unless turned on; ids from their own secret when given."""

from __future__ import annotations

from pathlib import Path

import pytest

from housing_service.config import ConfigurationError, load_config

KEY = "k" * 40


def test_the_feed_is_off_unless_turned_on(tmp_path: Path):
    assert load_config(tmp_path, {"SECRET_KEY": KEY})["HSDS_FEED"] is False
    assert load_config(tmp_path, {"SECRET_KEY": KEY, "HSDS_FEED": "on"})["HSDS_FEED"] is True
    with pytest.raises(ConfigurationError, match="HSDS_FEED must be on or off"):
        load_config(tmp_path, {"SECRET_KEY": KEY, "HSDS_FEED": "sometimes"})


def test_ids_come_from_their_own_secret_when_one_is_given(tmp_path: Path):
    assert load_config(tmp_path, {"SECRET_KEY": KEY})["HSDS_ID_SECRET"] == KEY
    given = load_config(tmp_path, {"SECRET_KEY": KEY, "HSDS_ID_SECRET": "directory-ids"})
    assert given["HSDS_ID_SECRET"] == "directory-ids"
