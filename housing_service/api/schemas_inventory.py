"""Request and response bodies for organisations, areas, sites, beds and units."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..vocabulary import (
    BED_AVAILABILITY,
    ES_BED_TYPES,
    FUNDERS,
    GEOGRAPHY_TYPES,
    HMIS_PARTICIPATION_TYPES,
    HOUSING_TYPES,
    TARGET_POPULATIONS,
    AgeGroup,
    Gender,
    HouseholdType,
    ReferralMode,
    SpaceFeature,
    SpaceKind,
    SubstanceUsePolicy,
    Tier,
)
from .common import AN_ID, EnumList, PageArgs, StrictSchema, WholeNumber, language_list

ALL_HUD_PROJECT_TYPES = sorted(set().union(*(tier.hud_project_types for tier in Tier)))


class OrganisationSchema(Schema):
    id = WholeNumber()
    name = fields.String()
    victim_service_provider = fields.Boolean()


class OrganisationCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    victim_service_provider = fields.Boolean(load_default=False)


class OrganisationUpdateSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    victim_service_provider = fields.Boolean()


class AreaSchema(Schema):
    id = WholeNumber()
    name = fields.String()


class AreaCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


def _code(codes: dict[int, str], description: str, **kwargs: object) -> fields.Integer:
    listed = "; ".join(f"{code} {label}" for code, label in codes.items())
    return WholeNumber(
        allow_none=True,
        validate=validate.OneOf(list(codes)),
        metadata={"description": f"{description}: {listed}"},
        **kwargs,
    )


class HudSiteFields(Schema):
    """What HUD's project descriptor files need of a site (admins set them)."""

    street_address = fields.String(allow_none=True, validate=validate.Length(max=200))
    city = fields.String(allow_none=True, validate=validate.Length(max=100))
    state = fields.String(
        allow_none=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="Two capital letters, e.g. CA.")
    )
    postal_code = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^\d{5}(-\d{4})?$", error="A ZIP code: five digits, or ZIP+4 (12345-6789)."
        ),
    )
    coc_code = fields.String(
        allow_none=True,
        validate=validate.Regexp(
            r"^[A-Z]{2}-\d{3}$", error="A CoC code: two letters, a dash, three digits (CA-501)."
        ),
    )
    geocode = fields.String(
        allow_none=True, validate=validate.Regexp(r"^\d{6}$", error="HUD's geocode: six digits.")
    )
    geography_type = _code(GEOGRAPHY_TYPES, "HUD geography type")
    housing_type = _code(HOUSING_TYPES, "HUD housing type")
    es_bed_type = _code(ES_BED_TYPES, "Emergency shelter only: HUD bed type")
    bed_availability = _code(BED_AVAILABILITY, "Emergency shelter only: HUD availability")
    target_population = WholeNumber(
        validate=validate.OneOf(list(TARGET_POPULATIONS)),
        metadata={
            "description": "HUD target population: "
            + "; ".join(f"{c} {t}" for c, t in TARGET_POPULATIONS.items())
        },
    )
    operating_start_on = fields.Date(allow_none=True)
    operating_end_on = fields.Date(allow_none=True)
    hmis_participation = _code(
        HMIS_PARTICIPATION_TYPES, "HMIS participation (a victim service provider: 0 or 2)"
    )


RESPONSE_MINUTES = validate.Range(min=5, max=1440, error="Answer referrals within {min} to {max} minutes.")


class SiteSchema(HudSiteFields):
    id = WholeNumber()
    organisation_id = WholeNumber()
    organisation_name = fields.String()
    name = fields.String()
    tier = fields.Enum(Tier, by_value=True)
    hud_project_type = WholeNumber()
    stay_limit_days = WholeNumber(allow_none=True)
    hold_window_hours = WholeNumber()
    area_id = WholeNumber()
    area_name = fields.String()
    confidential = fields.Boolean()
    referral_mode = fields.Enum(ReferralMode, by_value=True)
    referral_response_minutes = WholeNumber()
    address = fields.String(
        allow_none=True,
        metadata={"description": "Null when the site is confidential and you may not see its address."},
    )
    households_served = EnumList(HouseholdType)
    genders_served = EnumList(Gender)
    age_groups_served = EnumList(AgeGroup)
    min_age = WholeNumber(allow_none=True)
    max_age = WholeNumber(allow_none=True)
    languages = fields.List(fields.String())
    accessibility_notes = fields.String()
    pets_allowed = fields.Boolean()
    substance_use_policy = fields.Enum(SubstanceUsePolicy, by_value=True)
    intake_24_hours = fields.Boolean()
    intake_hours = fields.String()
    contact = fields.String()
    availability_confirmed_at = fields.DateTime(allow_none=True)
    active = fields.Boolean()


