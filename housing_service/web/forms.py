"""The pages' forms: fields, labels and first checks. The services decide what is allowed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

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

from ..input_bounds import DAY_PROBLEM, within_days
from ..i18n import current_words
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
            raise ValueError("Enter a real date, for example 2027-03-10.") from error
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
        "This field is required.": "Fill this in.",
        "Not a valid integer value.": "Enter a whole number, such as 2.",
        "Not a valid decimal value.": "Enter a number, such as 2.5.",
        "Not a valid float value.": "Enter a number, such as 2.5.",
        "Not a valid date value.": "Enter a date, such as 2027-03-10.",
        "Not a valid datetime value.": "Enter a date and time.",
        "Not a valid choice.": "Choose one of the options.",
        "Invalid Choice: could not coerce.": "Choose one of the options.",
        "'%(value)s' is not a valid choice for this field.": "Choose one of the options.",
        "Field cannot be longer than %(max)d character.": "Use at most %(max)d character.",
        "Field cannot be longer than %(max)d characters.": "Use at most %(max)d characters.",
        "Field must be at least %(min)d character long.": "Use at least %(min)d character.",
        "Field must be at least %(min)d characters long.": "Use at least %(min)d characters.",
        "Field must be between %(min)d and %(max)d characters long.": "Use %(min)d to %(max)d characters.",
        "Number must be at least %(min)s.": "Enter %(min)s or more.",
        "Number must be at most %(max)s.": "Enter %(max)s or less.",
        "Number must be between %(min)s and %(max)s.": "Enter a number from %(min)s to %(max)s.",
        "Invalid email address.": "Enter an email address, such as name@example.org.",
    }

    def gettext(self, message: str) -> str:
        return self.MESSAGES.get(message, message)

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
        "Email address",
        validators=[InputRequired("Enter your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "type": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class SecondStepForm(PageForm):
    code = StringField(
        "Code",
        validators=[InputRequired("Enter the code from your authenticator app."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "off"},
    )


# My account ---------------------------------------------------------------------------------


class TwoStepStartForm(PageForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )


class TwoStepConfirmForm(PageForm):
    code = StringField(
        "Code from the app",
        validators=[InputRequired("Enter the 6-digit code your app shows."), Length(max=32)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"},
    )


class PasswordChangeForm(PageForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=1024)],
        render_kw={"autocomplete": "current-password"},
    )
    # Named as the service names it, so that its refusal shows next to this field.
    password = PasswordField(
        "New password",
        validators=[
            InputRequired("Enter a new password."),
            Length(min=MINIMUM_LENGTH, message=f"Use at least {MINIMUM_LENGTH} characters."),
            Length(max=1024, message="Use at most 1024 characters."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    password_again = PasswordField(
        "New password again",
        validators=[
            InputRequired("Type the new password a second time."),
            EqualTo("password", "The two new passwords are not the same. Type the new password twice."),
        ],
        render_kw={"autocomplete": "new-password"},
    )


# Bed board and holds ------------------------------------------------------------------------


def spoken_language_options() -> list[SelectChoice]:
    """One language the household is most comfortable in, or none said (the bed board)."""
    return options(language_choices(current_words().code), "Not said")


def children_ages(text: str | None) -> list[int]:
    """'4, 8' -> [4, 8]: each child's age in years; ValueError where that is not what it says."""
    words = (text or "").replace(",", " ").split()
    if len(words) > MAX_CHILDREN or not all(word.isdigit() and int(word) < ADULT_AGE for word in words):
        raise ValueError(CHILDREN_AGES_PROBLEM)
    return [int(word) for word in words]


MAX_CHILDREN = 20
CHILDREN_AGES_PROBLEM = (
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
        "Adults", default=1, validators=[NumberRange(0, 20, "Enter a number from 0 to 20.")]
    )
    children_ages = StringField("Children's ages", validators=[Length(max=100), _check_children_ages])
    language = SelectField("Language they speak", coerce=optional_str)
    needs = MultiCheckboxField("Needs", choices=_choices(FEATURE_LABELS))
    gender = SelectField("Gender", choices=_choices(GENDER_LABELS, "Any"), coerce=optional_str)
    age_group = SelectField("Age group", choices=_choices(AGE_GROUP_LABELS, "Any"), coerce=optional_str)
    pets = BooleanField("Has a pet")
    avoid_area = MultiCheckboxField("Areas to avoid", coerce=int)


