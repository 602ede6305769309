"""The report validator: every problem at once, each naming its value."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from gateway.insights.errors import Invalid
from gateway.insights.report import EnvironmentGroup, ReportDraft
from gateway.insights.validation import validate_report
from tests.insights.sample import CATALOGUE

GOOD = ReportDraft(
    space_id="Spaces-1",
    name="High Volume",
    project_group_ids=("ProjectGroups-1",),
    project_ids=("Projects-3",),
    tenant_ids=("Tenants-2",),
    tenant_tags=("Region/Europe", "Tier/Gold"),
    tenant_mode="Tenanted",
    environment_groups=(
        EnvironmentGroup("Test", ("Environments-1", "Environments-2")),
        EnvironmentGroup("Production", ("Environments-3",)),
    ),
    time_zone="AUS Eastern Standard Time",
)


def check(draft: ReportDraft, **options: Any) -> tuple[str, ...]:
    arguments: dict[str, Any] = {"path_space_id": "Spaces-1", "taken_names": ("Other",)}
    arguments.update(options)
    try:
        validate_report(draft, CATALOGUE, **arguments)
    except Invalid as error:
        return error.problems
    return ()


@pytest.mark.parametrize(
    ("draft", "options", "problems"),
    [
        pytest.param(GOOD, {}, (), id="valid-with-windows-zone"),
        pytest.param(replace(GOOD, time_zone="Europe/Berlin"), {}, (), id="valid-with-iana-zone"),
        pytest.param(replace(GOOD, name=" "), {}, ("The Name is required.",), id="blank-name"),
        pytest.param(
            replace(GOOD, name="x" * 201), {},
            (f"The Name {'x' * 40!r}... is 201 characters long; the limit is 200.",),
            id="name-too-long",
        ),
        pytest.param(replace(GOOD, name="x" * 200), {}, (), id="name-of-200-characters"),
        pytest.param(
            replace(GOOD, name="OTHER"), {},
            ("The Name 'OTHER' is already used by another report in Spaces-1.",),
            id="name-taken-ignoring-case",
        ),
        pytest.param(
            GOOD, {"path_space_id": "Spaces-2"},
            ("The SpaceId 'Spaces-1' does not match the space in the path, 'Spaces-2'.",),
            id="space-differs-from-path",
        ),
        pytest.param(
            GOOD, {"path_report_id": "InsightsReports-1", "body_report_id": "InsightsReports-2"},
            ("The Id 'InsightsReports-2' does not match the report in the path, "
             "'InsightsReports-1'.",),
            id="id-differs-from-path",
        ),
        pytest.param(
            GOOD, {"path_report_id": "InsightsReports-1", "body_report_id": "InsightsReports-1"},
            (), id="id-equals-path",
        ),
        pytest.param(
            replace(GOOD, space_id=""), {"path_report_id": "InsightsReports-1"},
            ("The SpaceId is required.", "The Id is required."),
            id="space-and-id-required",
        ),
        pytest.param(
            replace(GOOD, name="a\u0001b"), {}, ("The Name 'a\\x01b' holds control characters.",),
            id="control-character-in-name",
        ),
        pytest.param(
            replace(GOOD, name="a\u0085b"), {}, ("The Name 'a\\x85b' holds control characters.",),
            id="c1-control-character-in-name",
        ),
        pytest.param(
            replace(GOOD, description="line one\n\tline two\r\n"), {}, (),
            id="description-with-line-breaks-and-tabs",
        ),
        pytest.param(
            replace(GOOD, description="bell\u0007"), {},
            ("The Description holds control characters other than tabs and line breaks.",),
            id="control-character-in-description",
        ),
        pytest.param(replace(GOOD, description="x" * 4000), {}, (), id="description-at-limit"),
        pytest.param(
            replace(GOOD, description="x" * 4001), {},
            ("The Description is 4,001 characters long; the limit is 4,000.",),
            id="description-too-long",
        ),
        pytest.param(
            replace(GOOD, project_ids=("Projects-3", "Projects-3"),
                    tenant_tags=("Tier/Gold", "Tier/Gold", "Tier/Gold")), {},
            ("The ProjectIds lists 'Projects-3' more than once.",
             "The TenantTags lists 'Tier/Gold' more than once."),
            id="duplicate-entries",
        ),
        pytest.param(
            replace(GOOD, environment_groups=(
                EnvironmentGroup("Test", ("Environments-1", "Environments-1")),
                EnvironmentGroup("Bad\tname", ("Environments-3",)),
            )), {},
            ("The environment group 'Test' lists 'Environments-1' more than once.",
             "The environment group name 'Bad\\tname' holds control characters."),
            id="environment-group-duplicates-and-control-characters",
        ),
        pytest.param(
            replace(GOOD, name="", project_ids=("Projects-9",) * 1001), {},
            ("The Name is required.", "The ProjectIds has 1,001 entries; the limit is 1,000."),
            id="too-many-entries-stops-the-checks-of-each",
        ),
        pytest.param(
            replace(GOOD, environment_groups=tuple(
                EnvironmentGroup(f"G{n}", ()) for n in range(101)
            )), {},
            ("The EnvironmentGroups has 101 entries; the limit is 100.",),
            id="too-many-environment-groups",
        ),
        pytest.param(
            replace(GOOD, tenant_mode="tenanted"), {},
            ("The TenantMode 'tenanted' is not valid; it should be one of 'Untenanted', "
             "'Tenanted', 'TenantedAndUntenanted'.",),
            id="tenant-mode",
        ),
        pytest.param(
            replace(GOOD, environment_groups=(
                EnvironmentGroup("Test", ("Environments-1",)),
                EnvironmentGroup("test", ("Environments-1",)),
                EnvironmentGroup("", ("Environments-2",)),
            )), {},
            ("The environment group name 'test' is used more than once.",
             "The environment 'Environments-1' is in environment groups 'Test' and 'test'; an "
             "environment can be in one group only.",
             "Every EnvironmentGroups entry needs a Name."),
            id="environment-group-names",
        ),
        pytest.param(
            replace(GOOD, environment_groups=(
                EnvironmentGroup("A", ("Environments-1", "Environments-9")),
                EnvironmentGroup("B", ("Environments-1",)),
            )), {},
            ("The environment 'Environments-9' of environment group 'A' is not an environment "
             "in Spaces-1.",
             "The environment 'Environments-1' is in environment groups 'A' and 'B'; an "
             "environment can be in one group only."),
            id="environment-in-two-groups",
        ),
        pytest.param(
            ReportDraft(
                space_id="Spaces-3",
                name="Other",
                project_group_ids=("ProjectGroups-7",),
                project_ids=("Projects-1", "Environments-1"),
                tenant_ids=("Tenants-4",),
                tenant_tags=("Region/Mars", "Europe"),
                tenant_mode="Everything",
                time_zone="Mars Standard Time",
            ),
            {},
            (
                "The SpaceId 'Spaces-3' does not match the space in the path, 'Spaces-1'.",
                "The Name 'Other' is already used by another report in Spaces-1.",
                "The ProjectGroupIds entry 'ProjectGroups-7' is not a project group in Spaces-1.",
                "The ProjectIds entry 'Environments-1' is not a project in Spaces-1.",
                "The TenantIds entry 'Tenants-4' is not a tenant in Spaces-1.",
                "The TenantTags entry 'Region/Mars' is not a tag in Spaces-1 (tags are written "
                "'Tag Set/Tag').",
                "The TenantTags entry 'Europe' is not a tag in Spaces-1 (tags are written "
                "'Tag Set/Tag').",
                "The TenantMode 'Everything' is not valid; it should be one of 'Untenanted', "
                "'Tenanted', 'TenantedAndUntenanted'.",
                "TimeZone 'Mars Standard Time' is not a Windows or IANA time zone name.",
            ),
            id="every-problem-at-once",
        ),
    ],
)  # fmt: skip
def test_validate_report(
    draft: ReportDraft, options: dict[str, Any], problems: tuple[str, ...]
) -> None:
    assert check(draft, **options) == problems
