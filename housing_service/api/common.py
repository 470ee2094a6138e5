"""What every API module shares: strict schemas, pages, the acting person and the moment."""

from __future__ import annotations

import math
from decimal import Decimal
from enum import Enum
from typing import Any

import flask_smorest
from flask_babel import gettext
from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate
from webargs.flaskparser import FlaskParser

from ..input_bounds import LARGEST_ID, LARGEST_PAGE
from ..request_context import acting, now, today


class _StrictParser(FlaskParser):
    # Every location follows the schema's own `unknown` (RAISE): an unknown query
    # parameter is a mistake worth naming, not something to ignore silently.
    DEFAULT_UNKNOWN_BY_LOCATION: dict[str, str | None] = {}

    def load_json(self, req: Any, schema: Schema) -> Any:
        # Every JSON body of this API is required (the OpenAPI document says so): a missing
        # one is refused, never read as an empty object that happens to pass the schema.
        data = super().load_json(req, schema)
        if data is missing:
            raise ValidationError(
                gettext("A JSON request body is required; send {} when it has nothing to say.")
            )
        return data


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = _StrictParser()


class StrictSchema(Schema):
    """Unknown fields are refused, never silently dropped."""

    class Meta:
        unknown = RAISE


class WholeNumber(fields.Integer):
    """An integer that refuses a fraction: marshmallow's own truncates 1.5 to 1, so that
    `{"client_id": 1.5}` held a bed for client 1. A whole number written 2.0, or "2" in a
    query string, is still 2."""

    default_error_messages = {"invalid": "Must be a whole number."}

    def _validated(self, value: Any) -> int:
        if isinstance(value, float | Decimal) and not (math.isfinite(value) and value == int(value)):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class EnumList(fields.List):
    """A list of enum values, deduplicated on load and dumped in the enum's own order."""

    def __init__(self, enum: type[Enum], **kwargs: Any) -> None:
        super().__init__(fields.Enum(enum, by_value=True), **kwargs)
        self.order = {member: index for index, member in enumerate(enum)}

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> list[Any] | None:
        if value is None:
            return None
        return super()._serialize(sorted(value, key=self.order.__getitem__), attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        loaded = super()._deserialize(value, attr, data, **kwargs)
        return list(dict.fromkeys(loaded))


def language_list(**kwargs: Any) -> fields.List:
    """ISO 639 language codes, e.g. ["es", "en"]."""
    code = fields.String(validate=validate.Regexp(r"^[a-z]{2,3}$", error="Use an ISO 639 code such as 'es'."))
    return fields.List(code, **kwargs)


# Ids are 32-bit in both databases: a larger number can name no record, so it is a bad value.
AN_ID = validate.Range(min=1, max=LARGEST_ID, error="Must be an id: a whole number from {min} to {max}.")
A_PAGE = validate.Range(min=1, max=LARGEST_PAGE)


class PageArgs(StrictSchema):
    page = WholeNumber(load_default=1, validate=A_PAGE)
    per_page = WholeNumber(load_default=50, validate=validate.Range(min=1, max=200))


_page_schemas: dict[type[Schema], type[Schema]] = {}


def page_of(item_schema: type[Schema]) -> type[Schema]:
    """A response schema for one page of `item_schema` items."""
    if item_schema not in _page_schemas:
        name = item_schema.__name__.removesuffix("Schema") + "PageSchema"
        _page_schemas[item_schema] = type(
            name,
            (Schema,),
            {
                "items": fields.List(fields.Nested(item_schema)),
                "total": WholeNumber(),
                "page": WholeNumber(),
                "per_page": WholeNumber(),
            },
        )
    return _page_schemas[item_schema]


def page(items: list[Any], total: int, args: dict[str, Any]) -> dict[str, Any]:
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}


def paginate(records: list[Any], args: dict[str, Any]) -> dict[str, Any]:
    """A page of an already loaded list (for short lists such as one site's beds)."""
    start = (args["page"] - 1) * args["per_page"]
    return page(records[start : start + args["per_page"]], len(records), args)


__all__ = [
    "Blueprint",
    "EnumList",
    "PageArgs",
    "StrictSchema",
    "acting",
    "language_list",
    "now",
    "page",
    "page_of",
    "paginate",
    "today",
]
