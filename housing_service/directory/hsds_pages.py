"""The page for bringing a 211 system's directory in (admins): an HSDS 3.1 document, what
HSDS doesn't say about its sites, a dry run, then the same document applied."""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext

from ..errors import DomainError, InvalidInput
from ..request_context import acting, now
from ..services.access import require_admin
from ..vocabulary import AgeGroup, Gender, HouseholdType, SubstanceUsePolicy, Tier
from . import hsds_import
from .pages import page_blueprint, problems_of
from .spreadsheet import LARGEST_FILE_BYTES

pages = page_blueprint("directory_hsds_pages")

CHOICES = {
    "tier": Tier,
    "households_served": HouseholdType,
    "genders_served": Gender,
    "age_groups_served": AgeGroup,
    "substance_use_policy": SubstanceUsePolicy,
}


def _one(name: str) -> str:
    value = request.form.get(name, "")
    if value not in {member.value for member in CHOICES[name]}:
        raise InvalidInput.field(name, gettext("Choose one."))
    return value


def _some(name: str) -> frozenset[str]:
    values = frozenset(request.form.getlist(name))
    if not values or not values <= {member.value for member in CHOICES[name]}:
        raise InvalidInput.field(name, gettext("Choose at least one."))
    return values


def _defaults() -> hsds_import.Defaults:
    area = " ".join(request.form.get("area", "").split())
    if not area or len(area) > 120:
        raise InvalidInput.field("area", gettext("Name the area (up to 120 characters)."))
    capacity = request.form.get("unit_capacity", "4").strip()
    if not capacity.isdigit() or not 1 <= int(capacity) <= 30:
        raise InvalidInput.field("unit_capacity", gettext("A whole number from 1 to 30."))
    return hsds_import.Defaults(
        tier=Tier(_one("tier")),
        households_served=frozenset(map(HouseholdType, _some("households_served"))),
        genders_served=frozenset(map(Gender, _some("genders_served"))),
        age_groups_served=frozenset(map(AgeGroup, _some("age_groups_served"))),
        substance_use_policy=SubstanceUsePolicy(_one("substance_use_policy")),
        area=area,
        unit_capacity=int(capacity),
    )


def _document() -> tuple[str, bytes]:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise InvalidInput.field("file", gettext("Choose an HSDS .json file."))
    return upload.filename, upload.stream.read(LARGEST_FILE_BYTES + 1)


def _page(status: int = 200, **context: object) -> ResponseReturnValue:
    return render_template(
        "directory/hsds_import.html", choices=CHOICES, form=request.form, **context
    ), status


@pages.route("/directory-import", methods=["GET"])
def index() -> ResponseReturnValue:
    require_admin(acting())
    return _page()


@pages.route("/directory-import/dry-run", methods=["POST"])
def dry_run() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    try:
        defaults = _defaults()
        file_name, content = _document()
        plan = hsds_import.plan_hsds_import(actor, file_name, content, defaults)
    except InvalidInput as error:
        return _page(422, problems=problems_of(error))
    return _page(200, plan=plan)


@pages.route("/directory-import/apply", methods=["POST"])
def apply() -> ResponseReturnValue:
    actor = acting()
    require_admin(actor)
    try:
        defaults = _defaults()
        file_name, content = _document()
        result = hsds_import.apply_hsds_import(
            actor, file_name, content, defaults, request.form.get("fingerprint", ""), now()
        )
    except DomainError as error:
        return _page(error.status, problems=problems_of(error))
    return _page(200, applied=result)
