"""The limits every GraphQL request runs under, checked before anything is resolved.

- tokens (`MAX_TOKENS`): the parser stops counting past it, so a huge document costs little;
- aliases (`MAX_ALIASES`) and depth (`MAX_DEPTH`), by `ShapeLimits`;
- cost (`MAX_COST`, `QueryCost`): an estimate of the work an answer takes, each field
  counting 1 (`RESOLVER_WEIGHT` when a resolver computes it, which may load from the store)
  and a list multiplying what it selects by its expected length: `first` for a page, the
  window's intervals for `intervals`, `STREAM_DEPLOYMENTS` for a stream's deployments,
  `DEFAULT_LIST_SIZE` for other lists;
- answer size (`MAX_ANSWER_BYTES`), checked on the encoded answer.

Fragments are measured once each, so a document of fragments that spread each other twice
per level costs the checks as much as its text, not two to the power of its levels.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
    ValidationRule,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.execution import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from gateway.graphql.paging import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from gateway.insights.ticks import TICKS_PER_DAY, TimestampError, parse_timestamp

MAX_DEPTH = 12
"""Deep enough for space > reports > edges > node > streams > edges > node > deployments >
release > project > projectGroup; deeper nesting only repeats data."""
MAX_ALIASES = 20
MAX_TOKENS = 2000
MAX_COST = 300_000
"""A unit is about 5-10 microseconds of work, so an answer within the limit takes a second or
two. Daily metrics over a year for twenty series with every statistic cost about 270,000; two
pages of 100 streams with every deployment's release and project, about 280,000."""
RESOLVER_WEIGHT = 5
MAX_ANSWER_BYTES = 32 * 1024 * 1024
DEFAULT_LIST_SIZE = 20
"""The expected length of a list that is not paged: a space's projects, a report's series."""
STREAM_DEPLOYMENTS = 100
"""The expected deployments of a stream in its window: a year of deployments twice a week."""
MAX_INTERVALS = 10_000
"""The most intervals an explicit window may hold (`gateway.insights.windows`)."""

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
DEPTH_LIMIT_EXCEEDED = "DEPTH_LIMIT_EXCEEDED"
ALIAS_LIMIT_EXCEEDED = "ALIAS_LIMIT_EXCEEDED"
ANSWER_TOO_LARGE = "ANSWER_TOO_LARGE"

_TIME_RANGE_DAYS = {"LAST_MONTH": 31, "LAST_QUARTER": 92, "LAST_YEAR": 366}
_GRANULARITY_DAYS = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 28}


def _operation_name(operation: OperationDefinitionNode) -> str:
    return operation.name.value if operation.name else "anonymous"


