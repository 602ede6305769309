"""A deliberately simple second computation of `/metrics`, row by row, for checking the core.

It shares nothing with the core's windows, scope, series or aggregation: dates come from
`datetime.astimezone`, one deployment at a time; statistics from `numpy.percentile` and plain
sums; rounding from `decimal`. Point it at any deployments (hand-made, generated or seeded).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from gateway.insights.catalogue import SpaceCatalogue
from gateway.insights.deployments import Outcome
from gateway.insights.metrics import (
    CountStats,
    DurationStats,
    FailureRate,
    Granularity,
    Interval,
    Metrics,
    MetricsQuery,
    Series,
    SeriesKey,
    SeriesKind,
    Split,
)
from gateway.insights.report import Report, TenantMode
from gateway.insights.ticks import TICKS_PER_SECOND, datetime_from_ticks, ticks_from_datetime
from gateway.insights.timezones import resolve_time_zone


@dataclass(frozen=True)
class Row:
    """One finished deployment with its materialized facts (ticks; None for null)."""

    completed: int
    outcome: Outcome
    project_id: int
    environment_id: int
    tenant_id: int | None
    lead_time: int | None = None
    time_since_previous_success: int | None = None
    time_to_recovery: int | None = None
    deployments_until_recovery: int | None = None


def _number(text: str) -> int:
    return int(text.rsplit("-", 1)[1])


def _in_scope(row: Row, report: Report, catalogue: SpaceCatalogue, query: MetricsQuery) -> bool:
    projects = {_number(p) for p in report.project_ids}
    groups = {_number(g) for g in report.project_group_ids}
    project = catalogue.projects.get(row.project_id)
    if projects or groups:
        if row.project_id not in projects and (
            project is None or project.project_group_id not in groups
        ):
            return False
    elif project is None:
        return False
    if report.environment_groups:
        environments = {_number(e) for g in report.environment_groups for e in g.environments}
        if row.environment_id not in environments:
            return False
    if query.project_ids is not None and row.project_id not in query.project_ids:
        return False
    if query.environment_ids is not None and row.environment_id not in query.environment_ids:
        return False
    if row.tenant_id is None:
        return report.tenant_mode is not TenantMode.TENANTED and query.tenant_ids is None
    if report.tenant_mode is TenantMode.UNTENANTED:
        return False
    if query.tenant_ids is not None and row.tenant_id not in query.tenant_ids:
        return False
    if not report.tenant_ids and not report.tenant_tags:
        return True
    if row.tenant_id in {_number(t) for t in report.tenant_ids}:
        return True
    if not report.tenant_tags:
        return False
    tenant = catalogue.tenants.get(row.tenant_id)
    have = set(tenant.tags if tenant else ())
    for tag_set in catalogue.tag_sets.values():
        wanted = {t.canonical_name for t in tag_set.tags} & set(report.tenant_tags)
        if wanted and not wanted & have:
            return False
    return True


def _first_day(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.Monthly:
        return day.replace(day=1)
    if granularity is Granularity.Weekly:
        while day.strftime("%A") != "Sunday":
            day -= timedelta(days=1)
    return day


def _series_members(
    row: Row, report: Report, catalogue: SpaceCatalogue, query: MetricsQuery
) -> list[tuple[str, SeriesKind, str | None]]:
    """The series a row counts in: each one's name, and the kind and id of the entity."""
    split = query.split
    if split is Split.None_ or (split is Split.EnvironmentGroup and not report.environment_groups):
        return [("All", SeriesKind.ALL, None)]
    if split is Split.Project:
        name = catalogue.projects[row.project_id].name
        return [(name, SeriesKind.PROJECT, f"Projects-{row.project_id}")]
    if split is Split.ProjectGroup:
        group = catalogue.projects[row.project_id].project_group_id
        name = catalogue.project_groups[group].name
        return [(name, SeriesKind.PROJECT_GROUP, f"ProjectGroups-{group}")]
    if split is Split.Environment:
        name = catalogue.environments[row.environment_id].name
        return [(name, SeriesKind.ENVIRONMENT, f"Environments-{row.environment_id}")]
    if split is Split.EnvironmentGroup:
        for group in report.environment_groups:
            if row.environment_id in {_number(e) for e in group.environments}:
                return [(group.name, SeriesKind.ENVIRONMENT_GROUP, group.name)]
        return []
    if row.tenant_id is None:
        return [("Untenanted", SeriesKind.UNTENANTED, None)]
    tenant = catalogue.tenants[row.tenant_id]
    if split is Split.Tenant:
        return [(tenant.name, SeriesKind.TENANT, f"Tenants-{row.tenant_id}")]
    tag_set = catalogue.tag_sets[query.tenant_tag_set_id or 0]
    tags = sorted(
        (tag.name, SeriesKind.TAG, tag.canonical_name)
        for tag in tag_set.tags
        if tag.canonical_name in tenant.tags
    )
    return tags or [("Untagged", SeriesKind.UNTAGGED, f"TagSets-{tag_set.id}")]


