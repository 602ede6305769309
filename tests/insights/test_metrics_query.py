"""`/metrics` parameters: defaults, case-insensitive enums, and errors that name the parameter."""

from __future__ import annotations

import pytest

from gateway.insights.errors import Invalid
from gateway.insights.metrics import (
    Granularity,
    MetricsQuery,
    Split,
    TimeRange,
    parse_metrics_query,
)
from gateway.insights.problems import Field


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        pytest.param(
            {},
            MetricsQuery(Split.None_, None, TimeRange.LastQuarter, Granularity.Weekly),
            id="defaults",
        ),
        pytest.param(
            {"split": "project", "time_range": "LASTYEAR", "granularity": "daily"},
            MetricsQuery(Split.Project, None, TimeRange.LastYear, Granularity.Daily),
            id="any-case",
        ),
        pytest.param(
            {"split": "TenantTagSet", "tenant_tag_set_id": "TagSets-7"},
            MetricsQuery(Split.TenantTagSet, 7, TimeRange.LastQuarter, Granularity.Weekly),
            id="tenant-tag-set",
        ),
        pytest.param(
            {"split": "Tenant", "tenant_tag_set_id": "nonsense"},
            MetricsQuery(Split.Tenant, None, TimeRange.LastQuarter, Granularity.Weekly),
            id="tag-set-ignored-for-other-splits",
        ),
    ],
)
def test_parse_metrics_query(arguments: dict[str, str], expected: MetricsQuery) -> None:
    assert parse_metrics_query(**arguments) == expected


def test_every_bad_parameter_is_named_at_once() -> None:
    with pytest.raises(Invalid) as raised:
        parse_metrics_query(split="Team", time_range="LastWeek", granularity="Hourly")
    assert raised.value.problems == (
        "The split 'Team' is not valid; it should be one of 'None', 'Project', 'ProjectGroup', "
        "'Environment', 'EnvironmentGroup', 'Tenant', 'TenantTagSet'.",
        "The timeRange 'LastWeek' is not valid; it should be one of 'LastMonth', "
        "'LastQuarter', 'LastYear'.",
        "The granularity 'Hourly' is not valid; it should be one of 'Daily', 'Weekly', 'Monthly'.",
    )


@pytest.mark.parametrize(
    ("tag_set", "problem"),
    [
        pytest.param(
            None, "The tenantTagSetId is required when split is 'TenantTagSet'.", id="missing"
        ),
        pytest.param(
            "Tenants-1",
            "The tenantTagSetId 'Tenants-1' is not a tag set id (like 'TagSets-1').",
            id="wrong-kind",
        ),
    ],
)
def test_tenant_tag_set_split_needs_a_tag_set(tag_set: str | None, problem: str) -> None:
    with pytest.raises(Invalid) as raised:
        parse_metrics_query(split="tenanttagset", tenant_tag_set_id=tag_set)
    assert raised.value.problems == (problem,)


def test_enum_parse_names_parameter() -> None:
    assert Split.parse("environmentgroup", parameter=Field.SPLIT) is Split.EnvironmentGroup
    with pytest.raises(Invalid, match="granularity 'Yearly'"):
        Granularity.parse("Yearly", parameter=Field.GRANULARITY)
