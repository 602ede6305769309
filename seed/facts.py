"""Per-deployment facts worked out while the history is generated, so that each deployment row is
written once, with its facts: the rules of `gateway.insights.facts.stream_facts`, fed one
deployment at a time.

Deployments arrive in queue order and finish in another. A finished deployment waits until the
history's clock reaches its completion time: every later deployment is queued after that, so it
completes after it too, and the waiting ones settle in stream order (completion time, then id).
Memory holds the streams' last success and first failure and the deployments still running.
`gateway.store.facts.refresh_facts` stays the general path; the tests check both agree.
"""

from __future__ import annotations

import heapq
from typing import Any

from gateway.insights.deployments import TaskState
from gateway.store.facts import FACT_COLUMNS
from seed.records import ReleaseRecord

NO_FACTS: tuple[None, ...] = (None,) * len(FACT_COLUMNS)

Row = list[Any]
"""A deployment row whose last len(FACT_COLUMNS) values are its facts."""


class _Stream:
    __slots__ = ("failures", "first_failure", "previous")

    def __init__(self) -> None:
        self.previous: tuple[int, int, ReleaseRecord] | None = None
        """The last success: id, completion, release."""
        self.first_failure: tuple[int, int, int] | None = None
        """The first failure since: id, completion, release id."""
        self.failures = 0


class HistoryFacts:
    """Give it every release (`released`) and finished deployment (`finished`) in the history's
    order; it hands back the rows that are ready, with their facts, from `settle(now)`."""

    def __init__(self) -> None:
        self._streams: dict[tuple[int, int, int | None], _Stream] = {}
        self._waiting: list[tuple[int, int, _Stream, ReleaseRecord, Row | None]] = []
        self._first: dict[int, ReleaseRecord] = {}
        self._last: dict[int, ReleaseRecord] = {}
        self.with_facts = 0

    def released(self, release: ReleaseRecord) -> None:
        """A release of its channel, after every older one (ids given in creation order)."""
        channel = release.channel.id
        last = self._last.get(channel)
        if last is None:
            self._first[channel] = release
        else:
            last.successor = (release.sequence, release.id, release.assembled)
        self._last[channel] = release

    def finished(
        self,
        number: int,
        completed: int,
        state: TaskState,
        guided: bool,
        release: ReleaseRecord,
        key: tuple[int, int, int | None],
        row: Row,
    ) -> bool:
        """Take a finished deployment; False when its row has no facts and may go now."""
        if state is not TaskState.SUCCESS and state is not TaskState.FAILED:
            return False  # canceled and timed out: no facts, and the stream does not move
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = _Stream()
        success = state is TaskState.SUCCESS and not guided
        entry = (completed, number, stream, release, row if success else None)
        heapq.heappush(self._waiting, entry)
        return success

    def settle(self, now: int | None) -> list[Row]:
        """The rows of successes completed by `now` (all with None), their facts filled in."""
        waiting, ready = self._waiting, []
        while waiting and (now is None or waiting[0][0] <= now):
            completed, number, stream, release, row = heapq.heappop(waiting)
            if row is None:
                if stream.first_failure is None:
                    stream.first_failure = (number, completed, release.id)
                stream.failures += 1
                continue
            previous, failure = stream.previous, stream.first_failure
            if previous is None:
                lead = self._first[release.channel.id]
                lead_id, lead_created = lead.id, lead.assembled
                row[-8:-4] = (None, None, completed - lead_created, lead_id)
            else:
                after = previous[2].successor
                if after is not None and after[0] <= release.sequence:
                    lead_id, lead_created = after[1], after[2]
                else:
                    lead_id, lead_created = release.id, release.assembled
                since = completed - previous[1]
                row[-8:-4] = (previous[0], since, completed - lead_created, lead_id)
            if failure is not None:
                row[-4:] = (completed - failure[1], stream.failures, failure[0], failure[2])
                stream.first_failure = None
                stream.failures = 0
            stream.previous = (number, completed, release)
            self.with_facts += 1
            ready.append(row)
        return ready
