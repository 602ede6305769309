"""Problems with a client's input, structured: the rule broken, where (property and index), the
values. Each server words them in its own names through a `Naming`; `OCTOPUS` is REST's.

The sentences are the same for every server; only property names and enum values change, so
REST says `The TenantMode 'x' is not valid` where GraphQL says `The tenantMode 'x' ...`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import TYPE_CHECKING, Protocol

from gateway.insights.ticks import CLOCK_RANGE, format_timestamp

if TYPE_CHECKING:
    # Only for annotations: `gateway.insights.ids` words its problems with this module.
    from gateway.insights.ids import Kind


class Field(StrEnum):
    """A property a client sets, by the core's (Octopus's) name."""

    SPACE_ID = "SpaceId"
    ID = "Id"
    NAME = "Name"
    DESCRIPTION = "Description"
    PROJECT_GROUP_IDS = "ProjectGroupIds"
    PROJECT_IDS = "ProjectIds"
    TENANT_IDS = "TenantIds"
    TENANT_TAGS = "TenantTags"
    TENANT_MODE = "TenantMode"
    ENVIRONMENT_GROUPS = "EnvironmentGroups"
    ENVIRONMENTS = "Environments"
    """The environments of an environment group."""
    TIME_ZONE = "TimeZone"
    SPLIT = "split"
    TENANT_TAG_SET_ID = "tenantTagSetId"
    TIME_RANGE = "timeRange"
    GRANULARITY = "granularity"
    FROM = "from"
    TO = "to"
    FILTER_PROJECT_IDS = "projectIds"
    """The gateway's filters, which narrow a report's scope."""
    FILTER_ENVIRONMENT_IDS = "environmentIds"
    FILTER_TENANT_IDS = "tenantIds"
    SERIES_KEY = "seriesKey"
    """The drill-down's series (kind and id)."""


Path = tuple[Field | str | int, ...]
"""Where a problem is: properties and list indexes, like (ENVIRONMENT_GROUPS, 2, NAME); a plain
text is a name every server shows as it is (a REST query parameter)."""


class Rule(StrEnum):
    SPACE_MISMATCH = "space-mismatch"
    ID_MISMATCH = "id-mismatch"
    REQUIRED = "required"
    TOO_LONG = "too-long"
    LONG_TEXT = "long-text"
    CONTROL_CHARACTERS = "control-characters"
    TOO_MANY_ENTRIES = "too-many-entries"
    REPEATED_ENTRY = "repeated-entry"
    NAME_TAKEN = "name-taken"
    NOT_IN_SPACE = "not-in-space"
    MALFORMED_ID = "malformed-id"
    NOT_AN_ID = "not-an-id"
    UNKNOWN_TAG = "unknown-tag"
    GROUP_NAME_REQUIRED = "group-name-required"
    GROUP_NAME_REPEATED = "group-name-repeated"
    ENVIRONMENT_IN_TWO_GROUPS = "environment-in-two-groups"
    NOT_ONE_OF = "not-one-of"
    UNKNOWN_TIME_ZONE = "unknown-time-zone"
    TAG_SET_REQUIRED = "tag-set-required"
    KEY_ID_REQUIRED = "key-id-required"
    KEY_ID_UNEXPECTED = "key-id-unexpected"
    UNKNOWN_GROUP = "unknown-group"
    WINDOW_REVERSED = "window-reversed"
    TOO_MANY_INTERVALS = "too-many-intervals"
    OUT_OF_CLOCK_RANGE = "out-of-clock-range"


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule. `value` is what the client sent at `path`; the other fields are what
    the rule's sentence names (see `describe`)."""

    rule: Rule
    path: Path
    value: object = None
    other: object = None
    """A second value: the path's id, the other environment group, the window's end."""
    space: str | None = None
    kind: Kind | None = None
    limit: int | None = None
    choices: tuple[Enum, ...] = ()
    group: str | None = None
    """The environment group the path is in."""

    @property
    def field(self) -> Field | str:
        """The last property of the path."""
        return next(step for step in reversed(self.path) if isinstance(step, str))


class Naming(Protocol):
    """How one server names properties and enum values in its messages (a plain text, not a
    `Field`, is shown as it is)."""

    def field(self, field: Field | str) -> str: ...

    def choice(self, member: Enum) -> str: ...


class OctopusNaming:
    """REST's names: Octopus's property names, enum values quoted as Octopus spells them."""

    def field(self, field: Field | str) -> str:
        return str(field)

    def choice(self, member: Enum) -> str:
        return repr(member.value)


OCTOPUS: Naming = OctopusNaming()

_NOUNS = {
    "ProjectGroups": "project group",
    "Projects": "project",
    "Environments": "environment",
    "Tenants": "tenant",
    "TagSets": "tag set",
}
"""By the id prefix of each kind (`Kind`'s values)."""