class SiteCreateSchema(HudSiteFields, StrictSchema):
    organisation_id = WholeNumber(required=True, validate=AN_ID)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    tier = fields.Enum(Tier, by_value=True, required=True)
    hud_project_type = WholeNumber(validate=validate.OneOf(ALL_HUD_PROJECT_TYPES))
    stay_limit_days = WholeNumber(allow_none=True, validate=validate.Range(min=1, max=3650))
    hold_window_hours = WholeNumber(validate=validate.Range(min=1, max=72))
    area_id = WholeNumber(required=True, validate=AN_ID)
    confidential = fields.Boolean(load_default=False)
    referral_mode = fields.Enum(
        ReferralMode,
        by_value=True,
        metadata={"description": "Default: screened for a confidential site, direct otherwise."},
    )
    referral_response_minutes = WholeNumber(validate=RESPONSE_MINUTES)
    address = fields.String(load_default="", validate=validate.Length(max=500))
    households_served = EnumList(HouseholdType, required=True, validate=validate.Length(min=1))
    genders_served = EnumList(Gender, required=True, validate=validate.Length(min=1))
    age_groups_served = EnumList(AgeGroup, required=True, validate=validate.Length(min=1))
    min_age = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Youngest age in years the site may serve (its licence); null: no bound."},
    )
    max_age = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Oldest age in years the site may serve; null: no bound."},
    )
    languages = language_list(load_default=list)
    accessibility_notes = fields.String(load_default="", validate=validate.Length(max=1000))
    pets_allowed = fields.Boolean(load_default=False)
    substance_use_policy = fields.Enum(SubstanceUsePolicy, by_value=True, required=True)
    intake_24_hours = fields.Boolean(load_default=False)
    intake_hours = fields.String(load_default="", validate=validate.Length(max=200))
    contact = fields.String(load_default="", validate=validate.Length(max=300))


class SiteUpdateSchema(HudSiteFields, StrictSchema):
    organisation_id = WholeNumber(validate=AN_ID)
    name = fields.String(validate=validate.Length(min=1, max=200))
    tier = fields.Enum(Tier, by_value=True)
    hud_project_type = WholeNumber(validate=validate.OneOf(ALL_HUD_PROJECT_TYPES))
    stay_limit_days = WholeNumber(allow_none=True, validate=validate.Range(min=1, max=3650))
    hold_window_hours = WholeNumber(validate=validate.Range(min=1, max=72))
    area_id = WholeNumber(validate=AN_ID)
    confidential = fields.Boolean()
    referral_mode = fields.Enum(ReferralMode, by_value=True)
    referral_response_minutes = WholeNumber(validate=RESPONSE_MINUTES)
    address = fields.String(validate=validate.Length(max=500))
    households_served = EnumList(HouseholdType, validate=validate.Length(min=1))
    genders_served = EnumList(Gender, validate=validate.Length(min=1))
    age_groups_served = EnumList(AgeGroup, validate=validate.Length(min=1))
    min_age = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Youngest age in years the site may serve (its licence); null: no bound."},
    )
    max_age = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Oldest age in years the site may serve; null: no bound."},
    )
    languages = language_list()
    accessibility_notes = fields.String(validate=validate.Length(max=1000))
    pets_allowed = fields.Boolean()
    substance_use_policy = fields.Enum(SubstanceUsePolicy, by_value=True)
    intake_24_hours = fields.Boolean()
    intake_hours = fields.String(validate=validate.Length(max=200))
    contact = fields.String(validate=validate.Length(max=300))
    active = fields.Boolean()


class FunderSchema(Schema):
    id = WholeNumber()
    site_id = WholeNumber()
    funder = WholeNumber()
    funder_name = fields.String()
    other_funder = fields.String(allow_none=True)
    grant_id = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)


class FunderCreateSchema(StrictSchema):
    funder = WholeNumber(
        required=True,
        validate=validate.OneOf(list(FUNDERS)),
        metadata={"description": "HUD funder code (46: local or other, named in other_funder)"},
    )
    other_funder = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    grant_id = fields.String(allow_none=True, validate=validate.Length(min=1, max=100))
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(allow_none=True)


class SiteListArgs(PageArgs):
    organisation_id = WholeNumber(validate=AN_ID)
    tier = fields.Enum(Tier, by_value=True)


class SpaceSchema(Schema):
    id = WholeNumber()
    site_id = WholeNumber()
    label = fields.String()
    kind = fields.Enum(SpaceKind, by_value=True)
    capacity = WholeNumber()
    features = EnumList(SpaceFeature)
    in_service = fields.Boolean()
    out_of_service_reason = fields.String(allow_none=True)


class SpaceCreateSchema(StrictSchema):
    label = fields.String(required=True, validate=validate.Length(min=1, max=60))
    kind = fields.Enum(SpaceKind, by_value=True, required=True)
    capacity = WholeNumber(load_default=1, validate=validate.Range(min=1, max=20))
    features = EnumList(SpaceFeature, load_default=list)
    in_service = fields.Boolean(load_default=True)
    out_of_service_reason = fields.String(allow_none=True, validate=validate.Length(max=300))


class SpaceUpdateSchema(StrictSchema):
    label = fields.String(validate=validate.Length(min=1, max=60))
    capacity = WholeNumber(validate=validate.Range(min=1, max=20))
    features = EnumList(SpaceFeature)
    in_service = fields.Boolean()
    out_of_service_reason = fields.String(allow_none=True, validate=validate.Length(max=300))


class ServiceChangeSchema(StrictSchema):
    space_id = WholeNumber(required=True, validate=AN_ID)
    in_service = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, validate=validate.Length(max=300))


class ConfirmationCreateSchema(StrictSchema):
    changes = fields.List(
        fields.Nested(ServiceChangeSchema), load_default=list, validate=validate.Length(max=500)
    )


class ConfirmationSchema(Schema):
    id = WholeNumber()
    site_id = WholeNumber()
    confirmed_at = fields.DateTime()
    confirmed_by_id = WholeNumber(allow_none=True)
    changes = WholeNumber()


class HistoryEntrySchema(Schema):
    at = fields.DateTime()
    kind = fields.String(metadata={"description": "confirmed, or service_status"})
    by_user_id = WholeNumber(allow_none=True)
    space_id = WholeNumber(allow_none=True)
    in_service = fields.Boolean(allow_none=True)
    reason = fields.String(allow_none=True)
