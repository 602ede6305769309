"""`seed sync` against a small hand-written Octopus Server, in the shapes real servers answer.

The server is a dict of path and query to JSON, served through `httpx.MockTransport`: extra
properties and another property order, 0 to 7 fraction digits, `Z`, `+00:00` and other offsets,
`TenantId` null and absent, runbook tasks and interruptions beside the deployments', a manual
intervention beside guided failures (one from an older server, with no `Type`), collections over
several pages whose `Page.Next` links only the server knows, and a task still executing. What
the store holds is compared with values worked out by hand.
"""

from __future__ import annotations

import calendar
import io
import json
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.octopus.client import OctopusClient, OctopusError
from gateway.octopus.resources import DEPLOYMENT_COLUMNS, ResourceError
from gateway.store.engine import read_info
from seed.datafile import export_store
from seed.sync import SyncSummary, sync_store
from seed.writer import DATA_TABLES, DEPLOYMENT

URL = "https://octopus.example"
KEY = "API-SHAPES0000000000000000000000"
S = "Spaces-1"
PER_PAGE = 2
"""The server answers two items to a page whatever `take` asks, as a capped server may."""

Json = dict[str, Any]


def utc(
    year: int, month: int, day: int, hour: int, minute: int, second: int, ticks: int = 0
) -> int:
    """Ticks (100 ns since 1970, UTC) from the calendar, not from the parser under test."""
    moment = (year, month, day, hour, minute, second, 0, 0, 0)
    return calendar.timegm(moment) * 10_000_000 + ticks


def _links(kind: str, number: int) -> Json:
    return {"Self": f"/api/{S}/{kind}/{kind.title()}-{number}", "Web": f"/app#/{S}/{kind}"}


def catalogue() -> dict[str, list[Json]]:
    return {
        "projectgroups": [
            {"Description": "", "Name": "All", "Id": "ProjectGroups-1", "SpaceId": S,
             "EnvironmentIds": [], "Links": _links("projectgroups", 1)},
        ],
        "projects": [
            {"Id": "Projects-1", "Name": "Shop", "Slug": "shop", "SpaceId": S,
             "ProjectGroupId": "ProjectGroups-1", "LifecycleId": "Lifecycles-1",
             "IsDisabled": False, "TenantedDeploymentMode": "TenantedOrUntenanted",
             "LastModifiedOn": None},
            {"SpaceId": S, "ProjectGroupId": "ProjectGroups-1", "Name": "Billing",
             "Id": "Projects-2", "TenantedDeploymentMode": "Untenanted",
             "Links": _links("projects", 2)},
        ],
        "channels": [
            {"Id": "Channels-1", "SpaceId": S, "ProjectId": "Projects-1", "Name": "Default",
             "IsDefault": True, "LifecycleId": None, "TenantTags": [], "Rules": []},
            {"ProjectId": "Projects-2", "Name": "Default", "IsDefault": True, "Id": "Channels-2",
             "SpaceId": S, "Slug": "default"},
            {"Id": "Channels-3", "SpaceId": S, "ProjectId": "Projects-1", "Name": "Hotfix",
             "IsDefault": False, "TenantTags": ["Region/EU"]},
        ],
        "environments": [
            {"Id": "Environments-1", "SpaceId": S, "Name": "Dev", "Slug": "dev", "SortOrder": 0,
             "UseGuidedFailure": False, "AllowDynamicInfrastructure": True},
            {"SortOrder": 1, "Name": "Production", "Id": "Environments-2", "SpaceId": S,
             "UseGuidedFailure": True, "ExtensionSettings": []},
        ],
        "tagsets": [
            {"Id": "TagSets-1", "SpaceId": S, "Name": "Region", "SortOrder": 0,
             "Type": "MultiSelect",
             "Tags": [{"Id": "Tags-1", "Name": "EU", "CanonicalTagName": "Region/EU",
                       "Color": "#333333", "SortOrder": 0, "Description": None}]},
        ],
        "tenants": [
            {"Id": "Tenants-1", "SpaceId": S, "Name": "Acme", "TenantTags": ["Region/EU"],
             "ProjectEnvironments": {"Projects-1": ["Environments-1", "Environments-2"]},
             "IsDisabled": False, "Slug": "acme"},
        ],
    }  # fmt: skip


