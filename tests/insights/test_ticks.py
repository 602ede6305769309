"""Timestamps and durations keep Octopus's 100-nanosecond ticks exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.insights.ticks import (
    TICKS_PER_HOUR,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
    TimestampError,
    format_duration,
    format_offset_timestamp,
    format_timestamp,
    parse_timestamp,
    round_half_away,
)

# 2022-08-18T14:28:15Z is 1660832895 s after the Unix epoch (date -d ... +%s).
REFERENCE_SECONDS = 1_660_832_895


@pytest.mark.parametrize(
    ("text", "ticks"),
    [
        pytest.param(
            "2022-08-18T14:28:15.9395818Z", REFERENCE_SECONDS * 10**7 + 9_395_818, id="seven-digits"
        ),
        pytest.param("2022-08-18T14:28:15Z", REFERENCE_SECONDS * 10**7, id="no-fraction"),
        pytest.param(
            "2022-08-18T14:28:15.5Z", REFERENCE_SECONDS * 10**7 + 5_000_000, id="one-digit"
        ),
        pytest.param(
            "2022-08-18T16:28:15.9395818+02:00", REFERENCE_SECONDS * 10**7 + 9_395_818, id="offset"
        ),
        pytest.param("1970-01-01T00:00:00.0000001Z", 1, id="one-tick"),
        pytest.param("1969-12-31T23:59:59.9999999Z", -1, id="before-epoch"),
    ],
)
def test_parse_timestamp(text: str, ticks: int) -> None:
    assert parse_timestamp(text) == ticks


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("2022-08-18T14:28:15.93958181Z", id="eight-digits"),
        pytest.param("2022-08-18T14:28:15", id="no-zone"),
        pytest.param("2022-02-30T00:00:00Z", id="no-such-day"),
        pytest.param("yesterday", id="words"),
        pytest.param("", id="empty"),
    ],
)
def test_parse_timestamp_refuses(text: str) -> None:
    with pytest.raises(TimestampError, match=r"timestamp|date"):
        parse_timestamp(text)


def test_years_before_1000_are_written_with_four_digits() -> None:
    text = "0001-01-01T00:00:00.0000001Z"
    assert format_timestamp(parse_timestamp(text)) == text


def test_format_timestamp_writes_seven_digits_and_z() -> None:
    assert format_timestamp(REFERENCE_SECONDS * 10**7 + 9_395_818) == "2022-08-18T14:28:15.9395818Z"
    assert format_timestamp(REFERENCE_SECONDS * 10**7) == "2022-08-18T14:28:15.0000000Z"


@given(st.integers(min_value=-(10**17), max_value=10**18))
def test_timestamps_round_trip(ticks: int) -> None:
    assert parse_timestamp(format_timestamp(ticks)) == ticks


@pytest.mark.parametrize(
    ("ticks", "text"),
    [
        pytest.param(
            REFERENCE_SECONDS * 10**7 + 9_395_818, "2022-08-18T14:28:15.9395818+00:00", id="seven"
        ),
        pytest.param(
            REFERENCE_SECONDS * 10**7 + 2_290_000, "2022-08-18T14:28:15.229+00:00", id="trimmed"
        ),
        pytest.param(REFERENCE_SECONDS * 10**7 + 1, "2022-08-18T14:28:15.0000001+00:00", id="tick"),
        pytest.param(REFERENCE_SECONDS * 10**7, "2022-08-18T14:28:15+00:00", id="whole-second"),
        pytest.param(-1, "1969-12-31T23:59:59.9999999+00:00", id="before-epoch"),
    ],
)
def test_format_offset_timestamp_trims_like_dotnet(ticks: int, text: str) -> None:
    assert format_offset_timestamp(ticks) == text


@given(st.integers(min_value=-(10**17), max_value=10**18))
def test_offset_timestamps_round_trip(ticks: int) -> None:
    assert parse_timestamp(format_offset_timestamp(ticks)) == ticks


@pytest.mark.parametrize(
    ("ticks", "text"),
    [
        pytest.param(
            TICKS_PER_HOUR + 12 * TICKS_PER_MINUTE + 39 * TICKS_PER_SECOND + 4_151_700,
            "1:12:39.41517",
            id="reference-lead-time",
        ),
        pytest.param(TICKS_PER_MINUTE, "0:01:00.0", id="one-minute"),
        pytest.param(
            -(426 * TICKS_PER_HOUR + 53 * TICKS_PER_MINUTE + 44 * TICKS_PER_SECOND),
            "-426:53:44.0",
            id="negative-past-a-day",
        ),
        pytest.param(0, "0:00:00.0", id="zero"),
        pytest.param(1, "0:00:00.0000001", id="one-tick"),
        pytest.param(-1, "-0:00:00.0000001", id="minus-one-tick"),
    ],
)
def test_format_duration(ticks: int, text: str) -> None:
    assert format_duration(ticks) == text


@pytest.mark.parametrize(
    ("value", "unit", "rounded"),
    [
        pytest.param(2.5, 1, 3, id="half-up"),
        pytest.param(-2.5, 1, -3, id="negative-half-away"),
        pytest.param(2.4999, 1, 2, id="below-half"),
        pytest.param(15_000_000, TICKS_PER_SECOND, 20_000_000, id="1.5-seconds"),
        pytest.param(-14_999_999, TICKS_PER_SECOND, -10_000_000, id="minus-1.4999999-seconds"),
    ],
)
def test_round_half_away(value: float, unit: int, rounded: int) -> None:
    assert round_half_away(value, unit) == rounded
