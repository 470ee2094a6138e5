"""`flask translations extract|update|compile|check`: the gettext catalogues' round trip.

extract  reads every marked string (babel.cfg) into translations/messages.pot
update   merges messages.pot into each language's messages.po (new strings: empty)
compile  writes each messages.mo from its messages.po (the .mo files are committed, so
         an install needs only Python: no compile step at install or start-up)
check    fails when a catalogue lacks a translation of a string extracted from the code,
         has a fuzzy one, or its committed .mo differs from its .po
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from .translation import DOMAIN, TRANSLATIONS_DIRECTORY

PROJECT_ROOT = TRANSLATIONS_DIRECTORY.parent.parent
BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"
TEMPLATE = TRANSLATIONS_DIRECTORY / f"{DOMAIN}.pot"
# flask_babel.lazy_gettext (imported as _l) marks strings evaluated at import (labels, error texts).
KEYWORDS = ("lazy_gettext", "_l", "lazy_ngettext:1,2")


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _placeholders(text: str | tuple[str, ...] | list[str]) -> set[str]:
    texts = [text] if isinstance(text, str) else list(text)
    return {name for part in texts for name in PLACEHOLDER.findall(part or "")}


def languages() -> list[str]:
    """Every language with a catalogue (a directory under translations/)."""
    return sorted(p.parent.parent.name for p in TRANSLATIONS_DIRECTORY.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def extract(output: Path = TEMPLATE) -> None:
    keywords = [part for keyword in KEYWORDS for part in ("-k", keyword)]
    _pybabel(
        "extract", "-F", str(BABEL_CONFIG), *keywords, "--no-location", "--sort-output",
        "--project", "housing_service", "--omit-header", "-o", str(output), str(PROJECT_ROOT),
    )  # fmt: skip


def update() -> None:
    _pybabel(
        "update", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS_DIRECTORY), "--no-wrap", "--ignore-obsolete"
    )


def compiled(po_path: Path) -> bytes:
    with po_path.open("rb") as po:
        catalogue = read_po(po)
    out = io.BytesIO()
    write_mo(out, catalogue)
    return out.getvalue()


def compile_all() -> None:
    for code in languages():
        po_path = TRANSLATIONS_DIRECTORY / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        po_path.with_suffix(".mo").write_bytes(compiled(po_path))


def problems(template: Path = TEMPLATE) -> list[str]:
    """What keeps the catalogues from being complete and current: empty means none."""
    with template.open("rb") as pot:
        wanted = {message.id for message in read_po(pot) if message.id}
    found: list[str] = []
    for code in languages():
        po_path = TRANSLATIONS_DIRECTORY / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as po:
            catalogue = read_po(po)
        for message_id in sorted(wanted, key=str):
            message = catalogue.get(message_id)
            if message is None:
                found.append(f"{code}: no entry for {message_id!r}")
            elif message.fuzzy:
                found.append(f"{code}: fuzzy entry for {message_id!r}")
            elif not message.string or (isinstance(message.string, tuple) and not all(message.string)):
                found.append(f"{code}: no translation of {message_id!r}")
            elif unknown := _placeholders(message.string) - _placeholders(message.id):
                # A value the code never gives would fail at run time (KeyError).
                names = ", ".join(sorted(unknown))
                found.append(f"{code}: {message_id!r} uses {names}, which the code never gives")
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.read_bytes() != compiled(po_path):
            found.append(f"{code}: {mo_path.name} is stale: run `flask translations compile`")
    return found


@click.group("translations")
def translations_command() -> None:
    """The gettext catalogues (README, "Languages")."""


@translations_command.command("extract")
def extract_command() -> None:
    """Collect every marked string into translations/messages.pot."""
    extract()


@translations_command.command("update")
def update_command() -> None:
    """Extract, then merge the new strings into each language's messages.po."""
    extract()
    update()


@translations_command.command("init")
@click.argument("language")
def init_command(language: str) -> None:
    """Start a catalogue for a new language (a Babel locale code such as `tl` or `zh_Hant`)."""
    extract()
    _pybabel("init", "-i", str(TEMPLATE), "-d", str(TRANSLATIONS_DIRECTORY), "-l", language, "--no-wrap")


@translations_command.command("compile")
def compile_command() -> None:
    """Write each language's messages.mo (committed with its .po)."""
    compile_all()


@translations_command.command("check")
def check_command() -> None:
    """Fail if a string marked in the code is untranslated or fuzzy, or a .mo is stale."""
    with tempfile.TemporaryDirectory() as directory:
        fresh = Path(directory) / "messages.pot"
        extract(fresh)
        found = problems(fresh)
        if fresh.read_bytes() != TEMPLATE.read_bytes():
            found.append(f"{TEMPLATE.name} is stale: run `flask translations update`")
    for line in found:
        click.echo(line, err=True)
    if found:
        raise SystemExit(1)
    click.echo(f"Catalogues complete and compiled: {', '.join(languages())}.")
