"""How failures reach a GraphQL client.

- Syntax and validation errors (and limits) come from graphql-core: sent as they are.
- Bad arguments found while resolving (`bad_input`, `not_found`): `GraphQLError`s with a `code`
  extension (and `problems` for bad input), sent as they are.
- A store found damaged: remembered in the server's `StoreHealth` and sent as `STORE_DAMAGED`
  (`GatewayErrors`); mutations are refused from then on.
- Anything else raised by a resolver is unexpected: logged with its traceback by Strawberry and
  sent as "Unexpected error." (`GatewayErrors` with `should_mask`).
Mutations answer expected failures with union result types instead (see `mutations.py`).
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import GraphQLError
from strawberry.extensions import MaskErrors

from gateway.store.health import StoreHealth

BAD_USER_INPUT = "BAD_USER_INPUT"
NOT_FOUND = "NOT_FOUND"
STORE_DAMAGED = "STORE_DAMAGED"


def bad_input(problems: Iterable[str]) -> GraphQLError:
    listed = list(problems)
    return GraphQLError(" ".join(listed), extensions={"code": BAD_USER_INPUT, "problems": listed})


def not_found(message: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": NOT_FOUND})


def store_damaged(health: StoreHealth) -> GraphQLError:
    return GraphQLError(health.message(), extensions={"code": STORE_DAMAGED})


class GatewayErrors(MaskErrors):
    """Strawberry's masking of unexpected errors, except that a damaged store is said so (and
    remembered, so that mutations are refused)."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        health = getattr(self.execution_context.context, "health", None)
        if isinstance(health, StoreHealth) and health.record(error.original_error):
            damaged = store_damaged(health)
            return GraphQLError(
                damaged.message,
                nodes=error.nodes,
                path=error.path,
                extensions=damaged.extensions,
            )
        return super().anonymise_error(error)


def should_mask(error: GraphQLError) -> bool:
    """Mask what a resolver raised (the error has a path) unless it is a deliberate
    `GraphQLError`. Errors before execution (syntax, validation, variables) have no path."""
    original = error.original_error
    return (
        error.path is not None and original is not None and not isinstance(original, GraphQLError)
    )
