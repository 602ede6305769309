"""The core's problems in GraphQL's names: field paths like `input.projectIds[0]` and messages
that name `projectIds` and `TENANT_TAG_SET` where REST names `ProjectIds` and `TenantTagSet`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import Enum

import strawberry
from graphql import GraphQLError

from gateway.graphql import enums
from gateway.graphql.codes import BAD_USER_INPUT
from gateway.insights import metrics as core_metrics
from gateway.insights.errors import and_more, first_listed
from gateway.insights.problems import Field, Path, describe
from gateway.insights.problems import Problem as CoreProblem
from gateway.insights.report import TenantMode as CoreTenantMode

_FIELDS = {Field.ENVIRONMENTS: "environmentIds"}
"""Where GraphQL's name is not the core's in camelCase (`TimeZone` -> `timeZone`)."""

_ENUMS: dict[type[Enum], type[Enum]] = {
    CoreTenantMode: enums.TenantMode,
    core_metrics.Split: enums.Split,
    core_metrics.TimeRange: enums.TimeRange,
    core_metrics.Granularity: enums.Granularity,
    core_metrics.SeriesKind: enums.SeriesKind,
}

_ARGUMENTS = frozenset({Field.ID})
"""Fields that are a mutation's own arguments, not properties of its `input`."""


class GraphQLNaming:
    """GraphQL's names: camelCase fields, enum values by their GraphQL names."""

    def field(self, field: Field | str) -> str:
        if not isinstance(field, Field):
            return field
        return _FIELDS.get(field) or field.value[0].lower() + field.value[1:]

    def choice(self, member: Enum) -> str:
        return _ENUMS[type(member)](member.value).name


GRAPHQL = GraphQLNaming()


def field_path(path: Path, *, root: str | None = None) -> str:
    """`input.environmentGroups[2].environmentIds[0]` from the core's path; `root` is the
    argument that holds the properties (a mutation's `input`), None for a query's arguments."""
    text = root if root is not None and path[0] not in _ARGUMENTS else ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f"{'.' if text else ''}{GRAPHQL.field(step)}"
    return text


@strawberry.type(description="One problem with the input: where it is and what is wrong.")
class Problem:
    field: str = strawberry.field(
        description="The path of the offending input, as a form names its fields: "
        "`input.projectIds[0]`, `input.environmentGroups[1].name`, `seriesKey.id`, `from`."
    )
    message: str = strawberry.field(
        description="What is wrong, naming the value, in GraphQL's names (`timeZone`, "
        "`TENANT_TAG_SET`)."
    )

    @classmethod
    def from_core(cls, problem: CoreProblem, *, root: str | None = None) -> Problem:
        return cls(field=field_path(problem.path, root=root), message=describe(problem, GRAPHQL))


def listed_problems(problems: Sequence[CoreProblem], *, root: str | None = None) -> list[Problem]:
    """The problems an answer lists: the first 100, then one that says how many more."""
    shown, more = first_listed(problems)
    listed = [Problem.from_core(problem, root=root) for problem in shown]
    if more:
        listed.append(Problem(field=root or "", message=and_more(more)))
    return listed


def bad_input(problems: Iterable[CoreProblem], *, root: str | None = None) -> GraphQLError:
    """A client error listing every problem: `extensions.problems` as `{field, message}`."""
    listed = listed_problems(list(problems), root=root)
    return GraphQLError(
        " ".join(problem.message for problem in listed),
        extensions={
            "code": BAD_USER_INPUT,
            "problems": [
                {"field": problem.field, "message": problem.message} for problem in listed
            ],
        },
    )