class BedSearchForm(SomeoneNewFields):
    """The bed board's search; read from the query string (a search changes nothing)."""

    client = SelectField("Who is the bed for?", coerce=optional_int, validate_choice=False)
    starts_on = DayField("First night", validators=[Optional()])
    tier = SelectField("Kind of housing", choices=_choices(TIER_LABELS, "Any"), coerce=optional_str)


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
        "Who is the bed for?",
        coerce=record_or_new,
        validate_choice=False,
        validators=[InputRequired("Choose the survivor this bed is for.")],
    )
    space_id = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    starts_on = DayField(widget=HiddenInput(), validators=[Optional()])
    override_reason = StringField(
        "Why hold a second place for the same day?", validators=[Optional(), Length(max=300)]
    )
    # Asked only for someone new: a record needs it, the search did not.
    age_group = RadioField(
        "Their age group", choices=_choices(AGE_GROUP_LABELS), coerce=optional_str, validators=[Optional()]
    )


class ReleaseForm(PageForm):
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=300)])


# My sites -----------------------------------------------------------------------------------


class OutOfServiceForm(PageForm):
    reason = StringField(
        "Why is it out of service?",
        validators=[InputRequired("Say why it is out of service, e.g. 'repairs'."), Length(max=300)],
    )


class ExitForm(PageForm):
    exited_on = DayField("Date the stay ended", validators=[InputRequired("Enter the date the stay ended.")])
    destination = StringField(
        "Where did they go?",
        validators=[
            InputRequired("Choose where the survivor went, or one of the answers under 'Not known'."),
            AnyOf(list(EXIT_CHOICES), "Choose where the survivor went from the list."),
        ],
    )
    subsidy_type = SelectField(
        "Kind of ongoing subsidy", choices=options(subsidy_options()), coerce=optional_int
    )
    destination_text = StringField("Where?", validators=[Optional(), Length(max=300)])


class ExtensionForm(PageForm):
    new_end_on = DayField("New end date", validators=[InputRequired("Enter the new end date.")])
    reason = TextAreaField(
        "Why is the stay extended?",
        validators=[InputRequired("Say why the stay is extended."), Length(max=2000)],
    )
    approved_by = StringField(
        "Who approved it?",
        validators=[InputRequired("Say who approved the extension."), Length(max=120)],
    )


class MoveForm(PageForm):
    space_id = SelectField(
        "Move to", coerce=optional_int, validators=[InputRequired("Choose the bed or unit to move to.")]
    )
    reason = StringField(
        "Why the move?",
        validators=[InputRequired("Say why the survivor changes bed or unit."), Length(max=300)],
    )


# Caseload -----------------------------------------------------------------------------------


class AcknowledgeForm(PageForm):
    note = StringField("Note (optional)", validators=[Optional(), Length(max=2000)])


class HoldSuggestionForm(PageForm):
    space_id = IntegerField(widget=HiddenInput(), validators=[Optional()])
    # Shown when the survivor already holds a place from the same day (holds.create_hold).
    override_reason = StringField(
        "Why hold a second place from the same day?", validators=[Optional(), Length(max=300)]
    )


class PlanStepForm(PageForm):
    """A step toward the move: what, who does it, by when."""

    kind = SelectField("Kind of step", choices=_choices(STEP_KIND_LABELS), default="other")
    description = StringField(
        "What needs doing",
        validators=[InputRequired("Say what the step is."), Length(max=300)],
        render_kw={"maxlength": 300},
    )
    owner = StringField(
        "Who does it",
        validators=[InputRequired("Say who does it, e.g. 'Case manager' or 'Survivor'."), Length(max=120)],
        render_kw={"maxlength": 120},
    )
    due_on = DayField("Due by (optional)", validators=[Optional()])


class StepStatusForm(PageForm):
    status = SelectField("Where it stands", choices=_choices(STEP_STATUS_LABELS))


