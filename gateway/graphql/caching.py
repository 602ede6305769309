"""Whole answers of read-only GraphQL requests, kept per store generation and clock reading.

A POST whose document's operation is a query is answered from the store's generation, the
clock's reading and the request body alone, so its encoded answer is kept under those; an answer
with errors, a mutation, a batch or anything that does not parse is never kept. With a real clock
an answer is also kept by what of now its metrics depend on (`MomentAnswer`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass

from graphql import GraphQLError, OperationType, get_operation_ast, parse

from gateway.compression import KeptAnswer
from gateway.graphql.limits import MAX_TOKENS
from gateway.insights.metrics import MetricsQuery
from gateway.insights.report import Report
from gateway.strict_json import JsonError, decode


@dataclass(frozen=True, slots=True)
class MomentAnswer:
    """An answer kept, with a real clock, by what of now its metrics depend on: it answers a
    later reading whose `moments` for the same reports and queries are the same."""

    metrics: tuple[tuple[Report, MetricsQuery], ...]
    moments: tuple[Hashable, ...]
    answer: KeptAnswer


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
