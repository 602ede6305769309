"""Fault injection with the Prefer header."""

from __future__ import annotations

import time

import httpx
import pytest

from mock_server.faults import INJECTED, Faults, parse_prefer

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
