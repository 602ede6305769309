"""The data file: a hand-written file goes in and comes out exact to the tick; a broken one is
refused whole, with every problem listed and the store left as it was."""

from __future__ import annotations

import asyncio
import copy
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from gateway.store.engine import create_engine
from seed.importing import DataFileError, import_into, parse_document
from tests.seed.conftest import Generated, export_text, sqlite_url


def small_document() -> dict[str, Any]:
    space = {"SpaceId": "Spaces-1"}
    release = {**space, "ProjectId": "Projects-1", "ChannelId": "Channels-1"}
    deployment = {**space, "EnvironmentId": "Environments-1", "TenantId": None}
    return {
        "FormatVersion": 1,
        "Spaces": [{"Id": "Spaces-1", "Name": "Default"}, {"Id": "Spaces-2", "Name": "Other"}],
        "ProjectGroups": [{"Id": "ProjectGroups-1", **space, "Name": "Web"}],
        "Projects": [
            {"Id": "Projects-1", **space, "Name": "Shop", "ProjectGroupId": "ProjectGroups-1"}
        ],
        "Channels": [
            {
                "Id": "Channels-1",
                **space,
                "ProjectId": "Projects-1",
                "Name": "Default",
                "IsDefault": True,
            }
        ],
        "Environments": [
            {"Id": "Environments-1", **space, "Name": "Production", "SortOrder": 3},
            {"Id": "Environments-2", "SpaceId": "Spaces-2", "Name": "Production"},
        ],
        "TagSets": [
            {
                "Id": "TagSets-1",
                **space,
                "Name": "Location",
                "Tags": [{"Name": "Europe", "CanonicalTagName": "Location/Europe"}],
            }
        ],
        "Tenants": [
            {"Id": "Tenants-1", **space, "Name": "Acme", "TenantTags": ["Location/Europe"]}
        ],
        "Releases": [
            {
                "Id": "Releases-1",
                **release,
                "Version": "1.0.0",
                "Assembled": "2022-08-18T13:15:36.524Z",
            },
            {
                "Id": "Releases-2",
                **release,
                "Version": "1.0.1",
                "Assembled": "2022-08-18T23:00:00.0000001+10:00",
            },
        ],
        "Deployments": [
            {
                "Id": "Deployments-1",
                **deployment,
                "ReleaseId": "Releases-1",
                "TaskState": "Failed",
                "HadGuidedFailure": False,
                "QueueTime": "2022-08-18T14:20:00Z",
                "StartTime": "2022-08-18T14:21:00.5Z",
                "CompletedTime": "2022-08-18T14:28:15.9395818Z",
            },
            {
                "Id": "Deployments-2",
                **deployment,
                "ReleaseId": "Releases-2",
                "TaskState": "Success",
                "HadGuidedFailure": False,
                "QueueTime": "2022-08-18T15:20:00Z",
                "StartTime": "2022-08-18T15:21:00Z",
                "CompletedTime": "2022-08-18T15:30:00.1234567Z",
            },
            {
                "Id": "Deployments-10",
                **deployment,
                "ReleaseId": "Releases-2",
                "TenantId": "Tenants-1",
                "TaskState": "Queued",
                "QueueTime": "2022-08-18T16:00:00Z",
                "StartTime": None,
                "CompletedTime": None,
            },
        ],
        "InsightsReports": [{"Id": "InsightsReports-1", **space, "Name": "High Volume Report"}],
    }


def load(url: str, document: dict[str, Any], *, reset: bool = False) -> None:
    async def run() -> None:
        engine = create_engine(url)
        try:
            data = parse_document(document)
            await import_into(engine, data, reset=reset, origin="test")
        finally:
            await engine.dispose()

    asyncio.run(run())


