"""Time zone names: Windows (`GMT Standard Time`) or IANA (`Europe/London`), by CLDR's mapping.

The mapping is the one tzlocal ships and keeps current (generated from CLDR's windowsZones.xml),
so no table is maintained here.
"""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal import windows_tz

from gateway.insights.errors import Invalid
from gateway.insights.problems import Field, Problem, Rule

_WINDOWS_TO_IANA: dict[str, str] = dict(windows_tz.win_tz)
_IANA_TO_WINDOWS: dict[str, str] = dict(windows_tz.tz_win)
_UTC = "UTC"


@lru_cache(maxsize=512)
def resolve_time_zone(name: str) -> ZoneInfo:
    """The zone of a Windows or IANA name; raises `Invalid` naming the value when unknown."""
    unknown = Problem(Rule.UNKNOWN_TIME_ZONE, (Field.TIME_ZONE,), name)
    if not isinstance(name, str) or not name.strip():
        raise Invalid([unknown])
    key = _WINDOWS_TO_IANA.get(name, name)
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # ValueError: keys like "../x" or absolute paths, which ZoneInfo refuses outright.
        raise Invalid([unknown]) from None


def windows_name(name: str) -> str:
    """The Windows name of a zone, as Octopus returns it: a Windows name stays, `UTC` stays `UTC`,
    an IANA name maps by CLDR; an IANA zone CLDR does not map keeps its own name."""
    if name == _UTC or name in _WINDOWS_TO_IANA:
        return name
    return _IANA_TO_WINDOWS.get(name, name)
