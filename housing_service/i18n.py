"""Which language each page speaks, and dates, times and numbers written in it.

The language: the one the person chose in "My account" (`users.locale`), else the best
match of the browser's Accept-Language among LANGUAGES, else DEFAULT_LOCALE. Dates and
times are always shown in the coalition's time zone (COALITION_TIMEZONE), whatever the
language: a night begins where the shelters are.

Code outside a request (the scheduler's e-mails, texts and flags) uses
`words_of(person)` or `flask_babel.force_locale(person.locale)`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from . import languages, plain_words
from .translation import Words, words_for

babel = Babel()


def chosen_language(person: object) -> str | None:
    """The person's own choice, while it is still one the coalition offers."""
    code = getattr(person, "locale", None)
    return code if code in current_app.config["LANGUAGES"] else None


def _signed_in_choice() -> str | None:
    """The signed-in person's language, without ever failing for the database's sake.

    A refusal may be worded after a failed flush (the person's row expired, the transaction
    void) or inside an error page: then the language is read only if it is still loaded, and
    otherwise the browser's is used.
    """
    try:
        # As Flask-Login loaded them; loaded now if no one asked yet (a page outside the views).
        person = g._login_user if "_login_user" in g else current_user._get_current_object()
    except SQLAlchemyError:
        return None
    state = getattr(person, "_sa_instance_state", None)
    if state is None:
        return None
    if "locale" in state.dict:
        return state.dict["locale"]
    if state.session is None or not state.session.is_active:
        return None
    try:
        return person.locale  # expired by a commit earlier in the request: read again
    except SQLAlchemyError:
        return None


def select_locale() -> str:
    if has_request_context():
        chosen = _signed_in_choice()
        if chosen in current_app.config["LANGUAGES"]:
            return chosen
        browser = request.accept_languages.best_match(current_app.config["LANGUAGES"])
        if browser:
            return browser
    return current_app.config["DEFAULT_LOCALE"]


def current_words() -> Words:
    """The words of this request's language (English outside an app context)."""
    locale = get_locale()
    return words_for(str(locale) if locale is not None else "en")


def words_of(person: object) -> Words:
    """The words a message to this person is written in (theirs, else the coalition's default)."""
    return words_for(chosen_language(person) or current_app.config["DEFAULT_LOCALE"])


def interface_languages() -> list[tuple[str, str]]:
    """Each offered language named in itself ("español", "Tiếng Việt"), as people look for it."""
    return [
        (code, languages.language_name(code, code)) for code in current_app.config["LANGUAGES"]
    ]


# Jinja filters: the reader's language, the coalition's time zone -----------------------------


def _zone() -> str:
    return current_app.config["COALITION_TIMEZONE"]


def day_text(value: date | None) -> str:
    return plain_words.day_text(value, current_words())


def time_text(value: datetime | None) -> str:
    return plain_words.time_text(value, _zone(), current_words())


def moment_text(value: datetime | None, today: date | None = None) -> str:
    return plain_words.moment_text(value, _zone(), today, current_words())


def age_text(elapsed: timedelta) -> str:
    return plain_words.age_text(elapsed, current_words())


def language_name(code: str) -> str:
    return languages.language_name(code, current_words().code)


def number_text(value: int | float) -> str:
    """1,234 in English, 1.234 in Spanish, 1.234 in Vietnamese."""
    return format_decimal(value, locale=current_words().locale)


def install(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
    # {% trans %} blocks may wrap over lines: their whitespace is collapsed, as babel.cfg extracts them.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters.update(
        day=day_text, time=time_text, moment=moment_text, language=language_name, number=number_text
    )
    app.jinja_env.globals.update(current_language=lambda: str(get_locale() or "en"))
