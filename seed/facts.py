"""Per-deployment facts worked out while the history is generated, so that each deployment row is
written once, with its facts: `gateway.insights.facts.StreamFactsState`, fed one deployment at a
time.

Deployments arrive in queue order and finish in another. A finished deployment waits until the
history's clock reaches its completion time: every later deployment is queued after that, so it
completes after it too, and the waiting ones settle in stream order (completion time, then id).
Memory holds the streams' last success and first failure and the deployments still running;
releases are found through each channel's chain of `ChainRelease.successor` links.
`gateway.store.facts.refresh_facts` stays the general path; the tests check both agree.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from gateway.insights.deployments import FINISHED_STATES, Outcome, outcome_of
from gateway.insights.facts import StreamFactsState
from gateway.store.facts import FACT_COLUMNS
from seed.events import DEPLOYMENT_OWN_COLUMNS

NO_FACTS: tuple[None, ...] = (None,) * len(FACT_COLUMNS)

_ID, _RELEASE, _CHANNEL, _ENVIRONMENT, _TENANT, _STATE, _GUIDED, _COMPLETED = (
    DEPLOYMENT_OWN_COLUMNS.index(column)
    for column in (
        "id",
        "release_id",
        "channel_id",
        "environment_id",
        "tenant_id",
        "task_state",
        "had_guided_failure",
        "completed_time",
    )
)
"""Where `HistoryFacts.finished` finds what it needs in a deployment's row."""

Row = tuple[Any, ...]
"""A deployment row: its values before the facts, or with them."""


@dataclass(slots=True)
class ChainRelease:
    """A written release, as the lead-time look-up needs it."""

    id: int
    channel: int
    """Channel id."""
    assembled: int
    successor: tuple[int, int] | None = None
    """The channel's next release once it is written: id, assembled."""


class ReleaseChains:
    """The lead-time look-up over every channel's releases, linked in creation order. Ids are
    given in creation order, so within a channel they order releases as creation does."""

    def __init__(self) -> None:
        self._first: dict[int, ChainRelease] = {}
        self._last: dict[int, ChainRelease] = {}

    def released(self, release: ChainRelease) -> None:
        """A release of its channel, after every older one."""
        channel = release.channel
        last = self._last.get(channel)
        if last is None:
            self._first[channel] = release
        else:
            last.successor = (release.id, release.assembled)
        self._last[channel] = release

    def number(self, release: ChainRelease) -> int:
        return release.id

    def lead_time_release(
        self, deployed: ChainRelease, previous: ChainRelease | None
    ) -> tuple[int, int]:
        if previous is None:
            first = self._first[deployed.channel]
            return first.id, first.assembled
        after = previous.successor
        if after is not None and after[0] <= deployed.id:
            return after
        return deployed.id, deployed.assembled


_OUTCOMES = {
    (state.value, guided): outcome_of(state, guided)
    for state in FINISHED_STATES
    for guided in (False, True)
}


class HistoryFacts:
    """Give it every release (`released`) and finished deployment (`finished`) in the history's
    order; it hands back the rows that are ready, with their facts, from `settle(now)`."""

    def __init__(self) -> None:
        self._releases = ReleaseChains()
        self._by_id: list[ChainRelease] = [ChainRelease(0, 0, 0)]
        """Every release given, at its id (ids count from 1; a rollback may name an old one)."""
        self._streams: dict[tuple[int, int, int | None], StreamFactsState[ChainRelease]] = {}
        self._waiting: list[
            tuple[int, int, StreamFactsState[ChainRelease], Outcome, ChainRelease, Row | None]
        ] = []
        """The finished deployments not settled yet: sorted by completion time and id up to
        the last `settle`, then appended in id order."""
        self.with_facts = 0

    def released(self, release: ChainRelease) -> None:
        """A release of its channel, after every older one (ids given in creation order, from
        1)."""
        self._by_id.append(release)
        self._releases.released(release)

    def finished(self, row: Row) -> bool:
        """Take a deployment's row (`seed.events.DEPLOYMENT_OWN_COLUMNS` order, its release
        already given); False when the row has no facts and may go now: the deployment is
        still running, canceled or timed out."""
        completed = row[_COMPLETED]
        if completed is None:
            return False
        outcome = _OUTCOMES[row[_STATE], row[_GUIDED]]
        if outcome is Outcome.NOT_COUNTED:
            return False  # canceled and timed out: no facts, and the stream does not move
        key = (row[_CHANNEL], row[_ENVIRONMENT], row[_TENANT])
        stream = self._streams.get(key)
        if stream is None:
            stream = self._streams[key] = StreamFactsState(self._releases)
        success = outcome is Outcome.SUCCESSFUL
        release = self._by_id[row[_RELEASE]]
        self._waiting.append(
            (completed, row[_ID], stream, outcome, release, row if success else None)
        )
        return success

    def first_waiting(self) -> int | None:
        """The lowest id of a success still waiting for its facts (the others' rows have gone
        out without facts), or None."""
        return min((entry[1] for entry in self._waiting if entry[5] is not None), default=None)

    def settle(self, now: int | None) -> list[Row]:
        """The rows of successes completed by `now` (all with None), their facts after them.
        Call it when every deployment queued by `now` has been given (with None, at the end).

        What waits is sorted by completion time alone, which the sort keeps stable: equal times
        stay in id order, as they were given. Once per batch, that costs a fraction of keeping a
        heap of every running deployment ordered by (time, id) tuples."""
        waiting = self._waiting
        waiting.sort(key=_completion)
        if now is None:
            due, self._waiting = waiting, []
        else:
            cut = bisect_right(waiting, now, key=_completion)
            due = waiting[:cut]
            del waiting[:cut]
        ready: list[Row] = []
        add = ready.append
        for completed, number, stream, outcome, release, row in due:
            facts = stream.add_values(number, completed, outcome, release)
            if row is not None:
                add(row + facts)
        self.with_facts += len(ready)
        return ready


_completion = itemgetter(0)
"""A waiting deployment's completion time."""
