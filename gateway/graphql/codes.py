"""`extensions.code` on every error of a GraphQL answer, in Apollo Server's vocabulary.

- GRAPHQL_PARSE_FAILED: the document does not parse (the token limit included).
- GRAPHQL_VALIDATION_FAILED: it breaks the schema or a limit (depth, aliases).
- BAD_USER_INPUT: variables that do not fit their types, and arguments a resolver refuses.
- INTERNAL_SERVER_ERROR: anything unexpected (masked: "Unexpected error.").
- NOT_FOUND, PERSISTED_QUERY_NOT_FOUND, ...: set where the error is raised, kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
BAD_USER_INPUT = "BAD_USER_INPUT"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def with_code(error: GraphQLError, code: str) -> None:
    """Give an error a code unless it has one."""
    if not (error.extensions or {}).get("code"):
        error.extensions = {**(error.extensions or {}), "code": code}


class ErrorCodes(SchemaExtension):
    """Codes errors by the step that raised them. List it before `MaskErrors`, so that it sees
    the masked errors (extensions leave an operation in the reverse of their order)."""

    def on_validate(self) -> Iterator[None]:
        yield
        for error in self.execution_context.pre_execution_errors or ():
            with_code(error, VALIDATION_FAILED)

    def on_operation(self) -> Iterator[None]:
        try:
            yield
        except GraphQLSyntaxError as syntax_error:
            # The parser cache parses as its hook starts, so a syntax error leaves the
            # operation as an exception, which Strawberry then answers.
            with_code(syntax_error, PARSE_FAILED)
            raise
        result = self.execution_context.result
        for error in getattr(result, "errors", None) or ():
            # Left without a code: variable coercion (no path, before execution) or a
            # resolver's failure (a path).
            with_code(error, BAD_USER_INPUT if error.path is None else INTERNAL_SERVER_ERROR)
