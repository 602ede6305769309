"""Every endpoint against the reference's samples, key by key, with values computed by hand
for the small world in `world.py`."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mock_server.openapi import reference_samples
from tests.mock_server.shapes import assert_shape

pytestmark = pytest.mark.asyncio

DEPLOYMENT_NULLABLE = frozenset(
    {
        "TenantId",
        "TenantName",
        "LeadTime",
        "LeadTimeCalculatedFromVersion",
        "TimeSincePreviouslySuccessfulDeployment",
        "PreviousSuccessfulDeploymentId",
        "TimeToRecovery",
        "DeploymentsUntilRecovery",
        "RecoveredFromFailedDeploymentId",
        "RecoveredFromFailedReleaseVersion",
    }
)
STATS_NULLABLE = frozenset({"Mean", "Median", "Min", "Max", "NinetyFifth"})
REPORT_NULLABLE = frozenset({"Description", "IconId", "IconColor"})

SHOP_REPORT = {
    "SpaceId": "Spaces-1",
    "Name": "Shop in production",
    "Description": "Production deployments of the shop",
    "ProjectGroupIds": ["ProjectGroups-1"],
    "ProjectIds": ["Projects-1"],
    "TenantIds": [],
    "TenantTags": [],
    "TenantMode": "Untenanted",
    "EnvironmentGroups": [{"Name": "Live", "Environments": ["Environments-2"]}],
    "TimeZone": "Europe/London",
}
EVERYTHING = {"SpaceId": "Spaces-1", "Name": "Everything"}


async def create(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/Spaces-1/insights/reports", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def test_root_document_links_to_insights_reports(client: httpx.AsyncClient) -> None:
    response = await client.get("/api")
    assert response.status_code == 200
    document = response.json()
    assert document["Links"]["InsightsReports"] == (
        "/api/{spaceId}/insights/reports{/id}{?skip,take}"
    )
    assert document["Links"]["Self"] == "/api"


async def test_space_document(client: httpx.AsyncClient) -> None:
    document = (await client.get("/api/Spaces-2")).json()
    assert (document["Id"], document["Name"]) == ("Spaces-2", "Other")
    assert document["Links"]["Self"] == "/api/Spaces-2"
    assert document["Links"]["InsightsReports"] == (
        "/api/Spaces-2/insights/reports{/id}{?skip,take}"
    )


async def test_create_answers_the_report_in_the_samples_shape(client: httpx.AsyncClient) -> None:
    created = await create(client, SHOP_REPORT)
    assert_shape(created, reference_samples()["Report"], nullable=REPORT_NULLABLE)
    assert created == {
        "Id": "InsightsReports-1",
        **SHOP_REPORT,
        "TimeZone": "GMT Standard Time",  # returned in Windows form
        "IconId": None,
        "IconColor": None,
        "Links": {
            "Self": "/api/Spaces-1/insights/reports/InsightsReports-1",
            "Logo": "/api/Spaces-1/insights/reports/InsightsReports-1/logo",
        },
    }
    # Written out in the reference's order, nulls included.
    text = (await client.get(created["Links"]["Self"])).text
    assert text.index('"IconId":null') < text.index('"IconColor":null') < text.index('"Links"')


async def test_omitted_properties_take_their_defaults(client: httpx.AsyncClient) -> None:
    created = await create(client, EVERYTHING)
    assert {key: created[key] for key in list(created)[3:13]} == {
        "Description": None,
        "ProjectGroupIds": [],
        "ProjectIds": [],
        "TenantIds": [],
        "TenantTags": [],
        "TenantMode": "TenantedAndUntenanted",
        "EnvironmentGroups": [],
        "TimeZone": "UTC",
        "IconId": None,
        "IconColor": None,
    }


TYPE_PROBLEMS = ("must be a string", "must be an array", "must hold only", "must be an object")


@pytest.mark.parametrize("sample", ["CreateReportRequest", "UpdateReportRequest"])
async def test_the_reference_request_samples_have_the_right_types(
    client: httpx.AsyncClient, sample: str
) -> None:
    await create(client, EVERYTHING)
    path = "/api/Spaces-1/insights/reports"
    body = reference_samples()[sample]
    if sample == "CreateReportRequest":
        response = await client.post(path, json=body)
    else:
        response = await client.put(path + "/InsightsReports-1", json=body)
    # The samples name projects and tenants this world lacks: value problems, never type ones.
    assert response.status_code == 400
    problems = response.json()["Errors"]
    assert any("Tenants-3" in problem for problem in problems)
    assert not [p for p in problems if any(words in p for words in TYPE_PROBLEMS)]


async def test_list_is_the_samples_collection(client: httpx.AsyncClient) -> None:
    await create(client, SHOP_REPORT)
    await create(client, EVERYTHING)
    response = await client.get("/api/Spaces-1/insights/reports")
    page = response.json()
    assert_shape(page, reference_samples()["ReportCollection"], nullable=REPORT_NULLABLE)
    assert [item["Name"] for item in page["Items"]] == ["Everything", "Shop in production"]
    assert page["Links"] == reference_samples()["ReportCollection"]["Links"]
    assert (page["TotalResults"], page["ItemsPerPage"], page["NumberOfPages"]) == (2, 30, 1)


async def test_get_update_and_delete(client: httpx.AsyncClient) -> None:
    created = await create(client, SHOP_REPORT)
    path = created["Links"]["Self"]
    got = await client.get(path)
    assert got.json() == created
    changed = {**SHOP_REPORT, "Id": created["Id"], "Name": "Renamed", "TimeZone": "UTC"}
    updated = await client.put(path, json=changed)
    assert updated.status_code == 200
    assert_shape(updated.json(), reference_samples()["Report"], nullable=REPORT_NULLABLE)
    assert updated.json()["Name"] == "Renamed"
    assert (await client.get(path)).json() == updated.json()
    deleted = await client.delete(path)
    assert (deleted.status_code, deleted.content) == (200, b"")
    assert (await client.get(path)).status_code == 404
    # Ids are never reused.
    assert (await create(client, EVERYTHING))["Id"] != created["Id"]


async def test_deployments_in_the_samples_shape_with_hand_computed_facts(
    client: httpx.AsyncClient,
) -> None:
    report = await create(client, EVERYTHING)
    response = await client.get(report["Links"]["Self"] + "/deployments")
    document = response.json()
    assert_shape(document, reference_samples()["Deployments"], nullable=DEPLOYMENT_NULLABLE)
    assert document["ReportName"] == "Everything"
    api, shop = document["Streams"]
    assert {k: v for k, v in api.items() if k != "Deployments"} == {
        "ProjectId": "Projects-2",
        "ProjectName": "Api",
        "ChannelId": "Channels-2",
        "ChannelName": "Default",
        "EnvironmentId": "Environments-1",
        "EnvironmentName": "Test",
        "TenantId": "Tenants-1",
        "TenantName": "Acme",
    }
    assert api["Deployments"] == [
        {
            "Id": "Deployments-4",
            "ReleaseVersion": "2.0.0",
            "TaskState": "Success",
            "CompletedTime": "2022-08-03T01:30:00.1234567Z",
            "HadGuidedFailure": False,
            "LeadTime": "1:30:00.1234567",
            "LeadTimeCalculatedFromVersion": "2.0.0",
            "TimeSincePreviouslySuccessfulDeployment": None,
            "PreviousSuccessfulDeploymentId": None,
            "TimeToRecovery": None,
            "DeploymentsUntilRecovery": None,
            "RecoveredFromFailedDeploymentId": None,
            "RecoveredFromFailedReleaseVersion": None,
        }
    ]
    assert (shop["ProjectName"], shop["EnvironmentName"], shop["TenantId"], shop["TenantName"]) == (
        "Shop",
        "Production",
        None,
        None,
    )
    ids = [d["Id"] for d in shop["Deployments"]]
    assert ids == ["Deployments-1", "Deployments-2", "Deployments-3", "Deployments-5"]
    recovered = shop["Deployments"][2]
    assert recovered == {
        "Id": "Deployments-3",
        "ReleaseVersion": "1.0.1",
        "TaskState": "Success",
        "CompletedTime": "2022-08-02T12:00:00.0000000Z",
        "HadGuidedFailure": False,
        "LeadTime": "3:00:00.0",
        "LeadTimeCalculatedFromVersion": "1.0.1",
        "TimeSincePreviouslySuccessfulDeployment": "26:00:00.0",
        "PreviousSuccessfulDeploymentId": "Deployments-1",
        "TimeToRecovery": "2:00:00.0",
        "DeploymentsUntilRecovery": 1,
        "RecoveredFromFailedDeploymentId": "Deployments-2",
        "RecoveredFromFailedReleaseVersion": "1.0.1",
    }
    canceled = shop["Deployments"][3]
    assert canceled["TaskState"] == "Canceled"
    assert all(canceled[key] is None for key in list(canceled)[5:])
    # Nulls are written out, not omitted.
    assert '"TimeToRecovery":null' in response.text


EMPTY_DURATIONS = {"Count": 0} | dict.fromkeys(["Mean", "Median", "Min", "Max", "NinetyFifth"])


def empty_interval(start: str) -> dict[str, Any]:
    return {
        "StartOfInterval": start,
        "NumberOfSuccessfulDeployments": 0,
        "LeadTime": EMPTY_DURATIONS,
        "DeploymentFailureRate": {
            "Successful": 0,
            "DeploymentFailure": 0,
            "SuccessfulButHadGuidedFailure": 0,
            "Total": 0,
            "Failed": 0,
            "Rate": 0.0,
        },
        "TimeSincePreviousDeployment": EMPTY_DURATIONS,
        "MeanTimeToRecovery": EMPTY_DURATIONS,
        "DeploymentsUntilRecovery": EMPTY_DURATIONS,
    }


def same(value: Any) -> dict[str, Any]:
    return {"Count": 1} | dict.fromkeys(["Mean", "Median", "Min", "Max", "NinetyFifth"], value)


async def test_metrics_in_the_samples_shape_with_hand_computed_values(
    client: httpx.AsyncClient,
) -> None:
    report = await create(client, EVERYTHING)
    response = await client.get(
        report["Links"]["Self"] + "/metrics", params={"timeRange": "LastMonth"}
    )
    document = response.json()
    assert_shape(document, reference_samples()["Metrics"], nullable=STATS_NULLABLE)
    # now is Saturday 2022-08-20; a month before is Wednesday 07-20, in the week from Sunday 07-17.
    busy = {
        "StartOfInterval": "2022-07-31",
        "NumberOfSuccessfulDeployments": 3,
        "LeadTime": {
            "Count": 3,
            # (1:00:00 + 3:00:00 + 1:30:00.1234567) / 3 = 1:50:00.04115...
            "Mean": "1:50:00.0",
            "Median": "1:30:00.0",
            "Min": "1:00:00.0",
            "Max": "3:00:00.0",
            # 1:30:00.1234567 + 0.9 x (3:00:00 - 1:30:00.1234567) = 2:51:00.0123...
            "NinetyFifth": "2:51:00.0",
        },
        "DeploymentFailureRate": {
            "Successful": 3,
            "DeploymentFailure": 1,
            "SuccessfulButHadGuidedFailure": 0,
            "Total": 4,
            "Failed": 1,
            "Rate": 0.25,
        },
        "TimeSincePreviousDeployment": same("26:00:00.0"),
        "MeanTimeToRecovery": same("2:00:00.0"),
        "DeploymentsUntilRecovery": same(1.0),
    }
    assert document == {
        "Series": [
            {
                "Name": "All",
                "Intervals": [
                    empty_interval("2022-07-17"),
                    empty_interval("2022-07-24"),
                    busy,
                    empty_interval("2022-08-07"),
                    empty_interval("2022-08-14"),
                ],
            }
        ]
    }
    assert '"Rate":0.0' in response.text
    assert '"Mean":1.0' in response.text


@pytest.mark.parametrize(
    ("split", "names"),
    [
        pytest.param("tenant", ["Acme", "Untenanted"], id="tenant"),
        pytest.param("ENVIRONMENT", ["Production", "Test"], id="environment"),
        pytest.param("Project", ["Api", "Shop"], id="project"),
        pytest.param("projectgroup", ["Services", "Web"], id="project-group"),
    ],
)
async def test_metrics_splits_ignore_case(
    client: httpx.AsyncClient, split: str, names: list[str]
) -> None:
    report = await create(client, EVERYTHING)
    response = await client.get(
        report["Links"]["Self"] + "/metrics",
        params={"split": split, "granularity": "monthly", "timerange": "lastyear"},
    )
    series = response.json()["Series"]
    assert [s["Name"] for s in series] == names
    starts = [interval["StartOfInterval"] for interval in series[0]["Intervals"]]
    assert starts[:2] == ["2021-08-01", "2021-09-01"]


async def test_metrics_split_by_tenant_tag_set(client: httpx.AsyncClient) -> None:
    report = await create(client, EVERYTHING)
    response = await client.get(
        report["Links"]["Self"] + "/metrics",
        params={"split": "TenantTagSet", "tenantTagSetId": "TagSets-1", "granularity": "Monthly"},
    )
    series = {s["Name"]: s["Intervals"][-1] for s in response.json()["Series"]}
    assert sorted(series) == ["Europe", "Untenanted"]
    assert series["Europe"]["NumberOfSuccessfulDeployments"] == 1
    assert series["Untenanted"]["DeploymentFailureRate"]["Total"] == 3


async def test_logo_is_an_svg_drawn_from_the_report(client: httpx.AsyncClient) -> None:
    report = await create(client, SHOP_REPORT)
    response = await client.get(report["Links"]["Logo"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.text.startswith("<svg")
    assert ">S</text>" in response.text
