"""The values of admin request bodies (`/admin/faults`, `/admin/advance`): a JSON object read
property by property, each problem added to a list so that one 400 names them all. `null`
counts as omitted; unknown properties are ignored, as `/admin/reset` does."""

from __future__ import annotations

import json
from typing import Any

from mock_server.bodies import json_type, parse_json
from mock_server.errors import bad_request


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as an object without its null properties; a 400 for anything else."""
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise bad_request(f"The request body must be a JSON object, not {json_type(body)}.")
    return {key: value for key, value in body.items() if value is not None}


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def whole_number(
    body: dict[str, Any], name: str, low: int, high: int, default: int, problems: list[str]
) -> int:
    """A whole number from `low` to `high`; `default` when omitted or wrong (with a problem)."""
    value = body.get(name)
    if value is None:
        return default
    if _is_whole(value) and low <= value <= high:
        return int(value)
    problems.append(
        f"{name} must be a whole number from {low:,} to {high:,}, not {json.dumps(value)}."
    )
    return default


def fraction(body: dict[str, Any], name: str, problems: list[str]) -> float | None:
    """A number from 0 to 1; None when omitted or wrong (with a problem)."""
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return float(value)
    problems.append(f"{name} must be a number from 0 to 1, not {json.dumps(value)}.")
    return None


def whole_numbers(
    body: dict[str, Any],
    name: str,
    low: int,
    high: int,
    default: tuple[int, ...],
    problems: list[str],
) -> tuple[int, ...]:
    """A non-empty array of whole numbers from `low` to `high`."""
    value = body.get(name)
    if value is None:
        return default
    if (
        isinstance(value, list)
        and value
        and all(_is_whole(item) and low <= item <= high for item in value)
    ):
        return tuple(int(item) for item in value)
    problems.append(
        f"{name} must be a non-empty array of whole numbers from {low} to {high}, "
        f"not {json.dumps(value)}."
    )
    return default
