"""The company's history as one stream of events in time order, and a compact form of it that
crosses from the producer's process to the writer's.

This module imports no database code, so that a producer process starts quickly.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import Any

from seed.calendar import months_before
from seed.company import CompanyPlan, plan_company
from seed.history import ProjectHistory
from seed.records import RELEASE, Event, ReleaseRecord

HISTORY_MONTHS = 13

EVENT_BATCH = 10_000
"""Deployment events per batch of encoded events."""

Encoded = tuple[Any, ...]
"""An event as plain values. A release: time, RELEASE, project id, sequence, channel id, version,
fix. A deployment: time, DEPLOYMENT, project id, sequence, the release's sequence, then the rest
of its `DeploymentRecord`."""


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


def encoded_batches(company: CompanyPlan, size: int) -> Iterator[list[Encoded]]:
    """The history's events in lists of `size`, encoded."""
    batch: list[Encoded] = []
    append = batch.append
    for at, kind, project, sequence, record in history_events(company):
        if kind == RELEASE:
            assert isinstance(record, ReleaseRecord)
            append((at, kind, project, sequence, record.channel.id, record.version, record.fix))
        else:
            assert not isinstance(record, ReleaseRecord)
            append((at, kind, project, sequence, record[0].sequence, *record[1:]))
            if len(batch) >= size:
                yield batch
                batch = []
                append = batch.append
    yield batch
