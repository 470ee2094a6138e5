"""`flask --app housing_service audit-verify`: walk the audit trail's hash chain."""

from __future__ import annotations

import re

import click
from flask.cli import with_appcontext

from .extensions import db
from .services import audit

_EXPECTATION = re.compile(r"^(?P<id>[1-9][0-9]{0,9}):(?P<hash>[0-9a-f]{64})$")


def _parse_expectation(
    _context: click.Context, _parameter: click.Parameter, values: tuple[str, ...]
) -> list[tuple[int, str]]:
    parsed = []
    for value in values:
        match = _EXPECTATION.match(value.strip().lower())
        if match is None:
            raise click.BadParameter(f"{value!r} is not ID:HASH (an entry id, a colon, 64 hex digits).")
        parsed.append((int(match["id"]), match["hash"]))
    return parsed


@click.command("audit-verify")
@click.option(
    "--expect",
    "expectations",
    multiple=True,
    callback=_parse_expectation,
    metavar="ID:HASH",
    help="A head printed (or mailed by the checkpoint) earlier: fail unless the trail still holds it.",
)
@click.pass_context
@with_appcontext
def audit_verify_command(context: click.Context, expectations: list[tuple[int, str]]) -> None:
    """Seal what can be sealed, then check every sealed entry's hash link; exit with status 1
    at the first broken one.

    The chain proves that no entry before the last sealed one was changed, inserted or
    removed; to prove the tail too, keep the printed last id and hash somewhere else and pass
    them later with --expect.
    """
    sealed = audit.seal(db.engine)
    verified = audit.verify_chain(db.session)
    checked, broken = verified.checked, verified.broken
    if broken is not None:
        db.session.rollback()
        click.echo(
            f"Audit trail BROKEN at entry id {broken.id}: its hash link does not match "
            f"({checked} entries before it verified). Entries were changed, inserted or removed: "
            "investigate, and compare with a backup.",
            err=True,
        )
        context.exit(1)
    problems = [
        problem
        for entry_id, expected_hash in expectations
        if (problem := audit.missing_expectation(db.session, entry_id, expected_hash)) is not None
    ]
    last = audit.chain_head(db.session)
    db.session.rollback()
    if problems:
        for problem in problems:
            click.echo(
                f"Audit trail CUT OR REWRITTEN: {problem} ({checked} entries verified). Entries were "
                "removed from the end or the trail was rebuilt: investigate, and compare with a backup.",
                err=True,
            )
        context.exit(1)
    click.echo(f"Audit trail intact: {checked} entries verified.")
    if sealed.sealed:
        click.echo(f"{sealed.sealed} of them were sealed just now.")
    if verified.waiting:
        click.echo(
            f"{verified.waiting} newer entries wait to be sealed (their transactions were still "
            "committing); the sealer chains them within seconds."
        )
    for entry_id, _hash in expectations:
        click.echo(f"It still holds entry id {entry_id} with the expected hash.")
    if last is not None:
        click.echo(f"Last entry: id {last.id}, hash {last.entry_hash}.")
        click.echo(f"Keep this line elsewhere; later: audit-verify --expect {audit.expectation(last)}")
