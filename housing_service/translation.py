"""The catalogues of words people read, without Flask.

Pages use Flask-Babel (`flask_babel.gettext`, `_()` in templates), which picks the reader's
language per request. Code that must not depend on Flask — the matcher, plain_words — takes a
`Words`: the catalogue and the locale of the person who will read the result. Both read the
same compiled catalogues under housing_service/translations (see README, "Languages").

Placeholders are always named (`%(count)s`), so a translation may put them in any order.
"""

from __future__ import annotations

import gettext as gettext_module
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.support import Translations

TRANSLATIONS_DIRECTORY = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"


@dataclass(frozen=True)
class Words:
    """One language's words and formats, for code that doesn't know about requests."""

    locale: Locale
    catalogue: gettext_module.NullTranslations

    @property
    def code(self) -> str:
        return str(self.locale)

    def gettext(self, message: str, **values: object) -> str:
        text = self.catalogue.gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, num: int, **values: object) -> str:
        """The form for `num` (languages have one to six forms); `%(num)s` is the number."""
        values.setdefault("num", num)
        return self.catalogue.ngettext(singular, plural, num) % values


@lru_cache(maxsize=32)
def words_for(code: str) -> Words:
    """A language's words; a language without a catalogue reads English words in its formats."""
    locale = Locale.parse(code)
    return Words(locale, Translations.load(str(TRANSLATIONS_DIRECTORY), [locale], DOMAIN))


ENGLISH = words_for("en")
