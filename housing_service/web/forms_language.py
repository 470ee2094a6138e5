"""The language a person reads the service in (My account)."""

from __future__ import annotations

from flask_babel import lazy_gettext
from wtforms import RadioField

from ..i18n import interface_languages
from .forms import PageForm

# The empty choice: no language of one's own, the browser's (Accept-Language) is used.
AS_BROWSER = ""


class LanguageForm(PageForm):
    locale = RadioField(lazy_gettext("Language"), choices=[])

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        # Each language named in itself, so that a person finds their own whatever the page's language.
        self.locale.choices = [
            (AS_BROWSER, lazy_gettext("The language my browser asks for")),
            *interface_languages(),
        ]
