"""Fault injection with the Prefer header, and the server's fault schedule."""

from __future__ import annotations

import random
import time

import httpx
import pytest

from mock_server.faults import INJECTED, SCHEDULED, Faults, parse_prefer

REPORTS = "/api/Spaces-1/insights/reports"


@pytest.mark.parametrize(
    ("headers", "faults"),
    [
        pytest.param(["delay=500"], Faults(500, None), id="delay"),
        pytest.param(["status=503"], Faults(None, 503), id="status"),
        pytest.param(["Delay=5, STATUS=429"], Faults(5, 429), id="both-any-case"),
        pytest.param(["respond-async", "status=500; reason=x"], Faults(None, 500), id="others"),
        pytest.param(['delay="7"'], Faults(7, None), id="quoted"),
        pytest.param(["return=minimal"], Faults(None, None), id="none-of-ours"),
    ],
)
def test_prefer_is_parsed(headers: list[str], faults: Faults) -> None:
    assert parse_prefer(headers) == faults


async def test_a_forced_status_answers_an_error_body_and_writes_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        REPORTS, json={"SpaceId": "Spaces-1", "Name": "x"}, headers={"Prefer": "status=503"}
    )
    assert response.status_code == 503
    assert response.json() == {"ErrorMessage": INJECTED, "Errors": []}
    assert response.headers["preference-applied"] == "status=503"
    assert (await client.get(REPORTS)).json()["TotalResults"] == 0


async def test_a_delay_delays_and_the_answer_is_the_real_one(client: httpx.AsyncClient) -> None:
    started = time.monotonic()
    response = await client.get(REPORTS, headers={"Prefer": "delay=200"})
    assert time.monotonic() - started >= 0.2
    assert response.status_code == 200
    assert response.json()["ItemType"] == "InsightsReport"
    assert response.headers["preference-applied"] == "delay=200"


@pytest.mark.parametrize("prefer", ["delay=-1", "delay=60001", "status=200", "status=abc"])
async def test_a_malformed_fault_is_a_400(client: httpx.AsyncClient, prefer: str) -> None:
    response = await client.get(REPORTS, headers={"Prefer": prefer})
    assert response.status_code == 400
    assert "Prefer" in response.json()["Errors"][0]


async def test_faults_need_a_key_first(anonymous: httpx.AsyncClient) -> None:
    response = await anonymous.get(REPORTS, headers={"Prefer": "status=503"})
    assert response.status_code == 401


@pytest.mark.parametrize("prefer", ["delay=²", "status=٥٠٣", "delay=1e3", "retry-after=-1"])
async def test_only_ascii_digits_make_a_fault(client: httpx.AsyncClient, prefer: str) -> None:
    response = await client.get(REPORTS, headers={"Prefer": prefer.encode()})
    assert response.status_code == 400
    assert "Prefer" in response.json()["Errors"][0]


@pytest.mark.parametrize(
    ("prefer", "retry_after", "applied"),
    [
        pytest.param("status=429", "1", "status=429", id="429-default"),
        pytest.param("status=503, retry-after=7", "7", "status=503, retry-after=7", id="503-given"),
        pytest.param("status=500, retry-after=7", None, "status=500", id="500-none"),
    ],
)
async def test_injected_429_and_503_say_when_to_retry(
    client: httpx.AsyncClient, prefer: str, retry_after: str | None, applied: str
) -> None:
    response = await client.get(REPORTS, headers={"Prefer": prefer})
    assert response.headers.get("retry-after") == retry_after
    assert response.headers["preference-applied"] == applied


FAULTS = "/admin/faults"


async def statuses_of(client: httpx.AsyncClient, count: int) -> list[int]:
    return [(await client.get("/api/Spaces-1/projects")).status_code for _ in range(count)]


def expected_statuses(seed: int, rate: float, statuses: list[int], count: int) -> list[int]:
    """The schedule's documented rule, drawn here: per request one `random()`, and for a fault
    one `randrange` over the statuses."""
    draws = random.Random(seed)
    found = []
    for _ in range(count):
        if draws.random() < rate:
            found.append(statuses[draws.randrange(len(statuses))])
        else:
            found.append(200)
    return found


async def test_a_schedule_fails_its_share_the_same_way_every_time(
    client: httpx.AsyncClient,
) -> None:
    schedule = {"Rate": 0.3, "Statuses": [429, 503], "Seed": 5, "RetryAfter": 2}
    answer = await client.post(FAULTS, json=schedule)
    assert answer.status_code == 200
    assert answer.json() == {**schedule, "DelayMs": 0, "Requests": 0, "Faults": 0}
    first = await statuses_of(client, 60)
    assert first == expected_statuses(5, 0.3, [429, 503], 60)
    assert 8 <= sum(status != 200 for status in first) <= 30
    assert {429, 503} <= set(first)
    shown = (await client.get(FAULTS)).json()
    assert (shown["Requests"], shown["Faults"]) == (60, sum(s != 200 for s in first))
    await client.post(FAULTS, json=schedule)
    assert await statuses_of(client, 60) == first


async def test_a_scheduled_fault_is_an_octopus_error_with_retry_after(
    client: httpx.AsyncClient,
) -> None:
    await client.post(FAULTS, json={"Rate": 1, "Statuses": [503], "DelayMs": 150})
    started = time.monotonic()
    response = await client.get("/api/Spaces-1/deployments")
    assert time.monotonic() - started >= 0.15
    assert response.status_code == 503
    assert response.json() == {"ErrorMessage": SCHEDULED, "Errors": []}
    assert response.headers["retry-after"] == "1"
    # The admin routes are outside the schedule, and Rate 0 ends it.
    assert (await client.post(FAULTS, json={"Rate": 0})).status_code == 200
    assert (await client.get("/api/Spaces-1/deployments")).status_code == 200


async def test_a_bad_schedule_lists_every_problem_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    await client.post(FAULTS, json={"Rate": 0.5, "Seed": 1})
    response = await client.post(
        FAULTS,
        json={"Rate": 2, "Statuses": [200, 503], "DelayMs": -1, "Seed": "x", "RetryAfter": True},
    )
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "Rate must be a number from 0 to 1, not 2.",
        "Statuses must be a non-empty array of whole numbers from 400 to 599, not [200, 503].",
        "DelayMs must be a whole number from 0 to 60,000, not -1.",
        'Seed must be a whole number from 0 to 9,223,372,036,854,775,807, not "x".',
        "RetryAfter must be a whole number from 0 to 86,400, not true.",
    ]
    assert (await client.get(FAULTS)).json()["Rate"] == 0.5
    missing = await client.post(FAULTS, json={"Statuses": [503]})
    assert missing.json()["Errors"] == [
        "Rate is required: the share of requests to fail, from 0 to 1."
    ]
    assert (await client.post(FAULTS, content=b"[1]")).status_code == 400


async def test_the_schedule_needs_a_key(anonymous: httpx.AsyncClient) -> None:
    assert (await anonymous.post(FAULTS, json={"Rate": 1})).status_code == 401
