"""`flask … import-inventory FILE [--apply]` and `flask … export-inventory --out FILE`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from .. import clock
from ..errors import DomainError
from ..extensions import db
from ..models import Role, User
from ..services.actor import Actor
from ..vocabulary import AgeGroup, Gender, HouseholdType, SubstanceUsePolicy, Tier
from . import hsds_import, inventory_export, inventory_import, inventory_write
from .spreadsheet import read_sheet


def _admin(email: str) -> Actor:
    user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.lower()))
    if user is None or not user.active or user.role != Role.ADMIN:
        raise click.ClickException(f"No active admin account has the email {email}.")
    return Actor(user=user, address="cli")


def _report(file_name: str, plan: inventory_import.ImportPlan) -> None:
    click.echo(plan.summary)
    for line in plan.callouts + plan.notes:
        click.echo(f"  {line}")
    for refusal in plan.refusals:
        click.echo(f"  {file_name} row {refusal.row}, {refusal.column}: {refusal.reason}")


def _problem(error: DomainError) -> click.ClickException:
    details = "\n".join(f"  {field}: {' '.join(messages)}" for field, messages in error.errors.items())
    return click.ClickException(f"{error.message}\n{details}" if details else error.message)


@click.command("import-inventory")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The admin account the import is recorded under.")
@click.option("--apply", "apply", is_flag=True, help="Import for real (after the dry run shows no refusals).")
def import_inventory_command(file: Path, email: str, apply: bool) -> None:
    """Dry run an inventory file (CSV or XLSX); with --apply, import it all or nothing."""
    actor = _admin(email)
    content = file.read_bytes()
    fingerprint = inventory_import.fingerprint(content)
    try:
        sheet = read_sheet(file.name, content)
        plan = inventory_import.plan_import(actor, sheet, fingerprint)
        _report(file.name, plan)
        if not apply:
            click.echo("Dry run: nothing was written. Run again with --apply to import.")
            return
        result = inventory_write.apply_import(actor, sheet, fingerprint, fingerprint, clock.now())
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _problem(error) from error
    click.echo(result.summary)


@click.command("export-inventory")
@with_appcontext
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.csv")
@click.option("--as", "email", required=True, help="The admin account the export is recorded under.")
def export_inventory_command(out: Path, email: str) -> None:
    """Write every site, with its beds and units, as the import's CSV."""
    text = inventory_export.export_inventory(_admin(email))
    db.session.commit()  # the export's audit entry
    out.write_text(text, encoding="utf-8", newline="")
    click.echo(f"Wrote {out}.")


def _choices(enum: type) -> click.Choice:
    return click.Choice([member.value for member in enum])


@click.command("import-hsds")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "email", required=True, help="The admin account the import is recorded under.")
@click.option("--tier", required=True, type=_choices(Tier), help="The tier of every site it brings in.")
@click.option("--households", "households", required=True, multiple=True, type=_choices(HouseholdType))
@click.option("--genders", "genders", required=True, multiple=True, type=_choices(Gender))
@click.option("--ages", "ages", required=True, multiple=True, type=_choices(AgeGroup))
@click.option("--substance-use-policy", "policy", required=True, type=_choices(SubstanceUsePolicy))
@click.option("--area", required=True, help="The area (county or city) of every site it brings in.")
@click.option("--unit-capacity", default=4, show_default=True, type=click.IntRange(1, 30))
@click.option("--apply", "apply", is_flag=True, help="Import for real (after the dry run shows no refusals).")
def import_hsds_command(
    file: Path,
    email: str,
    tier: str,
    households: tuple[str, ...],
    genders: tuple[str, ...],
    ages: tuple[str, ...],
    policy: str,
    area: str,
    unit_capacity: int,
    apply: bool,
) -> None:
    """Dry run an HSDS 3.1 document (services with organisations and locations); with --apply, import it."""
    actor = _admin(email)
    content = file.read_bytes()
    defaults = hsds_import.Defaults(
        tier=Tier(tier),
        households_served=frozenset(map(HouseholdType, households)),
        genders_served=frozenset(map(Gender, genders)),
        age_groups_served=frozenset(map(AgeGroup, ages)),
        substance_use_policy=SubstanceUsePolicy(policy),
        area=" ".join(area.split()),
        unit_capacity=unit_capacity,
    )
    try:
        plan = hsds_import.plan_hsds_import(actor, file.name, content, defaults)
        _report(file.name, plan)
        if not apply:
            click.echo("Dry run: nothing was written. Run again with --apply to import.")
            return
        result = hsds_import.apply_hsds_import(
            actor, file.name, content, defaults, hsds_import.fingerprint(content, defaults), clock.now()
        )
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        raise _problem(error) from error
    click.echo(result.summary)
