"""Drills against the mock Octopus server: text that is not Unicode, JSON nested too deep,
numbers too long, clocks off the calendar, bodies and arrays too large, names with control
characters, required properties left out, and parameters that only try to miss the cache."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.drills.conftest import REPORTS, Drills, octopus_error

REPORT = REPORTS + "/InsightsReports-1"
GOOD = {"SpaceId": "Spaces-1", "Name": "Drill"}


def raw(drills: Drills, method: str, path: str, body: bytes):  # type: ignore[no-untyped-def]
    return lambda client: client.request(
        method, drills.mock + path, content=body, headers={"Content-Type": "application/json"}
    )


def send(drills: Drills, method: str, path: str, body: object):  # type: ignore[no-untyped-def]
    return raw(drills, method, path, json.dumps(body).encode())


def problems(response: httpx.Response) -> list[str]:
    found: list[str] = response.json()["Errors"]
    return found


SURROGATE = (
    b'{"SpaceId": "Spaces-1", "Id": "InsightsReports-1", "Name": "x", '
    b'"EnvironmentGroups": [{"Name": "\\ud800", "Environments": []}]}'
)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", REPORTS), ("PUT", REPORT)], ids=["post", "put"]
)
def test_a_lone_surrogate_is_a_400_and_nothing_is_stored(
    drills: Drills, method: str, path: str
) -> None:
    answer = drills.run(
        f"rest: lone surrogate ({method})",
        raw(drills, method, path, SURROGATE),
        status=400,
        error=octopus_error,
    )
    assert "lone UTF-16 surrogate" in problems(answer)[0]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", REPORTS), ("PUT", REPORT), ("POST", "/admin/reset")],
    ids=["post", "put", "admin-reset"],
)
def test_json_nested_10000_deep_is_a_400(drills: Drills, method: str, path: str) -> None:
    answer = drills.run(
        f"rest: JSON nested 10,000 deep ({method} {path})",
        raw(drills, method, path, b"[" * 10_000),
        status=400,
        error=octopus_error,
    )
    assert problems(answer) == ["The request body is not valid JSON: it is nested too deeply."]


def test_a_take_of_4301_digits_is_a_400(drills: Drills) -> None:
    drills.run(
        "rest: take of 4,301 digits",
        lambda client: client.get(drills.mock + REPORTS, params={"take": "9" * 4301}),
        status=400,
        error=octopus_error,
    )


@pytest.mark.parametrize("now", ["9999-12-31T00:00:00Z", "0001-01-01T00:00:00Z"])
def test_a_reset_clock_off_the_calendar_is_a_400(drills: Drills, now: str) -> None:
    answer = drills.run(
        f"rest: /admin/reset with Now {now[:10]}",
        send(drills, "POST", "/admin/reset", {"Seed": 1, "Deployments": 10, "Now": now}),
        status=400,
        error=octopus_error,
    )
    assert "from 1900-01-01 to 9000-01-01" in problems(answer)[0]


def test_a_description_of_10_mb_is_a_413(drills: Drills) -> None:
    drills.run(
        "rest: 10 MB Description",
        send(drills, "POST", REPORTS, {**GOOD, "Description": "x" * 10_000_000}),
        status=413,
        error=octopus_error,
    )


def test_a_description_over_its_limit_is_a_400(drills: Drills) -> None:
    answer = drills.run(
        "rest: 5,000-character Description",
        send(drills, "POST", REPORTS, {**GOOD, "Description": "x" * 5_000}),
        status=400,
        error=octopus_error,
    )
    assert problems(answer) == ["The Description is 5,000 characters long; the limit is 4,000."]


def test_200000_unknown_ids_are_a_413(drills: Drills) -> None:
    ids = [f"Projects-{n}" for n in range(100_000, 300_000)]
    drills.run(
        "rest: 200,000 unknown ids",
        send(drills, "POST", REPORTS, {**GOOD, "ProjectIds": ids}),
        status=413,
        error=octopus_error,
    )


def test_too_many_ids_within_the_body_limit_are_one_problem(drills: Drills) -> None:
    ids = [f"Projects-{n}" for n in range(100_000, 150_000)]
    answer = drills.run(
        "rest: 50,000 unknown ids",
        send(drills, "POST", REPORTS, {**GOOD, "ProjectIds": ids}),
        status=400,
        error=octopus_error,
    )
    assert problems(answer) == ["The ProjectIds has 50,000 entries; the limit is 1,000."]


def test_unknown_ids_list_100_problems_then_how_many_more(drills: Drills) -> None:
    ids = [f"Projects-{n}" for n in range(100_000, 100_900)]
    answer = drills.run(
        "rest: 900 unknown ids",
        send(drills, "POST", REPORTS, {**GOOD, "ProjectIds": ids}),
        status=400,
        error=octopus_error,
    )
    assert len(problems(answer)) == 101
    assert problems(answer)[-1] == "... and 800 more"


def test_duplicate_ids_are_a_400(drills: Drills) -> None:
    groups = [{"Name": "Twice", "Environments": ["Environments-1"] * 200_00}]
    answer = drills.run(
        "rest: 20,000 duplicate environment ids",
        send(drills, "POST", REPORTS, {**GOOD, "EnvironmentGroups": groups}),
        status=400,
        error=octopus_error,
    )
    assert problems(answer) == [
        "The environment group 'Twice' has 20,000 entries; the limit is 1,000."
    ]


def test_a_name_with_a_control_character_is_a_400(drills: Drills) -> None:
    answer = drills.run(
        "rest: Name with a control character",
        send(drills, "POST", REPORTS, {**GOOD, "Name": "a\u0001b"}),
        status=400,
        error=octopus_error,
    )
    assert problems(answer) == ["The Name 'a\\x01b' holds control characters."]


def test_a_create_without_space_id_and_an_update_without_id_are_400s(drills: Drills) -> None:
    created = drills.run(
        "rest: POST without SpaceId",
        send(drills, "POST", REPORTS, {"Name": "Drill"}),
        status=400,
        error=octopus_error,
    )
    assert problems(created) == ["The SpaceId is required."]
    updated = drills.run(
        "rest: PUT without Id",
        send(drills, "PUT", REPORT, {"SpaceId": "Spaces-1", "Name": "Drill"}),
        status=400,
        error=octopus_error,
    )
    assert problems(updated) == ["The Id is required."]


def test_parameters_that_change_nothing_get_the_same_answer(drills: Drills) -> None:
    # That they are served from the cache is checked in process (tests/mock_server/test_caching);
    # here the time per request is recorded for comparison with a fresh computation.
    path = drills.mock + REPORT + "/metrics"
    params = {"split": "Environment", "timeRange": "LastYear", "granularity": "Daily"}
    identity = {"Accept-Encoding": "identity"}
    first = drills.client.get(path, params=params, headers=identity)
    first.raise_for_status()
    started = time.monotonic()
    for bust in range(100):
        again = drills.client.get(path, params={**params, "bust": str(bust)}, headers=identity)
        assert again.content == first.content
    name = "rest: metrics with a new junk parameter each time (per request)"
    drills.times[name] = round((time.monotonic() - started) / 100, 5)


def test_a_prefer_delay_of_a_superscript_digit_is_a_400(drills: Drills) -> None:
    answer = drills.run(
        "rest: Prefer: delay=² (a superscript digit)",
        lambda client: client.get(
            drills.mock + REPORTS, headers={"Prefer": "delay=\u00b2".encode()}
        ),
        status=400,
        error=octopus_error,
    )
    assert "delay" in problems(answer)[0]
