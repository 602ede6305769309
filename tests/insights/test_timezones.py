"""Windows and IANA time zone names, both ways, by CLDR's mapping."""

from __future__ import annotations

import pytest

from gateway.insights.errors import Invalid
from gateway.insights.timezones import resolve_time_zone, windows_name


@pytest.mark.parametrize(
    ("name", "key"),
    [
        pytest.param("UTC", "Etc/UTC", id="utc-windows-name"),
        pytest.param("Europe/London", "Europe/London", id="iana"),
        pytest.param("GMT Standard Time", "Europe/London", id="windows-gmt"),
        pytest.param("AUS Eastern Standard Time", "Australia/Sydney", id="windows-sydney"),
        pytest.param("Eastern Standard Time", "America/New_York", id="windows-eastern"),
    ],
)
def test_resolve_time_zone(name: str, key: str) -> None:
    assert resolve_time_zone(name).key == key


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("Mars/Olympus_Mons", id="unknown-iana"),
        pytest.param("Martian Standard Time", id="unknown-windows"),
        pytest.param("../../etc/passwd", id="path"),
        pytest.param("", id="empty"),
    ],
)
def test_unknown_time_zone_is_invalid_and_named(name: str) -> None:
    with pytest.raises(Invalid) as raised:
        resolve_time_zone(name)
    assert raised.value.problems == (f"TimeZone {name!r} is not a Windows or IANA time zone name.",)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("UTC", "UTC", id="utc-stays"),
        pytest.param("Europe/London", "GMT Standard Time", id="london"),
        pytest.param("Australia/Sydney", "AUS Eastern Standard Time", id="sydney"),
        pytest.param("America/New_York", "Eastern Standard Time", id="new-york"),
        pytest.param("Europe/Berlin", "W. Europe Standard Time", id="berlin"),
        pytest.param("Pacific Standard Time", "Pacific Standard Time", id="windows-stays"),
    ],
)
def test_windows_name(name: str, expected: str) -> None:
    assert windows_name(name) == expected
