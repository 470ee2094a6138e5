"""A trivial endpoint: for load balancers, and the stack's ceiling in benchmarks."""

from __future__ import annotations

from flask import Response
from marshmallow import Schema, fields

from .common import Blueprint

blp = Blueprint("health", __name__, description="Service health")


class HealthSchema(Schema):
    status = fields.String()


# The answer never changes: written once, not dumped through the schema on every call.
BODY = b'{"status":"ok"}\n'


@blp.route("/health")
@blp.response(200, HealthSchema)
def health() -> Response:
    """Answer that the service is up (no database call)."""
    return Response(BODY, mimetype="application/json")
