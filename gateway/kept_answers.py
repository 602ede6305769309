"""One policy for keeping encoded answers, used by both servers: REST GETs (`mock_server.routes`)
and GraphQL queries (`gateway.app`).

An answer is kept under its request's key (the path and parsed parameters, or the GraphQL body)
and the clock's reading, when it depends on now, in the store's `AnswerCache`, together with the
parts of the store it read (`Reading.parts`), so that only a write of those parts drops it.

With a real clock every request reads a new now. An answer whose only dependence on now is
through metrics (`Reading.metrics`) is also kept by what of now those depend on (the window's
start, its last interval's start, and the earlier of now and the space's newest completion:
`gateway.store.metrics.metrics_moment`), so later readings the same day share it; anything else
that moves with now (`Reading.exact_now`) is kept for its exact reading only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field

from starlette.responses import Response

from gateway.compression import KeptAnswer
from gateway.insights.ids import Kind, parse_id
from gateway.insights.metrics import MetricsQuery
from gateway.insights.report import Report
from gateway.store.cache import AnswerCache, Sized, uncached
from gateway.store.columns import SpaceColumns
from gateway.store.generation import Part
from gateway.store.metrics import metrics_moment


@dataclass
class Reading:
    """What one answer depended on, told by the code that made it."""

    metrics: list[tuple[Report, MetricsQuery]] = field(default_factory=list)
    """The metrics and summaries it computed, by report and query."""
    exact_now: bool = False
    """Whether it depends on now in other ways than through `metrics`."""
    parts: frozenset[Part] | None = None
    """The parts of the store it read; None: it cannot say, so any write drops it."""
    failed: bool = False
    """An answer that carries errors in a 200 (GraphQL's) is not kept."""


@dataclass(frozen=True, slots=True)
class _ByMoment:
    metrics: tuple[tuple[Report, MetricsQuery], ...]
    moments: tuple[Hashable, ...]
    answer: KeptAnswer


Make = Callable[[Reading], Awaitable[Response]]
"""Makes the answer, telling the reading what it depended on."""


class AnswerKeeper:
    def __init__(self, answers: AnswerCache, columns: SpaceColumns, *, real_clock: bool) -> None:
        self.answers = answers
        self.columns = columns
        self.real_clock = real_clock

    def find(self, generation: int, key: Hashable, now: int | None) -> KeptAnswer | None:
        """The kept answer of `key` at this reading of the clock (None: it does not matter)."""
        found: KeptAnswer | None = self.answers.get(generation, (key, now))
        if found is None and self.real_clock and now is not None:
            found = self._by_moment(generation, key, now)
        return found

    async def answer(
        self, generation: int, key: Hashable, now: int | None, make: Make
    ) -> KeptAnswer:
        """The kept answer, or the one `make` gives (kept when it is a 200 without errors).
        Identical concurrent requests make it once."""
        found = self.find(generation, key, now)
        if found is not None:
            return found

        async def build() -> Sized:
            reading = Reading()
            response = await make(reading)
            kept = KeptAnswer(response.status_code, bytes(response.body), response.media_type)
            if response.status_code != 200 or reading.failed:
                return uncached(kept)
            if self.real_clock and now is not None and not reading.exact_now:
                self._keep_by_moment(generation, key, now, reading, kept)
            return Sized(kept, kept.size, reading.parts)

        answer: KeptAnswer = await self.answers.get_or_build(generation, (key, now), build)
        return answer

    def _moments(
        self, metrics: Sequence[tuple[Report, MetricsQuery]], now: int
    ) -> tuple[Hashable, ...] | None:
        """What of now each metrics answer depends on; None when a space's columns are not held
        (or changed since)."""
        moments = []
        for report, query in metrics:
            space_id = parse_id(Kind.SPACE, report.space_id)
            held = None if space_id is None else self.columns.held(space_id)
            if held is None:
                return None
            moments.append(metrics_moment(report, query, now, held))
        return tuple(moments)

    def _keep_by_moment(
        self, generation: int, key: Hashable, now: int, reading: Reading, answer: KeptAnswer
    ) -> None:
        """Also keep the answer by its metrics' moments (none: any reading shares it)."""
        moments = self._moments(reading.metrics, now)
        if moments is not None:
            kept = _ByMoment(tuple(reading.metrics), moments, answer)
            self.answers.put(generation, (key, _ByMoment), kept, answer.size, reading.parts)

    def _by_moment(self, generation: int, key: Hashable, now: int) -> KeptAnswer | None:
        kept: _ByMoment | None = self.answers.get(generation, (key, _ByMoment))
        if kept is None or self._moments(kept.metrics, now) != kept.moments:
            return None
        return kept.answer