def _fragments(definitions: Any) -> dict[str, FragmentDefinitionNode]:
    return {
        definition.name.value: definition
        for definition in definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


@dataclass(frozen=True, slots=True)
class _Shape:
    depth: int
    """How many levels of fields lie below the top (introspection fields aside)."""
    aliases: int
    """Aliased fields, each fragment counted as often as it is spread."""


def _shape(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    known: dict[str, _Shape],
    visiting: frozenset[str] = frozenset(),
) -> _Shape:
    depth = aliases = 0
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            aliases += selection.alias is not None
            if selection.selection_set:
                inner = _shape(selection.selection_set, fragments, known, visiting)
                aliases += inner.aliases
                if not selection.name.value.startswith("__"):
                    depth = max(depth, 1 + inner.depth)
            continue
        if isinstance(selection, InlineFragmentNode):
            inner = _shape(selection.selection_set, fragments, known, visiting)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue  # reported by graphql-core's own rules
            if name not in known:
                known[name] = _shape(fragment.selection_set, fragments, known, visiting | {name})
            inner = known[name]
        else:
            continue
        depth, aliases = max(depth, inner.depth), aliases + inner.aliases
    return _Shape(depth, aliases)


class ShapeLimits(ValidationRule):
    """Refuse a document with more than `MAX_ALIASES` aliases in its operations, or an
    operation whose fields nest more than `MAX_DEPTH` levels below the top, counted as
    Strawberry's `MaxAliasesLimiter` and `QueryDepthLimiter` count them."""

    def enter_document(self, node: DocumentNode, *_args: Any) -> None:
        fragments = _fragments(node.definitions)
        known: dict[str, _Shape] = {}
        aliases = 0
        for definition in node.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            shape = _shape(definition.selection_set, fragments, known)
            aliases += shape.aliases
            if shape.depth > MAX_DEPTH:
                self.report_error(
                    GraphQLError(
                        f"'{_operation_name(definition)}' exceeds maximum operation depth of "
                        f"{MAX_DEPTH} (it is {shape.depth} deep).",
                        definition,
                        extensions={"code": DEPTH_LIMIT_EXCEEDED},
                    )
                )
        if aliases > MAX_ALIASES:
            self.report_error(
                GraphQLError(
                    f"The document has {aliases:,} aliases; the limit is {MAX_ALIASES}.",
                    extensions={"code": ALIAS_LIMIT_EXCEEDED},
                )
            )


@dataclass(frozen=True, slots=True)
class _Scope:
    """What an enclosing field tells about the lengths of the lists below it."""

    page: int = DEFAULT_PAGE_SIZE
    """The `first` of the nearest enclosing page."""
    intervals: int = DEFAULT_LIST_SIZE
    """The intervals of the nearest enclosing metrics' window."""


Arguments = Mapping[str, Any]
_LIST_SIZES: dict[tuple[str, str], Callable[[Arguments, _Scope], int]] = {
    ("Report", "metrics"): lambda arguments, _: (
        1 if arguments.get("split", "NONE") == "NONE" else DEFAULT_LIST_SIZE
    ),
    ("Series", "intervals"): lambda _, scope: scope.intervals,
    ("Stream", "deployments"): lambda _, __: STREAM_DEPLOYMENTS,
}


class _CostWalk:
    """Sums an operation's estimated cost; each fragment is walked once per scope."""

    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
        now: int,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.now = now
        self.known: dict[tuple[str, str, _Scope], int] = {}
        self.visiting: set[str] = set()

    def selections(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, scope: _Scope
    ) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, scope)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selections(selection.selection_set, inner or parent, scope)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.spread(selection.name.value, scope)
        return total

    def spread(self, name: str, scope: _Scope) -> int:
        fragment = self.fragments.get(name)
        if fragment is None or name in self.visiting:
            return 0
        inner = self.schema.get_type(fragment.type_condition.name.value)
        if inner is None:
            return 0
        key = (name, inner.name, scope)
        if key not in self.known:
            self.visiting.add(name)
            self.known[key] = self.selections(fragment.selection_set, inner, scope)
            self.visiting.discard(name)
        return self.known[key]

    def field(self, node: FieldNode, parent: GraphQLNamedType, scope: _Scope) -> int:
        name = node.name.value
        fields = parent.fields if isinstance(parent, GraphQLObjectType) else {}
        definition = fields.get(name)
        if definition is None:  # introspection, or reported by validation
            return 1 + self.selections(node.selection_set, parent, scope)
        strawberry_field = definition.extensions.get("strawberry-definition")
        weight = 1 if getattr(strawberry_field, "base_resolver", None) is None else RESOLVER_WEIGHT
        if node.selection_set is None:
            return weight
        arguments = self.arguments(node)
        size = 1
        field_type = definition.type
        if isinstance(field_type, GraphQLNonNull):
            field_type = field_type.of_type
        if isinstance(field_type, GraphQLList):
            size = self.list_size(parent.name, name, arguments, scope)
        if "first" in definition.args:
            first = arguments.get("first", definition.args["first"].default_value)
            scope = replace(scope, page=first if _is_count(first) else MAX_PAGE_SIZE)
        if (parent.name, name) == ("Report", "metrics"):
            scope = replace(scope, intervals=self.intervals(arguments))
        inner = get_named_type(definition.type)
        return weight + size * self.selections(node.selection_set, inner, scope)

    def list_size(self, parent: str, name: str, arguments: Arguments, scope: _Scope) -> int:
        if parent.endswith("Connection") and name in ("edges", "nodes"):
            return scope.page
        size = _LIST_SIZES.get((parent, name))
        return DEFAULT_LIST_SIZE if size is None else size(arguments, scope)

    def arguments(self, node: FieldNode) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for argument in node.arguments or ():
            try:
                value = value_from_ast_untyped(argument.value, dict(self.variables))
            except (TypeError, ValueError):
                continue
            if value is not None and value is not Undefined:
                values[argument.name.value] = value
        return values

    def intervals(self, arguments: Arguments) -> int:
        """How many intervals a metrics field's window holds, roughly (one or two more at the
        edges); an explicit window that cannot be read counts as the most allowed."""
        step = _GRANULARITY_DAYS.get(str(arguments.get("granularity")), 7)
        start = arguments.get("from")
        if start is None:
            days = _TIME_RANGE_DAYS.get(str(arguments.get("timeRange")), 92)
        else:
            try:
                end = arguments.get("to")
                end_ticks = self.now if end is None else parse_timestamp(str(end))
                days = max(0, end_ticks - parse_timestamp(str(start))) // TICKS_PER_DAY
            except TimestampError:
                return MAX_INTERVALS
        return min(days // step + 2, MAX_INTERVALS)


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_PAGE_SIZE


def operation_cost(
    schema: GraphQLSchema,
    document: Any,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    now: int,
) -> Iterator[tuple[OperationDefinitionNode, int]]:
    """Each operation of the document that would run (the named one, or every one when none
    is named) and its estimated cost."""
    walk = _CostWalk(schema, _fragments(document.definitions), variables or {}, now)
    for definition in document.definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if operation_name is not None and _operation_name(definition) != operation_name:
            continue
        root = schema.get_root_type(definition.operation)
        if root is not None:
            yield definition, walk.selections(definition.selection_set, root, _Scope())


class QueryCost(SchemaExtension):
    """Refuse, before execution, an operation whose estimated cost passes `MAX_COST`: the
    answer names its cost and the limit. Variables count with their values."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.result is None:
            now = getattr(context.context, "now", 0)
            costs = operation_cost(
                context.schema._schema, document, context.operation_name, context.variables, now
            )
            for operation, cost in costs:
                if cost > MAX_COST:
                    context.result = GraphQLExecutionResult(
                        data=None, errors=[cost_error(operation, cost)]
                    )
                    break
        yield


def cost_error(operation: OperationDefinitionNode, cost: int) -> GraphQLError:
    return GraphQLError(
        f"'{_operation_name(operation)}' has an estimated cost of {cost:,}, more than the "
        f"limit of {MAX_COST:,}: ask for fewer fields, smaller pages (first) or shorter windows.",
        operation,
        extensions={"code": COST_LIMIT_EXCEEDED, "cost": cost, "maximumCost": MAX_COST},
    )


def answer_too_large(size: int) -> GraphQLError:
    return GraphQLError(
        f"The answer is {size / 1_048_576:.1f} MB, more than the limit of "
        f"{MAX_ANSWER_BYTES // 1_048_576} MB: ask for fewer fields or smaller pages.",
        extensions={"code": ANSWER_TOO_LARGE, "size": size, "maximumSize": MAX_ANSWER_BYTES},
    )
