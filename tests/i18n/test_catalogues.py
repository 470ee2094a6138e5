"""The es and vi catalogues hold a translation of every marked string, none fuzzy, compiled."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from housing_service import translations_cli
from housing_service.translation import words_for


def test_every_extracted_string_is_translated_in_every_language_and_compiled(tmp_path: Path) -> None:
    # Extracted afresh from the code: a string marked but never extracted counts too.
    template = tmp_path / "messages.pot"
    translations_cli.extract(template)
    with template.open("rb") as pot:
        assert len(read_po(pot)) > 50, "extraction found (almost) nothing: check babel.cfg"
    assert translations_cli.languages() == ["es", "vi"]
    assert translations_cli.problems(template) == []


def test_the_committed_template_is_current(tmp_path: Path) -> None:
    """messages.pot is what `flask translations extract` writes today (the update step reads it)."""
    fresh = tmp_path / "messages.pot"
    translations_cli.extract(fresh)
    assert fresh.read_bytes() == translations_cli.TEMPLATE.read_bytes(), "run `flask translations update`"


def test_a_missing_a_fuzzy_and_a_stale_entry_are_each_reported(tmp_path: Path, monkeypatch) -> None:
    directory = tmp_path / "translations"
    for code in ("es",):
        po = directory / code / "LC_MESSAGES" / "messages.po"
        po.parent.mkdir(parents=True)
        po.write_text(
            'msgid ""\nmsgstr ""\n"Language: es\\n"\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            '#, fuzzy\nmsgid "just now"\nmsgstr "ahora"\n\nmsgid "Sign out"\nmsgstr ""\n',
            encoding="utf-8",
        )
    template = tmp_path / "messages.pot"
    template.write_text(
        'msgid "just now"\nmsgstr ""\n\nmsgid "Sign out"\nmsgstr ""\n\nmsgid "Role"\nmsgstr ""\n'
    )
    monkeypatch.setattr(translations_cli, "TRANSLATIONS_DIRECTORY", directory)
    found = translations_cli.problems(template)
    assert "es: fuzzy entry for 'just now'" in found
    assert "es: no translation of 'Sign out'" in found
    assert "es: no entry for 'Role'" in found
    assert "es: messages.mo is stale: run `flask translations compile`" in found


def test_plural_forms_follow_each_language() -> None:
    assert words_for("en").ngettext("%(num)s day ago", "%(num)s days ago", 1) == "1 day ago"
    assert words_for("es").ngettext("%(num)s day ago", "%(num)s days ago", 3) == "hace 3 días"
    assert words_for("es").ngettext("%(num)s day ago", "%(num)s days ago", 1) == "hace 1 día"
    assert words_for("vi").ngettext("%(num)s day ago", "%(num)s days ago", 3) == "3 ngày trước"
