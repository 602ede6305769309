"""Server tasks, interruptions and events, derived from deployments (the store has no tables
for them), the same way every time:

- Each deployment `Deployments-N` runs as the task `ServerTasks-N`, named `Deploy`, with the
  deployment's state and times; its duration, flags and error message follow from them.
- A deployment with a guided failure raised one `GuidedFailure` interruption,
  `Interruptions-N`, a third of the way from its start to its completion (at its start while
  it still runs, when it is still pending); nothing else raises one.
- Its events, in order: `DeploymentQueued` at its queue time, `DeploymentStarted` at its start,
  `GuidedFailureInterruptionRaised` when the interruption was raised, `DeploymentResumed`
  halfway from then to the completion of a guided failure that succeeded, and at completion
  `DeploymentSucceeded`, `DeploymentFailed` (Failed or TimedOut) or `TaskCanceled`. Their auto
  ids (`Events-N`) number every event of the store in time order (`mock_server.events`).
"""

from __future__ import annotations

import html
from enum import IntEnum
from typing import Any

from gateway.insights.deployments import FINISHED_STATES, TaskState
from gateway.insights.ids import Kind, format_id
from gateway.insights.ticks import (
    TICKS_PER_DAY,
    TICKS_PER_HOUR,
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
    datetime_from_ticks,
    format_offset_timestamp,
)
from mock_server.deployments import DeploymentRow, deployment_name, document_ids, task_description

SERVER_NODE = "OCTOPUS-01"
TASK_NAME = "Deploy"
FINISHED = frozenset(state.value for state in FINISHED_STATES)
UNFINISHED = frozenset(state.value for state in TaskState) - FINISHED
RUNNING = frozenset({TaskState.EXECUTING.value, TaskState.CANCELLING.value})
_FAILURES = frozenset({TaskState.FAILED.value, TaskState.TIMED_OUT.value})
_ERRORS = {
    TaskState.FAILED.value: "The deployment failed because one or more steps failed. "
    "Please see the deployment log for details.",
    TaskState.TIMED_OUT.value: "The task exceeded its maximum execution time and was stopped.",
    TaskState.CANCELED.value: "The task was canceled.",
}

Item = dict[str, Any]


class EventKind(IntEnum):
    """A deployment's events, in the order they happen (ties in time are put in this order)."""

    QUEUED = 0
    STARTED = 1
    GUIDED_FAILURE = 2
    RESUMED = 3
    SUCCEEDED = 4
    FAILED = 5
    CANCELED = 6


CATEGORIES = {
    EventKind.QUEUED: "DeploymentQueued",
    EventKind.STARTED: "DeploymentStarted",
    EventKind.GUIDED_FAILURE: "GuidedFailureInterruptionRaised",
    EventKind.RESUMED: "DeploymentResumed",
    EventKind.SUCCEEDED: "DeploymentSucceeded",
    EventKind.FAILED: "DeploymentFailed",
    EventKind.CANCELED: "TaskCanceled",
}
KIND_OF_CATEGORY = {category: kind for kind, category in CATEGORIES.items()}


def raised_at(queue: int, start: int | None, completed: int | None) -> int:
    """When a guided failure's interruption was raised."""
    begun = queue if start is None else start
    return begun if completed is None else begun + (completed - begun) // 3


def resumed_at(queue: int, start: int | None, completed: int) -> int:
    """When a guided failure that went on to succeed was resumed."""
    raised = raised_at(queue, start, completed)
    return raised + (completed - raised) // 2


def terminal_kind(state: str) -> EventKind | None:
    if state == TaskState.SUCCESS.value:
        return EventKind.SUCCEEDED
    if state in _FAILURES:
        return EventKind.FAILED
    if state == TaskState.CANCELED.value:
        return EventKind.CANCELED
    return None


