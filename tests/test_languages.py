"""Language names and lists: CLDR's names in the reader's language, the coalition's common ones first."""

from __future__ import annotations

from pathlib import Path

import pytest

from housing_service.config import ConfigurationError, load_config
from housing_service.languages import OFFERED, collation_key, language_choices, language_name

COMMON = ("en", "es", "vi", "zh", "tl")


def test_the_common_languages_come_first_in_the_coalitions_order_then_the_rest_by_name():
    names = [name for _, name in language_choices(common=COMMON)]
    assert names[:5] == ["English", "Spanish", "Vietnamese", "Chinese", "Tagalog"]
    assert names[5:] == sorted(names[5:], key=collation_key)
    assert names[5:8] == ["Amharic", "Arabic", "Bangla"]
    assert len(names) == len(OFFERED)  # every offered language once, the common ones not twice


def test_names_and_order_follow_the_readers_locale():
    choices = dict(language_choices("es", common=("es",)))
    assert choices["en"] == "inglés" and choices["es"] == "español"
    rest = [name for code, name in language_choices("es", common=("es",)) if code != "es"]
    # Accents aside: "árabe" sorts among the a's, not after "z".
    assert rest[:3] == ["amárico", "árabe", "bengalí"]


def test_collation_sets_case_and_accents_aside():
    assert sorted(["Zulu", "Éwé", "ewe", "Arabic"], key=collation_key) == ["Arabic", "Éwé", "ewe", "Zulu"]


def test_a_code_cldr_does_not_name_is_shown_as_it_is_and_an_unknown_locale_reads_english():
    assert language_name("xx") == "xx"
    assert language_name("es", "nonsense") == "Spanish"
    assert language_name("es", "vi") == "Tiếng Tây Ban Nha"


def test_common_languages_are_a_setting(tmp_path: Path):
    config = load_config(tmp_path, {"HOUSING_ENV": "development", "COMMON_LANGUAGES": "uk, ru"})
    assert config["COMMON_LANGUAGES"] == ("uk", "ru")
    assert load_config(tmp_path, {"HOUSING_ENV": "development"})["COMMON_LANGUAGES"] == COMMON


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("en, klingon", "klingon is not a language code"), ("es, en, es", "es is given more")],
)
def test_a_wrong_common_languages_setting_stops_the_app(tmp_path: Path, raw: str, problem: str):
    with pytest.raises(ConfigurationError, match=f"COMMON_LANGUAGES: {problem}"):
        load_config(tmp_path, {"HOUSING_ENV": "development", "COMMON_LANGUAGES": raw})