def _article(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _in_group(problem: Problem) -> bool:
    return len(problem.path) > 1 and problem.path[0] is Field.ENVIRONMENT_GROUPS


def _named(problem: Problem, naming: Naming) -> str:
    """What the path names: a property, or an environment group's name."""
    if _in_group(problem) and problem.field is Field.NAME:
        return "environment group name"
    return naming.field(problem.field)


def _owner(problem: Problem, naming: Naming) -> str:
    """The array a problem is about: "The ProjectIds", "The environment group 'Live'"."""
    if problem.field is Field.ENVIRONMENTS:
        return f"The environment group {problem.group!r}"
    return f"The {naming.field(problem.field)}"


def _instant(ticks: object) -> str:
    assert isinstance(ticks, int)
    return format_timestamp(ticks)


def describe(problem: Problem, naming: Naming = OCTOPUS) -> str:
    """The problem as a sentence in a server's names."""
    name = naming.field(problem.field)
    value = problem.value
    # A list entry reads "The ProjectIds entry 'x'", a single value "The tenantTagSetId 'x'".
    subject = f"The {name}{' entry' if isinstance(problem.path[-1], int) else ''} {value!r}"
    noun = _NOUNS.get(problem.kind.value, "thing") if problem.kind is not None else "value"
    match problem.rule:
        case Rule.SPACE_MISMATCH:
            return f"{subject} does not match the space in the path, {problem.other!r}."
        case Rule.ID_MISMATCH:
            return f"{subject} does not match the report in the path, {problem.other!r}."
        case Rule.REQUIRED:
            return f"The {name} is required."
        case Rule.TOO_LONG:
            text = str(value)
            return (
                f"The {_named(problem, naming)} {text[:40]!r}... is {len(text)} characters "
                f"long; the limit is {problem.limit}."
            )
        case Rule.LONG_TEXT:
            return (
                f"The {name} is {len(str(value)):,} characters long; "
                f"the limit is {problem.limit:,}."
            )
        case Rule.CONTROL_CHARACTERS if problem.field is Field.DESCRIPTION:
            return f"The {name} holds control characters other than tabs and line breaks."
        case Rule.CONTROL_CHARACTERS:
            return f"The {_named(problem, naming)} {value!r} holds control characters."
        case Rule.TOO_MANY_ENTRIES:
            return (
                f"{_owner(problem, naming)} has {value:,} entries; the limit is {problem.limit:,}."
            )
        case Rule.REPEATED_ENTRY:
            return f"{_owner(problem, naming)} lists {value!r} more than once."
        case Rule.NAME_TAKEN:
            return f"{subject} is already used by another report in {problem.space}."
        case Rule.NOT_IN_SPACE if problem.group is not None:
            return (
                f"The environment {value!r} of environment group {problem.group!r} "
                f"is not an environment in {problem.space}."
            )
        case Rule.NOT_IN_SPACE:
            return f"{subject} is not {_article(noun)} in {problem.space}."
        case Rule.MALFORMED_ID:
            example = f"{problem.kind.value}-1" if problem.kind is not None else "Kind-1"
            return f"{subject} is not {_article(noun)} id (like {example!r})."
        case Rule.NOT_AN_ID:
            example = f"{problem.kind.value}-1" if problem.kind is not None else "Kind-1"
            return f"The {name} value {value!r} is not an id like {example!r}."
        case Rule.UNKNOWN_TAG:
            return f"{subject} is not a tag in {problem.space} (tags are written 'Tag Set/Tag')."
        case Rule.GROUP_NAME_REQUIRED:
            groups = naming.field(Field.ENVIRONMENT_GROUPS)
            return f"Every {groups} entry needs a {name}."
        case Rule.GROUP_NAME_REPEATED:
            return f"The {_named(problem, naming)} {value!r} is used more than once."
        case Rule.ENVIRONMENT_IN_TWO_GROUPS:
            return (
                f"The environment {value!r} is in environment groups {problem.other!r} and "
                f"{problem.group!r}; an environment can be in one group only."
            )
        case Rule.NOT_ONE_OF:
            allowed = ", ".join(naming.choice(member) for member in problem.choices)
            return f"{subject} is not valid; it should be one of {allowed}."
        case Rule.UNKNOWN_TIME_ZONE:
            return f"{name} {value!r} is not a Windows or IANA time zone name."
        case Rule.TAG_SET_REQUIRED:
            split = naming.field(Field.SPLIT)
            return f"The {name} is required when {split} is {naming.choice(problem.choices[0])}."
        case Rule.KEY_ID_REQUIRED:
            return f"The {name} is required for {naming.choice(problem.choices[0])} series."
        case Rule.KEY_ID_UNEXPECTED:
            kind = naming.choice(problem.choices[0])
            return f"{subject} names nothing: {kind} series have no id."
        case Rule.UNKNOWN_GROUP:
            return f"{subject} is not an environment group of the report."
        case Rule.WINDOW_REVERSED:
            start, end = _instant(value), _instant(problem.other)
            return f"The window starts at {start}, after its end, {end}."
        case Rule.OUT_OF_CLOCK_RANGE:
            return f"The window must lie {CLOCK_RANGE}; {_instant(value)} does not."
        case Rule.TOO_MANY_INTERVALS:
            start, end = _instant(value), _instant(problem.other)
            length = str(problem.choices[0].value).lower()
            return (
                f"The window from {start} to {end} holds more than {problem.limit} "
                f"{length} intervals."
            )
    raise AssertionError(problem.rule)  # pragma: no cover - every rule is worded above
