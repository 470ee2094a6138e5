"""Operator commands: `flask --app housing_service <command>`. Each commits once, at the end."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .app_role_cli import grant_app_role_command
from .audit_cli import audit_verify_command
from .extensions import db
from .models import Role
from .scheduling.jobs import JOBS
from .services import accounts, sign_in_rules
from .translations_cli import translations_command


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(reset_two_step_command)
    app.cli.add_command(audit_verify_command)
    app.cli.add_command(run_job_command)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(translations_command)
    app.cli.add_command(shared_cache_clear_command)
    # Flask-Migrate's `db` group: the owner's commands for the database stay together.
    from flask_migrate.cli import db as db_commands

    db_commands.add_command(grant_app_role_command)


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", "display_name", required=True, help="How the person is shown to colleagues.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--organisation-id", type=int, default=None, help="Required for partner accounts.")
@click.password_option(help="At least 12 characters; asked for when not given.")
def create_user_command(
    email: str, display_name: str, role: str, organisation_id: int | None, password: str
) -> None:
    """Create an account (e.g. the first admin)."""
    from .errors import DomainError

    try:
        user = accounts.create_user(
            None,
            email=email,
            display_name=display_name,
            role=Role(role),
            password=password,
            organisation_id=organisation_id,
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    click.echo(f"Created {user.role.value} account {user.email} (id {user.id}).")


@click.command("reset-two-step")
@with_appcontext
@click.argument("email")
def reset_two_step_command(email: str) -> None:
    """Turn off someone's two-step sign-in (e.g. the only admin lost their phone); audited."""
    from . import clock
    from .services import audit, two_factor
    from .services.actor import Actor

    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException("No account has this email.")
    now = clock.now()
    revoked = two_factor.turn_off(user, now)
    audit.record(
        Actor.scheduler(), "user.second_factor_reset", "user", user.id, {"tokens_revoked": revoked}, now=now
    )
    db.session.commit()
    days = current_app.config["TWO_FACTOR_GRACE_DAYS"]
    click.echo(
        f"Two-step sign-in is off for {user.email}; their sessions and API tokens have ended. "
        f"Their password alone signs them in for {days} days: they should set it up again on My account."
    )


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load a demo coalition and print one sign-in per role (new passwords on every run)."""
    from .demo import seed_demo

    sign_ins = seed_demo()
    db.session.commit()
    click.echo("Demo coalition ready. Sign in with:")
    for role, email, password in sign_ins:
        click.echo(f"  {role:<13} {email:<40} {password}")
    required = sorted(sign_in_rules.required_roles())
    if required:
        days = current_app.config["TWO_FACTOR_GRACE_DAYS"]
        click.echo(
            f"Two-step sign-in is required for {', '.join(required)}: these passwords alone work for "
            f"{days} days from now (run seed-demo again to start afresh); set it up on My account."
        )
    click.echo("These are demo accounts with demo data: never put real survivors' data here.")


@click.command("run-job")
@with_appcontext
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option("--now", "moment", default=None, help="Judge as of this ISO 8601 moment (default: now).")
def run_job_command(name: str, moment: str | None) -> None:
    """Run one scheduled job once (operators and tests)."""
    from . import clock
    from .scheduling.runner import run_job

    when = clock.now()
    if moment:
        when = datetime.fromisoformat(moment)
        if when.tzinfo is None:
            raise click.BadParameter("give an offset, e.g. 2027-03-10T12:00:00-08:00", param_hint="--now")
    # A manual run is its own slot: it runs even if the scheduler already did this period.
    report = run_job(name, when.astimezone(UTC), slot=f"manual:{when.astimezone(UTC).isoformat()}")
    if not report.ran:
        click.echo(f"{name}: not run ({report.reason}).")
        return
    outcome = report.outcome
    click.echo(
        f"{name}: {report.duration_ms} ms, {outcome.flags_raised} flag(s) raised, "
        f"{outcome.flags_resolved} resolved, {outcome.records_changed} record(s) changed."
    )


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler as its own process (production; set SCHEDULER=off for web workers)."""
    from flask import current_app

    from .scheduling.scheduler import run_blocking

    click.echo(f"Scheduler running jobs: {', '.join(sorted(JOBS))}. Stop with Ctrl+C.")
    run_blocking(current_app._get_current_object())


@click.command("shared-cache-clear")
@with_appcontext
def shared_cache_clear_command() -> None:
    """Empty the shared cache (REDIS_URL): after restoring the database from a backup, whose
    revision numbers start again below those the cache has seen."""
    from . import shared_cache

    cache = shared_cache.shared()
    if cache is None:
        click.echo("No shared cache here (REDIS_URL is not set): each worker's own empties when it restarts.")
        return
    click.echo(f"{cache.clear()} entries removed from the shared cache.")