def human_duration(ticks: int) -> str:
    """Octopus's task duration: `18 seconds`, `1 minute`, `3 hours`, `2 days` (whole units)."""
    for unit, name in (
        (TICKS_PER_DAY, "day"),
        (TICKS_PER_HOUR, "hour"),
        (TICKS_PER_MINUTE, "minute"),
    ):
        if ticks >= unit:
            count = ticks // unit
            return f"{count} {name}{'' if count == 1 else 's'}"
    count = max(ticks, 0) // TICKS_PER_SECOND
    return f"{count} second{'' if count == 1 else 's'}"


def task_resource(row: DeploymentRow) -> Item:
    ids = document_ids(row)
    space_id, task = ids.space, ids.task
    state = row.task_state
    completed = state in FINISHED
    queued = format_offset_timestamp(row.queue_time)
    begun, started = row.queue_time, None
    if row.start_time is not None:
        begun, started = row.start_time, format_offset_timestamp(row.start_time)
    last, updated = begun, started or queued
    finished = None
    if row.completed_time is not None:
        finished = format_offset_timestamp(row.completed_time)
        last, updated = row.completed_time, finished
    pending = row.had_guided_failure and not completed
    return {
        "Id": task,
        "SpaceId": space_id,
        "Name": TASK_NAME,
        "Description": task_description(row),
        "Arguments": {"DeploymentId": ids.deployment},
        "State": state,
        "QueueTime": queued,
        "QueueTimeExpiry": None,
        "StartTime": started,
        "LastUpdatedTime": updated,
        "CompletedTime": finished,
        "ServerNode": None if row.start_time is None else SERVER_NODE,
        "Duration": human_duration(last - begun),
        "ErrorMessage": _ERRORS.get(state, ""),
        "HasBeenPickedUpByProcessor": row.start_time is not None,
        "IsCompleted": completed,
        "FinishedSuccessfully": state == TaskState.SUCCESS.value,
        "HasPendingInterruptions": pending,
        "CanRerun": completed,
        "HasWarningsOrErrors": state in _FAILURES or row.had_guided_failure,
        "ProjectId": ids.project,
        "Links": {"Self": f"/api/tasks/{task}", "Web": f"/app#/{space_id}/tasks/{task}"},
    }


_GUIDANCE = {TaskState.SUCCESS.value: "Ignore"}
"""What the person who gave guidance chose: a guided failure that succeeded was ignored; any
other finished one was failed (`Abort`)."""


def interruption_resource(row: DeploymentRow) -> Item:
    ids = document_ids(row)
    space_id, task = ids.space, ids.task
    interruption = format_id(Kind.INTERRUPTION, row.id)
    pending = row.task_state not in FINISHED
    related = [ids.deployment, task, ids.project, ids.environment]
    if ids.tenant is not None:
        related.append(ids.tenant)
    guidance = None if pending else _GUIDANCE.get(row.task_state, "Abort")
    return {
        "Id": interruption,
        "SpaceId": space_id,
        "Title": f"{task_description(row)} requires failure guidance",
        "Type": "GuidedFailure",
        "Created": format_offset_timestamp(
            raised_at(row.queue_time, row.start_time, row.completed_time)
        ),
        "IsPending": pending,
        "Form": {
            "Values": {"Guidance": guidance},
            "Elements": [
                {
                    "Name": "Guidance",
                    "Control": {
                        "Type": "SubmitButtonGroup",
                        "Buttons": [
                            {"Text": "Fail", "Value": "Abort", "RequiresConfirmation": False},
                            {"Text": "Retry", "Value": "Retry", "RequiresConfirmation": False},
                            {"Text": "Ignore", "Value": "Ignore", "RequiresConfirmation": False},
                        ],
                    },
                    "IsValueRequired": True,
                }
            ],
        },
        "RelatedDocumentIds": related,
        "ResponsibleTeamIds": ["teams-everyone"],
        "ResponsibleUserId": None,
        "CanTakeResponsibility": pending,
        "HasResponsibility": False,
        "TaskId": task,
        "CorrelationId": f"{task}_guidedfailure",
        "IsLinkedToOtherInterruption": False,
        "Links": {"Self": f"/api/{space_id}/interruptions/{interruption}"},
    }


