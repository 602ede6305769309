"""The company's history as one stream of events in time order, in batches that cross from the
producer's process to the writer's.

This module imports no database code, so that a producer process starts quickly.
"""

from __future__ import annotations

from collections.abc import Iterator

from gateway.insights.ticks import TICKS_PER_DAY
from seed.calendar import months_before
from seed.company import CompanyPlan, plan_company
from seed.defaults import HISTORY_MONTHS
from seed.history import ProjectHistory
from seed.records import Event

EVENT_BATCH = 10_000
"""Events per batch, at least (the last batch may have fewer)."""

STEP = TICKS_PER_DAY
"""How far every project's simulation moves before their events are put in order."""


def plan(*, seed: int, deployments: int, now: int) -> CompanyPlan:
    """The company for these settings; its history covers the 13 months before `now`."""
    start = months_before(now, HISTORY_MONTHS)
    return plan_company(seed=seed, deployments=deployments, start=start, now=now)


def event_batches(company: CompanyPlan, size: int) -> Iterator[list[Event]]:
    """Every project's events in lists of at least `size` (the last may hold fewer), all in the
    order of their first four items (time, kind, project, sequence), which no two events share.

    The projects move forward a day at a time, each appending its events in time order, and
    each batch is then sorted: a merge of each project's run of events, which a sort does in C
    (a heap merge of the projects' streams would cost a Python step per event)."""
    histories = [
        ProjectHistory(project, seed=company.seed, start=company.start, now=company.now)
        for project in company.projects
    ]
    for history in histories:
        history.begin()
    batch: list[Event] = []
    limit = company.start
    while limit < company.now:
        limit = min(limit + STEP, company.now)
        for history in histories:
            history.run_until(limit, batch)
        if len(batch) >= size or limit == company.now:
            batch.sort()
            if batch:
                yield batch
            batch = []
