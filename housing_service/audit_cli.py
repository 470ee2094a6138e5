"""`flask --app housing_service audit-verify`: walk the audit trail's hash chain."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from .extensions import db
from .models import AuditEvent
from .services import audit


@click.command("audit-verify")
@click.pass_context
@with_appcontext
def audit_verify_command(context: click.Context) -> None:
    """Check every audit entry's hash link; exit with status 1 at the first broken one.

    The chain proves that no entry before the last was changed, inserted or removed; to
    prove the tail too, keep the printed last id and hash somewhere else and compare later.
    """
    checked, broken = audit.verify_chain(db.session)
    if broken is not None:
        db.session.rollback()
        click.echo(
            f"Audit trail BROKEN at entry id {broken.id}: its hash link does not match "
            f"({checked} entries before it verified). Entries were changed, inserted or removed: "
            "investigate, and compare with a backup.",
            err=True,
        )
        context.exit(1)
    last = None
    if checked:
        last = db.session.scalar(select(AuditEvent).order_by(AuditEvent.id).offset(checked - 1).limit(1))
    db.session.rollback()
    click.echo(f"Audit trail intact: {checked} entries verified.")
    if last is not None:
        click.echo(f"Last entry: id {last.id}, hash {last.entry_hash}.")
