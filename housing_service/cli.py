"""Operator commands: `flask --app housing_service <command>`. Each commits once, at the end."""

from __future__ import annotations

import click
from flask import Flask

from .extensions import db
from .models import Role
from .services import accounts


def register_commands(app: Flask) -> None:
    app.cli.add_command(create_user_command)
    app.cli.add_command(seed_demo_command)


@click.command("create-user")
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


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Load a demo coalition and print one sign-in per role (new passwords on every run)."""
    from .demo import seed_demo

    sign_ins = seed_demo()
    db.session.commit()
    click.echo("Demo coalition ready. Sign in with:")
    for role, email, password in sign_ins:
        click.echo(f"  {role:<13} {email:<32} {password}")
    click.echo("These are demo accounts with demo data: never put real survivors' data here.")