def _series_key(members: set[tuple[SeriesKind, str | None]]) -> SeriesKey:
    kinds = {kind for kind, _ in members}
    assert len(kinds) == 1
    ids = sorted((id_ for _, id_ in members if id_ is not None), key=lambda i: (len(i), i))
    return SeriesKey(kinds.pop(), tuple(ids))


def _round_seconds(ticks: float) -> int:
    seconds = Decimal(ticks) / TICKS_PER_SECOND
    return int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * TICKS_PER_SECOND


def _durations(values: list[int]) -> DurationStats:
    if not values:
        return DurationStats(0)
    return DurationStats(
        len(values),
        _round_seconds(sum(values) / len(values)),
        _round_seconds(float(np.percentile(values, 50))),
        _round_seconds(min(values)),
        _round_seconds(max(values)),
        _round_seconds(float(np.percentile(values, 95))),
    )


def _counts(values: list[int]) -> CountStats:
    if not values:
        return CountStats(0)
    return CountStats(
        len(values),
        sum(values) / len(values),
        float(np.percentile(values, 50)),
        float(min(values)),
        float(max(values)),
        float(np.percentile(values, 95)),
    )


def _interval(start: date, bounds: tuple[int, int], rows: list[Row]) -> Interval:
    good = [r for r in rows if r.outcome is Outcome.SUCCESSFUL]
    failure = sum(r.outcome is Outcome.FAILED for r in rows)
    guided = sum(r.outcome is Outcome.SUCCESS_WITH_GUIDED_FAILURE for r in rows)
    total = len(good) + failure + guided
    rate = Decimal(failure + guided) / Decimal(total) if total else Decimal(0)
    return Interval(
        start=start,
        successful_deployments=len(good),
        lead_time=_durations(_set(good, "lead_time")),
        failure_rate=FailureRate(
            len(good),
            failure,
            guided,
            total,
            failure + guided,
            float(rate.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)),
        ),
        time_since_previous_deployment=_durations(_set(good, "time_since_previous_success")),
        time_to_recovery=_durations(_set(good, "time_to_recovery")),
        deployments_until_recovery=_counts(_set(good, "deployments_until_recovery")),
        first=bounds[0],
        last=bounds[1],
    )


def _set(rows: list[Row], field: str) -> list[int]:
    return [v for r in rows if (v := getattr(r, field)) is not None]


def reference_metrics(
    rows: Iterable[Row],
    *,
    report: Report,
    catalogue: SpaceCatalogue,
    query: MetricsQuery,
    now: int,
) -> Metrics:
    """SPEC.md's `/metrics`, computed the slow and obvious way."""
    zone = resolve_time_zone(report.time_zone)
    end = now if query.end is None else query.end
    if query.start is not None:
        start = query.start
        first = _first_day(datetime_from_ticks(start).astimezone(zone).date(), query.granularity)
    else:
        local_end = datetime_from_ticks(end).astimezone(zone).date()
        year, month = local_end.year, local_end.month - query.time_range.months
        while month < 1:
            year, month = year - 1, month + 12
        day = min(local_end.day, calendar.monthrange(year, month)[1])
        first = _first_day(date(year, month, day), query.granularity)
        start = ticks_from_datetime(datetime(first.year, first.month, first.day, tzinfo=zone))
    last = datetime_from_ticks(end).astimezone(zone).date()
    starts = []
    day = first
    while day <= last:
        starts.append(day)
        # A step of 32 days always lands in the next month; _first_day goes back to its 1st.
        step = {Granularity.Daily: 1, Granularity.Weekly: 7, Granularity.Monthly: 32}
        day = _first_day(day + timedelta(days=step[query.granularity]), query.granularity)

    # Each interval from its local midnight (the window's start for the first) to the instant
    # before the next one's (the window's end for the last).
    midnights = [ticks_from_datetime(datetime(s.year, s.month, s.day, tzinfo=zone)) for s in starts]
    bounds = {
        s: (max(midnight, start), min(following - 1, end))
        for s, midnight, following in zip(starts, midnights, [*midnights[1:], end + 1], strict=True)
    }
    grouped: dict[tuple[str, date], list[Row]] = defaultdict(list)
    seen: dict[str, set[tuple[SeriesKind, str | None]]] = defaultdict(set)
    for row in rows:
        if row.outcome is Outcome.NOT_COUNTED or not start <= row.completed <= end:
            continue
        if not _in_scope(row, report, catalogue, query):
            continue
        local = datetime_from_ticks(row.completed).astimezone(zone).date()
        interval = max(s for s in starts if s <= local)
        for name, kind, id_ in _series_members(row, report, catalogue, query):
            grouped[name, interval].append(row)
            seen[name].add((kind, id_))

    if query.split is Split.None_ or (
        query.split is Split.EnvironmentGroup and not report.environment_groups
    ):
        names = ["All"]
        seen = {"All": {(SeriesKind.ALL, None)}}
    elif query.split is Split.EnvironmentGroup:
        names = [g.name for g in report.environment_groups if g.name in seen]
    else:
        names = sorted(seen, key=lambda name: (name.casefold(), name))
    return Metrics(
        tuple(
            Series(
                name,
                tuple(_interval(s, bounds[s], grouped.get((name, s), [])) for s in starts),
                _series_key(seen[name]),
            )
            for name in names
        )
    )
