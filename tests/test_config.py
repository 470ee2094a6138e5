from pathlib import Path

import pytest

from housing_service.config import ConfigurationError, database_url, load_config


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(tmp_path, {"HOUSING_ENV": "production"})


def test_production_refuses_a_short_secret_key(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="32 characters"):
        load_config(tmp_path, {"HOUSING_ENV": "production", "SECRET_KEY": "short"})


def test_testing_mode_also_needs_a_secret_key(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        load_config(tmp_path, {"HOUSING_ENV": "testing"})


def test_development_uses_a_development_key_with_a_warning(tmp_path: Path, caplog: pytest.LogCaptureFixture):
    config = load_config(tmp_path, {"HOUSING_ENV": "development"})
    assert config["SECRET_KEY"].startswith("development-only")
    assert "SECRET_KEY is not set" in caplog.text
    assert config["SESSION_COOKIE_SECURE"] is False


def test_production_cookies_are_secure(tmp_path: Path):
    config = load_config(tmp_path, {"HOUSING_ENV": "production", "SECRET_KEY": "x" * 40})
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_database_defaults_to_a_sqlite_file_in_the_instance_folder(tmp_path: Path):
    assert database_url(None, tmp_path) == f"sqlite:///{tmp_path / 'housing.db'}"


@pytest.mark.parametrize(
    "given",
    ["postgres://u@h/db", "postgresql://u@h/db", "postgresql+psycopg://u@h/db"],
)
def test_postgresql_urls_use_psycopg_3(given: str, tmp_path: Path):
    assert database_url(given, tmp_path) == "postgresql+psycopg://u@h/db"


def test_an_unknown_time_zone_is_refused(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="COALITION_TIMEZONE"):
        load_config(tmp_path, {"HOUSING_ENV": "development", "COALITION_TIMEZONE": "Mars/Olympus"})


def test_thresholds_are_read_per_tier(tmp_path: Path):
    config = load_config(
        tmp_path, {"HOUSING_ENV": "development", "STAY_REVIEW_THRESHOLDS": "emergency:7,21;transitional:30"}
    )
    assert config["STAY_REVIEW_THRESHOLDS"] == {"emergency": (21, 7), "transitional": (30,)}


def test_malformed_thresholds_are_refused(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="STAY_REVIEW_THRESHOLDS"):
        load_config(tmp_path, {"HOUSING_ENV": "development", "STAY_REVIEW_THRESHOLDS": "emergency:soon"})


def test_two_step_sign_in_is_required_for_every_role_by_default_after_a_week(tmp_path: Path):
    config = load_config(tmp_path, {"HOUSING_ENV": "development"})
    assert config["TWO_FACTOR_REQUIRED_ROLES"] == {"admin", "advocate", "case_manager", "partner"}
    assert config["TWO_FACTOR_GRACE_DAYS"] == 7
    assert config["TOKEN_MAX_DAYS"] == 90 and config["TOKEN_CONFIRM_MINUTES"] == 10
    chosen = load_config(
        tmp_path, {"HOUSING_ENV": "development", "TWO_FACTOR_REQUIRED_ROLES": "admin, partner"}
    )
    assert chosen["TWO_FACTOR_REQUIRED_ROLES"] == {"admin", "partner"}
    nobody = load_config(tmp_path, {"HOUSING_ENV": "development", "TWO_FACTOR_REQUIRED_ROLES": ""})
    assert nobody["TWO_FACTOR_REQUIRED_ROLES"] == frozenset()


def test_an_unknown_role_in_the_two_step_rule_is_refused(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="TWO_FACTOR_REQUIRED_ROLES: admins is not a role"):
        load_config(tmp_path, {"HOUSING_ENV": "development", "TWO_FACTOR_REQUIRED_ROLES": "admins"})


def test_the_default_token_lifetime_can_not_pass_the_longest(tmp_path: Path):
    with pytest.raises(ConfigurationError, match="API_TOKEN_DEFAULT_DAYS"):
        load_config(tmp_path, {"HOUSING_ENV": "development", "TOKEN_MAX_DAYS": "30"})


def test_languages_and_the_default_locale_are_read_and_checked(tmp_path: Path):
    config = load_config(tmp_path, {"LANGUAGES": "en, es ,vi,tl", "DEFAULT_LOCALE": "es"})
    assert config["LANGUAGES"] == ("en", "es", "vi", "tl")
    assert config["DEFAULT_LOCALE"] == config["BABEL_DEFAULT_LOCALE"] == "es"
    assert config["BABEL_DEFAULT_TIMEZONE"] == config["COALITION_TIMEZONE"]
    with pytest.raises(ConfigurationError, match="DEFAULT_LOCALE 'fr' must be one of LANGUAGES"):
        load_config(tmp_path, {"DEFAULT_LOCALE": "fr"})
    with pytest.raises(ConfigurationError, match="LANGUAGES: 'xx-nowhere' is not a language Babel knows"):
        load_config(tmp_path, {"LANGUAGES": "en,xx-nowhere"})
    with pytest.raises(ConfigurationError, match="LANGUAGES needs at least one language"):
        load_config(tmp_path, {"LANGUAGES": " , "})
