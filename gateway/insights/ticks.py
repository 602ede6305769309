"""Octopus's 100-nanosecond ticks: parsing and formatting timestamps and durations exactly.

A tick here is 100 ns since the Unix epoch (UTC). Python's `datetime` holds microseconds only,
so the store and the core keep integers and convert at the edges.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

TICKS_PER_SECOND = 10_000_000
TICKS_PER_MICROSECOND = 10
TICKS_PER_MINUTE = 60 * TICKS_PER_SECOND
TICKS_PER_HOUR = 60 * TICKS_PER_MINUTE
TICKS_PER_DAY = 24 * TICKS_PER_HOUR

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)

_TIMESTAMP = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})T(?P<time>\d{2}:\d{2}:\d{2})"
    r"(?:\.(?P<fraction>\d{1,7}))?"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})\Z"
)


class TimestampError(ValueError):
    """A text that is not an ISO 8601 timestamp with a zone and 0 to 7 fraction digits."""


CLOCK_RANGE = "from 1900-01-01 to 9000-01-01 (UTC)"
"""Where a clock (`--now`) and a window may lie: far enough from the calendar's ends (years 1
and 9999) that a window's months, weeks and local dates around it all exist."""


def in_clock_range(ticks: int) -> bool:
    return _EARLIEST_CLOCK <= ticks <= _LATEST_CLOCK


def parse_timestamp(text: str) -> int:
    """Ticks of an ISO 8601 timestamp with `Z` or an offset and 0 to 7 fraction digits."""
    match = _TIMESTAMP.match(text) if isinstance(text, str) else None
    if match is None:
        raise TimestampError(
            f"{text!r} is not an ISO 8601 timestamp with a time zone "
            "(like 2022-08-18T14:28:15.9395818Z)"
        )
    zone = match["zone"]
    try:
        whole = datetime.fromisoformat(
            f"{match['date']}T{match['time']}{'+00:00' if zone == 'Z' else zone}"
        )
    except ValueError as error:
        raise TimestampError(f"{text!r} is not a valid date and time: {error}") from None
    fraction = (match["fraction"] or "").ljust(7, "0")
    return ticks_from_datetime(whole) + int(fraction)


def ticks_from_datetime(moment: datetime) -> int:
    """Ticks of an aware datetime (naive ones are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * TICKS_PER_SECOND + (
        delta.microseconds * TICKS_PER_MICROSECOND
    )


def datetime_from_ticks(ticks: int) -> datetime:
    """The UTC datetime of ticks, truncated to the microsecond."""
    return _EPOCH + timedelta(microseconds=ticks // TICKS_PER_MICROSECOND)


def format_timestamp(ticks: int) -> str:
    """Octopus's timestamp form, UTC with seven fraction digits: 2022-08-18T14:28:15.9395818Z."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    whole = _EPOCH + timedelta(seconds=seconds)
    # `%Y` does not pad years before 1000 on every platform.
    return f"{whole.year:04d}-{whole:%m-%dT%H:%M:%S}.{fraction:07d}Z"


def format_offset_timestamp(ticks: int) -> str:
    """.NET's `DateTimeOffset` as Octopus's core resources write it, in UTC: up to seven
    fraction digits with trailing zeros trimmed (none, and no point, on a whole second) and an
    offset: 2024-08-12T09:40:33.229+00:00. `parse_timestamp` reads it back to the same tick."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    # A naive datetime's isoformat is a fraction of strftime's cost (pages hold thousands).
    whole = (_NAIVE_EPOCH + timedelta(seconds=seconds)).isoformat()
    if fraction:
        return f"{whole}.{fraction:07d}".rstrip("0") + "+00:00"
    return whole + "+00:00"


def format_duration(ticks: int) -> str:
    """Octopus's duration form `[-]H:mm:ss.f`: total hours unpadded, 1 to 7 fraction digits.

    1:12:39.41517, 0:01:00.0, -426:53:44.0
    """
    sign = "-" if ticks < 0 else ""
    seconds, fraction = divmod(abs(ticks), TICKS_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    digits = f"{fraction:07d}".rstrip("0") or "0"
    return f"{sign}{hours}:{minute:02d}:{second:02d}.{digits}"


def round_half_away(value: float, unit: int = 1) -> int:
    """`value` rounded to a whole multiple of `unit`, halves away from zero (SPEC.md: durations to
    whole seconds and `Rate` to 5 places, like .NET's MidpointRounding.AwayFromZero)."""
    scaled = abs(value) / unit
    whole = int(scaled)
    if scaled - whole >= 0.5:
        whole += 1
    return (whole if value >= 0 else -whole) * unit


_EARLIEST_CLOCK = parse_timestamp("1900-01-01T00:00:00Z")
_LATEST_CLOCK = parse_timestamp("9000-01-01T00:00:00Z")
