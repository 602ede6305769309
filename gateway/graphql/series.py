"""Metric series: one per value of the split, with the entity behind it (`key`), its intervals,
and its window totals, levels and trends (`Performance`)."""

from __future__ import annotations

import strawberry

from gateway.graphql.enums import SeriesKind
from gateway.graphql.metrics import Interval
from gateway.graphql.performance import OverviewSource, Performance
from gateway.insights import metrics as core


@strawberry.type(
    description="The entity behind a series, so that a chart can link to it or drill down "
    "(`deployments(seriesKey:)` takes `{ kind id }`)."
)
class SeriesKey:
    kind: SeriesKind = strawberry.field(description="What kind of entity it is.")
    id: strawberry.ID | None = strawberry.field(
        description="Its id (Projects-1); an environment group's name; a tag's canonical name "
        "(Location/Europe); for UNTAGGED the tag set's id; null for ALL and UNTENANTED."
    )
    ids: list[strawberry.ID] = strawberry.field(
        description="Every entity behind the series: more than one only when entities share "
        "a name, since series are grouped by name."
    )

    @classmethod
    def from_core(cls, key: core.SeriesKey) -> SeriesKey:
        ids = [strawberry.ID(id_) for id_ in key.ids]
        return cls(kind=SeriesKind(key.kind.value), id=ids[0] if ids else None, ids=ids)


@strawberry.type(description="The intervals of one value of the split, oldest first.")
class Series(Performance):
    name: str = strawberry.field(
        description='The split\'s value: "All" without a split, else a project, group, '
        'environment, tenant or tag name, "Untenanted" or "Untagged".'
    )
    key: SeriesKey = strawberry.field(description="The entity behind the series.")
    intervals: list[Interval] = strawberry.field(
        description="Every interval of the window, empty ones included."
    )

    @classmethod
    def from_core(cls, series: core.Series, source: OverviewSource) -> Series:
        last = len(series.intervals) - 1
        return cls(
            name=series.name,
            key=SeriesKey.from_core(series.key),
            intervals=[
                Interval.from_core(interval, ends_now=source.moving and index == last)
                for index, interval in enumerate(series.intervals)
            ],
            source=source,
        )
