"""What a project's history yields: releases and deployments, ordered as events."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


Event = tuple[Any, ...]
"""What a project's history yields, as plain values (they cross between processes), the first
four making a total, deterministic order: time, RELEASE or DEPLOYMENT, project id, sequence.

A release goes on with its channel id, version and whether it is a fix (its time is its
creation). A deployment's sequence counts the project's deployments; it goes on with its
release's sequence, environment id, tenant id, task state, had guided failure, queue time,
start time and completion time."""