class DeclineForm(PageForm):
    reason = StringField(
        "Why they declined (in their own words, where you can)",
        validators=[InputRequired("Note the survivor's reason."), Length(max=2000)],
    )


class ClientForm(PageForm):
    alias = StringField(
        "What the survivor likes to be called (optional)", validators=[Optional(), Length(max=60)]
    )
    age_group = SelectField(
        "Age group",
        choices=_choices(AGE_GROUP_LABELS, "Choose an age group"),
        coerce=optional_str,
        validators=[InputRequired("Choose the survivor's age group.")],
    )
    gender = SelectField("Gender", choices=_choices(GENDER_LABELS, "Not said"), coerce=optional_str)
    age_years = IntegerField("Age in years (optional)", validators=[Optional(), NumberRange(0, 120)])
    adults = IntegerField(
        "Adults in the household", default=1, validators=[InputRequired(), NumberRange(0, 20)]
    )
    infants = IntegerField(
        "Children aged 0 to 2", default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    young_children = IntegerField(
        "Children aged 3 to 5", default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    school_children = IntegerField(
        "Children aged 6 to 12", default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    teens = IntegerField(
        "Children aged 13 to 17", default=0, validators=[InputRequired(), NumberRange(0, 20)]
    )
    languages = MultiCheckboxField("Languages they are comfortable in", choices=language_options)
    accessibility_needs = MultiCheckboxField(
        "Accessibility needs", choices=options((n, FEATURE_LABELS[n]) for n in ACCESSIBILITY_NEEDS)
    )
    has_pets = BooleanField("Has a pet")
    avoid_area_ids = MultiCheckboxField("Areas to avoid for their safety", coerce=int)


class WalkInForm(ClientForm):
    """Someone arrived without a hold: their household and needs, and the bed they take tonight.

    The new record's fields as an advocate opens it, less what the site's staff don't need
    (what they like to be called, the areas their safety plan avoids: they are here now).
    """

    alias = None
    avoid_area_ids = None
    # The choices are the site's beds and units free tonight, set by the view.
    space_id = RadioField(
        "Bed or unit",
        coerce=optional_int,
        validate_choice=False,
        validators=[InputRequired("Choose the bed or unit they will sleep in tonight.")],
    )

    def validate_space_id(self, field: RadioField) -> None:
        if str(field.data) not in {str(value) for value, *_ in field.choices or []}:
            raise ValidationError(
                "Choose one of the beds or units listed: they are the ones free here tonight."
            )


# Admin --------------------------------------------------------------------------------------


class OrganisationForm(PageForm):
    name = StringField("Name", validators=[InputRequired("Enter the organisation's name."), Length(max=200)])
    victim_service_provider = BooleanField(
        "Victim service provider (keeps client data out of HMIS)", default=True
    )


class AreaForm(PageForm):
    name = StringField(
        "Name", validators=[InputRequired("Enter the area's name, e.g. a county."), Length(max=120)]
    )


class SiteForm(PageForm):
    organisation_id = SelectField(
        "Organisation", coerce=optional_int, validators=[InputRequired("Choose one.")]
    )
    name = StringField("Name", validators=[InputRequired("Enter the site's name."), Length(max=200)])
    tier = SelectField(
        "Kind of housing",
        choices=_choices(TIER_LABELS, "Choose one"),
        coerce=optional_str,
        validators=[InputRequired("Choose the kind of housing.")],
    )
    area_id = SelectField("Area", coerce=optional_int, validators=[InputRequired("Choose the area.")])
    confidential = BooleanField("Confidential location (address shown only to those who need it)")
    referral_mode = SelectField(
        "How advocates ask for a place",
        choices=[
            SelectChoice("", "Screened if confidential, held directly otherwise"),
            SelectChoice("screened", "Screened referral: the site's staff answer and call the advocate back"),
            SelectChoice("direct", "Held directly from the bed board"),
        ],
        coerce=optional_str,
        validators=[Optional()],
    )
    address = TextAreaField("Address", validators=[Optional(), Length(max=500)])
    households_served = MultiCheckboxField(
        "Households served",
        choices=_choices(HOUSEHOLD_LABELS),
        # Minors on their own only where licensed: never ticked by default.
        default=[HouseholdType.SINGLE_ADULTS.value, HouseholdType.ADULTS_WITH_CHILDREN.value],
    )
    genders_served = MultiCheckboxField(
        "Genders served", choices=_choices(GENDER_LABELS), default=[g.value for g in Gender]
    )
    age_groups_served = MultiCheckboxField(
        "Age groups served",
        choices=_choices(AGE_GROUP_LABELS),
        default=[AgeGroup.YOUTH.value, AgeGroup.ADULT.value],
    )
    min_age = IntegerField(
        "Youngest age served, in years (optional)", validators=[Optional(), NumberRange(0, 120)]
    )
    max_age = IntegerField(
        "Oldest age served, in years (optional)", validators=[Optional(), NumberRange(0, 120)]
    )
    languages = MultiCheckboxField("Languages staff speak", choices=language_options, default=["en"])
    pets_allowed = BooleanField("Pets allowed")
    substance_use_policy = SelectField(
        "Substance use policy", choices=_choices(POLICY_LABELS), coerce=optional_str
    )
    intake_24_hours = BooleanField("Takes arrivals 24 hours a day")
    intake_hours = StringField("Intake hours", validators=[Optional(), Length(max=200)])
    contact = StringField("Contact for advocates", validators=[Optional(), Length(max=300)])
    stay_limit_days = IntegerField(
        "Stay limit in days (optional)", validators=[Optional(), NumberRange(1, 3650)]
    )
    hold_window_hours = IntegerField(
        "Hours a hold waits for arrival (optional)", validators=[Optional(), NumberRange(1, 72)]
    )


class SpaceForm(PageForm):
    """One bed or unit, or several alike, numbered: 6 × 'Bed' from 1 → Bed 1 … Bed 6."""

    count = IntegerField(
        "How many",
        default=1,
        validators=[
            InputRequired("Say how many to add, e.g. 6."),
            NumberRange(1, MOST_SPACES_AT_ONCE, f"Add from 1 to {MOST_SPACES_AT_ONCE} at a time."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    label = StringField(
        "Name", validators=[InputRequired("Enter a name, e.g. 'Bed' or 'Room A'."), Length(max=LABEL_LENGTH)]
    )
    first_number = IntegerField(
        "Number the first one (optional)",
        validators=[
            Optional(),
            NumberRange(0, LARGEST_FIRST_NUMBER, f"Enter a number from 0 to {LARGEST_FIRST_NUMBER}."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    kind = SelectField("Bed or unit", choices=_choices(KIND_LABELS), default=SpaceKind.BED.value)
    capacity = IntegerField("Sleeps", default=1, validators=[InputRequired(), NumberRange(1, 20)])
    features = MultiCheckboxField("Features", choices=_choices(FEATURE_LABELS))


class AccountForm(PageForm):
    display_name = StringField(
        "Name", validators=[InputRequired("Enter the person's name."), Length(max=120)]
    )
    email = StringField(
        "Email address",
        validators=[
            InputRequired("Enter the person's email address."),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an email address like name@example.org."),
        ],
        render_kw={"type": "email", "spellcheck": "false", "autocomplete": "off"},
    )
    role = SelectField("Role", choices=_choices(ROLE_LABELS), default=Role.ADVOCATE.value)
    organisation_id = SelectField("Organisation (required for shelter partners)", coerce=optional_int)
    password = PasswordField(
        "First password",
        validators=[InputRequired("Set a first password."), Length(max=1024)],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmationForm(PageForm):
    """The second post of an action that ends someone's access: `confirmed=yes` (see admin_accounts.py)."""

    confirmed = HiddenField()


class RoleForm(ConfirmationForm):
    role = SelectField("New role", choices=_choices(ROLE_LABELS))
    organisation_id = SelectField("Organisation (required for shelter partners)", coerce=optional_int)


class SignInRulesForm(PageForm):
    """Which roles must sign in in two steps. The confirmation page posts it again, `confirmed`."""

    required_roles = MultiCheckboxField("Roles that must sign in in two steps", choices=_choices(ROLE_LABELS))
    confirmed = HiddenField()
