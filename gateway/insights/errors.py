"""The core's errors: InsightsError -> NotFound (an unknown thing), Invalid (every problem at once).

Each server maps them once: REST to Octopus error bodies (404, 400 with one line per problem),
GraphQL to result types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

MAX_LISTED_PROBLEMS = 100
"""An answer lists at most this many problems, then how many more there are."""


class InsightsError(Exception):
    """Something a client asked for cannot be answered; the message says what."""


class NotFound(InsightsError):
    """A space, report or other resource that does not exist; the message names it."""


class Invalid(InsightsError):
    """Input that breaks one or more rules; `problems` lists each as a sentence naming the value."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("; ".join(self.problems) or "the request is invalid")


def and_more(count: int) -> str:
    """The line that ends a list of problems cut at `MAX_LISTED_PROBLEMS`."""
    return f"... and {count} more"


def listed(problems: Sequence[str]) -> list[str]:
    """The problems an answer lists: the first `MAX_LISTED_PROBLEMS`, then how many more."""
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return list(problems)
    return [*problems[:MAX_LISTED_PROBLEMS], and_more(len(problems) - MAX_LISTED_PROBLEMS)]
