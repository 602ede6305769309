"""Custom scalars: `Timestamp` keeps Octopus's 100-nanosecond precision end to end."""

from __future__ import annotations

from typing import NewType

import strawberry

from gateway.insights.ticks import TICKS_PER_SECOND, format_timestamp, parse_timestamp

Timestamp = NewType("Timestamp", int)
"""Ticks (100 ns since the Unix epoch, UTC), written as Octopus writes timestamps."""

TIMESTAMP_SCALAR = strawberry.scalar(
    name="Timestamp",
    description=(
        "A UTC instant in ISO 8601 with seven fraction digits and `Z`, "
        "like 2022-08-18T14:28:15.9395818Z (Octopus's 100-nanosecond precision). "
        "Input may use `Z` or an offset and 0 to 7 fraction digits."
    ),
    serialize=format_timestamp,
    parse_value=parse_timestamp,
)

SCALARS = {Timestamp: TIMESTAMP_SCALAR}
"""The schema's `scalar_map`."""


def seconds(ticks: int | None) -> float | None:
    """A duration in ticks as seconds, for charting."""
    return None if ticks is None else ticks / TICKS_PER_SECOND
