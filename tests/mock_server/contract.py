"""Checks every response a test receives against the server's own OpenAPI document."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
from jsonschema import Draft202012Validator, FormatChecker

from mock_server.faults import SCHEDULED
from mock_server.openapi import openapi_document

UNDOCUMENTED = frozenset({"/api/openapi.json"})
"""Routed before `/api/{spaceId}`; the document does not describe itself."""


def _template_pattern(template: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """The documented (path template, operation) that a request hits, if any. Literal paths win
    over templated ones, as in the router (`/api/openapi.json` before `/api/{spaceId}`)."""
    if path in UNDOCUMENTED:
        return None
    paths = openapi_document()["paths"]
    for template in sorted(paths, key=lambda t: t.count("{")):
        if _template_pattern(template).match(path):
            operation = paths[template].get(method.lower())
            return (template, operation) if operation else None
    return None


def schema_validator(schema: dict[str, Any]) -> Draft202012Validator:
    document = openapi_document()
    return Draft202012Validator(
        {**schema, "components": document["components"]}, format_checker=FormatChecker()
    )


def _scheduled_fault(response: httpx.Response) -> bool:
    if response.status_code < 400 or "application/json" not in response.headers.get(
        "content-type", ""
    ):
        return False
    body = json.loads(response.content)
    return isinstance(body, dict) and body.get("ErrorMessage") == SCHEDULED


def check_response(response: httpx.Response) -> None:
    """The response's status is documented for its operation, and its body fits the schema."""
    request = response.request
    found = operation_for(request.method, request.url.path)
    if found is None:
        return
    template, operation = found
    injected = "prefer" in request.headers or _scheduled_fault(response)
    if injected and response.status_code >= 400:
        # Injected faults (and a malformed Prefer) are outside the contract: an error body.
        error = {"$ref": "#/components/schemas/Error"}
        schema_validator(error).validate(json.loads(response.content))
        return
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{request.method} {template} answered {response.status_code}, not documented"
    )
    content = documented.get("content")
    if content is None:
        assert response.content == b""
        return
    media_type = response.headers["content-type"].split(";")[0]
    assert media_type in content, f"{media_type} is not documented for {template}"
    if media_type == "application/json":
        schema_validator(content[media_type]["schema"]).validate(json.loads(response.content))
