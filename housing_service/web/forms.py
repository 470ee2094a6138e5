"""The pages' forms: fields, labels and first checks. The services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Form,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    AnyOf,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from ..i18n import current_words
from ..input_bounds import DAY_PROBLEM, within_days
from ..languages import language_choices
from ..models import Role
from ..services.inventory import LABEL_LENGTH, LARGEST_FIRST_NUMBER, MOST_SPACES_AT_ONCE
from ..services.passwords import MINIMUM_LENGTH
from ..vocabulary import ADULT_AGE, AgeGroup, Gender, HouseholdType, SpaceKind
from .presentation import (
    ACCESSIBILITY_NEEDS,
    AGE_GROUP_LABELS,
    EXIT_CHOICES,
    FEATURE_LABELS,
    GENDER_LABELS,
    HOUSEHOLD_LABELS,
    KIND_LABELS,
    POLICY_LABELS,
    ROLE_LABELS,
    STEP_KIND_LABELS,
    STEP_STATUS_LABELS,
    TIER_LABELS,
    subsidy_options,
)


def optional_int(value: Any) -> int | None:
    if value in (None, ""):
        return None
    return int(value)


def optional_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def options(pairs: Iterable[tuple[Any, str]], empty: str | None = None) -> list[SelectChoice]:
    """Choices for a select or a group of checkboxes, with an optional empty first option."""
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [SelectChoice(str(value), label) for value, label in pairs]


def language_options() -> list[SelectChoice]:
    """The languages offered, by name, common ones first (asked as each form is shown)."""
    return options(language_choices(current_words().code))


def _choices(labels: dict[Any, str], empty: str | None = None) -> list[SelectChoice]:
    return options(labels.items(), empty)


class DayField(DateField):
    """A date from an <input type="date">; empty is simply no date (required-ness is a validator's)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(gettext("Enter a real date, for example 2027-03-10.")) from error
        if self.data is not None and not within_days(self.data):
            self.data = None
            raise ValueError(DAY_PROBLEM)


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (easier to use by touch and keyboard than a multi-select)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PlainWords:
    """WTForms' own messages ("Not a valid integer value."), said the way the pages speak."""

    MESSAGES = {
        "This field is required.": _l("Fill this in."),
        "Not a valid integer value.": _l("Enter a whole number, such as 2."),
        "Not a valid decimal value.": _l("Enter a number, such as 2.5."),
        "Not a valid float value.": _l("Enter a number, such as 2.5."),
        "Not a valid date value.": _l("Enter a date, such as 2027-03-10."),
        "Not a valid datetime value.": _l("Enter a date and time."),
        "Not a valid choice.": _l("Choose one of the options."),
        "Invalid Choice: could not coerce.": _l("Choose one of the options."),
        "'%(value)s' is not a valid choice for this field.": _l("Choose one of the options."),
        "Field cannot be longer than %(max)d character.": _l("Use at most %(max)d character."),
        "Field cannot be longer than %(max)d characters.": _l("Use at most %(max)d characters."),
        "Field must be at least %(min)d character long.": _l("Use at least %(min)d character."),
        "Field must be at least %(min)d characters long.": _l("Use at least %(min)d characters."),
        "Field must be between %(min)d and %(max)d characters long.": _l(
            "Use %(min)d to %(max)d characters."
        ),
        "Number must be at least %(min)s.": _l("Enter %(min)s or more."),
        "Number must be at most %(max)s.": _l("Enter %(max)s or less."),
        "Number must be between %(min)s and %(max)s.": _l("Enter a number from %(min)s to %(max)s."),
        "Invalid email address.": _l("Enter an email address, such as name@example.org."),
    }

    def gettext(self, message: str) -> str:
        return str(self.MESSAGES.get(message, message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


PLAIN_WORDS = PlainWords()


class PageForm(FlaskForm):
    class Meta:
        # Every form post is checked once, app-wide, before any view runs (web/__init__.py).
        csrf = False

        def get_translations(self, form: Any) -> PlainWords:
            return PLAIN_WORDS


# Signing in -------------------------------------------------------------------------------


class SignInForm(PageForm):
    email = StringField(
        _l("Email address"),
        validators=[InputRequired(_l("Enter your email address.")), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[InputRequired(_l("Enter your password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class SecondStepForm(PageForm):
    code = StringField(
        _l("Code"),
        validators=[InputRequired(_l("Enter the code from your authenticator app.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


# My account ---------------------------------------------------------------------------------


class TwoStepStartForm(PageForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class TwoStepConfirmForm(PageForm):
    code = StringField(
        _l("Code from the app"),
        validators=[InputRequired(_l("Enter the 6-digit code your app shows.")), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class PasswordChangeForm(PageForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(_l("Enter your current password.")), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    # Named as the service names it, so that its refusal shows next to this field.
    password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Enter a new password.")),
            Length(min=MINIMUM_LENGTH, message=_l("Use at least %(min)d characters.")),
            Length(max=1024, message=_l("Use at most 1024 characters.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(_l("Type the new password a second time.")),
            EqualTo("password", _l("The two new passwords are not the same. Type the new password twice.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


# Bed board and holds ------------------------------------------------------------------------


def spoken_language_options() -> list[SelectChoice]:
    """One language the household is most comfortable in, or none said (the bed board)."""
    return options(language_choices(current_words().code), _l("Not said"))


def children_ages(text: str | None) -> list[int]:
    """'4, 8' -> [4, 8]: each child's age in years; ValueError where that is not what it says."""
    words = (text or "").replace(",", " ").split()
    if len(words) > MAX_CHILDREN or not all(word.isdigit() and int(word) < ADULT_AGE for word in words):
        raise ValueError(CHILDREN_AGES_PROBLEM)
    return [int(word) for word in words]


MAX_CHILDREN = 20
CHILDREN_AGES_PROBLEM = _l(
    "Enter each child's age in years, 0 to 17, with commas between them, for example 4, 8."
)


def _check_children_ages(form: Any, field: StringField) -> None:
    try:
        children_ages(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from error


class SomeoneNewFields(Form):
    """Someone without a record yet, as the bed board asks about them and the hold step carries on."""

    class Meta:
        def get_translations(self, form: Any) -> PlainWords:
            return PLAIN_WORDS

    # Not InputRequired: the board opens with no query string, and these defaults apply.
    adults = IntegerField(
        _l("Adults"), default=1, validators=[NumberRange(0, 20, _l("Enter a number from 0 to 20."))]
    )
    children_ages = StringField(_l("Children's ages"), validators=[Length(max=100), _check_children_ages])
    language = SelectField(_l("Language they speak"), coerce=optional_str)
    needs = MultiCheckboxField(_l("Needs"), choices=_choices(FEATURE_LABELS))
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS, _l("Any")), coerce=optional_str)
    age_group = SelectField(
        _l("Age group"), choices=_choices(AGE_GROUP_LABELS, _l("Any")), coerce=optional_str
    )
    pets = BooleanField(_l("Has a pet"))
    avoid_area = MultiCheckboxField(_l("Areas to avoid"), coerce=int)


class BedSearchForm(SomeoneNewFields):
    """The bed board's search; read from the query string (a search changes nothing)."""

    client = SelectField(_l("Who is the bed for?"), coerce=optional_int, validate_choice=False)
    starts_on = DayField(_l("First night"), validators=[Optional()])
    tier = SelectField(_l("Kind of housing"), choices=_choices(TIER_LABELS, _l("Any")), coerce=optional_str)


NEW_RECORD = "new"


def record_or_new(value: Any) -> int | str | None:
    """The hold's 'who': a record's id, or NEW_RECORD for someone new."""
    if value in (None, ""):
        return None
    if value == NEW_RECORD:
        return NEW_RECORD
    return int(value)


class HoldForm(PageForm, SomeoneNewFields):
    client_id = SelectField(
        _l("Who is the bed for?"),
        coerce=record_or_new,
        validate_choice=False,
        validators=[InputRequired(_l("Choose the survivor this bed is for."))],
    )
    space_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    starts_on = DayField(widget=HiddenInput(), validators=[Optional()])
    override_reason = StringField(
        _l("Why hold a second place for the same day?"), validators=[Optional(), Length(max=300)]
    )
    # Asked only for someone new: a record needs it, the search did not.
    age_group = RadioField(
        _l("Their age group"),
        choices=_choices(AGE_GROUP_LABELS),
        coerce=optional_str,
        validators=[Optional()],
    )


class ReleaseForm(PageForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


# My sites -----------------------------------------------------------------------------------


class OutOfServiceForm(PageForm):
    reason = StringField(
        _l("Why is it out of service?"),
        validators=[InputRequired(_l("Say why it is out of service, e.g. 'repairs'.")), Length(max=300)],
    )


class ExitForm(PageForm):
    exited_on = DayField(
        _l("Date the stay ended"), validators=[InputRequired(_l("Enter the date the stay ended."))]
    )
    destination = StringField(
        _l("Where did they go?"),
        validators=[
            InputRequired(_l("Choose where the survivor went, or one of the answers under 'Not known'.")),
            AnyOf(list(EXIT_CHOICES), _l("Choose where the survivor went from the list.")),
        ],
    )
    subsidy_type = SelectField(
        _l("Kind of ongoing subsidy"), choices=options(subsidy_options()), coerce=optional_int
    )
    destination_text = StringField(_l("Where?"), validators=[Optional(), Length(max=300)])


class ExtensionForm(PageForm):
    new_end_on = DayField(_l("New end date"), validators=[InputRequired(_l("Enter the new end date."))])
    reason = TextAreaField(
        _l("Why is the stay extended?"),
        validators=[InputRequired(_l("Say why the stay is extended.")), Length(max=2000)],
    )
    approved_by = StringField(
        _l("Who approved it?"),
        validators=[InputRequired(_l("Say who approved the extension.")), Length(max=120)],
    )


class MoveForm(PageForm):
    space_id = SelectField(
        _l("Move to"),
        coerce=optional_int,
        validators=[InputRequired(_l("Choose the bed or unit to move to."))],
    )
    reason = StringField(
        _l("Why the move?"),
        validators=[InputRequired(_l("Say why the survivor changes bed or unit.")), Length(max=300)],
    )


# Caseload -----------------------------------------------------------------------------------


class AcknowledgeForm(PageForm):
    note = StringField(_l("Note (optional)"), validators=[Optional(), Length(max=2000)])


class HoldSuggestionForm(PageForm):
    space_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    # Shown when the survivor already holds a place from the same day (holds.create_hold).
    override_reason = StringField(
        _l("Why hold a second place from the same day?"), validators=[Optional(), Length(max=300)]
    )


class PlanStepForm(PageForm):
    """A step toward the move: what, who does it, by when."""

    kind = SelectField(_l("Kind of step"), choices=_choices(STEP_KIND_LABELS), default="other")
    description = StringField(
        _l("What needs doing"),
        validators=[InputRequired(_l("Say what the step is.")), Length(max=300)],
        render_kw={"maxlength": 300},
    )
    owner = StringField(
        _l("Who does it"),
        validators=[
            InputRequired(_l("Say who does it, e.g. 'Case manager' or 'Survivor'.")),
            Length(max=120),
        ],
        render_kw={"maxlength": 120},
    )
    due_on = DayField(_l("Due by (optional)"), validators=[Optional()])


class StepStatusForm(PageForm):
    status = SelectField(_l("Where it stands"), choices=_choices(STEP_STATUS_LABELS))


class DeclineForm(PageForm):
    reason = StringField(
        _l("Why they declined (in their own words, where you can)"),
        validators=[InputRequired(_l("Note the survivor's reason.")), Length(max=2000)],
    )


class ClientForm(PageForm):
    alias = StringField(
        _l("What the survivor likes to be called (optional)"), validators=[Optional(), Length(max=60)]
    )
    age_group = SelectField(
        _l("Age group"),
        choices=_choices(AGE_GROUP_LABELS, _l("Choose an age group")),
        coerce=optional_str,
        validators=[InputRequired(_l("Choose the survivor's age group."))],
    )
    gender = SelectField(_l("Gender"), choices=_choices(GENDER_LABELS, _l("Not said")), coerce=optional_str)
    age_years = IntegerField(_l("Age in years (optional)"), validators=[Optional(), NumberRange(0, 120)])
    adults = IntegerField(
        _l("Adults in the household"), default=1, validators=[InputRequired(), NumberRange(0, 20)]
    )
    infants = IntegerField(
        _l("Children aged 0 to 2"), default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    young_children = IntegerField(
        _l("Children aged 3 to 5"), default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    school_children = IntegerField(
        _l("Children aged 6 to 12"), default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    teens = IntegerField(
        _l("Children aged 13 to 17"), default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    languages = MultiCheckboxField(_l("Languages they are comfortable in"), choices=language_options)
    accessibility_needs = MultiCheckboxField(
        _l("Accessibility needs"), choices=options((n, FEATURE_LABELS[n]) for n in ACCESSIBILITY_NEEDS)
    )
    has_pets = BooleanField(_l("Has a pet"))
    avoid_area_ids = MultiCheckboxField(_l("Areas to avoid for their safety"), coerce=int)


class WalkInForm(ClientForm):
    """Someone arrived without a hold: their household and needs, and the bed they take tonight.

    The new record's fields as an advocate opens it, less what the site's staff don't need
    (what they like to be called, the areas their safety plan avoids: they are here now).
    """

    alias = None
    avoid_area_ids = None
    # The choices are the site's beds and units free tonight, set by the view.
    space_id = RadioField(
        _l("Bed or unit"),
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired(_l("Choose the bed or unit they will sleep in tonight."))],
    )

    def validate_space_id(self, field: RadioField) -> None:
        if str(field.data) not in {str(value) for value, *_ in field.choices or []}:
            raise ValidationError(
                _l("Choose one of the beds or units listed: they are the ones free here tonight.")
            )


# Admin --------------------------------------------------------------------------------------


class OrganisationForm(PageForm):
    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Enter the organisation's name.")), Length(max=200)]
    )
    victim_service_provider = BooleanField(
        _l("Victim service provider (keeps client data out of HMIS)"), default=True
    )


class AreaForm(PageForm):
    name = StringField(
        _l("Name"), validators=[InputRequired(_l("Enter the area's name, e.g. a county.")), Length(max=120)]
    )


class SiteForm(PageForm):
    organisation_id = SelectField(
        _l("Organisation"), coerce=optional_int, validators=[InputRequired(_l("Choose one."))]
    )
    name = StringField(_l("Name"), validators=[InputRequired(_l("Enter the site's name.")), Length(max=200)])
    tier = SelectField(
        _l("Kind of housing"),
        choices=_choices(TIER_LABELS, _l("Choose one")),
        coerce=optional_str,
        validators=[InputRequired(_l("Choose the kind of housing."))],
    )
    area_id = SelectField(_l("Area"), coerce=optional_int, validators=[InputRequired(_l("Choose the area."))])
    confidential = BooleanField(_l("Confidential location (address shown only to those who need it)"))
    referral_mode = SelectField(
        _l("How advocates ask for a place"),
        choices=[
            SelectChoice("", _l("Screened if confidential, held directly otherwise")),
            SelectChoice(
                "screened", _l("Screened referral: the site's staff answer and call the advocate back")
            ),
            SelectChoice("direct", _l("Held directly from the bed board")),
        ],
        coerce=optional_str,
        validators=[Optional()],
    )
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=500)])
    households_served = MultiCheckboxField(
        _l("Households served"),
        choices=_choices(HOUSEHOLD_LABELS),
        # Minors on their own only where licensed: never ticked by default.
        default=[HouseholdType.SINGLE_ADULTS.value, HouseholdType.ADULTS_WITH_CHILDREN.value],
    )
    genders_served = MultiCheckboxField(
        _l("Genders served"), choices=_choices(GENDER_LABELS), default=[g.value for g in Gender]
    )
    age_groups_served = MultiCheckboxField(
        _l("Age groups served"),
        choices=_choices(AGE_GROUP_LABELS),
        default=[AgeGroup.YOUTH.value, AgeGroup.ADULT.value],
    )
    min_age = IntegerField(
        _l("Youngest age served, in years (optional)"), validators=[Optional(), NumberRange(0, 120)]
    )
    max_age = IntegerField(
        _l("Oldest age served, in years (optional)"), validators=[Optional(), NumberRange(0, 120)]
    )
    languages = MultiCheckboxField(_l("Languages staff speak"), choices=language_options, default=["en"])
    pets_allowed = BooleanField(_l("Pets allowed"))
    substance_use_policy = SelectField(
        _l("Substance use policy"), choices=_choices(POLICY_LABELS), coerce=optional_str
    )
    intake_24_hours = BooleanField(_l("Takes arrivals 24 hours a day"))
    intake_hours = StringField(_l("Intake hours"), validators=[Optional(), Length(max=200)])
    contact = StringField(_l("Contact for advocates"), validators=[Optional(), Length(max=300)])
    stay_limit_days = IntegerField(
        _l("Stay limit in days (optional)"), validators=[Optional(), NumberRange(1, 3650)]
    )
    hold_window_hours = IntegerField(
        _l("Hours a hold waits for arrival (optional)"), validators=[Optional(), NumberRange(1, 72)]
    )


class SpaceForm(PageForm):
    """One bed or unit, or several alike, numbered: 6 × 'Bed' from 1 → Bed 1 … Bed 6."""

    count = IntegerField(
        _l("How many"),
        default=1,
        validators=[
            InputRequired(_l("Say how many to add, e.g. 6.")),
            NumberRange(1, MOST_SPACES_AT_ONCE, _l("Add from %(min)s to %(max)s at a time.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    label = StringField(
        _l("Name"),
        validators=[InputRequired(_l("Enter a name, e.g. 'Bed' or 'Room A'.")), Length(max=LABEL_LENGTH)],
    )
    first_number = IntegerField(
        _l("Number the first one (optional)"),
        validators=[
            Optional(),
            NumberRange(0, LARGEST_FIRST_NUMBER, _l("Enter a number from %(min)s to %(max)s.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    kind = SelectField(_l("Bed or unit"), choices=_choices(KIND_LABELS), default=SpaceKind.BED.value)
    capacity = IntegerField(_l("Sleeps"), default=1, validators=[InputRequired(), NumberRange(1, 20)])
    features = MultiCheckboxField(_l("Features"), choices=_choices(FEATURE_LABELS))


class AccountForm(PageForm):
    display_name = StringField(
        _l("Name"), validators=[InputRequired(_l("Enter the person's name.")), Length(max=120)]
    )
    email = StringField(
        _l("Email address"),
        validators=[
            InputRequired(_l("Enter the person's email address.")),
            Length(max=254),
            Regexp(
                r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Enter an email address like name@example.org.")
            ),
        ],
        render_kw={"type": "email", "spellcheck": "false", "autocomplete": "off"},
    )
    role = SelectField(_l("Role"), choices=_choices(ROLE_LABELS), default=Role.ADVOCATE.value)
    organisation_id = SelectField(_l("Organisation (required for shelter partners)"), coerce=optional_int)
    password = PasswordField(
        _l("First password"),
        validators=[InputRequired(_l("Set a first password.")), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmationForm(PageForm):
    """The second post of an action that ends someone's access: `confirmed=yes` (see admin_accounts.py)."""

    confirmed = HiddenField()


class RoleForm(ConfirmationForm):
    role = SelectField(_l("New role"), choices=_choices(ROLE_LABELS))
    organisation_id = SelectField(_l("Organisation (required for shelter partners)"), coerce=optional_int)


class SignInRulesForm(PageForm):
    """Which roles must sign in in two steps. The confirmation page posts it again, `confirmed`."""

    required_roles = MultiCheckboxField(
        _l("Roles that must sign in in two steps"), choices=_choices(ROLE_LABELS)
    )
    confirmed = HiddenField()
