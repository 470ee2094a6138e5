"""Request and response bodies for organisations, areas, sites, beds and units."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..vocabulary import (
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
    victim_service_provider = fields.Boolean(load_default=True)


class OrganisationUpdateSchema(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    victim_service_provider = fields.Boolean()


class AreaSchema(Schema):
    id = WholeNumber()
    name = fields.String()


class AreaCreateSchema(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=120))


RESPONSE_MINUTES = validate.Range(min=5, max=1440, error="Answer referrals within {min} to {max} minutes.")


class SiteSchema(Schema):
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


class SiteCreateSchema(StrictSchema):
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


class SiteUpdateSchema(StrictSchema):
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
