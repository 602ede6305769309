"""The company's history as one stream of events in time order, in batches that cross from the
producer's process to the writer's, and as rows numbered in that order.

This module imports no database code, so that a producer process starts quickly.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from gateway.insights.ticks import TICKS_PER_DAY
from seed.calendar import months_before
from seed.company import CompanyPlan, plan_company
from seed.defaults import HISTORY_MONTHS
from seed.history import ProjectHistory
from seed.records import RELEASE, Event

EVENT_BATCH = 10_000
"""Events per batch, at least (the last batch may have fewer)."""

STEP = TICKS_PER_DAY
"""How far every project's simulation moves before their events are put in order."""


RELEASE_COLUMNS = ("id", "space_id", "project_id", "channel_id", "version", "assembled")
DEPLOYMENT_OWN_COLUMNS = (
    "id",
    "space_id",
    "release_id",
    "project_id",
    "channel_id",
    "environment_id",
    "tenant_id",
    "task_state",
    "had_guided_failure",
    "queue_time",
    "start_time",
    "completed_time",
)
"""A deployment's columns before its facts."""

Values = tuple[Any, ...]
"""A row as values in `RELEASE_COLUMNS` or `DEPLOYMENT_OWN_COLUMNS` order."""

RowBatch = tuple[int, list[Values], list[Values]]
"""The history's rows of a batch of events: the last event's time, the releases, and the
deployments (without facts)."""


def plan(*, seed: int, deployments: int, now: int) -> CompanyPlan:
    """The company for these settings; its history covers the 13 months before `now`."""
    start = months_before(now, HISTORY_MONTHS)
    return plan_company(seed=seed, deployments=deployments, start=start, now=now)


def event_batches(
    company: CompanyPlan, size: int, horizon: int | None = None
) -> Iterator[list[Event]]:
    """Every project's events in lists of at least `size` (the last may hold fewer), all in the
    order of their first four items (time, kind, project, sequence), which no two events share;
    up to the company's now, or on to `horizon` (`seed.history`).

    The projects move forward a day at a time, each appending its events in time order, and
    each batch is then sorted: a merge of each project's run of events, which a sort does in C
    (a heap merge of the projects' streams would cost a Python step per event)."""
    end = company.now if horizon is None else horizon
    histories = [
        ProjectHistory(
            project, seed=company.seed, start=company.start, now=company.now, horizon=end
        )
        for project in company.projects
    ]
    for history in histories:
        history.begin()
    batch: list[Event] = []
    limit = company.start
    while limit < end:
        limit = min(limit + STEP, end)
        for history in histories:
            history.run_until(limit, batch)
        if len(batch) >= size or limit == end:
            batch.sort()
            if batch:
                yield batch
            batch = []


def row_batches(company: CompanyPlan, size: int) -> Iterator[RowBatch]:
    """The history as rows, a batch for each of `event_batches`: release and deployment ids
    count from 1 in time order, as on a real Octopus server."""
    return numbered_rows(company, event_batches(company, size))


def numbered_rows(company: CompanyPlan, batches: Iterable[list[Event]]) -> Iterator[RowBatch]:
    """The rows of `batches`, which are `event_batches(company, ...)`."""
    spaces = {project.id: project.space_id for project in company.projects}
    # Each project's releases by sequence (they come in sequence order): id and channel.
    releases: dict[int, list[tuple[int, int]]] = {project.id: [] for project in company.projects}
    release_count = deployment_count = 0
    for batch in batches:
        release_rows: list[Values] = []
        deployment_rows: list[Values] = []
        add_release, add_deployment = release_rows.append, deployment_rows.append
        for item in batch:
            if item[1] == RELEASE:
                at, _, project_id, _, channel_id, version, _ = item
                release_count += 1
                releases[project_id].append((release_count, channel_id))
                add_release(
                    (release_count, spaces[project_id], project_id, channel_id, version, at)
                )
                continue
            (
                _,
                _,
                project_id,
                _,
                release_sequence,
                environment,
                tenant,
                state,
                guided,
                queued,
                started,
                completed,
            ) = item
            release_id, channel_id = releases[project_id][release_sequence]
            deployment_count += 1
            add_deployment(
                (
                    deployment_count,
                    spaces[project_id],
                    release_id,
                    project_id,
                    channel_id,
                    environment,
                    tenant,
                    state,
                    guided,
                    queued,
                    started,
                    completed,
                )
            )
        yield batch[-1][0], release_rows, deployment_rows
