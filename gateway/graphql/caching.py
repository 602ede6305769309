"""Whole answers of read-only GraphQL requests, kept per store generation and clock reading.

A POST whose document's operation is a query is answered from the store's generation, the
clock's reading and the request body alone, so its encoded answer is kept under those; an answer
with errors, a mutation, a batch or anything that does not parse is never kept.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from graphql import GraphQLError, OperationType, get_operation_ast, parse


@dataclass(frozen=True, slots=True)
class EncodedAnswer:
    status: int
    body: bytes


def is_query(body: bytes) -> bool:
    """Whether a POST body is one GraphQL request whose chosen operation is a query."""
    try:
        data = json.loads(body)
    except ValueError:
        return False
    if not isinstance(data, dict) or not isinstance(data.get("query"), str):
        return False
    name = data.get("operationName")
    if name is not None and not isinstance(name, str):
        return False
    try:
        operation = get_operation_ast(parse(data["query"]), name)
    except GraphQLError:
        return False
    return operation is not None and operation.operation is OperationType.QUERY
