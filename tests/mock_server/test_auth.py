"""Every route but the OpenAPI document and the docs page needs a key, by header or parameter."""

from __future__ import annotations

import httpx
import pytest

from mock_server.auth import key_accepted
from tests.mock_server.conftest import KEY

UNAUTHORIZED = {
    "ErrorMessage": "You must be logged in to perform this action. "
    "Please provide a valid API key or log in again.",
    "Errors": [],
}
REPORT = "/api/Spaces-1/insights/reports/InsightsReports-1"
ROUTES = [
    ("GET", "/api"),
    ("GET", "/api/Spaces-1"),
    ("GET", "/api/Spaces-1/insights/reports"),
    ("POST", "/api/Spaces-1/insights/reports"),
    ("GET", REPORT),
    ("PUT", REPORT),
    ("DELETE", REPORT),
    ("GET", REPORT + "/deployments"),
    ("GET", REPORT + "/metrics"),
    ("GET", REPORT + "/logo"),
    ("GET", "/admin/health"),
    ("POST", "/admin/reset"),
    ("GET", "/api/Spaces-1/no/such/thing"),
]
BODY = {"SpaceId": "Spaces-1", "Id": "InsightsReports-1", "Name": "Changed"}


@pytest.fixture
async def report(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/Spaces-1/insights/reports", json={"SpaceId": "Spaces-1", "Name": "Kept"}
    )
    assert response.status_code == 201


@pytest.mark.usefixtures("report")
@pytest.mark.parametrize(("method", "path"), ROUTES)
@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({}, id="none"),
        pytest.param({"headers": {"X-Octopus-ApiKey": KEY + "X"}}, id="wrong-header"),
        pytest.param({"headers": {"X-Octopus-ApiKey": ""}}, id="empty-header"),
        pytest.param({"params": {"apikey": KEY[:-1]}}, id="wrong-parameter"),
        pytest.param({"params": {"ApiKey": KEY}}, id="parameter-name-is-exact"),
        pytest.param({"headers": {"Authorization": f"Bearer {KEY}"}}, id="bearer"),
    ],
)
async def test_no_valid_key_is_401_and_changes_nothing(
    anonymous: httpx.AsyncClient,
    client: httpx.AsyncClient,
    method: str,
    path: str,
    credentials: dict[str, dict[str, str]],
) -> None:
    response = await anonymous.request(method, path, json=BODY, **credentials)  # type: ignore[arg-type]
    assert response.status_code == 401
    assert response.json() == UNAUTHORIZED
    kept = await client.get(REPORT)
    assert kept.json()["Name"] == "Kept"


@pytest.mark.usefixtures("report")
@pytest.mark.parametrize(
    "credentials",
    [
        pytest.param({"headers": {"X-Octopus-ApiKey": KEY}}, id="header"),
        pytest.param({"headers": {"x-octopus-apikey": KEY}}, id="header-any-case"),
        pytest.param({"params": {"apikey": KEY}}, id="parameter"),
    ],
)
async def test_a_valid_key_is_accepted_by_header_or_parameter(
    anonymous: httpx.AsyncClient, credentials: dict[str, dict[str, str]]
) -> None:
    response = await anonymous.get(REPORT, **credentials)  # type: ignore[arg-type]
    assert response.status_code == 200


@pytest.mark.parametrize("path", ["/api/openapi.json", "/docs", "/docs/assets/swagger-ui.css"])
async def test_the_contract_and_its_viewer_are_public(
    anonymous: httpx.AsyncClient, path: str
) -> None:
    assert (await anonymous.get(path)).status_code == 200


def test_any_of_several_keys_is_accepted() -> None:
    keys = [b"API-ONE", b"API-TWO"]
    assert key_accepted(b"API-TWO", keys)
    assert not key_accepted(b"API-THREE", keys)
    assert not key_accepted(None, keys)
    assert not key_accepted(b"", keys)
