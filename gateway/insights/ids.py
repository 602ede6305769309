"""Octopus ids (`Projects-12`): the store keeps the number, the wire shows the prefixed text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum

from gateway.insights.problems import OCTOPUS, Field, Problem, Rule, describe


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


def split_id(text: object) -> tuple[str, int] | None:
    """The prefix and number of an id of any kind (`Users-3` -> ("Users", 3)), or None."""
    if not isinstance(text, str):
        return None
    match = _ID.match(text)
    return None if match is None else (match["prefix"], int(match["number"]))


def id_numbers(
    kind: Kind,
    values: Iterable[str] | None,
    *,
    argument: Field | str,
    problems: list[Problem],
) -> frozenset[int] | None:
    """The numbers of the ids in an argument (None when the argument is absent); each text that
    is not an id of this kind adds a problem at (`argument`, its index)."""
    if values is None:
        return None
    numbers: set[int] = set()
    for index, value in enumerate(values):
        number = parse_id(kind, value)
        if number is None:
            problems.append(Problem(Rule.NOT_AN_ID, (argument, index), value, kind=kind))
        else:
            numbers.add(number)
    return frozenset(numbers)


def parse_ids(
    kind: Kind, values: Iterable[str] | None, *, argument: str, problems: list[str]
) -> frozenset[int] | None:
    """`id_numbers`, its problems worded in Octopus's names (a REST query parameter)."""
    found: list[Problem] = []
    numbers = id_numbers(kind, values, argument=argument, problems=found)
    problems.extend(describe(problem, OCTOPUS) for problem in found)
    return numbers
