"""Request and response bodies for survivors' records, holds and stays."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..models import HoldStatus
from ..vocabulary import (
    AgeGroup,
    CasePhase,
    ChildAgeBracket,
    Gender,
    LegalStatusProgress,
    SpaceFeature,
    StageOfChange,
    SubstanceUsePolicy,
    Tier,
)
from .common import AN_ID, EnumList, PageArgs, StrictSchema, WholeNumber, language_list
from .schemas_plans import PlanSchema

ACCESSIBILITY_NEEDS = [SpaceFeature.WHEELCHAIR_ACCESSIBLE, SpaceFeature.GROUND_FLOOR]
_ids = WholeNumber(validate=AN_ID)


class StaySummarySchema(Schema):
    placement_id = WholeNumber()
    site_id = WholeNumber()
    site_name = fields.String()
    tier = fields.Enum(Tier, by_value=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    day = WholeNumber(metadata={"description": "Day of the stay; the first night is day 1."})
    limit_days = WholeNumber(allow_none=True)
    days_left = WholeNumber(allow_none=True)


class ClientSchema(Schema):
    id = WholeNumber()
    code = fields.String()
    alias = fields.String(allow_none=True)
    organisation_id = WholeNumber(allow_none=True)
    case_manager_id = WholeNumber(allow_none=True)
    team_user_ids = fields.List(WholeNumber())
    adults = WholeNumber()
    children = fields.List(fields.String())
    household_size = WholeNumber()
    gender = fields.Enum(Gender, by_value=True, allow_none=True)
    age_group = fields.Enum(AgeGroup, by_value=True)
    languages = fields.List(fields.String())
    accessibility_needs = EnumList(SpaceFeature)
    has_pets = fields.Boolean()
    avoid_area_ids = fields.List(WholeNumber())
    avoid_site_ids = fields.List(WholeNumber())
    preferred_area_ids = fields.List(WholeNumber())
    substance_use_preference = fields.Enum(SubstanceUsePolicy, by_value=True, allow_none=True)
    case_phase = fields.Enum(CasePhase, by_value=True)
    stage_of_change = fields.Enum(StageOfChange, by_value=True, allow_none=True)
    has_income = fields.Boolean()
    has_identity_documents = fields.Boolean()
    legal_status = fields.Enum(LegalStatusProgress, by_value=True, allow_none=True)
    says_ready_to_move = fields.Boolean()
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    current_stay = fields.Nested(StaySummarySchema, allow_none=True)


class ClientWriteSchema(StrictSchema):
    alias = fields.String(allow_none=True, validate=validate.Length(max=60))
    adults = WholeNumber(validate=validate.Range(min=0, max=20))
    children = fields.List(fields.Enum(ChildAgeBracket, by_value=True), validate=validate.Length(max=20))
    gender = fields.Enum(Gender, by_value=True, allow_none=True)
    age_group = fields.Enum(AgeGroup, by_value=True)
    languages = language_list(validate=validate.Length(max=10))
    accessibility_needs = EnumList(SpaceFeature, validate=validate.ContainsOnly(ACCESSIBILITY_NEEDS))
    has_pets = fields.Boolean()
    avoid_area_ids = fields.List(_ids, validate=validate.Length(max=50))
    avoid_site_ids = fields.List(_ids, validate=validate.Length(max=200))
    preferred_area_ids = fields.List(_ids, validate=validate.Length(max=50))
    substance_use_preference = fields.Enum(SubstanceUsePolicy, by_value=True, allow_none=True)
    case_manager_id = WholeNumber(allow_none=True, validate=AN_ID)
    case_phase = fields.Enum(CasePhase, by_value=True)
    stage_of_change = fields.Enum(StageOfChange, by_value=True, allow_none=True)
    has_income = fields.Boolean()
    has_identity_documents = fields.Boolean()
    legal_status = fields.Enum(LegalStatusProgress, by_value=True, allow_none=True)
    says_ready_to_move = fields.Boolean()


class ClientCreateSchema(ClientWriteSchema):
    age_group = fields.Enum(AgeGroup, by_value=True, required=True)
    adults = WholeNumber(load_default=1, validate=validate.Range(min=0, max=20))


class TeamMemberCreateSchema(StrictSchema):
    user_id = WholeNumber(required=True, validate=AN_ID)


class ClientAtSiteSchema(Schema):
    """What a site's staff see of a survivor: enough to welcome them, nothing more."""

    code = fields.String()
    household_size = WholeNumber()
    accessibility_needs = EnumList(SpaceFeature)
    languages = fields.List(fields.String())
    has_pets = fields.Boolean()


