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
    ReferralMode,
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
    age_years = WholeNumber(allow_none=True)
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
    age_years = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=0, max=120),
        metadata={"description": "Age in years at intake, where the survivor gives it (no birth date)."},
    )
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
    adults = WholeNumber(
        validate=validate.Range(min=0, max=20),
        metadata={
            "description": "Default 1, or 0 for a minor (a minor's household is a family only with an adult)."
        },
    )


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
    referral_mode = fields.Enum(ReferralMode, by_value=True)
    address = fields.String(
        allow_none=True,
        metadata={
            "description": "A confidential address: for the site's staff, and at a direct site for the "
            "person holding the bed while the hold is current, from the day of its first night."
        },
    )
    address_withheld_because = fields.String(allow_none=True)
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
    episode_id = WholeNumber(metadata={"description": "The survivor's continuous time in this tier."})
    episode_starts_on = fields.Date(
        metadata={"description": "First night in the tier: the limit and move-by date count from it."}
    )
    move_reason = fields.String(allow_none=True)
    go_live_reason = fields.String(allow_none=True)
    day = WholeNumber(metadata={"description": "Day of the episode; its first night is day 1."})
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


class MoveSchema(StrictSchema):
    space_id = WholeNumber(
        required=True, validate=AN_ID, metadata={"description": "The bed or unit to move to."}
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "Why, e.g. 'broken heater', 'the family grew'."},
    )


class NewEpisodeSchema(StrictSchema):
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=2000),
        metadata={"description": "Why the clock starts again, e.g. a return after an exit to own housing."},
    )


class EpisodeSchema(Schema):
    id = WholeNumber()
    client_id = WholeNumber()
    tier = fields.Enum(Tier, by_value=True)
    starts_on = fields.Date()
    restart_reason = fields.String(allow_none=True)
    restarted_by_id = WholeNumber(allow_none=True)
    previous_episode_id = WholeNumber(allow_none=True)
    created_at = fields.DateTime()


class GoLiveStaySchema(StrictSchema):
    space_id = WholeNumber(required=True, validate=AN_ID)
    client_id = WholeNumber(validate=AN_ID)
    client = fields.Nested(ClientCreateSchema, metadata={"description": "A new record for the survivor."})
    starts_on = fields.Date(
        required=True, metadata={"description": "The stay's real first night, before today."}
    )
    episode_starts_on = fields.Date(
        metadata={
            "description": "First night in the tier, if the survivor moved beds before; default starts_on."
        }
    )
    ends_on = fields.Date(
        metadata={"description": "Default: the limit counted from the episode's first night."}
    )
    reason = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "Why the stay is recorded after the fact, e.g. 'go-live 2026-12-01'."},
    )


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
