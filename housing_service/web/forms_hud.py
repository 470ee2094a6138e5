"""Forms for what HUD's inventory files need of a site, and its funders (admin pages)."""

from __future__ import annotations

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

NOT_SET = "Not set yet"


def _codes(label: str, codes: dict[int, str]) -> SelectField:
    return SelectField(
        label, choices=options(codes.items(), NOT_SET), coerce=optional_int, validators=[Optional()]
    )


class HudSiteForm(PageForm):
    street_address = StringField("Street address", validators=[Optional(), Length(max=200)])
    city = StringField("City", validators=[Optional(), Length(max=100)])
    state = StringField(
        "State", validators=[Optional(), Regexp(r"^[A-Z]{2}$", message="Two capital letters, e.g. CA.")]
    )
    postal_code = StringField(
        "ZIP code",
        validators=[Optional(), Regexp(r"^\d{5}(-\d{4})?$", message="Five digits, or ZIP+4 (12345-6789).")],
    )
    coc_code = StringField(
        "Continuum of Care code",
        validators=[
            Optional(),
            Regexp(r"^[A-Z]{2}-\d{3}$", message="Two letters, a dash, three digits (CA-501)."),
        ],
    )
    geocode = StringField(
        "HUD geocode", validators=[Optional(), Regexp(r"^\d{6}$", message="Six digits, e.g. 069001.")]
    )
    geography_type = _codes("Geography", GEOGRAPHY_TYPES)
    housing_type = _codes("Housing type", HOUSING_TYPES)
    es_bed_type = _codes("Emergency shelter bed type", ES_BED_TYPES)
    bed_availability = _codes("Emergency shelter availability", BED_AVAILABILITY)
    target_population = SelectField(
        "Target population", choices=options(TARGET_POPULATIONS.items()), coerce=optional_int
    )
    operating_start_on = DayField("Operating since", validators=[Optional()])
    operating_end_on = DayField("Operating until (if it stopped)", validators=[Optional()])
    hmis_participation = _codes("HMIS participation", HMIS_PARTICIPATION_TYPES)


class FunderForm(PageForm):
    funder = SelectField(
        "Funder",
        choices=options(FUNDERS.items(), "Choose the funder"),
        coerce=optional_int,
        validators=[InputRequired("Choose the funder.")],
    )
    other_funder = StringField(
        "Funder's name (for 'Local or Other')", validators=[Optional(), Length(max=100)]
    )
    grant_id = StringField("Grant id", validators=[Optional(), Length(max=100)])
    starts_on = DayField("Starts", validators=[InputRequired("Give the grant's first day.")])
    ends_on = DayField("Ends (if it has)", validators=[Optional()])
