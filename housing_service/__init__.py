"""housing_service: one shared picture of a coalition's beds, for survivors' safe housing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the Flask application; `config` overrides settings read from the environment."""
    # Imported here so that `housing_service.matching` and `housing_service.vocabulary`
    # can be used without loading Flask or SQLAlchemy at all.
    from .app_factory import build_app

    return build_app(config)
