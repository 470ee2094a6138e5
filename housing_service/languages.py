"""Language names and lists of languages, in the reader's language and order.

Names come from the Unicode CLDR through Babel, so that one table serves every locale the
pages will speak (issue 18 passes the reader's locale; until then it is English). A list puts
the coalition's common languages first (COMMON_LANGUAGES), then the rest by name.

Pure Python, Babel aside: the matching package names languages with it and must not load
Flask, so the app's setting is read only when a list is asked for without one.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

from babel import Locale, UnknownLocaleError

# The languages offered on forms: those most often met among the coalition's survivors and
# staff (the 29 the record form offered before). A code recorded some other way (the API,
# an import) keeps its name wherever it is shown.
OFFERED = (
    "am", "ar", "bn", "en", "es", "fa", "fr", "hi", "ht", "id", "ja", "km", "ko", "my", "ne",
    "pl", "ps", "pt", "ro", "ru", "so", "sw", "th", "ti", "tl", "uk", "ur", "vi", "zh",
)  # fmt: skip

DEFAULT_LOCALE = "en"


@cache
def _names(locale: str) -> dict[str, str]:
    try:
        return dict(Locale.parse(locale).languages)
    except (UnknownLocaleError, ValueError):
        return dict(Locale.parse(DEFAULT_LOCALE).languages)


def is_known(code: str) -> bool:
    """Whether CLDR names this language (e.g. 'es'), so that a list can show it by name."""
    return code in _names(DEFAULT_LOCALE)


def language_name(code: str, locale: str = DEFAULT_LOCALE) -> str:
    """A language's name in `locale` ('es' → 'Spanish' in English), or its code if CLDR has none."""
    return _names(locale).get(code, code)


def collation_key(text: str) -> str:
    """Sorts names as a reader expects: case and accents aside ('Éwé' beside 'Ewe', not after 'Z').

    A simple, locale-independent key (no system locales needed, no global state such as
    `locale.setlocale`); a script's own order (e.g. Chinese by stroke) needs ICU, not here.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def language_choices(
    locale: str = DEFAULT_LOCALE,
    common: Sequence[str] | None = None,
    codes: Iterable[str] = OFFERED,
) -> list[tuple[str, str]]:
    """(code, name) pairs: the common languages first, in the coalition's order, then the rest by name.

    `common` defaults to the app's COMMON_LANGUAGES setting; `codes` are the languages offered
    (a common language is listed even if it is not among them).
    """
    if common is None:
        # Imported here: the matching package uses this module without an app.
        from flask import current_app

        common = current_app.config["COMMON_LANGUAGES"]
    first = [(code, language_name(code, locale)) for code in common]
    rest = [(code, language_name(code, locale)) for code in set(codes) - set(common)]
    return first + sorted(rest, key=lambda pair: (collation_key(pair[1]), pair[0]))


def parse_common_languages(raw: str) -> tuple[str, ...]:
    """'en, es, vi' → ('en', 'es', 'vi'); refuses a code CLDR does not know, or one given twice."""
    codes = tuple(part.strip().lower() for part in raw.split(",") if part.strip())
    unknown = [code for code in codes if not is_known(code)]
    if unknown:
        raise ValueError(f"{', '.join(unknown)} is not a language code (use ISO 639 codes such as en, es)")
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ValueError(f"{', '.join(repeated)} is given more than once")
    return codes
