"""Request and response bodies for suggestions, survivors' decisions and transition plans."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..matching import Action, Exclusion, Preference
from ..models import Decision, StepKind, StepStatus
from ..vocabulary import SpaceKind, Tier
from .common import AN_ID, StrictSchema, WholeNumber


class ReasonSchema(Schema):
    preference = fields.Enum(Preference, by_value=True)
    text = fields.String()


class SuggestedSpaceSchema(Schema):
    space_id = WholeNumber()
    label = fields.String()
    kind = fields.Enum(SpaceKind, by_value=True)
    capacity = WholeNumber()


class CandidateSchema(Schema):
    site_id = WholeNumber()
    site_name = fields.String()
    space = fields.Nested(SuggestedSpaceSchema)
    free_spaces = WholeNumber(metadata={"description": "Fitting beds or units free for the whole stay."})
    score = WholeNumber(metadata={"description": "For ordering only; people read `fit`."})
    fit = fields.String(
        metadata={"description": 'In words, e.g. "Best fit: staff speak Spanish; a unit for 3".'}
    )
    met = fields.List(fields.Nested(ReasonSchema))
    missed = fields.List(fields.Nested(ReasonSchema))


class ExcludedSiteSchema(Schema):
    site_id = WholeNumber()
    site_name = fields.String()
    exclusion = fields.Enum(Exclusion, by_value=True)


class SuggestionSchema(Schema):
    placement_id = WholeNumber()
    client_code = fields.String()
    action = fields.Enum(Action, by_value=True)
    current_tier = fields.Enum(Tier, by_value=True)
    target_tier = fields.Enum(Tier, by_value=True, allow_none=True)
    move_by = fields.Date(allow_none=True)
    plan_from = fields.Date(allow_none=True)
    explanation = fields.String()
    candidates = fields.List(fields.Nested(CandidateSchema))
    excluded = fields.Dict(
        keys=fields.Enum(Exclusion, by_value=True),
        values=WholeNumber(),
        metadata={"description": "How many sites of the target tier were left out, by reason."},
    )
    excluded_text = fields.String()
    alternative_tier = fields.Enum(
        Tier,
        by_value=True,
        allow_none=True,
        metadata={"description": "For a survivor ready for long-term housing: the step in between."},
    )
    alternatives = fields.List(
        fields.Nested(CandidateSchema), metadata={"description": "The best places of the alternative tier."}
    )
    excluded_sites = fields.List(
        fields.Nested(ExcludedSiteSchema),
        metadata={
            "description": "With ?name_exclusions=true: the sites left out, named (never confidential ones)."
        },
    )


class SuggestionArgs(StrictSchema):
    name_exclusions = fields.Boolean(
        load_default=False, metadata={"description": "Name the non-confidential sites left out, and why."}
    )


class DecisionSchema(Schema):
    id = WholeNumber()
    placement_id = WholeNumber()
    site_id = WholeNumber()
    decision = fields.Enum(Decision, by_value=True)
    reason = fields.String(allow_none=True)
    recorded_by_id = WholeNumber()
    recorded_at = fields.DateTime()


class DecisionReadSchema(DecisionSchema):
    """A decision read back: the place, the survivor's reason, who recorded it, and when it may return."""

    client_id = WholeNumber()
    site_name = fields.String()
    recorded_by_name = fields.String()
    suggested_again_from = fields.Date(
        allow_none=True, metadata={"description": "A declined place may be suggested again from this day."}
    )


class DecisionCreateSchema(StrictSchema):
    site_id = WholeNumber(required=True, validate=AN_ID)
    decision = fields.Enum(Decision, by_value=True, required=True)
    reason = fields.String(validate=validate.Length(max=2000))


class HoldSuggestionSchema(StrictSchema):
    site_id = WholeNumber(required=True, validate=AN_ID)
    space_id = WholeNumber(validate=AN_ID, metadata={"description": "Default: the bed or unit suggested."})


class StepSchema(Schema):
    id = WholeNumber()
    kind = fields.Enum(StepKind, by_value=True)
    description = fields.String()
    owner = fields.String()
    due_on = fields.Date(allow_none=True)
    status = fields.Enum(StepStatus, by_value=True)
    updated_at = fields.DateTime()


class StepCreateSchema(StrictSchema):
    kind = fields.Enum(StepKind, by_value=True, required=True)
    description = fields.String(required=True, validate=validate.Length(min=1, max=300))
    owner = fields.String(required=True, validate=validate.Length(min=1, max=120))
    due_on = fields.Date(allow_none=True)
    status = fields.Enum(StepStatus, by_value=True)


class StepUpdateSchema(StrictSchema):
    description = fields.String(validate=validate.Length(min=1, max=300))
    owner = fields.String(validate=validate.Length(min=1, max=120))
    due_on = fields.Date(allow_none=True)
    status = fields.Enum(StepStatus, by_value=True)


class PlanSchema(Schema):
    id = WholeNumber()
    placement_id = WholeNumber()
    target_tier = fields.Enum(Tier, by_value=True)
    move_by = fields.Date()
    chosen_site_id = WholeNumber(allow_none=True)
    chosen_site_name = fields.String(allow_none=True)
    hold_id = WholeNumber(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
    updated_at = fields.DateTime()


class PlanSaveSchema(StrictSchema):
    target_tier = fields.Enum(Tier, by_value=True)
    move_by = fields.Date()
