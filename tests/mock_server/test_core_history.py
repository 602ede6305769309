"""Releases, deployments, tasks, interruptions and events of the small world, worked out by hand.

The world (`world.py`) queues every deployment at 2022-08-01T00:00Z and starts each finished one
then; here Deployments-3 (Success, completed 08-02 12:00) also had a guided failure, and so does
Deployments-6, still Executing. So:
- the interruption of Deployments-3 was raised a third of the way through its 36 hours (08-01
  12:00), it resumed halfway from then (08-02 00:00); that of Deployments-6 was raised at its
  queue time (it has not started) and is still pending;
- events, in time order (then deployment, then Queued < Started < Guided < Resumed < end):
  1-12 at 08-01 00:00: Queued and Started of 1 to 5, Queued of 6, Guided of 6;
  13 Succeeded 1 (08-01 10:00), 14 Guided 3 (08-01 12:00), 15 Resumed 3 (08-02 00:00),
  16 Failed 2 (08-02 10:00), 17 Succeeded 3 (08-02 12:00), 18 Succeeded 4 (08-03 01:30),
  19 Canceled 5 (08-04 00:00).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import update
from starlette.applications import Starlette

from gateway.store.generation import bump_generation
from gateway.store.models import Deployment
from tests.mock_server.conftest import KEY, make_client
from tests.mock_server.pages import get, ids

QUEUED = "2022-08-01T00:00:00+00:00"


@pytest.fixture
async def guided(world: Starlette) -> httpx.AsyncClient:
    table = Deployment.__table__  # type: ignore[attr-defined]
    async with world.state.resources.engine.begin() as connection:
        await connection.execute(
            update(table).where(table.c.id.in_([3, 6])).values(had_guided_failure=True)
        )
        await bump_generation(connection)
    return make_client(world, {"X-Octopus-ApiKey": KEY})


def numbered(prefix: str, *numbers: int) -> list[str]:
    return [f"{prefix}-{number}" for number in numbers]


async def test_releases_newest_first(client: httpx.AsyncClient) -> None:
    page = await get(client, "/api/Spaces-1/releases")
    assert ids(page) == numbered("Releases", 3, 2, 1)
    assert page["Items"][2]["Version"] == "1.0.0"
    assert page["Items"][2]["Assembled"] == "2022-08-01T09:00:00+00:00"
    assert ids(await get(client, "/api/Spaces-1/projects/Projects-1/releases")) == numbered(
        "Releases", 2, 1
    )
    assert (await get(client, "/api/Spaces-1/releases/Releases-3"))["ChannelId"] == "Channels-2"
    assert (await client.get("/api/Spaces-2/releases/Releases-3")).status_code == 404


async def test_a_deployment_resource(client: httpx.AsyncClient) -> None:
    assert await get(client, "/api/Spaces-1/deployments/Deployments-4") == {
        "Id": "Deployments-4",
        "SpaceId": "Spaces-1",
        "Name": "Deploy to Test for Acme",
        "ProjectId": "Projects-2",
        "ReleaseId": "Releases-3",
        "ChannelId": "Channels-2",
        "EnvironmentId": "Environments-1",
        "TenantId": "Tenants-1",
        "TaskId": "ServerTasks-4",
        "Created": QUEUED,
        "QueueTime": None,
        "QueueTimeExpiry": None,
        "FailureEncountered": False,
        "UseGuidedFailure": False,
        "DeploymentProcessId": "deploymentprocess-Projects-2-s3",
        "ManifestVariableSetId": "variableset-Projects-2-s3",
        "DeployedBy": "system",
        "DeployedById": "users-system",
        "Comments": None,
        "Links": {
            "Self": "/api/Spaces-1/deployments/Deployments-4",
            "Release": "/api/Spaces-1/releases/Releases-3",
            "Task": "/api/tasks/ServerTasks-4",
            "Web": "/app#/Spaces-1/deployments/Deployments-4",
        },
    }
    failed = await get(client, "/api/Spaces-1/deployments/Deployments-2")
    assert (failed["Name"], failed["TenantId"], failed["FailureEncountered"]) == (
        "Deploy to Production",
        None,
        True,
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", [6, 5, 4, 3, 2, 1], id="all"),
        pytest.param("?projects=Projects-1", [6, 5, 3, 2, 1], id="project"),
        pytest.param("?environments=Environments-1", [4], id="environment"),
        pytest.param("?channels=Channels-2", [4], id="channel"),
        pytest.param("?tenants=Tenants-1", [4], id="tenant"),
        pytest.param("?taskState=Success", [4, 3, 1], id="state"),
        pytest.param("?taskState=failed,Canceled", [5, 2], id="states-any-case"),
        pytest.param("?ids=Deployments-2,Deployments-5&ids=Deployments-9", [5, 2], id="ids"),
        pytest.param("?projects=Projects-1&environments=Environments-1", [], id="and"),
    ],
)
async def test_deployment_filters(
    client: httpx.AsyncClient, query: str, expected: list[int]
) -> None:
    assert ids(await get(client, f"/api/Spaces-1/deployments{query}")) == numbered(
        "Deployments", *expected
    )


async def test_following_page_next_keeps_the_filters(client: httpx.AsyncClient) -> None:
    url = "/api/Spaces-1/deployments?take=2&projects=Projects-1"
    first = await get(client, url)
    assert first["Links"]["Page.Next"] == (
        "/api/Spaces-1/deployments?skip=2&take=2&projects=Projects-1"
    )
    assert (first["TotalResults"], first["NumberOfPages"]) == (5, 3)
    seen: list[str] = []
    next_url: str | None = url
    while next_url is not None:
        page = await get(client, next_url)
        seen += ids(page)
        next_url = page["Links"].get("Page.Next")
    assert seen == numbered("Deployments", 6, 5, 3, 2, 1)
    last = await get(client, "/api/Spaces-1/deployments?skip=4&take=2")
    assert ids(last) == numbered("Deployments", 2, 1)
    assert last["Links"]["Page.Previous"] == "/api/Spaces-1/deployments?skip=2&take=2"
    everything = await get(client, first["Links"]["Page.All"])
    assert len(everything["Items"]) == 5


async def test_a_task_resource(client: httpx.AsyncClient) -> None:
    assert await get(client, "/api/tasks/ServerTasks-4") == {
        "Id": "ServerTasks-4",
        "SpaceId": "Spaces-1",
        "Name": "Deploy",
        "Description": "Deploy Api release 2.0.0 to Test for Acme",
        "Arguments": {"DeploymentId": "Deployments-4"},
        "State": "Success",
        "QueueTime": QUEUED,
        "QueueTimeExpiry": None,
        "StartTime": QUEUED,
        "LastUpdatedTime": "2022-08-03T01:30:00.1234567+00:00",
        "CompletedTime": "2022-08-03T01:30:00.1234567+00:00",
        "ServerNode": "OCTOPUS-01",
        "Duration": "2 days",
        "ErrorMessage": "",
        "HasBeenPickedUpByProcessor": True,
        "IsCompleted": True,
        "FinishedSuccessfully": True,
        "HasPendingInterruptions": False,
        "CanRerun": True,
        "HasWarningsOrErrors": False,
        "ProjectId": "Projects-2",
        "Links": {"Self": "/api/tasks/ServerTasks-4", "Web": "/app#/Spaces-1/tasks/ServerTasks-4"},
    }
    running = await get(client, "/api/tasks/ServerTasks-6")
    assert {key: running[key] for key in ("State", "StartTime", "CompletedTime", "Duration")} == {
        "State": "Executing",
        "StartTime": None,
        "CompletedTime": None,
        "Duration": "0 seconds",
    }
    assert (running["IsCompleted"], running["ServerNode"], running["LastUpdatedTime"]) == (
        False,
        None,
        QUEUED,
    )
    failed = await get(client, "/api/tasks/ServerTasks-2")
    assert (failed["Duration"], failed["FinishedSuccessfully"]) == ("1 day", False)
    assert failed["ErrorMessage"].startswith("The deployment failed")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", [6, 5, 4, 3, 2, 1], id="all"),
        pytest.param("?states=Success", [4, 3, 1], id="state"),
        pytest.param("?states=Failed,Canceled", [5, 2], id="states"),
        pytest.param("?active=true", [6], id="active"),
        pytest.param("?running=true", [6], id="running"),
        pytest.param("?active=false", [6, 5, 4, 3, 2, 1], id="not-active-is-no-filter"),
        pytest.param("?hasPendingInterruptions=true", [6], id="pending-interruption"),
        pytest.param("?project=Projects-2", [4], id="project"),
        pytest.param("?environment=Environments-1", [4], id="environment"),
        pytest.param("?tenant=Tenants-1", [4], id="tenant"),
        pytest.param(
            "?fromCompletedDate=2022-08-02&toCompletedDate=2022-08-03", [4, 3, 2], id="completed"
        ),
        pytest.param(
            "?fromCompletedDate=2022-08-02T11:00:00%2B01:00", [5, 4, 3, 2], id="completed-offset"
        ),
        pytest.param("?fromStartDate=2022-08-01T00:00:00.0000001Z", [], id="started-tick-later"),
        pytest.param("?name=deploy", [6, 5, 4, 3, 2, 1], id="deploy-tasks"),
        pytest.param("?name=Health", [], id="no-other-tasks"),
        pytest.param("?spaces=Spaces-2", [], id="other-space"),
        pytest.param("?ids=ServerTasks-2&ids=ServerTasks-5", [5, 2], id="repeated-ids"),
    ],
)
async def test_task_filters(guided: httpx.AsyncClient, query: str, expected: list[int]) -> None:
    assert ids(await get(guided, f"/api/tasks{query}")) == numbered("ServerTasks", *expected)


async def test_a_space_lists_its_own_tasks(client: httpx.AsyncClient) -> None:
    assert ids(await get(client, "/api/Spaces-1/tasks?take=2")) == numbered("ServerTasks", 6, 5)
    assert (await get(client, "/api/Spaces-2/tasks"))["TotalResults"] == 0
    assert (await client.get("/api/Spaces-9/tasks")).status_code == 404


async def test_bad_task_filters_are_listed_together(client: httpx.AsyncClient) -> None:
    response = await client.get(
        "/api/tasks?states=Done&ids=Deployments-1&active=yes&fromQueueDate=last+week"
    )
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "The states value 'Done' is not one of Queued, Executing, Cancelling, Success, Failed, "
        "Canceled, TimedOut.",
        "The active parameter must be true or false; 'yes' is not.",
        "The ids value 'Deployments-1' is not an id like 'ServerTasks-1'.",
        "The fromQueueDate parameter must be a date (2022-08-01) or an ISO 8601 timestamp with "
        "a time zone (2022-08-01T10:00:00Z); 'last week' is neither.",
    ]


async def test_interruptions_come_from_guided_failures(guided: httpx.AsyncClient) -> None:
    page = await get(guided, "/api/Spaces-1/interruptions")
    assert ids(page) == numbered("Interruptions", 6, 3)
    pending, resolved = page["Items"]
    assert {key: resolved[key] for key in ("Type", "Created", "IsPending", "TaskId")} == {
        "Type": "GuidedFailure",
        "Created": "2022-08-01T12:00:00+00:00",
        "IsPending": False,
        "TaskId": "ServerTasks-3",
    }
    assert resolved["Title"] == "Deploy Shop release 1.0.1 to Production requires failure guidance"
    assert resolved["RelatedDocumentIds"] == [
        "Deployments-3",
        "ServerTasks-3",
        "Projects-1",
        "Environments-2",
    ]
    assert resolved["Form"]["Values"] == {"Guidance": "Ignore"}
    assert (pending["Created"], pending["IsPending"]) == (QUEUED, True)
    assert pending["Form"]["Values"] == {"Guidance": None}
    assert ids(await get(guided, "/api/Spaces-1/interruptions?pendingOnly=true")) == [
        "Interruptions-6"
    ]
    for document in ("ServerTasks-3", "Deployments-3", "Interruptions-3"):
        found = await get(guided, f"/api/Spaces-1/interruptions?regarding={document}")
        assert ids(found) == ["Interruptions-3"], document
    assert ids(await get(guided, "/api/Spaces-1/interruptions?regarding=Projects-2")) == []
    assert ids(await get(guided, "/api/Spaces-1/interruptions?regarding=Users-1")) == []
    assert (await get(guided, "/api/Spaces-1/interruptions/Interruptions-3"))["IsPending"] is False
    task = await get(guided, "/api/tasks/ServerTasks-6")
    assert (task["HasPendingInterruptions"], task["HasWarningsOrErrors"]) == (True, True)


async def test_no_guided_failure_no_interruption(client: httpx.AsyncClient) -> None:
    assert (await get(client, "/api/Spaces-1/interruptions"))["TotalResults"] == 0
    response = await client.get("/api/Spaces-1/interruptions/Interruptions-3")
    assert response.status_code == 404
    assert response.json()["ErrorMessage"] == "The resource 'Interruptions-3' was not found."


EVENTS = [
    (19, "TaskCanceled", 5),
    (18, "DeploymentSucceeded", 4),
    (17, "DeploymentSucceeded", 3),
    (16, "DeploymentFailed", 2),
    (15, "DeploymentResumed", 3),
    (14, "GuidedFailureInterruptionRaised", 3),
    (13, "DeploymentSucceeded", 1),
    (12, "GuidedFailureInterruptionRaised", 6),
    (11, "DeploymentQueued", 6),
    (10, "DeploymentStarted", 5),
    (9, "DeploymentQueued", 5),
    (8, "DeploymentStarted", 4),
    (7, "DeploymentQueued", 4),
    (6, "DeploymentStarted", 3),
    (5, "DeploymentQueued", 3),
    (4, "DeploymentStarted", 2),
    (3, "DeploymentQueued", 2),
    (2, "DeploymentStarted", 1),
    (1, "DeploymentQueued", 1),
]


def summary(page: dict[str, Any]) -> list[tuple[int, str, int]]:
    return [
        (
            int(event["Id"].split("-")[1]),
            event["Category"],
            int(event["RelatedDocumentIds"][0].split("-")[1]),
        )
        for event in page["Items"]
    ]


async def test_every_event_newest_first(guided: httpx.AsyncClient) -> None:
    page = await get(guided, "/api/events?take=100")
    assert summary(page) == EVENTS
    assert page["TotalResults"] == 19
    assert [e["Occurred"] for e in page["Items"][:7]] == [
        "2022-08-04T00:00:00+00:00",
        "2022-08-03T01:30:00.1234567+00:00",
        "2022-08-02T12:00:00+00:00",
        "2022-08-02T10:00:00+00:00",
        "2022-08-02T00:00:00+00:00",
        "2022-08-01T12:00:00+00:00",
        "2022-08-01T10:00:00+00:00",
    ]
    assert summary(await get(guided, "/api/Spaces-1/events?skip=17&take=5")) == EVENTS[17:]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("eventCategories=DeploymentSucceeded", [18, 17, 13], id="category"),
        pytest.param("eventCategories=TaskCanceled,DeploymentFailed", [19, 16], id="categories"),
        pytest.param("eventCategories=MachineAdded", [], id="a-category-never-derived"),
        pytest.param("regarding=Deployments-3", [17, 15, 14, 6, 5], id="deployment"),
        pytest.param("regarding=ServerTasks-3", [17, 15, 14, 6, 5], id="task"),
        pytest.param("regarding=Interruptions-3", [14], id="interruption"),
        pytest.param("regarding=Projects-2", [18, 8, 7], id="project"),
        pytest.param("regarding=Tenants-1", [18, 8, 7], id="tenant"),
        pytest.param("regarding=Releases-1", [13, 2, 1], id="release"),
        pytest.param("from=2022-08-02T00:00:00Z&to=2022-08-02", [17, 16, 15], id="from-to"),
        pytest.param("fromAutoId=15&toAutoId=17", [17, 16, 15], id="auto-ids"),
        pytest.param("fromAutoId=18", [19, 18], id="from-auto-id"),
        pytest.param("ids=Events-2,Events-14", [14, 2], id="ids"),
        pytest.param("spaces=Spaces-2", [], id="other-space"),
    ],
)
async def test_event_filters(guided: httpx.AsyncClient, query: str, expected: list[int]) -> None:
    page = await get(guided, f"/api/events?take=100&{query}")
    assert [number for number, _, _ in summary(page)] == expected


async def test_an_event_names_its_documents(guided: httpx.AsyncClient) -> None:
    event = await get(guided, "/api/events/Events-8")
    message = "Deploy to Test for Acme started for Api release 2.0.0 to Test for Acme"
    assert {key: event[key] for key in ("Category", "Occurred", "Message", "SpaceId")} == {
        "Category": "DeploymentStarted",
        "Occurred": QUEUED,
        "Message": message,
        "SpaceId": "Spaces-1",
    }
    assert event["RelatedDocumentIds"] == [
        "Deployments-4",
        "Projects-2",
        "Releases-3",
        "Environments-1",
        "Tenants-1",
        "ServerTasks-4",
        "Channels-2",
    ]
    references = {r["ReferencedDocumentId"]: r for r in event["MessageReferences"]}
    for document, text in [
        ("Deployments-4", "Deploy to Test for Acme"),
        ("Projects-2", "Api"),
        ("Releases-3", "2.0.0"),
        ("Environments-1", "Test"),
        ("Tenants-1", "Acme"),
    ]:
        reference = references[document]
        assert message[reference["StartIndex"] :][: reference["Length"]] == text
    queued = await get(guided, "/api/events/Events-7")
    assert queued["Message"] == (
        "Scheduled to deploy Api release 2.0.0 to Test for Acme at Monday, 01 August 2022 "
        "12:00 AM +00:00"
    )
    raised = await get(guided, "/api/events/Events-14")
    assert raised["RelatedDocumentIds"][-1] == "Interruptions-3"
    assert (await guided.get("/api/events/Events-20")).status_code == 404


async def test_bad_event_filters(guided: httpx.AsyncClient) -> None:
    response = await guided.get("/api/events?regarding=nothing&fromAutoId=-3&ids=3")
    assert response.status_code == 400
    assert response.json()["Errors"] == [
        "The regarding value 'nothing' is not a document id like 'Deployments-1'.",
        "The ids value '3' is not an id like 'Events-1'.",
        "The fromAutoId parameter must be a whole number; '-3' is not.",
    ]
