"""The JSON API under /api/v1: parse with marshmallow, call a service, dump with marshmallow."""

from __future__ import annotations

from flask import Flask

from ..extensions import api
from .errors import register_error_handlers


def register_api(app: Flask) -> None:
    api.init_app(app, spec_kwargs={"info": {"description": "Coordinates safe housing for survivors."}})
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme("session", {"type": "apiKey", "in": "cookie", "name": "session"})
    api.spec.options["security"] = [{"bearer": []}, {"session": []}]

    from . import (
        audit,
        availability,
        clients,
        flags,
        health,
        holds,
        inventory,
        placements,
        plans,
        sessions,
        sign_in_rules,
        spaces,
        suggestions,
        users,
    )

    for module in (
        health,
        sessions,
        users,
        sign_in_rules,
        inventory,
        spaces,
        availability,
        clients,
        holds,
        placements,
        flags,
        suggestions,
        plans,
        audit,
    ):
        api.register_blueprint(module.blp, url_prefix="/api/v1")
    register_error_handlers(app)
