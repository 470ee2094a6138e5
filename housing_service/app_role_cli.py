"""`flask --app housing_service db grant-app-role NAME`: the role the app runs as.

The migrations run as the schema's owner, who can alter, disable or drop the audit
trail's triggers. The app itself should run as a role that can read and write the app's
tables but can't do any of that: a role that doesn't own the tables can't ALTER them,
and without the DELETE and TRUNCATE privileges on audit_events, nor UPDATE beyond the two
hash columns, it can only add to the trail and seal it (the sealer fills an unsealed entry's
hashes once; the append-only trigger refuses every other change). Run this as the owner
after every `db upgrade` (it is idempotent).
"""

from __future__ import annotations

import re

import click
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from .extensions import db

_ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
APPEND_ONLY_TABLES = {"audit_events": "SELECT, INSERT, UPDATE (previous_hash, entry_hash)"}
READ_ONLY_TABLES = ("alembic_version",)


def _refuse_if_it_could_alter(connection: Connection, name: str) -> None:
    role = connection.execute(
        text(
            "SELECT rolsuper, pg_has_role(:name, (SELECT tableowner FROM pg_tables "
            "WHERE schemaname = 'public' AND tablename = 'audit_events'), 'MEMBER') "
            "FROM pg_roles WHERE rolname = :name"
        ),
        {"name": name},
    ).one_or_none()
    if role is None:
        return
    superuser, member_of_owner = role
    if superuser or member_of_owner:
        raise click.ClickException(
            f"Role {name} is a superuser or the owner of the tables (or a member of the owner's role): "
            "it could disable the audit trail's triggers. Choose another role for the app."
        )


def grant_app_role(connection: Connection, name: str) -> list[str]:
    """Create `name` if needed and give it exactly the privileges the app needs; return the SQL run."""
    _refuse_if_it_could_alter(connection, name)
    role = connection.dialect.identifier_preparer.quote(name)
    statements = []
    if connection.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": name}) is None:
        statements.append(f"CREATE ROLE {role} LOGIN")
    statements += [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
    ]
    for table in sorted(inspect(connection).get_table_names(schema="public")):
        quoted = connection.dialect.identifier_preparer.quote(table)
        if table in APPEND_ONLY_TABLES:
            privileges = APPEND_ONLY_TABLES[table]
        elif table in READ_ONLY_TABLES:
            privileges = "SELECT"
        else:
            privileges = "SELECT, INSERT, UPDATE, DELETE"
        statements.append(f"GRANT {privileges} ON {quoted} TO {role}")
    statements.append(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}")
    for statement in statements:
        connection.execute(text(statement))
    return statements


@click.command("grant-app-role")
@click.argument("name")
@with_appcontext
def grant_app_role_command(name: str) -> None:
    """Set up the PostgreSQL role NAME for the app: it can use the tables, never cut the audit trail."""
    if not _ROLE_NAME.match(name):
        raise click.BadParameter("use lower-case letters, digits and underscores", param_hint="NAME")
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException(
            "SQLite has no roles: whoever can write the database file can change it. Use PostgreSQL "
            "in production and run this there."
        )
    with db.engine.begin() as connection:
        statements = grant_app_role(connection, name)
    for statement in statements:
        click.echo(f"{statement};")
    click.echo(
        f"Role {name} can use the app's tables; it can't alter, disable or drop the audit trail's "
        "triggers, nor update, delete or truncate its entries. Give it a password if it has none "
        f"(ALTER ROLE {name} PASSWORD '…'), run the app with DATABASE_URL=postgresql://{name}@…, "
        "keep running `db upgrade` as the owner, and run this command again after each upgrade."
    )
