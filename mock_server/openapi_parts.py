"""What both parts of the OpenAPI document (`openapi` for Insights, `openapi_core` for the core
resources) are built of: error and JSON answers, query and path parameters, paging, and values
spelt in any case."""

from __future__ import annotations

from typing import Any

from mock_server.openapi_schemas import ref
from mock_server.paging import DEFAULT_TAKE, MAX_INT


def error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_answer(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def query(name: str, description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


SPACE = {
    "name": "spaceId",
    "in": "path",
    "required": True,
    "description": "Id of the space",
    "schema": {"type": "string", "pattern": "^Spaces-[1-9][0-9]{0,17}$"},
    "example": "Spaces-1",
}
PAGING = [
    query(
        "skip",
        "Number of items to skip",
        {"type": "integer", "minimum": 0, "maximum": MAX_INT, "default": 0},
    ),
    query(
        "take",
        "Number of items to take (the page size)",
        {"type": "integer", "minimum": 0, "maximum": MAX_INT, "default": DEFAULT_TAKE},
    ),
]


def in_any_case(value: str) -> str:
    """A pattern of `value`'s letters in either case: `[Tt][Rr][Uu][Ee]`."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in value)


def any_case(values: list[str]) -> str:
    """A pattern matching `values` as the server matches enum parameters
    (gateway.insights.metrics): in any case, with spaces around, or empty (taken as absent)."""
    return f"^(?:\\s*(?:{'|'.join(in_any_case(value) for value in values)})\\s*)?$"
