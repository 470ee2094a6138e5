"""A trivial endpoint: for load balancers, and the stack's ceiling in benchmarks."""

from __future__ import annotations

from marshmallow import Schema, fields

from .common import Blueprint

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("/health")
@blp.response(200, HealthSchema)
def health() -> dict[str, str]:
    """Answer that the service is up (no database call)."""
    return {"status": "ok"}
