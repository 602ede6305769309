"""The independent check of the insights core on the seeded demo.

Everything the check uses is read from the tables with plain SQL, and recomputed the slow and
obvious way: the per-deployment facts by scanning each stream's history from its start for
every deployment (SPEC.md, "Per-deployment fields"), then every report's `/metrics` for every
split (TenantTagSet once per tag set of the space), time range and granularity by
`tests.insights.reference`, row by row. Both must equal what the core answers.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    SpaceCatalogue,
    TagInfo,
    TagSetInfo,
    TenantInfo,
)
from gateway.insights.deployments import Outcome, TaskState
from gateway.insights.metrics import Granularity, Metrics, MetricsQuery, Split, TimeRange
from gateway.insights.streams import DeploymentView, StreamView
from gateway.insights.ticks import datetime_from_ticks, ticks_from_datetime
from gateway.insights.timezones import resolve_time_zone
from gateway.store.engine import create_engine
from gateway.store.metrics import report_metrics
from gateway.store.streams import report_streams
from tests.insights.reference import Row, _in_scope, reference_metrics
from tests.seeded import (
    NOW,
    SeededReport,
    metrics_queries,
    seed_store,
    seeded_reports,
    space_number,
)

FINISHED = ("Success", "Failed", "Canceled", "TimedOut")


@dataclass(frozen=True)
class RawRelease:
    id: int
    project_id: int
    channel_id: int
    version: str
    assembled: int

    @property
    def order(self) -> tuple[int, int]:
        return (self.assembled, self.id)


@dataclass(frozen=True)
class RawDeployment:
    """A finished deployment as stored, with its materialized facts."""

    id: int
    release_id: int
    project_id: int
    channel_id: int
    environment_id: int
    tenant_id: int | None
    task_state: str
    had_guided_failure: bool
    completed: int
    facts: tuple[Any, ...]

    @property
    def successful(self) -> bool:
        return self.task_state == "Success" and not self.had_guided_failure

    @property
    def failed(self) -> bool:
        return self.task_state == "Failed" or (
            self.task_state == "Success" and self.had_guided_failure
        )


FACT_COLUMNS = (
    "previous_successful_deployment_id",
    "time_since_previous_success",
    "lead_time",
    "lead_time_release_id",
    "time_to_recovery",
    "deployments_until_recovery",
    "recovered_from_deployment_id",
    "recovered_from_release_id",
)
NO_FACTS = (None,) * len(FACT_COLUMNS)


@dataclass(frozen=True)
class Demo:
    url: str
    releases: dict[int, RawRelease]
    deployments: list[RawDeployment]
    unfinished_with_facts: int
    by_id: dict[int, RawDeployment]
    catalogues: dict[int, SpaceCatalogue]
    rows: dict[int, list[Row]]
    """Reference rows of each space."""
    reports: list[SeededReport]
    channel_names: dict[int, str]


async def _read_demo(url: str) -> Demo:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:

            async def rows(sql: str) -> list[Any]:
                return list((await connection.execute(text(sql))).all())

            releases = {
                row[0]: RawRelease(*row)
                for row in await rows(
                    "SELECT id, project_id, channel_id, version, assembled FROM release"
                )
            }
            facts = ", ".join(f"d.{column}" for column in FACT_COLUMNS)
            finished = ", ".join(f"'{state}'" for state in FINISHED)
            deployments = [
                RawDeployment(*row[:9], facts=tuple(row[9:]))
                for row in await rows(
                    "SELECT d.id, d.release_id, d.project_id, d.channel_id, d.environment_id,"
                    " d.tenant_id, d.task_state, d.had_guided_failure, d.completed_time, "
                    f"{facts} FROM deployment d WHERE d.task_state IN ({finished})"
                )
            ]
            unfinished = await rows(
                "SELECT count(*) FROM deployment d"
                f" WHERE d.task_state NOT IN ({finished}) AND coalesce({facts}) IS NOT NULL"
            )
            reference_rows: dict[int, list[Row]] = defaultdict(list)
            for row in await rows(
                "SELECT d.space_id, d.completed_time, d.task_state, d.had_guided_failure,"
                " r.project_id, d.environment_id, d.tenant_id, d.lead_time,"
                " d.time_since_previous_success, d.time_to_recovery,"
                " d.deployments_until_recovery"
                " FROM deployment d JOIN release r ON r.id = d.release_id"
                " WHERE d.completed_time IS NOT NULL"
            ):
                space, completed, state, guided, *rest = row
                reference_rows[space].append(Row(completed, _outcome(state, guided), *rest))
            catalogues = await _catalogues(rows)
            channel_names = dict(await rows("SELECT id, name FROM channel"))
    finally:
        await engine.dispose()
    return Demo(
        url=url,
        releases=releases,
        deployments=deployments,
        unfinished_with_facts=unfinished[0][0],
        by_id={deployment.id: deployment for deployment in deployments},
        catalogues=catalogues,
        rows=dict(reference_rows),
        reports=await seeded_reports(url),
        channel_names=channel_names,
    )


def _outcome(state: str, guided: bool) -> Outcome:
    if state == "Failed":
        return Outcome.FAILED
    if state == "Success":
        return Outcome.SUCCESS_WITH_GUIDED_FAILURE if guided else Outcome.SUCCESSFUL
    return Outcome.NOT_COUNTED


async def _catalogues(rows: Any) -> dict[int, SpaceCatalogue]:
    tags: dict[int, list[TagInfo]] = defaultdict(list)
    for tag_set, name, canonical in await rows(
        "SELECT tag_set_id, name, canonical_name FROM tag ORDER BY tag_set_id, position"
    ):
        tags[tag_set].append(TagInfo(name, canonical))
    tenant_tags: dict[int, list[str]] = defaultdict(list)
    for tenant, canonical in await rows(
        "SELECT tenant_id, canonical_name FROM tenant_tag ORDER BY tenant_id, position"
    ):
        tenant_tags[tenant].append(canonical)
    spaces: dict[int, dict[str, dict[int, Any]]] = defaultdict(lambda: defaultdict(dict))
    for space, id_, name in await rows("SELECT space_id, id, name FROM project_group"):
        spaces[space]["project_groups"][id_] = ProjectGroupInfo(id_, name)
    for space, id_, name, group in await rows(
        "SELECT space_id, id, name, project_group_id FROM project"
    ):
        spaces[space]["projects"][id_] = ProjectInfo(id_, name, group)
    for space, id_, name, order in await rows(
        "SELECT space_id, id, name, sort_order FROM environment"
    ):
        spaces[space]["environments"][id_] = EnvironmentInfo(id_, name, order)
    for space, id_, name in await rows("SELECT space_id, id, name FROM tenant"):
        spaces[space]["tenants"][id_] = TenantInfo(id_, name, tuple(tenant_tags[id_]))
    for space, id_, name in await rows("SELECT space_id, id, name FROM tag_set"):
        spaces[space]["tag_sets"][id_] = TagSetInfo(id_, name, tuple(tags[id_]))
    return {
        space: SpaceCatalogue(
            space_id=space,
            project_groups=things["project_groups"],
            projects=things["projects"],
            environments=things["environments"],
            tenants=things["tenants"],
            tag_sets=things["tag_sets"],
        )
        for space, things in spaces.items()
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    url = seed_store(Path(tmp_path_factory.mktemp("seeded-demo")))
    return asyncio.run(_read_demo(url))


# The facts, recomputed for each deployment from the start of its stream.


def expected_facts(
    deployment: RawDeployment,
    earlier: list[RawDeployment],
    releases: dict[int, RawRelease],
    channel_releases: list[RawRelease],
) -> tuple[Any, ...]:
    """SPEC.md's per-deployment fields of `deployment`, given the stream's deployments before
    it (in stream order) and every release of its project and channel."""
    if not deployment.successful:
        return NO_FACTS
    successes = [index for index, before in enumerate(earlier) if before.successful]
    previous = earlier[successes[-1]] if successes else None
    deployed = releases[deployment.release_id]
    if previous is None:
        candidates = [r for r in channel_releases if r.order <= deployed.order]
    else:
        after = releases[previous.release_id].order
        candidates = [r for r in channel_releases if after < r.order <= deployed.order]
    lead = min(candidates, key=lambda r: r.order) if candidates else deployed
    since_previous = earlier[successes[-1] + 1 :] if successes else earlier
    failures = [before for before in since_previous if before.failed]
    first = failures[0] if failures else None
    return (
        previous.id if previous else None,
        deployment.completed - previous.completed if previous else None,
        deployment.completed - lead.assembled,
        lead.id,
        deployment.completed - first.completed if first else None,
        len(failures) if failures else None,
        first.id if first else None,
        first.release_id if first else None,
    )


def test_the_materialized_facts_match_a_recomputation_from_the_raw_history(demo: Demo) -> None:
    streams: dict[tuple[Any, ...], list[RawDeployment]] = defaultdict(list)
    for deployment in demo.deployments:
        release = demo.releases[deployment.release_id]
        assert (deployment.project_id, deployment.channel_id) == (
            release.project_id,
            release.channel_id,
        ), f"Deployments-{deployment.id} does not carry its release's project and channel"
        key = (release.project_id, release.channel_id)
        streams[(*key, deployment.environment_id, deployment.tenant_id)].append(deployment)
    by_channel: dict[tuple[int, int], list[RawRelease]] = defaultdict(list)
    for release in demo.releases.values():
        by_channel[release.project_id, release.channel_id].append(release)

    wrong: list[str] = []
    seen: defaultdict[str, int] = defaultdict(int)
    for (project, channel, _, _), stream in streams.items():
        ordered = sorted(stream, key=lambda d: (d.completed, d.id))
        for index, deployment in enumerate(ordered):
            expected = expected_facts(
                deployment, ordered[:index], demo.releases, by_channel[project, channel]
            )
            if deployment.facts != expected:
                wrong.append(f"Deployments-{deployment.id}: {deployment.facts} != {expected}")
            _count_situations(seen, deployment, expected, demo)

    assert not wrong, f"{len(wrong)} deployments differ, e.g.\n" + "\n".join(wrong[:10])
    assert demo.unfinished_with_facts == 0
    # The demo holds every situation the rules distinguish, so the comparison means something.
    assert set(seen) == {
        "first of its stream",
        "with a previous success",
        "not counted",
        "failed",
        "guided failure",
        "recovery after one failure",
        "recovery after several failures",
        "lead time from an earlier release",
        "redeploy or rollback",
    }, dict(seen)


def _count_situations(
    seen: defaultdict[str, int],
    deployment: RawDeployment,
    facts: tuple[Any, ...],
    demo: Demo,
) -> None:
    if not deployment.successful:
        seen["not counted" if not deployment.failed else "failed"] += 1
        if deployment.had_guided_failure:
            seen["guided failure"] += 1
        return
    previous, _, _, lead_release, _, failures, _, _ = facts
    seen["first of its stream" if previous is None else "with a previous success"] += 1
    if failures is not None:
        seen[
            "recovery after one failure" if failures == 1 else "recovery after several failures"
        ] += 1
    if lead_release != deployment.release_id:
        seen["lead time from an earlier release"] += 1
    if previous is not None:
        previous_release = demo.releases[demo.by_id[previous].release_id]
        if previous_release.order >= demo.releases[deployment.release_id].order:
            seen["redeploy or rollback"] += 1


# Every report's metrics against the row-by-row reference.


def _differences(core: Metrics, reference: Metrics) -> str:
    core_names = [s.name for s in core.series]
    reference_names = [s.name for s in reference.series]
    if core_names != reference_names:
        return f"series {core_names} != {reference_names}"
    for mine, theirs in zip(core.series, reference.series, strict=True):
        if len(mine.intervals) != len(theirs.intervals):
            starts = [i.start for i in mine.intervals], [i.start for i in theirs.intervals]
            return f"{mine.name}: interval starts {starts[0]} != {starts[1]}"
        for a, b in zip(mine.intervals, theirs.intervals, strict=True):
            for field in fields(a):
                if getattr(a, field.name) != getattr(b, field.name):
                    return (
                        f"{mine.name} {a.start} {field.name}: "
                        f"{getattr(a, field.name)} != {getattr(b, field.name)}"
                    )
    return "equal"


def _describe(seeded: SeededReport, query: MetricsQuery) -> str:
    tag_set = f" TagSets-{query.tenant_tag_set_id}" if query.tenant_tag_set_id else ""
    return (
        f"{seeded.report.name!r} ({seeded.report.time_zone}) {query.split}{tag_set} "
        f"{query.time_range} {query.granularity}"
    )


@pytest.mark.parametrize("time_range", list(TimeRange), ids=str)
@pytest.mark.parametrize("split", list(Split), ids=str)
async def test_every_report_metrics_match_the_reference(
    demo: Demo, split: Split, time_range: TimeRange
) -> None:
    engine = create_engine(demo.url)
    wrong: list[str] = []
    compared = counted = 0
    try:
        async with engine.connect() as connection:
            for seeded in demo.reports:
                space = space_number(seeded.report)
                for query in metrics_queries(seeded, split, time_range):
                    core = await report_metrics(
                        connection, report=seeded.report, query=query, now=NOW
                    )
                    reference = reference_metrics(
                        demo.rows[space],
                        report=seeded.report,
                        catalogue=demo.catalogues[space],
                        query=query,
                        now=NOW,
                    )
                    compared += 1
                    counted += sum(
                        i.failure_rate.total for s in reference.series for i in s.intervals
                    )
                    if core != reference:
                        wrong.append(f"{_describe(seeded, query)}: {_differences(core, reference)}")
    finally:
        await engine.dispose()
    assert not wrong, f"{len(wrong)} of {compared} differ:\n" + "\n".join(wrong)
    assert compared >= len(demo.reports) * 3
    assert counted > 0


# Every report's streams (`/deployments`) against a scan of the raw deployments.


def _name_order(name: str) -> tuple[str, str]:
    return (name.casefold(), name)


def expected_streams(demo: Demo, seeded: SeededReport) -> list[StreamView]:
    """SPEC.md's `/deployments`: the shown deployments in scope completed from the local midnight
    of the 1st of the month twelve months before now's local month, to now; streams ordered by
    project, channel, environment and tenant name (untenanted first)."""
    report = seeded.report
    space = space_number(report)
    catalogue = demo.catalogues[space]
    zone = resolve_time_zone(report.time_zone)
    local_now = datetime_from_ticks(NOW).astimezone(zone)
    start = ticks_from_datetime(datetime(local_now.year - 1, local_now.month, 1, tzinfo=zone))
    grouped: dict[tuple[int, int, int, int | None], list[RawDeployment]] = defaultdict(list)
    for deployment in demo.deployments:
        release = demo.releases[deployment.release_id]
        row = Row(
            deployment.completed,
            _outcome(deployment.task_state, deployment.had_guided_failure),
            release.project_id,
            deployment.environment_id,
            deployment.tenant_id,
        )
        if release.project_id not in catalogue.projects or not start <= row.completed <= NOW:
            continue
        if _in_scope(row, report, catalogue, MetricsQuery()):
            key = (release.project_id, release.channel_id, row.environment_id, row.tenant_id)
            grouped[key].append(deployment)

    def version(release: int | None) -> str | None:
        return None if release is None else demo.releases[release].version

    streams = []
    for (project, channel, environment, tenant), deployments in grouped.items():
        views = []
        for d in sorted(deployments, key=lambda d: (d.completed, d.id)):
            previous, since, lead, lead_release, recovery, failures, failed, failed_release = (
                d.facts
            )
            views.append(
                DeploymentView(
                    id=d.id,
                    release_version=demo.releases[d.release_id].version,
                    task_state=TaskState(d.task_state),
                    completed=d.completed,
                    had_guided_failure=bool(d.had_guided_failure),
                    lead_time=lead,
                    lead_time_from_version=version(lead_release),
                    time_since_previous_success=since,
                    previous_successful_deployment_id=previous,
                    time_to_recovery=recovery,
                    deployments_until_recovery=failures,
                    recovered_from_deployment_id=failed,
                    recovered_from_release_version=version(failed_release),
                )
            )
        streams.append(
            StreamView(
                project_id=project,
                project_name=catalogue.projects[project].name,
                channel_id=channel,
                channel_name=demo.channel_names[channel],
                environment_id=environment,
                environment_name=catalogue.environments[environment].name,
                tenant_id=tenant,
                tenant_name=None if tenant is None else catalogue.tenants[tenant].name,
                deployments=tuple(views),
            )
        )
    return sorted(
        streams,
        key=lambda s: (
            _name_order(s.project_name),
            _name_order(s.channel_name),
            _name_order(s.environment_name),
            s.tenant_name is not None,
            _name_order(s.tenant_name or ""),
        ),
    )


async def test_every_report_streams_match_a_scan_of_the_deployments(demo: Demo) -> None:
    engine = create_engine(demo.url)
    wrong: list[str] = []
    shown = 0
    try:
        async with engine.connect() as connection:
            for seeded in demo.reports:
                core = await report_streams(connection, report=seeded.report, now=NOW)
                expected = expected_streams(demo, seeded)
                shown += sum(len(s.deployments) for s in expected)
                if core != expected:
                    wrong.append(_stream_difference(seeded, core, expected))
    finally:
        await engine.dispose()
    assert not wrong, "\n".join(wrong)
    assert shown > 1_000


def _stream_difference(
    seeded: SeededReport, core: list[StreamView], expected: list[StreamView]
) -> str:
    def key(stream: StreamView) -> tuple[Any, ...]:
        return (
            stream.project_name,
            stream.channel_name,
            stream.environment_name,
            stream.tenant_name,
        )

    name = seeded.report.name
    if [key(s) for s in core] != [key(s) for s in expected]:
        return f"{name!r}: streams {[key(s) for s in core]} != {[key(s) for s in expected]}"
    for mine, theirs in zip(core, expected, strict=True):
        if mine != theirs:
            for a, b in zip(mine.deployments, theirs.deployments, strict=False):
                if a != b:
                    return f"{name!r} {key(mine)}: {a} != {b}"
            return f"{name!r} {key(mine)}: {len(mine.deployments)} != {len(theirs.deployments)}"
    return f"{name!r}: differs"


def _beyond_octopus(demo: Demo, seeded: SeededReport) -> list[MetricsQuery]:
    """Explicit windows and id filters (the gateway's extras) over a few splits."""
    catalogue = demo.catalogues[space_number(seeded.report)]
    day = 24 * 3_600 * 10_000_000
    filters: list[dict[str, frozenset[int] | None]] = [
        {},
        {"project_ids": frozenset(sorted(catalogue.projects)[::2])},
        {"environment_ids": frozenset(sorted(catalogue.environments)[:3])},
        {"tenant_ids": frozenset(sorted(catalogue.tenants)[1::2])},
    ]
    splits = [(Split.None_, None), (Split.Project, None), (Split.Tenant, None)]
    splits += [(Split.TenantTagSet, tag_set) for tag_set in seeded.tag_set_ids[:1]]
    return [
        MetricsQuery(
            split=split,
            tenant_tag_set_id=tag_set,
            granularity=granularity,
            start=NOW - 40 * day - 1_234_567,
            end=NOW - 5 * day,
            **chosen,
        )
        for split, tag_set in splits
        for granularity in Granularity
        for chosen in filters
    ]


async def test_explicit_windows_and_filters_match_the_reference(demo: Demo) -> None:
    engine = create_engine(demo.url)
    wrong: list[str] = []
    counted = 0
    try:
        async with engine.connect() as connection:
            for seeded in demo.reports:
                space = space_number(seeded.report)
                for query in _beyond_octopus(demo, seeded):
                    core = await report_metrics(
                        connection, report=seeded.report, query=query, now=NOW
                    )
                    reference = reference_metrics(
                        demo.rows[space],
                        report=seeded.report,
                        catalogue=demo.catalogues[space],
                        query=query,
                        now=NOW,
                    )
                    counted += sum(
                        i.failure_rate.total for s in reference.series for i in s.intervals
                    )
                    if core != reference:
                        wrong.append(f"{query}: {_differences(core, reference)}")
    finally:
        await engine.dispose()
    assert not wrong, "\n".join(wrong[:20])
    assert counted > 0
