"""Which GraphQL requests may be kept, and what of the store their answers read.

A POST whose document's operation is a query is answered from the store, the clock's reading
and the request body alone (`gateway.kept_answers`); a mutation, a batch or anything that does
not parse is never kept. What a kept answer read is told by its root fields: nothing crosses
spaces, so a root field given a space (`space`, `reports`, `report`, `deployments`) reads only
that space's reports, deployments and catalogue, and a write elsewhere keeps the answer. Any
other root field (`spaces`, `node`, `nodes`) may read any space: every write drops its answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    get_operation_ast,
    parse,
    value_from_ast_untyped,
)

from gateway.graphql.limits import MAX_TOKENS
from gateway.insights.ids import Kind, parse_id
from gateway.store.generation import CATALOGUE, DEPLOYMENTS, REPORTS, Part
from gateway.strict_json import JsonError, decode

_SPACE_ARGUMENT = {
    "space": "id",
    "reports": "spaceId",
    "report": "spaceId",
    "deployments": "spaceId",
}
"""Root fields that read one space only, and the argument naming it."""
_NO_STORE = frozenset({"__typename", "__schema", "__type"})


class Keepable(NamedTuple):
    """A query whose answer may be kept, and the parts of the store it reads (None: any)."""

    parts: frozenset[Part] | None


def keepable(body: bytes) -> Keepable | None:
    """Whether a POST body is one GraphQL request whose chosen operation is a query, and what
    its answer reads; None when it may not be kept."""
    try:
        data = decode(body)
    except JsonError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return None
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        return None
    try:
        document = parse(data["query"], max_tokens=MAX_TOKENS)
        operation = get_operation_ast(document, name)
    except GraphQLError:
        return None
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    variables = data.get("variables")
    given = variables if isinstance(variables, dict) else {}
    return Keepable(_parts(document, operation.selection_set, given))


def _parts(
    document: DocumentNode, selections: SelectionSetNode, variables: dict[str, Any]
) -> frozenset[Part] | None:
    parts: set[Part] = set()
    for field in _root_fields(document, selections, set()):
        name = field.name.value
        if name in _NO_STORE:
            continue
        argument = _SPACE_ARGUMENT.get(name)
        space = None if argument is None else _space(field, argument, variables)
        if space is None:
            return None
        parts |= {Part(REPORTS, space), Part(DEPLOYMENTS, space), Part(CATALOGUE, space)}
    return frozenset(parts)


def _root_fields(
    document: DocumentNode, selections: SelectionSetNode, seen: set[str]
) -> Iterator[FieldNode]:
    """The fields of a selection set, through its fragments (each fragment once)."""
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _root_fields(document, selection.selection_set, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in seen or name not in fragments:
                continue
            seen.add(name)
            yield from _root_fields(document, fragments[name].selection_set, seen)


def _space(field: FieldNode, argument: str, variables: dict[str, Any]) -> int | None:
    for given in field.arguments or ():
        if given.name.value == argument:
            return parse_id(Kind.SPACE, _value(given.value, variables))
    return None


def _value(node: ValueNode, variables: dict[str, Any]) -> object:
    try:
        return value_from_ast_untyped(node, variables)
    except (GraphQLError, TypeError, ValueError):
        return None
