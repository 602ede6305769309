"""Report scope: which deployments of the sample space each report and filter keeps."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from gateway.insights.aggregation import compute_metrics
from gateway.insights.deployments import Outcome
from gateway.insights.metrics import Granularity, MetricsQuery, TimeRange
from gateway.insights.report import EnvironmentGroup, Report, TenantMode
from gateway.insights.scope import ReportScope, resolve_scope
from tests.insights.sample import (
    ACME,
    API,
    BILLING,
    BIRCH,
    CATALOGUE,
    COBALT,
    DEV,
    NOW,
    OUTCOMES,
    PRODUCTION,
    SHOP,
    STAGING,
    TEST,
    columns,
)

BASE = Report(id="InsightsReports-1", space_id="Spaces-1", name="r")
EVERY = frozenset({SHOP, API, BILLING})


def report(**changes: Any) -> Report:
    return replace(BASE, **changes)


@pytest.mark.parametrize(
    ("report_", "expected"),
    [
        pytest.param(BASE, ReportScope(EVERY, None, True, None), id="empty-report-everything"),
        pytest.param(
            report(project_group_ids=("ProjectGroups-1",), project_ids=("Projects-2",)),
            ReportScope(frozenset({SHOP, API}), None, True, None),
            id="groups-and-projects-union-no-double-counting",
        ),
        pytest.param(
            report(environment_groups=(
                EnvironmentGroup("Live", ("Environments-3",)),
                EnvironmentGroup("Other", ("Environments-1", "Environments-4")),
            )),
            ReportScope(EVERY, frozenset({PRODUCTION, DEV, STAGING}), True, None, (
                ("Live", frozenset({PRODUCTION})), ("Other", frozenset({DEV, STAGING})),
            )),
            id="environment-groups-union",
        ),
        pytest.param(
            report(tenant_mode=TenantMode.UNTENANTED, tenant_ids=("Tenants-1",)),
            ReportScope(EVERY, None, True, frozenset()),
            id="untenanted-mode-ignores-tenants",
        ),
        pytest.param(
            report(tenant_mode=TenantMode.TENANTED),
            ReportScope(EVERY, None, False, None),
            id="tenanted-mode-every-tenant",
        ),
        pytest.param(
            report(tenant_tags=("Region/Europe", "Region/Asia")),
            ReportScope(EVERY, None, True, frozenset({ACME, BIRCH})),
            id="tags-of-one-set-or",
        ),
        pytest.param(
            report(tenant_tags=("Region/Europe", "Tier/Gold")),
            ReportScope(EVERY, None, True, frozenset({ACME})),
            id="tag-sets-and",
        ),
        pytest.param(
            report(tenant_ids=("Tenants-3",), tenant_tags=("Region/Asia",)),
            ReportScope(EVERY, None, True, frozenset({COBALT, BIRCH})),
            id="tenant-ids-union-tags",
        ),
    ],
)  # fmt: skip
def test_resolve_scope(report_: Report, expected: ReportScope) -> None:
    assert resolve_scope(report_, CATALOGUE) == expected


QUERY = MetricsQuery(time_range=TimeRange.LastMonth, granularity=Granularity.Weekly)


@pytest.mark.parametrize(
    ("report_", "query", "letters"),
    [
        pytest.param(BASE, QUERY, "abcdeghj", id="everything-counted-in-window"),
        pytest.param(report(project_ids=("Projects-1",)), QUERY, "agh", id="project"),
        pytest.param(
            report(project_group_ids=("ProjectGroups-2",), project_ids=("Projects-1",)),
            QUERY, "adegh", id="group-plus-project",
        ),
        pytest.param(
            report(environment_groups=(EnvironmentGroup("Live", ("Environments-3",)),)),
            QUERY, "abc", id="environment-group",
        ),
        pytest.param(report(tenant_mode=TenantMode.UNTENANTED), QUERY, "agh", id="untenanted"),
        pytest.param(report(tenant_mode=TenantMode.TENANTED), QUERY, "bcdej", id="tenanted"),
        pytest.param(
            report(tenant_mode=TenantMode.TENANTED, tenant_ids=("Tenants-3",)),
            QUERY, "e", id="tenanted-selected-tenant",
        ),
        pytest.param(
            report(tenant_ids=("Tenants-1",)), QUERY, "abcgh", id="tenant-and-untenanted",
        ),
        pytest.param(
            report(tenant_mode=TenantMode.TENANTED, tenant_tags=("Region/Europe", "Tier/Gold")),
            QUERY, "bc", id="tag-sets-and",
        ),
        pytest.param(
            BASE, replace(QUERY, project_ids=frozenset({API})), "bcj", id="filter-project"
        ),
        pytest.param(
            BASE, replace(QUERY, environment_ids=frozenset({TEST})), "dej", id="filter-environment"
        ),
        pytest.param(
            BASE, replace(QUERY, tenant_ids=frozenset({BIRCH})), "dj",
            id="filter-tenant-leaves-untenanted-out",
        ),
        pytest.param(
            report(project_ids=("Projects-1",)), replace(QUERY, project_ids=frozenset({API})),
            "", id="filter-cannot-widen-scope",
        ),
    ],
)  # fmt: skip
def test_scope_of_metrics(report_: Report, query: MetricsQuery, letters: str) -> None:
    metrics = compute_metrics(columns(), report=report_, catalogue=CATALOGUE, query=query, now=NOW)
    rates = [interval.failure_rate for interval in metrics.series[0].intervals]
    counted = (
        sum(rate.successful for rate in rates),
        sum(rate.deployment_failure for rate in rates),
        sum(rate.successful_but_had_guided_failure for rate in rates),
    )
    expected = tuple(
        sum(OUTCOMES[letter] is outcome for letter in letters)
        for outcome in (Outcome.SUCCESSFUL, Outcome.FAILED, Outcome.SUCCESS_WITH_GUIDED_FAILURE)
    )
    assert counted == expected
