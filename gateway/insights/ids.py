"""Octopus ids (`Projects-12`): the store keeps the number, the wire shows the prefixed text."""

from __future__ import annotations

import re
from enum import StrEnum


class Kind(StrEnum):
    """The id prefix of each kind of Octopus resource."""

    SPACE = "Spaces"
    PROJECT_GROUP = "ProjectGroups"
    PROJECT = "Projects"
    CHANNEL = "Channels"
    ENVIRONMENT = "Environments"
    TAG_SET = "TagSets"
    TENANT = "Tenants"
    RELEASE = "Releases"
    DEPLOYMENT = "Deployments"
    INSIGHTS_REPORT = "InsightsReports"
    TAG = "Tags"
    LIFECYCLE = "Lifecycles"
    SERVER_TASK = "ServerTasks"
    INTERRUPTION = "Interruptions"
    EVENT = "Events"


_ID = re.compile(r"(?P<prefix>[A-Za-z]+)-(?P<number>[1-9][0-9]{0,17})\Z")


def format_id(kind: Kind, number: int) -> str:
    """`Projects-12` from (PROJECT, 12)."""
    return f"{kind.value}-{number}"


def parse_id(kind: Kind, text: object) -> int | None:
    """The number of an id of this kind (`Projects-12` -> 12), or None when the text is not one."""
    if not isinstance(text, str):
        return None
    match = _ID.match(text)
    if match is None or match["prefix"] != kind.value:
        return None
    return int(match["number"])
