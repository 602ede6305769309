"""What a project's history yields: releases and deployments, ordered as events."""

from __future__ import annotations

from dataclasses import dataclass

from seed.company import ChannelPlan, ProjectPlan

RELEASE, DEPLOYMENT = 0, 1


@dataclass(slots=True)
class ReleaseRecord:
    project: ProjectPlan
    channel: ChannelPlan
    version: str
    assembled: int
    sequence: int
    """Creation order within the project."""
    fix: bool = False
    id: int = 0
    """Given by the generator when the release is written."""
    successor: tuple[int, int, int] | None = None
    """The channel's next release once it is written: sequence, id, assembled."""


DeploymentRecord = tuple[ReleaseRecord, int, int | None, str, bool, int, int | None, int | None]
"""A deployment: release, environment id, tenant id, task state, had guided failure, queue time,
start time, completion time. A plain tuple: a seed makes millions of them."""


Event = tuple[int, int, int, int, ReleaseRecord | DeploymentRecord]
"""(time, RELEASE or DEPLOYMENT, project id, sequence, record): a total, deterministic order."""
