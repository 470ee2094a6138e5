"""Matching survivors to their next place: plain values in, ranked suggestions with reasons out.

Pure Python (no Flask, no SQLAlchemy) and deterministic: `today` and `now` are arguments, and
ties are broken by site name, then site id. It suggests; a person chooses with the survivor.
"""

from .matcher import Matcher
from .model import (
    CurrentStay,
    Household,
    PlacementRequest,
    Readiness,
    SiteOption,
    Space,
    SurvivorProfile,
)
from .policy import MatchingPolicy, PreferenceWeights
from .result import Action, Candidate, ExcludedSite, Exclusion, Preference, Reason, SpaceChoice, Suggestion

__all__ = [
    "Action",
    "Candidate",
    "CurrentStay",
    "ExcludedSite",
    "Exclusion",
    "Household",
    "Matcher",
    "MatchingPolicy",
    "PlacementRequest",
    "Preference",
    "PreferenceWeights",
    "Readiness",
    "Reason",
    "SiteOption",
    "Space",
    "SpaceChoice",
    "Suggestion",
    "SurvivorProfile",
]
