"""What `/metrics` is asked (split, time range, granularity) and what it answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Self

from gateway.insights.errors import Invalid
from gateway.insights.ids import Kind, parse_id
from gateway.insights.problems import Field, Problem, Rule


class _ParsedEnum(StrEnum):
    @classmethod
    def parse(cls, text: str | None, *, parameter: Field, default: Self | None = None) -> Self:
        """The member whose value matches `text` ignoring case; `default` when the text is
        absent or empty. Anything else raises `Invalid` naming the parameter and the values."""
        problem = cls.problem(text, parameter=parameter, default=default)
        if problem is not None:
            raise Invalid([problem])
        return cls._match(text, default)  # type: ignore[return-value]

    @classmethod
    def problem(
        cls, text: str | None, *, parameter: Field, default: Self | None = None
    ) -> Problem | None:
        """Why `text` is not a value of this parameter, or None when it is."""
        if cls._match(text, default) is not None:
            return None
        return Problem(Rule.NOT_ONE_OF, (parameter,), text, choices=tuple(cls))

    @classmethod
    def _match(cls, text: str | None, default: Self | None) -> Self | None:
        if text is None or text == "":
            return default
        folded = text.strip().casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        return None


class Split(_ParsedEnum):
    None_ = "None"
    Project = "Project"
    ProjectGroup = "ProjectGroup"
    Environment = "Environment"
    EnvironmentGroup = "EnvironmentGroup"
    Tenant = "Tenant"
    TenantTagSet = "TenantTagSet"


class TimeRange(_ParsedEnum):
    LastMonth = "LastMonth"
    LastQuarter = "LastQuarter"
    LastYear = "LastYear"

    @property
    def months(self) -> int:
        return {"LastMonth": 1, "LastQuarter": 3, "LastYear": 12}[self.value]


class Granularity(_ParsedEnum):
    Daily = "Daily"
    Weekly = "Weekly"
    Monthly = "Monthly"


@dataclass(frozen=True, slots=True)
class MetricsQuery:
    """A `/metrics` question about one report.

    Beyond Octopus: `start`/`end` (ticks, both inclusive) replace the time range's window, and
    `project_ids`/`environment_ids`/`tenant_ids` narrow the report's scope further (a tenant filter
    leaves untenanted deployments out).
    """

    split: Split = Split.None_
    tenant_tag_set_id: int | None = None
    time_range: TimeRange = TimeRange.LastQuarter
    granularity: Granularity = Granularity.Weekly
    start: int | None = None
    end: int | None = None
    project_ids: frozenset[int] | None = None
    environment_ids: frozenset[int] | None = None
    tenant_ids: frozenset[int] | None = None


def parse_metrics_query(
    *,
    split: str | None = None,
    tenant_tag_set_id: str | None = None,
    time_range: str | None = None,
    granularity: str | None = None,
) -> MetricsQuery:
    """A query from `/metrics` parameters as sent (SPEC.md defaults: None, LastQuarter, Weekly);
    raises `Invalid` listing every bad parameter."""
    problems = [
        problem
        for problem in (
            Split.problem(split, parameter=Field.SPLIT, default=Split.None_),
            TimeRange.problem(
                time_range, parameter=Field.TIME_RANGE, default=TimeRange.LastQuarter
            ),
            Granularity.problem(
                granularity, parameter=Field.GRANULARITY, default=Granularity.Weekly
            ),
        )
        if problem is not None
    ]
    tag_set: int | None = None
    chosen = Split._match(split, Split.None_)
    if chosen is Split.TenantTagSet:
        if not tenant_tag_set_id:
            problems.append(tag_set_required())
        else:
            tag_set = parse_id(Kind.TAG_SET, tenant_tag_set_id.strip())
            if tag_set is None:
                problems.append(
                    Problem(
                        Rule.MALFORMED_ID,
                        (Field.TENANT_TAG_SET_ID,),
                        tenant_tag_set_id,
                        kind=Kind.TAG_SET,
                    )
                )
    if problems:
        raise Invalid(problems)
    return MetricsQuery(
        split=Split.parse(split, parameter=Field.SPLIT, default=Split.None_),
        tenant_tag_set_id=tag_set,
        time_range=TimeRange.parse(
            time_range, parameter=Field.TIME_RANGE, default=TimeRange.LastQuarter
        ),
        granularity=Granularity.parse(
            granularity, parameter=Field.GRANULARITY, default=Granularity.Weekly
        ),
    )


def tag_set_required() -> Problem:
    """A TenantTagSet split without its tag set."""
    return Problem(Rule.TAG_SET_REQUIRED, (Field.TENANT_TAG_SET_ID,), choices=(Split.TenantTagSet,))


@dataclass(frozen=True, slots=True)
class DurationStats:
    """Statistics of durations in ticks, each rounded to whole seconds; None when `count` is 0."""

    count: int
    mean: int | None = None
    median: int | None = None
    min: int | None = None
    max: int | None = None
    ninety_fifth: int | None = None


@dataclass(frozen=True, slots=True)
class CountStats:
    """Statistics of DeploymentsUntilRecovery, not rounded; None when `count` is 0."""

    count: int
    mean: float | None = None
    median: float | None = None
    min: float | None = None
    max: float | None = None
    ninety_fifth: float | None = None


@dataclass(frozen=True, slots=True)
class FailureRate:
    """Counts of an interval; `rate` = failed / total rounded to 5 places, 0 when total is 0."""

    successful: int = 0
    deployment_failure: int = 0
    successful_but_had_guided_failure: int = 0
    total: int = 0
    failed: int = 0
    rate: float = 0.0


@dataclass(frozen=True, slots=True)
class Interval:
    start: date
    """The local date the interval starts on (StartOfInterval)."""
    successful_deployments: int
    lead_time: DurationStats
    failure_rate: FailureRate
    time_since_previous_deployment: DurationStats
    time_to_recovery: DurationStats
    deployments_until_recovery: CountStats
    first: int
    """The first instant (ticks) the interval covers: its local midnight, or the window's start."""
    last: int
    """The last instant it covers: before the next interval's midnight, or the window's end."""


class SeriesKind(StrEnum):
    """What stands behind a series."""

    ALL = "All"
    PROJECT = "Project"
    PROJECT_GROUP = "ProjectGroup"
    ENVIRONMENT = "Environment"
    ENVIRONMENT_GROUP = "EnvironmentGroup"
    TENANT = "Tenant"
    UNTENANTED = "Untenanted"
    TAG = "Tag"
    UNTAGGED = "Untagged"


@dataclass(frozen=True, slots=True)
class SeriesKey:
    """The entities behind a series: ids (`Projects-1`), an environment group's name, tags'
    canonical names (`Location/Europe`), or for UNTAGGED its tag set's id; none for ALL and
    UNTENANTED. More than one only when entities share a name (series go by name)."""

    kind: SeriesKind
    ids: tuple[str, ...] = ()


ALL_SERIES = SeriesKey(SeriesKind.ALL)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    intervals: tuple[Interval, ...]
    key: SeriesKey = ALL_SERIES


@dataclass(frozen=True, slots=True)
class Metrics:
    series: tuple[Series, ...]
