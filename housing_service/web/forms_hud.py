"""Forms for what HUD's inventory files need of a site, and its funders (admin pages)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional, Regexp

from ..vocabulary import (
    BED_AVAILABILITY,
    ES_BED_TYPES,
    FUNDERS,
    GEOGRAPHY_TYPES,
    HMIS_PARTICIPATION_TYPES,
    HOUSING_TYPES,
    TARGET_POPULATIONS,
)
from .forms import DayField, PageForm, optional_int, options

NOT_SET = _l("Not set yet")


def _codes(label: object, codes: dict[int, str]) -> SelectField:
    return SelectField(
        label, choices=options(codes.items(), NOT_SET), coerce=optional_int, validators=[Optional()]
    )


class HudSiteForm(PageForm):
    street_address = StringField(_l("Street address"), validators=[Optional(), Length(max=200)])
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    state = StringField(
        _l("State"),
        validators=[Optional(), Regexp(r"^[A-Z]{2}$", message=_l("Two capital letters, e.g. CA."))],
    )
    postal_code = StringField(
        _l("ZIP code"),
        validators=[
            Optional(),
            Regexp(r"^\d{5}(-\d{4})?$", message=_l("Five digits, or ZIP+4 (12345-6789).")),
        ],
    )
    coc_code = StringField(
        _l("Continuum of Care code"),
        validators=[
            Optional(),
            Regexp(r"^[A-Z]{2}-\d{3}$", message=_l("Two letters, a dash, three digits (CA-501).")),
        ],
    )
    geocode = StringField(
        _l("HUD geocode"), validators=[Optional(), Regexp(r"^\d{6}$", message=_l("Six digits, e.g. 069001."))]
    )
    geography_type = _codes(_l("Geography"), GEOGRAPHY_TYPES)
    housing_type = _codes(_l("Housing type"), HOUSING_TYPES)
    es_bed_type = _codes(_l("Emergency shelter bed type"), ES_BED_TYPES)
    bed_availability = _codes(_l("Emergency shelter availability"), BED_AVAILABILITY)
    target_population = SelectField(
        _l("Target population"), choices=options(TARGET_POPULATIONS.items()), coerce=optional_int
    )
    operating_start_on = DayField(_l("Operating since"), validators=[Optional()])
    operating_end_on = DayField(_l("Operating until (if it stopped)"), validators=[Optional()])
    hmis_participation = _codes(_l("HMIS participation"), HMIS_PARTICIPATION_TYPES)


class FunderForm(PageForm):
    funder = SelectField(
        _l("Funder"),
        choices=options(FUNDERS.items(), _l("Choose the funder")),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the funder."))],
    )
    other_funder = StringField(
        _l("Funder's name (for 'Local or Other')"), validators=[Optional(), Length(max=100)]
    )
    grant_id = StringField(_l("Grant id"), validators=[Optional(), Length(max=100)])
    starts_on = DayField(_l("Starts"), validators=[InputRequired(_l("Give the grant's first day."))])
    ends_on = DayField(_l("Ends (if it has)"), validators=[Optional()])