def test_a_hand_written_file_comes_back_in_the_export_form(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "store.db")
    load(url, small_document())
    exported = json.loads(asyncio.run(export_text(url)))
    assert [r["Assembled"] for r in exported["Releases"]] == [
        "2022-08-18T13:15:36.5240000Z",
        "2022-08-18T13:00:00.0000001Z",
    ]
    first, second, queued = exported["Deployments"]
    assert (first["QueueTime"], first["StartTime"], first["CompletedTime"]) == (
        "2022-08-18T14:20:00.0000000Z",
        "2022-08-18T14:21:00.5000000Z",
        "2022-08-18T14:28:15.9395818Z",
    )
    assert second["CompletedTime"] == "2022-08-18T15:30:00.1234567Z"
    assert queued == {
        "Id": "Deployments-10",
        "SpaceId": "Spaces-1",
        "ReleaseId": "Releases-2",
        "EnvironmentId": "Environments-1",
        "TenantId": "Tenants-1",
        "TaskState": "Queued",
        "HadGuidedFailure": False,
        "QueueTime": "2022-08-18T16:00:00.0000000Z",
        "StartTime": None,
        "CompletedTime": None,
    }
    assert exported["Environments"][1]["SortOrder"] == 0
    assert exported["InsightsReports"] == [
        {
            "Id": "InsightsReports-1",
            "SpaceId": "Spaces-1",
            "Name": "High Volume Report",
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
    ]


def test_import_makes_the_facts_exact_to_the_tick(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "store.db")
    load(url, small_document())
    with sqlite3.connect(tmp_path / "store.db") as connection:
        row = connection.execute(
            "SELECT lead_time, lead_time_release_id, time_to_recovery, deployments_until_recovery,"
            " recovered_from_deployment_id FROM deployment WHERE id = 2"
        ).fetchone()
    # Releases-2 was created first (13:00:00.0000001Z), so it is the earliest undeployed one:
    # 15:30:00.1234567 - 13:00:00.0000001 = 2:30:00.1234566.
    # Recovery: 15:30:00.1234567 - 14:28:15.9395818 = 1:01:44.1838749.
    assert row == (90_001_234_566, 2, 37_041_838_749, 1, 1)


def test_generated_store_round_trips_byte_for_byte(generated: Generated, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "copy.db")
    load(url, json.loads(generated.text))
    assert asyncio.run(export_text(url)) == generated.text


def test_a_broken_file_lists_every_problem() -> None:
    document = small_document()
    document["Deployment"] = []
    document["Projects"].append(dict(document["Projects"][0]))
    document["Releases"][0]["Assembled"] = "yesterday"
    document["Tenants"][0]["TenantTags"] = ["Location/Mars"]
    document["Deployments"][0]["ReleaseId"] = "Releases-99"
    document["Deployments"][1]["EnvironmentId"] = "Environments-2"
    document["Deployments"][2]["TaskState"] = "Done"
    document["Deployments"][2]["CompletedTime"] = "2022-08-18T16:05:00Z"
    document["InsightsReports"][0]["TimeZone"] = "Mars/Olympus"
    document["InsightsReports"][0]["ProjectIds"] = ["Projects-7"]
    with pytest.raises(DataFileError) as raised:
        parse_document(document, source="broken.json")
    assert str(raised.value) == "broken.json was not imported: 10 problems; nothing was written"
    assert sorted(raised.value.problems) == sorted(
        [
            "Deployment: is not part of the data file (it has Spaces, ProjectGroups, Projects, "
            "Channels, Environments, TagSets, Tenants, Releases, Deployments, InsightsReports)",
            'Tenants[0].TenantTags[0]: "Location/Mars" is not a tag of Spaces-1',
            "Projects[1].Id: Projects-1 is also the id of Projects[0]",
            'Projects[1].Name: "Shop" is also the name of Projects[0] in Spaces-1',
            "Releases[0].Assembled: 'yesterday' is not an ISO 8601 timestamp with a time zone "
            "(like 2022-08-18T14:28:15.9395818Z)",
            "Deployments[0].ReleaseId: Releases-99 does not exist in Spaces-1",
            "Deployments[1].EnvironmentId: Environments-2 does not exist in Spaces-1 "
            "(it is in Spaces-2)",
            'Deployments[2].TaskState: "Done" is not one of Queued, Executing, Cancelling, '
            "Success, Failed, Canceled, TimedOut",
            "InsightsReports[0]: TimeZone 'Mars/Olympus' is not a Windows or IANA time zone name.",
            "InsightsReports[0]: The ProjectIds entry 'Projects-7' is not a project in Spaces-1.",
        ]
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        pytest.param(
            lambda d: d.update(FormatVersion=2),
            "FormatVersion: 2 is not supported (this version reads 1)",
            id="format-version",
        ),
        pytest.param(
            lambda d: d["Deployments"][0].update(CompletedTime=None),
            "Deployments[0].CompletedTime: is required for a Failed task",
            id="finished-without-completion",
        ),
        pytest.param(
            lambda d: d["Deployments"][2].update(StartTime="2022-08-18T16:01:00Z"),
            "Deployments[2].StartTime: must be null for a Queued task",
            id="queued-with-start",
        ),
        pytest.param(
            lambda d: d["Releases"][1].update(Version="1.0.0"),
            "Releases[1].Version: '1.0.0' appears twice in Projects-1",
            id="version-twice",
        ),
        pytest.param(
            lambda d: d["Releases"][0].update(Assembled="2022-08-18T13:15:36.12345678Z"),
            "Releases[0].Assembled: '2022-08-18T13:15:36.12345678Z' is not an ISO 8601 "
            "timestamp with a time zone (like 2022-08-18T14:28:15.9395818Z)",
            id="eight-fraction-digits",
        ),
        pytest.param(
            lambda d: d["TagSets"][0]["Tags"][0].update(CanonicalTagName="Place/Europe"),
            "TagSets[0].Tags[0].CanonicalTagName: 'Place/Europe' should be 'Location/Europe'",
            id="canonical-name",
        ),
        pytest.param(
            lambda d: d["InsightsReports"][0].update(
                EnvironmentGroups=[
                    {"Name": "Live", "Environments": ["Environments-1"]},
                    {"Name": "live", "Environments": ["Environments-1"]},
                ]
            ),
            "InsightsReports[0]: The environment group name 'live' is used more than once.",
            id="environment-group-names",
        ),
        pytest.param(
            lambda d: d["InsightsReports"][0].update(TenantMode="Some"),
            "InsightsReports[0]: The TenantMode 'Some' is not valid; it should be one of "
            "'Untenanted', 'Tenanted', 'TenantedAndUntenanted'.",
            id="tenant-mode",
        ),
        pytest.param(
            lambda d: d["Environments"][0].update(SortOrder=2**31),
            "Environments[0].SortOrder: 2147483648 must be a whole number from -2147483648 to "
            "2147483647",
            id="sort-order-beyond-32-bits",
        ),
        pytest.param(
            lambda d: d["Projects"][0].update(Name="Sh\u0000op"),
            'Projects[0].Name: "Sh\\u0000op" holds control characters',
            id="control-character-in-a-name",
        ),
        pytest.param(
            lambda d: d["InsightsReports"][0].update(Description="\u001b[31mred"),
            "InsightsReports[0]: The Description holds control characters other than tabs and "
            "line breaks.",
            id="control-character-in-a-report-description",
        ),
        pytest.param(
            lambda d: d["Channels"][0].update(ProjectId="Projects-1x"),
            'Channels[0].ProjectId: "Projects-1x" is not an id like Projects-1',
            id="malformed-id",
        ),
    ],
)
def test_each_rule_names_the_problem(change: Any, problem: str) -> None:
    document = small_document()
    change(document)
    with pytest.raises(DataFileError) as raised:
        parse_document(document)
    assert problem in raised.value.problems


def test_problems_are_listed_up_to_a_limit() -> None:
    document = small_document()
    template = document["Deployments"][0]
    document["Deployments"] = [
        {**template, "Id": f"Deployments-{n}", "ReleaseId": "Releases-99"} for n in range(1, 151)
    ]
    with pytest.raises(DataFileError) as raised:
        parse_document(document)
    assert "150 problems" in str(raised.value)
    assert len(raised.value.problems) == 101
    assert raised.value.problems[-1] == "... and 50 more"


def test_a_refused_file_leaves_the_store_as_it_was(generated: Generated, tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "store.db")
    load(url, small_document())
    before = asyncio.run(export_text(url))
    broken = copy.deepcopy(json.loads(generated.text))
    broken["Deployments"][-1]["ReleaseId"] = "Releases-999999"
    with pytest.raises(DataFileError):
        load(url, broken, reset=True)
    assert asyncio.run(export_text(url)) == before
