"""A data file's reports are checked by the core's report validator against the file's own
spaces; every problem is listed at once, prefixed with the report's place."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from seed.importing import DataFileError, parse_document
from tests.seed.conftest import export_text, sqlite_url
from tests.seed.test_datafile import load, small_document

Change = Callable[[dict[str, Any]], None]


def with_other_space(document: dict[str, Any]) -> dict[str, Any]:
    """The small document plus a project group, project, tag set and tenant in Spaces-2."""
    other = {"SpaceId": "Spaces-2"}
    document["ProjectGroups"].append({"Id": "ProjectGroups-2", **other, "Name": "Ops"})
    document["Projects"].append(
        {"Id": "Projects-2", **other, "Name": "Tool", "ProjectGroupId": "ProjectGroups-2"}
    )
    document["TagSets"].append(
        {"Id": "TagSets-2", **other, "Name": "Tier", "Tags": [{"Name": "Gold"}]}
    )
    document["Tenants"].append(
        {"Id": "Tenants-2", **other, "Name": "Beta", "TenantTags": ["Tier/Gold"]}
    )
    return document


def problems_of(change: Change) -> list[str]:
    document = with_other_space(small_document())
    change(document)
    with pytest.raises(DataFileError) as raised:
        parse_document(document)
    return raised.value.problems


def report(document: dict[str, Any], index: int = 0) -> dict[str, Any]:
    reports: list[dict[str, Any]] = document["InsightsReports"]
    while len(reports) <= index:
        reports.append({"Id": f"InsightsReports-{len(reports) + 1}", "SpaceId": "Spaces-1"})
    return reports[index]


def test_a_report_may_use_everything_its_space_holds(tmp_path: Path) -> None:
    document = with_other_space(small_document())
    report(document).update(
        ProjectGroupIds=["ProjectGroups-1"],
        ProjectIds=["Projects-1"],
        TenantIds=["Tenants-1"],
        TenantTags=["Location/Europe"],
        TenantMode="Tenanted",
        EnvironmentGroups=[{"Name": "Live", "Environments": ["Environments-1"]}],
        TimeZone="AUS Eastern Standard Time",
    )
    report(document, 1).update(
        SpaceId="Spaces-2",
        Name="High Volume Report",
        ProjectIds=["Projects-2"],
        TenantTags=["Tier/Gold"],
        TimeZone="Europe/London",
    )
    url = sqlite_url(tmp_path / "store.db")
    load(url, document)
    first, second = json.loads(asyncio.run(export_text(url)))["InsightsReports"]
    assert (first["TenantTags"], first["TimeZone"], first["EnvironmentGroups"]) == (
        ["Location/Europe"],
        "AUS Eastern Standard Time",
        [{"Name": "Live", "Environments": ["Environments-1"]}],
    )
    assert (second["SpaceId"], second["Name"], second["TimeZone"]) == (
        "Spaces-2",
        "High Volume Report",
        "Europe/London",
    )


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        pytest.param(
            lambda d: report(d).update(
                SpaceId="Spaces-2",
                ProjectIds=["Projects-1", "Projects-2"],
                ProjectGroupIds=["ProjectGroups-1"],
                TenantIds=["Tenants-1"],
                TenantTags=["Location/Europe", "Tier/Gold"],
                EnvironmentGroups=[{"Name": "Live", "Environments": ["Environments-1"]}],
            ),
            [
                "InsightsReports[0]: The ProjectGroupIds entry 'ProjectGroups-1' is not a "
                "project group in Spaces-2.",
                "InsightsReports[0]: The ProjectIds entry 'Projects-1' is not a project in "
                "Spaces-2.",
                "InsightsReports[0]: The TenantIds entry 'Tenants-1' is not a tenant in Spaces-2.",
                "InsightsReports[0]: The TenantTags entry 'Location/Europe' is not a tag in "
                "Spaces-2 (tags are written 'Tag Set/Tag').",
                "InsightsReports[0]: The environment 'Environments-1' of environment group "
                "'Live' is not an environment in Spaces-2.",
            ],
            id="references-stay-in-the-space",
        ),
        pytest.param(
            lambda d: report(d, 1).update(Name="HIGH volume report"),
            [
                "InsightsReports[1]: The Name 'HIGH volume report' is already used by another "
                "report in Spaces-1."
            ],
            id="name-taken-ignoring-case",
        ),
        pytest.param(
            lambda d: report(d).update(Name="  ", TimeZone="Mars/Olympus"),
            [
                "InsightsReports[0]: The Name is required.",
                "InsightsReports[0]: TimeZone 'Mars/Olympus' is not a Windows or IANA time "
                "zone name.",
            ],
            id="blank-name-and-unknown-zone",
        ),
        pytest.param(
            lambda d: report(d).update(SpaceId="Spaces-9", ProjectIds=["Projects-1"], TimeZone=""),
            [
                "InsightsReports[0].SpaceId: Spaces-9 does not exist",
                "InsightsReports[0]: TimeZone '' is not a Windows or IANA time zone name.",
            ],
            id="no-space-still-checks-the-rest",
        ),
        pytest.param(
            lambda d: (
                report(d).update(
                    Name=5, ProjectIds="Projects-1", EnvironmentGroups=[{"Environments": [3]}]
                ),
                report(d, 1).update(Name="Second", TenantMode="tenanted"),
                report(d, 2).update(Name="Third", TenantMode=""),
            ),
            [
                "InsightsReports[0].Name: 5 must be text or null",
                'InsightsReports[0].ProjectIds: "Projects-1" must be an array',
                "InsightsReports[0].EnvironmentGroups[0].Environments: 3 must be text",
                "InsightsReports[1]: The TenantMode 'tenanted' is not valid; it should be one "
                "of 'Untenanted', 'Tenanted', 'TenantedAndUntenanted'.",
                "InsightsReports[2]: The TenantMode '' is not valid; it should be one of "
                "'Untenanted', 'Tenanted', 'TenantedAndUntenanted'.",
            ],
            id="types-first-and-every-report-checked",
        ),
    ],
)
def test_report_problems_are_the_validators_with_their_place(
    change: Change, expected: list[str]
) -> None:
    assert problems_of(change) == expected


def test_same_name_in_another_space_is_allowed() -> None:
    document = with_other_space(small_document())
    report(document, 1).update(SpaceId="Spaces-2", Name="High Volume Report")
    assert len(parse_document(document).rows["insights_report"]) == 2
