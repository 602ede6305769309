"""How failures reach a GraphQL client.

- Syntax and validation errors (and limits) come from graphql-core: sent as they are.
- Bad arguments found while resolving (`problems.bad_input`): `GraphQLError`s with a `code`
  extension and `problems` (each `{field, message}`), sent as they are.
- Anything else raised by a resolver is unexpected: logged with its traceback by Strawberry and
  sent as "Unexpected error." (`MaskErrors` with `should_mask`).
Mutations answer expected failures with union result types instead (see `mutations.py`).
"""

from __future__ import annotations

from graphql import GraphQLError

NOT_FOUND = "NOT_FOUND"


def not_found(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": NOT_FOUND})


def should_mask(error: GraphQLError) -> bool:
    """Mask what a resolver raised (the error has a path) unless it is a deliberate
    `GraphQLError`. Errors before execution (syntax, validation, variables) have no path."""
    original = error.original_error
    return (
        error.path is not None and original is not None and not isinstance(original, GraphQLError)
    )