def _scheduled(ticks: int) -> str:
    moment = datetime_from_ticks(ticks)
    hour = moment.hour % 12 or 12
    return f"{moment:%A, %d %B %Y} {hour}:{moment:%M %p} +00:00"


_VERBS = {
    EventKind.STARTED: "started",
    EventKind.GUIDED_FAILURE: "requires failure guidance",
    EventKind.RESUMED: "resumed",
    EventKind.SUCCEEDED: "succeeded",
    EventKind.FAILED: "failed",
    EventKind.CANCELED: "was canceled",
}
_PAGES = {
    Kind.DEPLOYMENT: "deployments",
    Kind.PROJECT: "projects",
    Kind.RELEASE: "releases",
    Kind.ENVIRONMENT: "environments",
    Kind.TENANT: "tenants",
}

Part = str | tuple[str, Kind, str]
"""A piece of an event's message: plain text, or a named document (text, kind, id)."""


def _message_parts(row: DeploymentRow, kind: EventKind, occurred: int) -> list[Part]:
    ids = document_ids(row)
    tenant: list[Part] = []
    if ids.tenant is not None and row.tenant_name is not None:
        tenant = [" for ", (row.tenant_name, Kind.TENANT, ids.tenant)]
    target: list[Part] = [
        (row.project_name, Kind.PROJECT, ids.project),
        " release ",
        (row.version, Kind.RELEASE, ids.release),
        " to ",
        (row.environment_name, Kind.ENVIRONMENT, ids.environment),
        *tenant,
    ]
    if kind is EventKind.QUEUED:
        return ["Scheduled to deploy ", *target, f" at {_scheduled(occurred)}"]
    named: Part = (deployment_name(row), Kind.DEPLOYMENT, ids.deployment)
    return [named, f" {_VERBS[kind]} for ", *target]


def event_resource(row: DeploymentRow, kind: EventKind, occurred: int, auto_id: int) -> Item:
    """An event as `/api/events` lists it, its message's documents referenced as Octopus does."""
    ids = document_ids(row)
    related = [ids.deployment, ids.project, ids.release, ids.environment]
    if ids.tenant is not None:
        related.append(ids.tenant)
    related += [ids.task, ids.channel]
    if kind is EventKind.GUIDED_FAILURE:
        related.append(format_id(Kind.INTERRUPTION, row.id))
    text, markup, references = [], [], []
    at = 0
    for part in _message_parts(row, kind, occurred):
        if isinstance(part, str):
            text.append(part)
            markup.append(html.escape(part))
            at += len(part)
            continue
        shown, document_kind, document = part
        text.append(shown)
        markup.append(f"<a href='#/{_PAGES[document_kind]}/{document}'>{html.escape(shown)}</a>")
        references.append(
            {"ReferencedDocumentId": document, "StartIndex": at, "Length": len(shown)}
        )
        at += len(shown)
    event_id = format_id(Kind.EVENT, auto_id)
    return {
        "Id": event_id,
        "RelatedDocumentIds": related,
        "Category": CATEGORIES[kind],
        "UserId": "users-system",
        "Username": "system",
        "IsService": False,
        "IdentityEstablishedWith": "",
        "UserAgent": "Server",
        "Occurred": format_offset_timestamp(occurred),
        "Message": "".join(text),
        "MessageHtml": "".join(markup),
        "MessageReferences": references,
        "Comments": None,
        "Details": None,
        "ChangeDetails": {"DocumentContext": None, "Differences": None},
        "IpAddress": None,
        "SpaceId": ids.space,
        "Links": {"Self": f"/api/events/{event_id}"},
    }
