"""Every error path answers Octopus's error body with the right status, and a failed write
leaves the store as it was."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from mock_server.errors import SERVER_ERROR, ErrorBoundary
from tests.mock_server.conftest import KEY

REPORTS = "/api/Spaces-1/insights/reports"
GOOD = {"SpaceId": "Spaces-1", "Name": "Good"}


def assert_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert list(body) == ["ErrorMessage", "Errors"]
    assert isinstance(body["ErrorMessage"], str)
    assert all(isinstance(problem, str) for problem in body["Errors"])
    return body


async def snapshot(client: httpx.AsyncClient) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = (await client.get(REPORTS, params={"take": 1000})).json()["Items"]
    return items


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(b"{not json", "not valid JSON", id="malformed"),
        pytest.param(b"", "not valid JSON", id="empty"),
        pytest.param(b"\xff\xfe", "not valid JSON", id="not-utf8"),
        pytest.param(b"[1, 2]", "must be a JSON object, not an array", id="array"),
        pytest.param(b'"text"', "must be a JSON object, not a string", id="string"),
    ],
)
async def test_a_body_that_is_not_a_json_object_is_a_400(
    client: httpx.AsyncClient, content: bytes, problem: str
) -> None:
    before = await snapshot(client)
    body = assert_error(await client.post(REPORTS, content=content), 400)
    assert body["ErrorMessage"] == "There was a problem with your request."
    assert problem in body["Errors"][0]
    assert await snapshot(client) == before


async def test_wrong_types_are_all_listed_at_once(client: httpx.AsyncClient) -> None:
    body = assert_error(
        await client.post(
            REPORTS,
            json={
                "SpaceId": 1,
                "Name": ["x"],
                "ProjectIds": "Projects-1",
                "TenantIds": [1],
                "EnvironmentGroups": [{"Name": None, "Environments": "Environments-1"}, 3],
                "TimeZone": False,
            },
        ),
        400,
    )
    assert body["Errors"] == [
        "SpaceId must be a string, not a number.",
        "Name must be a string, not an array.",
        "TimeZone must be a string, not a boolean.",
        "ProjectIds must be an array of strings, not a string.",
        "TenantIds must hold only strings; 1 is not one.",
        "EnvironmentGroups[0].Name must be a string, not null.",
        "EnvironmentGroups[0].Environments must be an array of strings, not a string.",
        "EnvironmentGroups[1] must be an object, not a number.",
    ]
    assert await snapshot(client) == []


async def test_every_validation_problem_is_listed_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    await client.post(REPORTS, json=GOOD)
    before = await snapshot(client)
    body = assert_error(
        await client.post(
            REPORTS,
            json={
                "SpaceId": "Spaces-1",
                "Name": "GOOD",
                "ProjectIds": ["Projects-99"],
                "TenantMode": "Sometimes",
                "TimeZone": "Mars/Olympus",
            },
        ),
        400,
    )
    problems = " ".join(body["Errors"])
    assert len(body["Errors"]) >= 4
    for named in ("GOOD", "Projects-99", "Sometimes", "Mars/Olympus"):
        assert named in problems
    assert await snapshot(client) == before


async def test_a_failed_update_changes_nothing(client: httpx.AsyncClient) -> None:
    created = (await client.post(REPORTS, json=GOOD)).json()
    path = created["Links"]["Self"]
    for body in (
        {**GOOD, "Id": created["Id"], "ProjectIds": ["Projects-99"], "Name": "Changed"},
        {**GOOD, "Id": "InsightsReports-77", "Name": "Changed"},
        {**GOOD, "Id": created["Id"], "SpaceId": "Spaces-2", "Name": "Changed"},
    ):
        assert_error(await client.put(path, json=body), 400)
    assert_error(await client.put(path, content=b"{"), 400)
    assert (await client.get(path)).json() == created


@pytest.mark.parametrize(
    "path",
    [
        "/api/Spaces-9",
        "/api/Spaces-9/insights/reports",
        "/api/Spaces-0/insights/reports",
        "/api/spaces-1/insights/reports",
        "/api/Spaces-2/insights/reports/InsightsReports-1",
        "/api/Spaces-1/insights/reports/InsightsReports-404",
        "/api/Spaces-1/insights/reports/Reports-1",
        "/api/Spaces-1/insights/reports/InsightsReports-404/deployments",
        "/api/Spaces-1/insights/reports/InsightsReports-404/metrics",
        "/api/Spaces-1/insights/reports/InsightsReports-404/logo",
        "/api/Spaces-1/insights/nothing",
        "/api/Spaces-1/insights/reports/InsightsReports-1/more/than/that",
    ],
)
async def test_unknown_spaces_reports_and_paths_are_404(
    client: httpx.AsyncClient, path: str
) -> None:
    await client.post(REPORTS, json=GOOD)
    body = assert_error(await client.get(path), 404)
    assert body["Errors"] == []


async def test_writes_to_unknown_reports_and_spaces_are_404(client: httpx.AsyncClient) -> None:
    assert_error(await client.post("/api/Spaces-9/insights/reports", json=GOOD), 404)
    missing = REPORTS + "/InsightsReports-5"
    assert_error(await client.put(missing, json={**GOOD, "Id": "InsightsReports-5"}), 404)
    assert_error(await client.delete(missing), 404)
    assert await snapshot(client) == []


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/api", "GET"),
        ("DELETE", "/api/Spaces-1", "GET"),
        ("PUT", REPORTS, "GET, HEAD, POST"),
        ("PATCH", REPORTS + "/InsightsReports-1", "GET, HEAD, PUT, DELETE"),
        ("POST", REPORTS + "/InsightsReports-1", "GET, HEAD, PUT, DELETE"),
        ("DELETE", REPORTS + "/InsightsReports-1/metrics", "GET"),
        ("POST", REPORTS + "/InsightsReports-1/deployments", "GET"),
        ("PUT", REPORTS + "/InsightsReports-1/logo", "GET"),
    ],
)
async def test_a_wrong_method_is_405_with_allow(
    client: httpx.AsyncClient, method: str, path: str, allowed: str
) -> None:
    response = await client.request(method, path, json=GOOD)
    body = assert_error(response, 405)
    assert method in body["ErrorMessage"]
    assert set(response.headers["allow"].split(", ")) == set(allowed.split(", ")) | {"HEAD"} - (
        set() if "GET" in allowed else {"HEAD"}
    )
    assert await snapshot(client) == []


@pytest.mark.parametrize(
    ("params", "named"),
    [
        pytest.param({"skip": "-1"}, "skip", id="negative-skip"),
        pytest.param({"take": "x"}, "take", id="text-take"),
        pytest.param({"take": "2147483648"}, "take", id="take-too-big"),
        pytest.param({"skip": "1.5"}, "skip", id="fraction"),
        pytest.param({"skip": ""}, "skip", id="empty"),
    ],
)
async def test_bad_paging_is_a_400_naming_the_parameter(
    client: httpx.AsyncClient, params: dict[str, str], named: str
) -> None:
    body = assert_error(await client.get(REPORTS, params=params), 400)
    assert len(body["Errors"]) == 1
    assert f"The {named} parameter" in body["Errors"][0]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        pytest.param({"split": "Planet"}, ["split", "'TenantTagSet'"], id="split"),
        pytest.param({"timeRange": "LastDecade"}, ["timeRange", "'LastYear'"], id="time-range"),
        pytest.param({"granularity": "Hourly"}, ["granularity", "'Daily'"], id="granularity"),
        pytest.param({"split": "TenantTagSet"}, ["tenantTagSetId"], id="missing-tag-set"),
        pytest.param(
            {"split": "TenantTagSet", "tenantTagSetId": "Location"}, ["Location"], id="bad-tag-set"
        ),
    ],
)
async def test_bad_metrics_parameters_are_a_400_naming_them(
    client: httpx.AsyncClient, params: dict[str, str], named: list[str]
) -> None:
    report = (await client.post(REPORTS, json=GOOD)).json()
    body = assert_error(await client.get(report["Links"]["Self"] + "/metrics", params=params), 400)
    for text in named:
        assert text in body["Errors"][0]


async def test_every_bad_metrics_parameter_is_listed(client: httpx.AsyncClient) -> None:
    report = (await client.post(REPORTS, json=GOOD)).json()
    response = await client.get(
        report["Links"]["Self"] + "/metrics",
        params={"split": "x", "timeRange": "y", "granularity": "z"},
    )
    assert len(assert_error(response, 400)["Errors"]) == 3


async def test_a_tag_set_of_no_one_is_not_a_server_error(client: httpx.AsyncClient) -> None:
    report = (await client.post(REPORTS, json=GOOD)).json()
    response = await client.get(
        report["Links"]["Self"] + "/metrics",
        params={"split": "TenantTagSet", "tenantTagSetId": "TagSets-99"},
    )
    assert response.status_code in (400, 404)
    assert "TagSets-99" in response.json()["ErrorMessage"] + " ".join(response.json()["Errors"])


async def test_a_bug_is_logged_and_answered_with_a_generic_500(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def broken(_request: object) -> None:
        raise RuntimeError("secret detail")

    app = Starlette(routes=[Route("/boom", broken)], middleware=[Middleware(ErrorBoundary)])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as http:
        response = await http.get("/boom")
    body = assert_error(response, 500)
    assert body == {"ErrorMessage": SERVER_ERROR, "Errors": []}
    assert "secret detail" not in response.text
    assert "secret detail" in caplog.text


@pytest.mark.parametrize("method", ["POST", "PUT"])
async def test_a_failure_after_the_write_leaves_nothing_written(
    world: Starlette, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    def failing(_report: object) -> None:
        raise RuntimeError("shaping the answer failed")

    # A client without the contract check: a 500 is what this test provokes.
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world),
        base_url="http://testserver",
        headers={"X-Octopus-ApiKey": KEY},
    ) as client:
        report = (await client.post(REPORTS, json=GOOD)).json()
        before = await snapshot(client)
        monkeypatch.setattr("mock_server.wire.report_resource", failing)
        if method == "POST":
            response = await client.post(REPORTS, json={"SpaceId": "Spaces-1", "Name": "Lost"})
        else:
            changed = {**GOOD, "Id": report["Id"], "Name": "Changed"}
            response = await client.put(report["Links"]["Self"], json=changed)
        assert_error(response, 500)
        monkeypatch.undo()
        assert await snapshot(client) == before


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            b'{"SpaceId": "Spaces-1", "Name": "x", "EnvironmentGroups": '
            b'[{"Name": "\\ud800", "Environments": []}]}',
            "The request body is not valid JSON: the text at $.EnvironmentGroups[0].Name holds "
            "a lone UTF-16 surrogate escape, which is not a Unicode character.",
            id="lone-surrogate",
        ),
        pytest.param(
            b"[" * 10_000,
            "The request body is not valid JSON: it is nested too deeply.",
            id="deep",
        ),
    ],
)
async def test_text_that_is_not_unicode_or_too_deep_is_a_400_and_stores_nothing(
    client: httpx.AsyncClient, content: bytes, problem: str
) -> None:
    before = await snapshot(client)
    body = assert_error(await client.post(REPORTS, content=content), 400)
    assert body["Errors"] == [problem]
    assert await snapshot(client) == before


async def test_a_take_of_thousands_of_digits_is_a_400(client: httpx.AsyncClient) -> None:
    take = "9" * 4301
    body = assert_error(await client.get(REPORTS, params={"take": take}), 400)
    assert body["Errors"] == [
        f"The take parameter must be a whole number from 0 to 2147483647; {take!r} is not."
    ]


async def test_an_answer_lists_100_problems_then_how_many_more(client: httpx.AsyncClient) -> None:
    unknown = [f"Projects-{n}" for n in range(1000, 1150)]
    body = assert_error(await client.post(REPORTS, json={**GOOD, "ProjectIds": unknown}), 400)
    assert body["Errors"] == [
        *(f"The ProjectIds entry {text!r} is not a project in Spaces-1." for text in unknown[:100]),
        "... and 50 more",
    ]
