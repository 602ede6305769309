"""The history's event stream: every project's events, merged in order, in batches."""

from __future__ import annotations

import heapq

import pytest

from gateway.insights.ticks import parse_timestamp
from seed.events import event_batches, plan
from seed.history import ProjectHistory
from seed.records import Event
from tests.seed.conftest import NOW


def alone(history: ProjectHistory, now: int) -> list[Event]:
    """One project's events, simulated on its own to now in one go."""
    events: list[Event] = []
    history.begin()
    history.run_until(now, events)
    return events


@pytest.mark.parametrize(("seed", "deployments"), [(7, 2_000), (3, 30_000)])
def test_batches_are_the_projects_streams_merged(seed: int, deployments: int) -> None:
    company = plan(seed=seed, deployments=deployments, now=parse_timestamp(NOW))
    streams = [
        alone(ProjectHistory(project, seed=seed, start=company.start, now=company.now), company.now)
        for project in company.projects
    ]
    expected = list(heapq.merge(*streams))
    batches = list(event_batches(company, 1_000))
    assert [event for batch in batches for event in batch] == expected
    assert all(len(batch) >= 1_000 for batch in batches[:-1])
    assert len(batches[-1]) > 0
    # The first four items order the events, and no two events share them.
    keys = [event[:4] for event in expected]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)
    assert all(company.start <= event[0] <= company.now for event in expected)
