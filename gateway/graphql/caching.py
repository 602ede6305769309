"""Which GraphQL requests may be kept: a POST whose document's operation is a query is answered
from the store, the clock's reading and the request body alone (`gateway.kept_answers`); a
mutation, a batch or anything that does not parse is never kept.
"""

from __future__ import annotations

from graphql import GraphQLError, OperationType, get_operation_ast, parse

from gateway.graphql.limits import MAX_TOKENS
from gateway.strict_json import JsonError, decode


def is_query(body: bytes) -> bool:
    """Whether a POST body is one GraphQL request whose chosen operation is a query."""
    try:
        data = decode(body)
    except JsonError:
        return False
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return False
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        return False
    try:
        operation = get_operation_ast(parse(data["query"], max_tokens=MAX_TOKENS), name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation is OperationType.QUERY
