"""What a task state means for insights: shown, counted, successful or failed (SPEC.md, Words)."""

from __future__ import annotations

from enum import IntEnum, StrEnum


class TaskState(StrEnum):
    """Octopus's task states."""

    QUEUED = "Queued"
    EXECUTING = "Executing"
    CANCELLING = "Cancelling"
    SUCCESS = "Success"
    FAILED = "Failed"
    CANCELED = "Canceled"
    TIMED_OUT = "TimedOut"


FINISHED_STATES = frozenset(
    {TaskState.SUCCESS, TaskState.FAILED, TaskState.CANCELED, TaskState.TIMED_OUT}
)
"""States shown in `/deployments`; unfinished tasks are never shown."""

COUNTED_STATES = frozenset({TaskState.SUCCESS, TaskState.FAILED})
"""States that count in metrics and that can break or recover a stream."""


class Outcome(IntEnum):
    """A shown deployment's outcome, as small integers for columnar aggregation."""

    SUCCESSFUL = 0
    """State Success, no guided failure."""
    FAILED = 1
    """State Failed, with or without a guided failure."""
    SUCCESS_WITH_GUIDED_FAILURE = 2
    """State Success after a guided failure: counts as failed."""
    NOT_COUNTED = 3
    """Canceled or TimedOut: shown, never counted."""


def outcome_of(state: TaskState, had_guided_failure: bool) -> Outcome:
    """The outcome of a finished deployment."""
    if state is TaskState.SUCCESS:
        return Outcome.SUCCESS_WITH_GUIDED_FAILURE if had_guided_failure else Outcome.SUCCESSFUL
    if state is TaskState.FAILED:
        return Outcome.FAILED
    return Outcome.NOT_COUNTED
