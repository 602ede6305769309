"""Every rule of the core's problems, worded in REST's names and in GraphQL's, with its path."""

from __future__ import annotations

import pytest

from gateway.graphql.problems import GRAPHQL, field_path
from gateway.insights.ids import Kind
from gateway.insights.metrics import Granularity, SeriesKind, Split
from gateway.insights.problems import OCTOPUS, Field, Problem, Rule, describe
from gateway.insights.report import TenantMode
from gateway.insights.ticks import parse_timestamp

F, G = Field, Field.ENVIRONMENT_GROUPS
START, END = parse_timestamp("2026-03-01T00:00:00Z"), parse_timestamp("2026-01-01T00:00:00Z")

CASES = [
    (Problem(Rule.SPACE_MISMATCH, (F.SPACE_ID,), "Spaces-2", other="Spaces-1"),
     "The SpaceId 'Spaces-2' does not match the space in the path, 'Spaces-1'.",
     "The spaceId 'Spaces-2' does not match the space in the path, 'Spaces-1'.", "input.spaceId"),
    (Problem(Rule.ID_MISMATCH, (F.ID,), "InsightsReports-2", other="InsightsReports-1"),
     "The Id 'InsightsReports-2' does not match the report in the path, 'InsightsReports-1'.",
     "The id 'InsightsReports-2' does not match the report in the path, 'InsightsReports-1'.",
     "id"),
    (Problem(Rule.REQUIRED, (F.NAME,)), "The Name is required.", "The name is required.",
     "input.name"),
    (Problem(Rule.TOO_LONG, (G, 1, F.NAME), "x" * 201, limit=200),
     f"The environment group name {'x' * 40!r}... is 201 characters long; the limit is 200.",
     f"The environment group name {'x' * 40!r}... is 201 characters long; the limit is 200.",
     "input.environmentGroups[1].name"),
    (Problem(Rule.LONG_TEXT, (F.DESCRIPTION,), "x" * 4001, limit=4000),
     "The Description is 4,001 characters long; the limit is 4,000.",
     "The description is 4,001 characters long; the limit is 4,000.", "input.description"),
    (Problem(Rule.CONTROL_CHARACTERS, (F.DESCRIPTION,), "a\x00"),
     "The Description holds control characters other than tabs and line breaks.",
     "The description holds control characters other than tabs and line breaks.",
     "input.description"),
    (Problem(Rule.CONTROL_CHARACTERS, (F.NAME,), "a\x07"),
     "The Name 'a\\x07' holds control characters.", "The name 'a\\x07' holds control characters.",
     "input.name"),
    (Problem(Rule.TOO_MANY_ENTRIES, (F.PROJECT_IDS,), 1001, limit=1000),
     "The ProjectIds has 1,001 entries; the limit is 1,000.",
     "The projectIds has 1,001 entries; the limit is 1,000.", "input.projectIds"),
    (Problem(Rule.REPEATED_ENTRY, (G, 0, F.ENVIRONMENTS, 3), "Environments-1", group="Live"),
     "The environment group 'Live' lists 'Environments-1' more than once.",
     "The environment group 'Live' lists 'Environments-1' more than once.",
     "input.environmentGroups[0].environmentIds[3]"),
    (Problem(Rule.NAME_TAKEN, (F.NAME,), "Web", space="Spaces-1"),
     "The Name 'Web' is already used by another report in Spaces-1.",
     "The name 'Web' is already used by another report in Spaces-1.", "input.name"),
    (Problem(Rule.NOT_IN_SPACE, (F.TENANT_IDS, 2), "Tenants-9", kind=Kind.TENANT, space="Spaces-1"),
     "The TenantIds entry 'Tenants-9' is not a tenant in Spaces-1.",
     "The tenantIds entry 'Tenants-9' is not a tenant in Spaces-1.", "input.tenantIds[2]"),
    (Problem(Rule.MALFORMED_ID, (F.TENANT_TAG_SET_ID,), "x", kind=Kind.TAG_SET),
     "The tenantTagSetId 'x' is not a tag set id (like 'TagSets-1').",
     "The tenantTagSetId 'x' is not a tag set id (like 'TagSets-1').", "input.tenantTagSetId"),
    (Problem(Rule.NOT_AN_ID, (F.FILTER_PROJECT_IDS, 1), "x", kind=Kind.PROJECT),
     "The projectIds value 'x' is not an id like 'Projects-1'.",
     "The projectIds value 'x' is not an id like 'Projects-1'.", "input.projectIds[1]"),
    (Problem(Rule.NOT_AN_ID, ("ids", 0), "Acme", kind=Kind.TENANT),
     "The ids value 'Acme' is not an id like 'Tenants-1'.",
     "The ids value 'Acme' is not an id like 'Tenants-1'.", "input.ids[0]"),
    (Problem(Rule.UNKNOWN_TAG, (F.TENANT_TAGS, 0), "A/B", space="Spaces-1"),
     "The TenantTags entry 'A/B' is not a tag in Spaces-1 (tags are written 'Tag Set/Tag').",
     "The tenantTags entry 'A/B' is not a tag in Spaces-1 (tags are written 'Tag Set/Tag').",
     "input.tenantTags[0]"),
    (Problem(Rule.GROUP_NAME_REQUIRED, (G, 2, F.NAME)),
     "Every EnvironmentGroups entry needs a Name.", "Every environmentGroups entry needs a name.",
     "input.environmentGroups[2].name"),
    (Problem(Rule.GROUP_NAME_REPEATED, (G, 1, F.NAME), "live"),
     "The environment group name 'live' is used more than once.",
     "The environment group name 'live' is used more than once.",
     "input.environmentGroups[1].name"),
    (Problem(Rule.ENVIRONMENT_IN_TWO_GROUPS, (G, 1, F.ENVIRONMENTS, 0), "Environments-1",
             other="A", group="B"),
     "The environment 'Environments-1' is in environment groups 'A' and 'B'; an environment "
     "can be in one group only.",
     "The environment 'Environments-1' is in environment groups 'A' and 'B'; an environment "
     "can be in one group only.", "input.environmentGroups[1].environmentIds[0]"),
    (Problem(Rule.NOT_ONE_OF, (F.TENANT_MODE,), "Some", choices=tuple(TenantMode)),
     "The TenantMode 'Some' is not valid; it should be one of 'Untenanted', 'Tenanted', "
     "'TenantedAndUntenanted'.",
     "The tenantMode 'Some' is not valid; it should be one of UNTENANTED, TENANTED, "
     "TENANTED_AND_UNTENANTED.", "input.tenantMode"),
    (Problem(Rule.UNKNOWN_TIME_ZONE, (F.TIME_ZONE,), "Mars/Olympus"),
     "TimeZone 'Mars/Olympus' is not a Windows or IANA time zone name.",
     "timeZone 'Mars/Olympus' is not a Windows or IANA time zone name.", "input.timeZone"),
    (Problem(Rule.TAG_SET_REQUIRED, (F.TENANT_TAG_SET_ID,), choices=(Split.TenantTagSet,)),
     "The tenantTagSetId is required when split is 'TenantTagSet'.",
     "The tenantTagSetId is required when split is TENANT_TAG_SET.", "input.tenantTagSetId"),
    (Problem(Rule.KEY_ID_REQUIRED, (F.SERIES_KEY, F.ID), choices=(SeriesKind.TAG,)),
     "The Id is required for 'Tag' series.", "The id is required for TAG series.",
     "input.seriesKey.id"),
    (Problem(Rule.KEY_ID_UNEXPECTED, (F.SERIES_KEY, F.ID), "x", choices=(SeriesKind.ALL,)),
     "The Id 'x' names nothing: 'All' series have no id.",
     "The id 'x' names nothing: ALL series have no id.", "input.seriesKey.id"),
    (Problem(Rule.UNKNOWN_GROUP, (F.SERIES_KEY, F.ID), "Live"),
     "The Id 'Live' is not an environment group of the report.",
     "The id 'Live' is not an environment group of the report.", "input.seriesKey.id"),
    (Problem(Rule.WINDOW_REVERSED, (F.FROM,), START, other=END),
     "The window starts at 2026-03-01T00:00:00.0000000Z, after its end, "
     "2026-01-01T00:00:00.0000000Z.",
     "The window starts at 2026-03-01T00:00:00.0000000Z, after its end, "
     "2026-01-01T00:00:00.0000000Z.", "input.from"),
    (Problem(Rule.TOO_MANY_INTERVALS, (F.FROM,), END, other=START, limit=10,
             choices=(Granularity.Daily,)),
     "The window from 2026-01-01T00:00:00.0000000Z to 2026-03-01T00:00:00.0000000Z holds more "
     "than 10 daily intervals.",
     "The window from 2026-01-01T00:00:00.0000000Z to 2026-03-01T00:00:00.0000000Z holds more "
     "than 10 daily intervals.", "input.from"),
    (Problem(Rule.OUT_OF_CLOCK_RANGE, (F.TO,), parse_timestamp("9999-01-01T00:00:00Z")),
     "The window must lie from 1900-01-01 to 9000-01-01 (UTC); 9999-01-01T00:00:00.0000000Z "
     "does not.",
     "The window must lie from 1900-01-01 to 9000-01-01 (UTC); 9999-01-01T00:00:00.0000000Z "
     "does not.", "input.to"),
]  # fmt: skip


@pytest.mark.parametrize(("problem", "rest", "graphql", "path"), CASES)
def test_each_server_words_a_problem_in_its_own_names(
    problem: Problem, rest: str, graphql: str, path: str
) -> None:
    assert describe(problem, OCTOPUS) == rest
    assert describe(problem, GRAPHQL) == graphql
    assert field_path(problem.path, root="input") == path


def test_every_rule_is_worded() -> None:
    assert {case[0].rule for case in CASES} == set(Rule)


def test_a_query_argument_has_no_root() -> None:
    assert field_path((F.FILTER_PROJECT_IDS, 3)) == "projectIds[3]"
    assert field_path((F.SERIES_KEY, F.ID)) == "seriesKey.id"
