"""The company's history as one stream of events in time order, in batches that cross from the
producer's process to the writer's.

This module imports no database code, so that a producer process starts quickly.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from itertools import islice

from seed.calendar import months_before
from seed.company import CompanyPlan, plan_company
from seed.history import ProjectHistory
from seed.records import Event

HISTORY_MONTHS = 13

EVENT_BATCH = 10_000
"""Events per batch."""


def plan(*, seed: int, deployments: int, now: int) -> CompanyPlan:
    """The company for these settings; its history covers the 13 months before `now`."""
    start = months_before(now, HISTORY_MONTHS)
    return plan_company(seed=seed, deployments=deployments, start=start, now=now)


def history_events(company: CompanyPlan) -> Iterator[Event]:
    """Every project's events, merged in time order. No two events share their first four items
    (time, kind, project, sequence), so comparing events never reaches their records."""
    histories = [
        ProjectHistory(project, seed=company.seed, start=company.start, now=company.now)
        for project in company.projects
    ]
    return heapq.merge(*histories)


def event_batches(company: CompanyPlan, size: int) -> Iterator[list[Event]]:
    """The history's events in lists of `size`."""
    events = history_events(company)
    while batch := list(islice(events, size)):
        yield batch