def releases() -> list[Json]:
    """Newest first, as Octopus lists them."""
    return [
        {"Id": "Releases-3", "Version": "1.1.0-hotfix", "Assembled": "2024-08-12T19:40:33+10:00",
         "ProjectId": "Projects-1", "ChannelId": "Channels-3", "SpaceId": S,
         "ReleaseNotes": None, "SelectedPackages": [], "Links": _links("releases", 3)},
        {"SpaceId": S, "ProjectId": "Projects-2", "ChannelId": "Channels-2", "Version": "2.0.0",
         "Assembled": "2024-08-11T08:00:00.2+00:00", "Id": "Releases-2", "LastModifiedOn": None},
        {"Assembled": "2024-08-10T07:30:15.2290000Z", "Id": "Releases-1", "SpaceId": S,
         "Version": "1.0.0", "ChannelId": "Channels-1", "ProjectId": "Projects-1"},
    ]  # fmt: skip


def _deployment(number: int, release: int, project: int, channel: int, environment: int,
                task: int, **extra: Any) -> Json:  # fmt: skip
    return {
        "Id": f"Deployments-{number}", "SpaceId": S, "ReleaseId": f"Releases-{release}",
        "Name": f"Deploy to Environments-{environment}", "ProjectId": f"Projects-{project}",
        "ChannelId": f"Channels-{channel}", "EnvironmentId": f"Environments-{environment}",
        "TaskId": f"ServerTasks-{task}", "Created": "2024-08-12T09:00:00.1+00:00",
        "FailureEncountered": False, "Links": _links("deployments", number), **extra,
    }  # fmt: skip


def deployments() -> list[Json]:
    """Newest first; Deployments-4 has no `TenantId` at all."""
    d4 = _deployment(4, 2, 2, 2, 2, 14, UseGuidedFailure=True)
    return [
        _deployment(5, 3, 1, 3, 2, 15, TenantId=None),
        {key: d4[key] for key in reversed(d4)},
        _deployment(3, 3, 1, 3, 1, 12, TenantId="Tenants-1"),
        _deployment(2, 1, 1, 1, 2, 11, TenantId=None),
        _deployment(1, 1, 1, 1, 1, 10, TenantId=None),
    ]


def _task(number: int, state: str, queued: str, started: str | None, completed: str | None,
          name: str = "Deploy") -> Json:  # fmt: skip
    return {
        "Id": f"ServerTasks-{number}", "SpaceId": S, "Name": name, "State": state,
        "Description": f"{name} task {number}", "Arguments": {}, "QueueTime": queued,
        "StartTime": started, "CompletedTime": completed, "IsCompleted": completed is not None,
        "HasPendingInterruptions": False, "Duration": "1 minute", "ErrorMessage": "",
        "Links": {"Self": f"/api/tasks/ServerTasks-{number}"},
    }  # fmt: skip


def tasks() -> list[Json]:
    """Deployments' tasks with runbook runs among them (the runbook runs are never asked for)."""
    return [
        _task(16, "Success", "2024-08-13T01:00:00Z", "2024-08-13T01:00:01Z",
              "2024-08-13T01:00:02Z", name="RunbookRun"),
        _task(15, "Executing", "2024-08-13T08:00:00+10:00", "2024-08-12T22:00:05.1234567Z", None),
        _task(14, "Failed", "2024-08-12T05:00:00-05:00", "2024-08-12T10:00:01.01Z",
              "2024-08-12T10:20:00.0000001+00:00"),
        _task(13, "Failed", "2024-08-12T09:00:00Z", "2024-08-12T09:00:01Z",
              "2024-08-12T09:05:00Z", name="RunbookRun"),
        _task(12, "Success", "2024-08-12T09:50:00Z", "2024-08-12T09:50:02.229+00:00",
              "2024-08-12T09:55:00.2290000Z"),
        _task(11, "Success", "2024-08-11T09:00:00.123456Z", "2024-08-11T09:00:01.1234567+00:00",
              "2024-08-11T09:10:00.12345+00:00"),
        _task(10, "Canceled", "2024-08-10T08:00:00.2+00:00", None, "2024-08-10T08:01:00.000Z"),
    ]  # fmt: skip


def _interruption(number: int, task: int, title: str, related: list[str], **extra: Any) -> Json:
    return {
        "Id": f"Interruptions-{number}", "SpaceId": S, "Title": title,
        "TaskId": f"ServerTasks-{task}", "Created": "2024-08-12T10:10:00.5+00:00",
        "IsPending": False, "RelatedDocumentIds": related,
        "Form": {"Values": {}, "Elements": []}, "Links": _links("interruptions", number), **extra,
    }  # fmt: skip


