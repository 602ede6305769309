"""The core's errors: InsightsError -> NotFound (an unknown thing), Invalid (every problem at once).

Each server maps them once: REST to Octopus error bodies (404, 400 with one line per problem),
GraphQL to result types. An `Invalid` holds structured `Problem`s, which each server words in
its own names (`gateway.insights.problems`).
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.insights.problems import OCTOPUS, Problem, describe


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
