"""Every string meant for people is marked for translation, in templates and in Python.

Templates: each is read with the Jinja lexer; visible text (data outside {% trans %}, and
alt/title/aria-label/placeholder attributes) and sentence-like string literals in
expressions that are not the argument of _()/gettext/ngettext fail the test.

Python: the modules that hold words for people are read with `ast`; a bare literal (or an
f-string) given to flash(), a DomainError or ValidationError, abort(description=), or
message=, fails the test. Logs and audit codes are not looked at.

PENDING_*: files not marked yet (issue 18's second phase, after the page redesigns). The
lead empties them; never add a file here that is already marked.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from jinja2 import Environment
from jinja2.ext import i18n

PACKAGE = Path(__file__).resolve().parents[2] / "housing_service"

# Templates not marked yet: phase 2 of issue 18 marks them (each has a page being redesigned
# by issue 14, or is shared with those pages). Remove a line when its file is marked.
PENDING_TEMPLATES: set[str] = set()

# Python modules with words for people not marked yet (phase 2: the pages 14 rewrites, and
# the services' refusals). Remove a line when its module is marked.
PENDING_MODULES = {
    "services/inventory.py",
}

TEMPLATES = sorted(
    str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.html") if "templates" in path.parts
)
MARKING_CALLS = {"_", "gettext", "ngettext", "lazy_gettext", "lazy_ngettext", "pgettext"}
VISIBLE_ATTRIBUTE = re.compile(r'\b(alt|title|aria-label|placeholder)="([^"]*)"')
TAG_OR_ENTITY = re.compile(r"<!--.*?-->|<[^>]*>|&[#\w]+;", re.S)
LETTERS = re.compile(r"[^\W\d_]{2,}")
PLACEHOLDER = "\x00"
SENTENCE = re.compile(r"^[A-Z][^\s]*\s+\S|[.:?!]\s*$")


def unmarked_in_template(source: str) -> list[str]:
    environment = Environment(extensions=[i18n], autoescape=True)  # only lexed, never rendered
    tokens = [token for token in environment.lex(source) if token[1] != "whitespace"]
    found: list[str] = []
    # The page as a browser gets it, each {{ }} and {% %} one placeholder: tags and their
    # attributes are then whole, whichever expressions they hold.
    skeleton: list[str] = []
    in_trans = False
    for index, (line, kind, value) in enumerate(tokens):
        after_block_begin = index > 0 and tokens[index - 1][1] == "block_begin"
        if kind == "name" and after_block_begin and value == "trans":
            in_trans = True
        elif kind == "name" and after_block_begin and value == "endtrans":
            in_trans = False
        elif kind == "data" and not in_trans:
            skeleton.append(value)
        elif kind in ("variable_begin", "block_begin"):
            skeleton.append(PLACEHOLDER)
        elif kind == "string" and not in_trans and SENTENCE.search(value[1:-1]):
            before = tokens[max(0, index - 6) : index]
            called = [v for _, k, v in before if k == "name"]
            if not (before and before[-1][2] in ("(", ",") and called and called[-1] in MARKING_CALLS):
                found.append(f"line {line}: string {value}")
    page = "".join(skeleton)
    found.extend(
        f"attribute text {text!r}" for _, text in VISIBLE_ATTRIBUTE.findall(page) if LETTERS.search(text)
    )
    for piece in TAG_OR_ENTITY.sub(PLACEHOLDER, page).split(PLACEHOLDER):
        if LETTERS.search(piece):
            found.append(f"text {' '.join(piece.split())!r}")
    return found


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_text_is_marked_for_translation(template: str) -> None:
    found = unmarked_in_template((PACKAGE / template).read_text(encoding="utf-8"))
    if template in PENDING_TEMPLATES:
        assert found, f"{template} is marked now: remove it from PENDING_TEMPLATES"
        return
    assert found == [], f"{template}: text for people not marked for translation: {found}"


def test_the_pending_list_names_only_templates_that_exist() -> None:
    assert set(TEMPLATES) >= PENDING_TEMPLATES


def test_the_lexer_check_finds_unmarked_text_and_accepts_marked_text() -> None:
    assert unmarked_in_template("<p>Beds free tonight</p>") == ["text 'Beds free tonight'"]
    assert unmarked_in_template('<img alt="Map of sites">') == ["attribute text 'Map of sites'"]
    assert unmarked_in_template("<p>{{ n }} beds free</p>") == ["text 'beds free'"]
    assert unmarked_in_template("{{ field(f, hint='Type it again.') }}") == [
        "line 1: string 'Type it again.'"
    ]
    marked = (
        "<p>{{ _('Beds free tonight') }}</p><img alt=\"{{ _('Map') }}\">"
        "{% trans n=3 %}{{ n }} bed{% pluralize %}{{ n }} beds{% endtrans %}"
        "{{ field(f, hint=_('Type it again.')) }}"
        '<a class="button button--quiet" href="{{ url_for(\'web.home\') }}">'
    )
    assert unmarked_in_template(marked) == []


# Python -------------------------------------------------------------------------------------

REFUSALS = {
    "DomainError", "InvalidInput", "NotSignedIn", "Forbidden", "NotFound", "Conflict",
    "InvalidTransition", "ValidationError", "flash", "field", "Problem", "error_response",
}  # fmt: skip
SKIPPED_PARTS = {"migrations", "translations"}


def _callee(call: ast.Call) -> str:
    function = call.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def _bare(node: ast.AST | None) -> bool:
    """A literal with words in it, or an f-string: text that no catalogue will ever see."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(re.search(r"[A-Za-z]{2,}\s", node.value))
    return isinstance(node, ast.JoinedStr)


def unmarked_in_module(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node)
        texts: list[ast.AST] = []
        if name in REFUSALS:
            # field(name, problem): the problem is the text; otherwise the first argument.
            texts.append(node.args[1] if name == "field" and len(node.args) > 1 else (node.args or [None])[0])
        if name == "error_response" and len(node.args) > 1:
            texts = [node.args[1]]
        if name != "Blueprint":  # an API blueprint's description is the OpenAPI document's, for developers
            texts.extend(k.value for k in node.keywords if k.arg in ("message", "description"))
        found.extend(f"line {n.lineno}: {ast.unparse(n)[:80]}" for n in texts if n is not None and _bare(n))
    return found


MODULES = sorted(
    str(path.relative_to(PACKAGE))
    for path in PACKAGE.rglob("*.py")
    if not SKIPPED_PARTS & set(path.relative_to(PACKAGE).parts)
)


@pytest.mark.parametrize("module", MODULES)
def test_python_text_for_people_is_marked_for_translation(module: str) -> None:
    found = unmarked_in_module((PACKAGE / module).read_text(encoding="utf-8"))
    if module in PENDING_MODULES:
        assert found, f"{module} is marked now: remove it from PENDING_MODULES"
        return
    assert found == [], f"{module}: text for people not marked for translation: {found}"


def test_the_python_check_finds_bare_refusals_and_accepts_marked_ones() -> None:
    source = (
        "raise NotFound('No such stay.')\n"
        "raise InvalidInput.field('nights', f'Use at most {n} nights.')\n"
        "flash(gettext('Saved.'), 'success')\n"
        "raise Conflict(lazy_gettext('The bed was just taken.'))\n"
        "log.info('hold %s released', hold_id)\n"
    )
    assert unmarked_in_module(source) == [
        "line 1: 'No such stay.'",
        "line 2: f'Use at most {n} nights.'",
    ]
