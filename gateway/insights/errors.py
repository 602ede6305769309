"""The core's errors: InsightsError -> NotFound (an unknown thing), Invalid (every problem at once).

Each server maps them once: REST to Octopus error bodies (404, 400 with one line per problem),
GraphQL to result types. An `Invalid` holds structured `Problem`s, which each server words in
its own names (`gateway.insights.problems`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypeVar

from gateway.insights.problems import OCTOPUS, Problem, describe

MAX_LISTED_PROBLEMS = 100
"""An answer lists at most this many problems, then how many more there are."""

Listed = TypeVar("Listed")


class InsightsError(Exception):
    """Something a client asked for cannot be answered; the message says what."""


class NotFound(InsightsError):
    """A space, report or other resource that does not exist; the message names it."""


class Invalid(InsightsError):
    """Input that breaks one or more rules: `details` holds each as a `Problem`."""

    def __init__(self, details: Iterable[Problem]) -> None:
        self.details: tuple[Problem, ...] = tuple(details)
        super().__init__("; ".join(self.problems) or "the request is invalid")

    @property
    def problems(self) -> tuple[str, ...]:
        """Each problem as a sentence in Octopus's names (REST's, the data file's)."""
        return tuple(describe(problem, OCTOPUS) for problem in self.details)


def and_more(count: int) -> str:
    """The line that ends a list of problems cut at `MAX_LISTED_PROBLEMS`."""
    return f"... and {count} more"


def listed(problems: Sequence[str]) -> list[str]:
    """The problems an answer lists: the first `MAX_LISTED_PROBLEMS`, then how many more."""
    if len(problems) <= MAX_LISTED_PROBLEMS:
        return list(problems)
    return [*problems[:MAX_LISTED_PROBLEMS], and_more(len(problems) - MAX_LISTED_PROBLEMS)]


def first_listed(problems: Sequence[Listed]) -> tuple[list[Listed], int]:
    """The problems an answer lists (the first `MAX_LISTED_PROBLEMS`) and how many more."""
    return list(problems[:MAX_LISTED_PROBLEMS]), max(len(problems) - MAX_LISTED_PROBLEMS, 0)
