"""Report windows and their intervals, in the report's time zone (daylight saving respected).

An interval starts at local midnight of its first date, so a 23- or 25-hour day is still one
day; converting the starts to ticks once lets every deployment be placed by binary search.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from gateway.insights.errors import Invalid
from gateway.insights.metrics import Granularity, MetricsQuery
from gateway.insights.ticks import (
    CLOCK_RANGE,
    datetime_from_ticks,
    format_timestamp,
    in_clock_range,
    ticks_from_datetime,
)

MAX_INTERVALS = 10_000
"""More intervals than this (27 years of days) is refused rather than computed."""


def local_date(ticks: int, zone: ZoneInfo) -> date:
    """The local calendar date of an instant."""
    return datetime_from_ticks(ticks).astimezone(zone).date()


def local_midnight(day: date, zone: ZoneInfo) -> int:
    """Ticks of the first instant of a local date. Where midnight falls in a daylight-saving gap,
    zoneinfo applies the offset before the gap, which lands on the transition itself."""
    return ticks_from_datetime(datetime(day.year, day.month, day.day, tzinfo=zone))


def minus_months(day: date, months: int) -> date:
    """The same day `months` calendar months earlier, clamped to that month's last day."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def interval_start(day: date, granularity: Granularity) -> date:
    """The first date of the interval holding `day`: itself, the Sunday on or before it, or the
    1st of its month."""
    if granularity is Granularity.Daily:
        return day
    if granularity is Granularity.Weekly:
        # date.weekday(): Monday 0 .. Sunday 6; weeks here start on Sunday.
        return day - timedelta(days=(day.weekday() + 1) % 7)
    return day.replace(day=1)


def next_interval(start: date, granularity: Granularity) -> date:
    if granularity is Granularity.Daily:
        return start + timedelta(days=1)
    if granularity is Granularity.Weekly:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


@dataclass(frozen=True, slots=True)
class Window:
    """Deployments completed in [start, end] (ticks, both inclusive), in intervals starting on
    the local dates `starts`; `edges[i]` is the tick `starts[i]` begins at."""

    start: int
    end: int
    starts: tuple[date, ...]
    edges: npt.NDArray[np.int64]

    def interval_of(self, completed: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
        """The interval index of each completion time (inside the window)."""
        return np.searchsorted(self.edges, completed, side="right") - 1


def intervals_between(start: int, end: int, granularity: Granularity, zone: ZoneInfo) -> Window:
    """Every interval from the one holding `start` to the one holding `end`, oldest first."""
    _check_in_clock_range(start, end)
    if start > end:
        raise Invalid(
            [
                f"The window starts at {format_timestamp(start)}, after its end, "
                f"{format_timestamp(end)}."
            ]
        )
    day = interval_start(local_date(start, zone), granularity)
    last = local_date(end, zone)
    starts: list[date] = []
    while day <= last:
        starts.append(day)
        if len(starts) > MAX_INTERVALS:
            raise Invalid(
                [
                    f"The window from {format_timestamp(start)} to {format_timestamp(end)} "
                    f"holds more than {MAX_INTERVALS} {granularity.value.lower()} intervals."
                ]
            )
        day = next_interval(day, granularity)
    edges = np.array([local_midnight(day, zone) for day in starts], dtype=np.int64)
    return Window(start=start, end=end, starts=tuple(starts), edges=edges)


def _check_in_clock_range(*moments: int | None) -> None:
    outside = [ticks for ticks in moments if ticks is not None and not in_clock_range(ticks)]
    if outside:
        raise Invalid(
            [f"The window must lie {CLOCK_RANGE}; {format_timestamp(outside[0])} does not."]
        )


def metrics_window(query: MetricsQuery, zone: ZoneInfo, now: int) -> Window:
    """The window of `/metrics`: from local midnight starting the interval that holds the local
    date `time_range.months` calendar months before `end`, to `end` (inclusive). `end` is
    `query.end` or now; `query.start`, when given, replaces the computed start."""
    end = now if query.end is None else query.end
    _check_in_clock_range(query.start, end)
    if query.start is not None:
        start = query.start
    else:
        first = interval_start(
            minus_months(local_date(end, zone), query.time_range.months), query.granularity
        )
        start = local_midnight(first, zone)
    return intervals_between(start, end, query.granularity, zone)


def streams_window(now: int, zone: ZoneInfo) -> tuple[int, int]:
    """The window of `/deployments`: local midnight of the 1st of the month twelve months before
    now's local month, to now (inclusive)."""
    first = minus_months(local_date(now, zone).replace(day=1), 12)
    return local_midnight(first, zone), now