class HoldSchema(Schema):
    id = WholeNumber()
    client_id = WholeNumber()
    client = fields.Nested(ClientAtSiteSchema)
    space_id = WholeNumber()
    space_label = fields.String()
    site_id = WholeNumber()
    site_name = fields.String()
    confidential = fields.Boolean()
    address = fields.String(
        allow_none=True,
        metadata={"description": "Shown to the advocate who holds the bed, and the site's staff."},
    )
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)
    status = fields.Enum(HoldStatus, by_value=True)
    expires_at = fields.DateTime()
    held_by_id = WholeNumber()
    override_reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    ended_at = fields.DateTime(allow_none=True)
    release_reason = fields.String(allow_none=True)
    placement_id = WholeNumber(allow_none=True)


class HoldCreateSchema(StrictSchema):
    client_id = WholeNumber(required=True, validate=AN_ID)
    space_id = WholeNumber(required=True, validate=AN_ID)
    starts_on = fields.Date(metadata={"description": "First night; default tonight (a hold for now)."})
    ends_on = fields.Date(metadata={"description": "Default: the site's stay limit."})
    override_reason = fields.String(
        validate=validate.Length(max=300),
        metadata={"description": "Needed to hold a second place for the same survivor and start date."},
    )


class HoldListArgs(PageArgs):
    status = fields.Enum(HoldStatus, by_value=True)
    site_id = WholeNumber(validate=AN_ID)


class ReleaseSchema(StrictSchema):
    reason = fields.String(validate=validate.Length(max=300))


class ExtensionSchema(Schema):
    id = WholeNumber()
    placement_id = WholeNumber()
    previous_end_on = fields.Date()
    new_end_on = fields.Date()
    reason = fields.String()
    approved_by = fields.String()
    recorded_by_id = WholeNumber()
    beyond_tier_limit = fields.Boolean()
    recorded_at = fields.DateTime()


class ExtensionCreateSchema(StrictSchema):
    new_end_on = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    approved_by = fields.String(required=True, validate=validate.Length(min=1, max=120))


class PlacementSchema(Schema):
    id = WholeNumber()
    client_id = WholeNumber()
    client = fields.Nested(ClientAtSiteSchema)
    space_id = WholeNumber()
    space_label = fields.String()
    site_id = WholeNumber()
    site_name = fields.String()
    tier = fields.Enum(Tier, by_value=True)
    stay_limit_days = WholeNumber(allow_none=True)
    starts_on = fields.Date()
    expected_end_on = fields.Date(allow_none=True)
    exited_on = fields.Date(allow_none=True)
    destination = WholeNumber(allow_none=True)
    destination_label = fields.String(allow_none=True)
    subsidy_type = WholeNumber(allow_none=True)
    destination_text = fields.String(allow_none=True)
    hold_id = WholeNumber(allow_none=True)
    previous_placement_id = WholeNumber(allow_none=True)
    next_placement_id = WholeNumber(allow_none=True)
    day = WholeNumber()
    limit_days = WholeNumber(allow_none=True)
    days_left = WholeNumber(allow_none=True)
    extensions = fields.List(fields.Nested(ExtensionSchema))
    plan = fields.Nested(PlanSchema, allow_none=True, metadata={"description": "For the case team only."})


class WalkInSchema(StrictSchema):
    space_id = WholeNumber(required=True, validate=AN_ID)
    client_id = WholeNumber(validate=AN_ID)
    client = fields.Nested(
        ClientCreateSchema, metadata={"description": "A new record for someone not yet known."}
    )
    ends_on = fields.Date()


class ExitSchema(StrictSchema):
    exited_on = fields.Date(required=True, metadata={"description": "HUD exit date: the day the stay ended."})
    destination = WholeNumber(required=True, metadata={"description": "HUD 3.12 destination code."})
    subsidy_type = WholeNumber(allow_none=True, metadata={"description": "HUD 3.12.A, for destination 435."})
    destination_text = fields.String(allow_none=True, validate=validate.Length(max=300))


class PlacementListArgs(PageArgs):
    current = fields.Boolean()
    client_id = WholeNumber(validate=AN_ID)
    site_id = WholeNumber(validate=AN_ID)


class ArrivalsArgs(StrictSchema):
    days = WholeNumber(load_default=7, validate=validate.Range(min=0, max=90))