def interruptions() -> list[Json]:
    guidance = "Deploy Shop release 1.0.0 to Production requires failure guidance"
    return [
        _interruption(5, 12, "Approve the release", ["Deployments-3", "ServerTasks-12"],
                      Type="ManualIntervention"),
        _interruption(4, 13, "Run book requires failure guidance",
                      ["RunbookRuns-1", "ServerTasks-13", "Runbooks-1"], Type="GuidedFailure"),
        _interruption(3, 10, "Please approve", ["Deployments-1", "ServerTasks-10"]),
        _interruption(2, 14, "Deploy Billing requires failure guidance",
                      ["Deployments-4", "ServerTasks-14", "Projects-2"], Type="GuidedFailure"),
        _interruption(1, 11, guidance, []),
    ]  # fmt: skip


def _page(kind: str, items: list[Json], start: int, path: str) -> Json:
    last = max(0, (len(items) - 1) // PER_PAGE)
    links = {
        "Self": f"{path}?skip={start}&take={PER_PAGE}",
        "Template": path + "{?skip,take,ids}",
        "Page.All": f"{path}?skip=0&take=2147483647",
        "Page.Current": f"{path}?skip={start}&take={PER_PAGE}",
        "Page.Last": f"{path}?skip={last * PER_PAGE}&take={PER_PAGE}",
    }
    if start + PER_PAGE < len(items):
        links["Page.Next"] = f"{path}?skip={start + PER_PAGE}&take={PER_PAGE}"
    return {
        "Links": links, "ItemType": kind, "TotalResults": len(items), "ItemsPerPage": PER_PAGE,
        "NumberOfPages": last + 1, "LastPageNumber": last,
        "Items": items[start : start + PER_PAGE],
    }  # fmt: skip


def _error(status: int, message: str) -> httpx.Response:
    return httpx.Response(status, json={"ErrorMessage": message, "Errors": []})


class FakeOctopus:
    """Answers from its lists; a request it does not know is a 404, as Octopus answers."""

    def __init__(self) -> None:
        self.root: Any = {
            "Application": "Octopus Deploy", "Version": "2024.3.12741", "ApiVersion": "3.0.0",
            "Links": {"Spaces": "/api/spaces{/id}{?skip,ids,take}"},
        }  # fmt: skip
        self.catalogue = catalogue()
        self.releases, self.deployments = releases(), deployments()
        self.tasks, self.interruptions = tasks(), interruptions()
        self.seen: list[str] = []
        self.waits: list[float] = []

    def routes(self) -> dict[str, Any]:
        space = {"Id": S, "Name": "Default", "Slug": "default", "IsDefault": True,
                 "SpaceManagersTeams": []}  # fmt: skip
        found: dict[str, Any] = {"/api": self.root, "/api/spaces/all": [space]}
        for name, items in self.catalogue.items():
            found[f"/api/{S}/{name}/all"] = items
        paged = [("Release", "releases", self.releases),
                 ("Deployment", "deployments", self.deployments),
                 ("Interruption", "interruptions", self.interruptions),
                 ("InsightsReport", "insights/reports", [])]  # fmt: skip
        for kind, name, items in paged:
            path = f"/api/{S}/{name}"
            for start in range(0, max(1, len(items)), PER_PAGE):
                page = _page(kind, items, start, path)
                found[f"{path}?take=500" if start == 0 else page["Links"]["Self"]] = page
        return found

    def handler(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode("ascii")
        self.seen.append(target)
        if request.headers.get("X-Octopus-ApiKey") != KEY:
            return _error(401, "You must be logged in to perform this action.")
        ids = request.url.params.get("ids")
        pools = {"/api/tasks": self.tasks, f"/api/{S}/deployments": self.deployments,
                 f"/api/{S}/releases": self.releases}  # fmt: skip
        if ids is not None and request.url.path in pools:
            wanted = set(ids.split(","))
            items = [item for item in pools[request.url.path] if item["Id"] in wanted]
            return httpx.Response(200, json={"ItemType": "Item", "TotalResults": len(items),
                                             "Items": items, "Links": {}})  # fmt: skip
        routes = self.routes()
        if target not in routes:
            return _error(404, "The resource you requested was not found.")
        return httpx.Response(200, json=routes[target])

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)

    def task(self, number: int) -> Json:
        return next(task for task in self.tasks if task["Id"] == f"ServerTasks-{number}")


async def sync(engine: AsyncEngine, server: FakeOctopus, key: str = KEY) -> SyncSummary:
    transport = httpx.MockTransport(server.handler)
    async with OctopusClient(URL, key, transport=transport, sleep=server.sleep) as client:
        return await sync_store(engine, client)


async def stored(engine: AsyncEngine) -> dict[int, tuple[Any, ...]]:
    async with engine.connect() as connection:
        columns = [DEPLOYMENT.c[name] for name in DEPLOYMENT_COLUMNS]
        found = await connection.execute(select(*columns).order_by(DEPLOYMENT.c.id))
        return {row[0]: tuple(row) for row in found}


async def exported(engine: AsyncEngine) -> dict[str, Any]:
    out = io.StringIO()
    await export_store(engine, out)
    document: dict[str, Any] = json.loads(out.getvalue())
    return document


EXPECTED = {
    # id: (id, space, release, project, channel, environment, tenant, state, guided,
    #      queue, start, completed), converted to UTC by hand.
    5: (5, 1, 3, 1, 3, 2, None, "Executing", False,
        utc(2024, 8, 12, 22, 0, 0), utc(2024, 8, 12, 22, 0, 5, 1234567), None),
    4: (4, 1, 2, 2, 2, 2, None, "Failed", True,
        utc(2024, 8, 12, 10, 0, 0), utc(2024, 8, 12, 10, 0, 1, 100000),
        utc(2024, 8, 12, 10, 20, 0, 1)),
    3: (3, 1, 3, 1, 3, 1, 1, "Success", False,
        utc(2024, 8, 12, 9, 50, 0), utc(2024, 8, 12, 9, 50, 2, 2290000),
        utc(2024, 8, 12, 9, 55, 0, 2290000)),
    2: (2, 1, 1, 1, 1, 2, None, "Success", True,
        utc(2024, 8, 11, 9, 0, 0, 1234560), utc(2024, 8, 11, 9, 0, 1, 1234567),
        utc(2024, 8, 11, 9, 10, 0, 1234500)),
    1: (1, 1, 1, 1, 1, 1, None, "Canceled", False,
        utc(2024, 8, 10, 8, 0, 0, 2000000), None, utc(2024, 8, 10, 8, 1, 0)),
}  # fmt: skip


async def test_a_sync_reads_every_shape_into_the_store(engine: AsyncEngine) -> None:
    server = FakeOctopus()
    summary = await sync(engine, server)
    assert await stored(engine) == EXPECTED
    document = await exported(engine)
    assert document["Releases"] == [
        {"Id": "Releases-1", "SpaceId": S, "ProjectId": "Projects-1", "ChannelId": "Channels-1",
         "Version": "1.0.0", "Assembled": "2024-08-10T07:30:15.2290000Z"},
        {"Id": "Releases-2", "SpaceId": S, "ProjectId": "Projects-2", "ChannelId": "Channels-2",
         "Version": "2.0.0", "Assembled": "2024-08-11T08:00:00.2000000Z"},
        {"Id": "Releases-3", "SpaceId": S, "ProjectId": "Projects-1", "ChannelId": "Channels-3",
         "Version": "1.1.0-hotfix", "Assembled": "2024-08-12T09:40:33.0000000Z"},
    ]  # fmt: skip
    assert document["Deployments"][3] == {
        "Id": "Deployments-4", "SpaceId": S, "ReleaseId": "Releases-2",
        "EnvironmentId": "Environments-2", "TenantId": None, "TaskState": "Failed",
        "HadGuidedFailure": True, "QueueTime": "2024-08-12T10:00:00.0000000Z",
        "StartTime": "2024-08-12T10:00:01.0100000Z",
        "CompletedTime": "2024-08-12T10:20:00.0000001Z",
    }  # fmt: skip
    assert [(p["Id"], p["Name"], p["ProjectGroupId"]) for p in document["Projects"]] == [
        ("Projects-1", "Shop", "ProjectGroups-1"),
        ("Projects-2", "Billing", "ProjectGroups-1"),
    ]
    assert document["Tenants"] == [
        {"Id": "Tenants-1", "SpaceId": S, "Name": "Acme", "TenantTags": ["Region/EU"]}
    ]
    assert summary.new["deployment"] == 5
    assert summary.new["release"] == 3
    assert server.waits == []


async def test_pages_are_read_by_the_links_the_server_gives(engine: AsyncEngine) -> None:
    server = FakeOctopus()
    await sync(engine, server)
    for name, pages in (("releases", 2), ("deployments", 3), ("interruptions", 3)):
        path = f"/api/{S}/{name}"
        read = [seen for seen in server.seen if seen.startswith(path + "?") and "ids=" not in seen]
        following = [f"{path}?skip={start}&take=2" for start in range(2, 2 * pages, 2)]
        assert read == [f"{path}?take=500", *following]
    asked = [seen for seen in server.seen if seen.startswith("/api/tasks")]
    assert not any("ServerTasks-13" in seen or "ServerTasks-16" in seen for seen in asked)


async def test_an_unfinished_task_is_read_again_until_it_finishes(engine: AsyncEngine) -> None:
    server = FakeOctopus()
    await sync(engine, server)
    # A guided failure is raised while the task executes: only the flag moves.
    raised = _interruption(6, 15, "Deploy Shop requires failure guidance",
                           ["Deployments-5", "ServerTasks-15"], Type="GuidedFailure")  # fmt: skip
    server.interruptions.insert(0, raised)
    summary = await sync(engine, server)
    guided = (*EXPECTED[5][:8], True, *EXPECTED[5][9:])
    assert await stored(engine) == {**EXPECTED, 5: guided}
    assert (summary.updated["deployment"], summary.new["deployment"]) == (1, 0)
    # Then the task finishes: its state and completion time, in UTC.
    server.task(15).update(State="Success", CompletedTime="2024-08-13T02:35:10.5+02:30")
    server.seen.clear()
    summary = await sync(engine, server)
    finished = (*guided[:7], "Success", True, *guided[9:11], utc(2024, 8, 13, 0, 5, 10, 5000000))
    assert await stored(engine) == {**EXPECTED, 5: finished}
    assert (summary.updated["deployment"], summary.new["deployment"]) == (1, 0)
    # The first page is all known, so the read stops (the page after may be asked ahead).
    assert f"/api/{S}/deployments?skip=4&take=2" not in server.seen
    # Finished, it is not asked for again.
    server.seen.clear()
    summary = await sync(engine, server)
    assert summary.updated["deployment"] == 0
    assert not [seen for seen in server.seen if "ids=" in seen]


async def test_a_deployment_whose_task_is_missing_is_a_clear_error(engine: AsyncEngine) -> None:
    server = FakeOctopus()
    server.tasks.remove(server.task(14))
    with pytest.raises(
        ResourceError, match=r"^Deployments-4: its task ServerTasks-14 was not found"
    ):
        await sync(engine, server)
    assert await stored(engine) == {}


@pytest.mark.parametrize(
    ("where", "value", "named"),
    [
        ("release", "2024-08-11 08:00:00Z", "Releases-2.Assembled"),
        ("task", "2024-08-12T10:00:00", "ServerTasks-14.QueueTime"),
        ("task", "2024-08-12T10:00:00.12345678Z", "ServerTasks-14.QueueTime"),
        ("task", 1723456800, "ServerTasks-14.QueueTime"),
    ],
)
async def test_a_malformed_time_names_the_resource_and_property(
    engine: AsyncEngine, where: str, value: object, named: str
) -> None:
    server = FakeOctopus()
    if where == "release":
        server.releases[1]["Assembled"] = value
    else:
        server.task(14)["QueueTime"] = value
    with pytest.raises(ResourceError, match="^" + named.replace(".", r"\.") + ":") as raised:
        await sync(engine, server)
    assert repr(value) in str(raised.value)


@pytest.mark.parametrize(
    ("key", "root", "message"),
    [
        ("API-WRONG000000000000000000000000", None, "refused the API key (HTTP 401)"),
        (KEY, {"Application": "Jenkins"}, "is not an Octopus Server"),
        (KEY, [], "is not an Octopus Server"),
    ],
)
async def test_a_failing_first_call_leaves_the_store_as_it_was(
    engine: AsyncEngine, key: str, root: Any, message: str
) -> None:
    async with engine.connect() as connection:
        info = await read_info(connection)
    server = FakeOctopus()
    if root is not None:
        server.root = root
    with pytest.raises(OctopusError, match=message.replace("(", r"\(").replace(")", r"\)")):
        await sync(engine, server, key)
    assert server.seen == ["/api"]
    async with engine.connect() as connection:
        assert await read_info(connection) == info
        for table in DATA_TABLES:
            count = await connection.execute(select(func.count()).select_from(table))
            assert count.scalar_one() == 0, table.name


class OctopusWithoutInsights(FakeOctopus):
    """A server before 2022.3 (or without the licence): its Insights routes are 404s."""

    def routes(self) -> dict[str, Any]:
        return {path: page for path, page in super().routes().items() if "insights" not in path}


async def test_a_server_without_insights_is_synced_without_reports(engine: AsyncEngine) -> None:
    summary = await sync(engine, OctopusWithoutInsights())
    assert await stored(engine) == EXPECTED
    assert summary.new["insights_report"] == 0
