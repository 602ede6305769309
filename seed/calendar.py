"""Local time for the generator: working hours in a team's or tenant's time zone, in ticks.

UTC offsets are looked up once per zone and UTC day: a deployment moved by a daylight-saving
change on the two days a year it happens lands an hour off, which nobody can tell apart from
an early or late start.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from gateway.insights.ticks import (
    TICKS_PER_DAY,
    TICKS_PER_HOUR,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
    datetime_from_ticks,
    ticks_from_datetime,
)

WORK_STARTS = 8 * TICKS_PER_HOUR + 30 * TICKS_PER_MINUTE
WORK_ENDS = 17 * TICKS_PER_HOUR + 30 * TICKS_PER_MINUTE
_THURSDAY = 3
"""1970-01-01, day 0 of the tick calendar, was a Thursday (Monday is 0)."""


class LocalClock:
    """Moves moments into the working hours of one time zone."""

    def __init__(self, zone: str) -> None:
        self.zone = zone
        self._info = ZoneInfo(zone)
        self._offsets: dict[int, int] = {}

    def offset(self, ticks: int) -> int:
        """The zone's UTC offset, in ticks, on the UTC day of `ticks`."""
        day = ticks // TICKS_PER_DAY
        found = self._offsets.get(day)
        if found is None:
            moment = datetime.fromtimestamp(day * 86_400 + 43_200, UTC).astimezone(self._info)
            delta = moment.utcoffset()
            found = 0 if delta is None else int(delta.total_seconds()) * TICKS_PER_SECOND
            self._offsets[day] = found
        return found

    def working_time(self, ticks: int, rng: random.Random, *, off_hours: float) -> int:
        """`ticks` when it falls in working hours (Monday to Friday, 08:30 to 17:30 local);
        otherwise, with probability `off_hours`, still `ticks` (someone deploys late or at the
        weekend), else a moment early in the next working day."""
        offset = self._offsets.get(ticks // TICKS_PER_DAY)
        local = ticks + (self.offset(ticks) if offset is None else offset)
        day, time_of_day = divmod(local, TICKS_PER_DAY)
        weekday = (day + _THURSDAY) % 7
        if weekday < 5 and WORK_STARTS <= time_of_day < WORK_ENDS:
            return ticks
        # Weekends are quieter than weekday evenings.
        if rng.random() < (off_hours / 3 if weekday >= 5 else off_hours):
            return ticks
        if weekday >= 5 or time_of_day >= WORK_ENDS:
            day += 1
        while (day + _THURSDAY) % 7 >= 5:
            day += 1
        morning = day * TICKS_PER_DAY + WORK_STARTS + _spread(rng, 3 * TICKS_PER_HOUR)
        return morning - self.offset(morning - self.offset(ticks))


def _spread(rng: random.Random, width: int) -> int:
    return int(rng.random() * width)


def months_before(ticks: int, months: int) -> int:
    """The same UTC wall time `months` calendar months earlier, the day clamped to the month."""
    moment = datetime_from_ticks(ticks)
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in (moment.day, 30, 29, 28):
        try:
            earlier = moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
        return ticks_from_datetime(earlier) + ticks % 10
    raise AssertionError("every month has 28 days")
