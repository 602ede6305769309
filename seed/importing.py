"""Reading a data file: every rule of SPEC.md checked over the whole file before anything is
written, and every problem listed (up to a limit), each naming where it is and the value.

Problems read like `Deployments[3].ReleaseId: Releases-99 does not exist in Spaces-1`.
Unknown properties of items are ignored (Octopus resources carry many more); an unknown
top-level property is a problem, since a misspelt array would otherwise load nothing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    TagInfo,
    TagSetInfo,
    TenantInfo,
)
from gateway.insights.deployments import FINISHED_STATES, TaskState
from gateway.insights.errors import MAX_LISTED_PROBLEMS, and_more
from gateway.insights.ids import Kind
from gateway.strict_json import JsonError, decode
from seed.checks import Checker
from seed.datafile import ARRAYS, FORMAT_VERSION
from seed.lifecycle import LoadSummary, load_store
from seed.report_checks import check_report
from seed.writer import (
    CHANNEL,
    DEPLOYMENT,
    ENVIRONMENT,
    INSIGHTS_REPORT,
    PROJECT,
    PROJECT_GROUP,
    RELEASE,
    SPACE,
    TAG,
    TAG_SET,
    TENANT,
    TENANT_TAG,
    BulkWriter,
    Row,
)

PROBLEM_LIMIT = MAX_LISTED_PROBLEMS
_STATES = ", ".join(state.value for state in TaskState)
_UNFINISHED = {TaskState.QUEUED, TaskState.EXECUTING, TaskState.CANCELLING}


class DataFileError(Exception):
    """A data file that breaks the format; `problems` lists every problem found."""

    def __init__(self, source: str, problems: list[str], more: int = 0) -> None:
        total = len(problems) + more
        noun = "problem" if total == 1 else "problems"
        super().__init__(f"{source} was not imported: {total} {noun}; nothing was written")
        self.problems = problems + ([and_more(more)] if more else [])


@dataclass
class DataFile:
    """A valid data file as rows per table, in writing order."""

    rows: dict[str, list[Row]] = field(default_factory=dict)

    @property
    def deployments(self) -> int:
        return len(self.rows.get(DEPLOYMENT.name, []))


def read_data_file(source: str) -> DataFile:
    """Read and check a data file (`-`: standard input); raise DataFileError listing every
    problem."""
    try:
        text = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise DataFileError(source, [f"cannot be read: {error}"]) from None
    try:
        document = decode(text)
    except JsonError as error:
        raise DataFileError(source, [f"is not JSON: {error}"]) from None
    return parse_document(document, source="standard input" if source == "-" else source)


def parse_document(
    document: object, *, source: str = "the data file", limit: int = PROBLEM_LIMIT
) -> DataFile:
    """Check a parsed data file whole; the rows to write, or DataFileError with every
    problem."""
    check = Checker(limit)
    data = DataFile()
    if not isinstance(document, dict):
        raise DataFileError(source, ["the data file must be a JSON object"])
    version = document.get("FormatVersion")
    if version != FORMAT_VERSION:
        shown = "missing" if version is None else f"{json.dumps(version)} is not supported"
        check.problem("FormatVersion", f"{shown} (this version reads {FORMAT_VERSION})")
    for key in document:
        if key != "FormatVersion" and key not in ARRAYS:
            check.problem(key, f"is not part of the data file (it has {', '.join(ARRAYS)})")
    arrays: dict[str, list[Any]] = {}
    for name in ARRAYS:
        value = document.get(name, [])
        if isinstance(value, list):
            arrays[name] = value
        else:
            check.problem(name, "must be an array")
            arrays[name] = []
    reader = _Reader(check, data)
    reader.read(arrays)
    if check.problems:
        raise DataFileError(source, check.problems, check.more)
    return data


class _Reader:
    """Checks the arrays in dependency order and collects their rows; the rows are used only
    when no problem was found, so a row may hold None where its item had a problem."""

    def __init__(self, check: Checker, data: DataFile) -> None:
        self.check = check
        self.data = data

    def add(self, table: Any, row: Row) -> None:
        self.data.rows.setdefault(table.name, []).append(row)

    def read(self, arrays: dict[str, list[Any]]) -> None:
        check = self.check
        for where, item in check.items("Spaces", arrays["Spaces"]):
            number = check.own_id(where, item, Kind.SPACE)
            name = check.name(where, item, "Name", scope=0, kind=Kind.SPACE)
            if number is not None and name is not None:
                check.spaces.add(number)
                self.add(SPACE, {"id": number, "name": name})
        self._named("ProjectGroups", arrays, Kind.PROJECT_GROUP, PROJECT_GROUP)
        self._named("Environments", arrays, Kind.ENVIRONMENT, ENVIRONMENT)
        self._tag_sets(arrays["TagSets"])
        self._tenants(arrays["Tenants"])
        self._named("Projects", arrays, Kind.PROJECT, PROJECT)
        self._channels(arrays["Channels"])
        self._releases(arrays["Releases"])
        self._deployments(arrays["Deployments"])
        for where, item in check.items("InsightsReports", arrays["InsightsReports"]):
            self.add(INSIGHTS_REPORT, check_report(check, where, item))

    def _named(self, array: str, arrays: dict[str, list[Any]], kind: Kind, table: Any) -> None:
        """Items with an id, a space and a name unique in the space (projects: and a group)."""
        check = self.check
        for where, item in check.items(array, arrays[array]):
            number = check.own_id(where, item, kind)
            space = check.space(where, item)
            name = check.name(where, item, "Name", scope=space, kind=kind)
            row: Row = {"id": number, "space_id": space, "name": name}
            if kind is Kind.ENVIRONMENT:
                row["sort_order"] = check.integer(where, item, "SortOrder", default=0)
            if kind is Kind.PROJECT:
                group = check.reference(where, item, "ProjectGroupId", Kind.PROJECT_GROUP, space)
                row["project_group_id"] = group
            if number is not None and space is not None:
                check.owner[kind][number] = space
                held = check.held[space]
                if kind is Kind.PROJECT_GROUP:
                    held.project_groups[number] = ProjectGroupInfo(number, name or "")
                elif kind is Kind.ENVIRONMENT:
                    order = row["sort_order"] or 0
                    held.environments[number] = EnvironmentInfo(number, name or "", order)
                elif kind is Kind.PROJECT:
                    group = row["project_group_id"] or 0
                    held.projects[number] = ProjectInfo(number, name or "", group)
            self.add(table, row)

    def _tag_sets(self, items: list[Any]) -> None:
        check = self.check
        for where, item in check.items("TagSets", items):
            number = check.own_id(where, item, Kind.TAG_SET)
            space = check.space(where, item)
            name = check.name(where, item, "Name", scope=space, kind=Kind.TAG_SET)
            tags = item.get("Tags", [])
            if not isinstance(tags, list):
                check.problem(f"{where}.Tags", "must be an array")
                tags = []
            rows: list[Row] = []
            taken: set[str] = set()
            for position, tag in enumerate(tags):
                at = f"{where}.Tags[{position}]"
                if not isinstance(tag, dict):
                    check.problem(at, "must be an object")
                    continue
                tag_name = check.text(at, tag, "Name")
                if tag_name is None or name is None:
                    continue
                canonical = f"{name}/{tag_name}"
                given = tag.get("CanonicalTagName", canonical)
                if given != canonical:
                    check.problem(f"{at}.CanonicalTagName", f"{given!r} should be {canonical!r}")
                if tag_name.lower() in taken:
                    check.problem(f"{at}.Name", f"{tag_name!r} appears twice in the tag set")
                taken.add(tag_name.lower())
                if space is not None:
                    check.tags.setdefault(space, set()).add(canonical)
                rows.append(
                    {"tag_set_id": number, "position": position, "name": tag_name,
                     "canonical_name": canonical}
                )  # fmt: skip
            if number is not None and space is not None and name is not None:
                check.held[space].tag_sets[number] = TagSetInfo(
                    number,
                    name,
                    tuple(TagInfo(row["name"], row["canonical_name"]) for row in rows),
                )
                self.add(TAG_SET, {"id": number, "space_id": space, "name": name})
                for row in rows:
                    self.add(TAG, row)

    def _tenants(self, items: list[Any]) -> None:
        check = self.check
        for where, item in check.items("Tenants", items):
            number = check.own_id(where, item, Kind.TENANT)
            space = check.space(where, item)
            name = check.name(where, item, "Name", scope=space, kind=Kind.TENANT)
            tags = check.tag_list(where, item, "TenantTags", space)
            if number is not None and space is not None:
                check.owner[Kind.TENANT][number] = space
                check.held[space].tenants[number] = TenantInfo(
                    number, name or "", tuple(tags or ())
                )
            if number is not None and space is not None and name is not None and tags is not None:
                self.add(TENANT, {"id": number, "space_id": space, "name": name})
                for position, canonical in enumerate(tags):
                    self.add(
                        TENANT_TAG,
                        {"tenant_id": number, "position": position, "canonical_name": canonical},
                    )

    def _channels(self, items: list[Any]) -> None:
        check = self.check
        for where, item in check.items("Channels", items):
            number = check.own_id(where, item, Kind.CHANNEL)
            space = check.space(where, item)
            project = check.reference(where, item, "ProjectId", Kind.PROJECT, space)
            name = check.name(where, item, "Name", scope=project, kind=Kind.CHANNEL)
            default = check.boolean(where, item, "IsDefault", default=False)
            if number is not None and space is not None:
                check.owner[Kind.CHANNEL][number] = space
                if project is not None:
                    check.channel_project[number] = project
            row = {"id": number, "space_id": space, "project_id": project, "name": name,
                   "is_default": default}  # fmt: skip
            self.add(CHANNEL, row)

    def _releases(self, items: list[Any]) -> None:
        check = self.check
        versions: set[tuple[int, str]] = set()
        for where, item in check.items("Releases", items):
            number = check.own_id(where, item, Kind.RELEASE)
            space = check.space(where, item)
            project = check.reference(where, item, "ProjectId", Kind.PROJECT, space)
            channel = check.reference(where, item, "ChannelId", Kind.CHANNEL, space)
            if project is not None and channel is not None:
                owner = check.channel_project.get(channel)
                if owner is not None and owner != project:
                    check.problem(
                        f"{where}.ChannelId",
                        f"Channels-{channel} belongs to Projects-{owner}, not Projects-{project}",
                    )
                    channel = None
            version = check.text(where, item, "Version")
            if version is not None and project is not None:
                if (project, version) in versions:
                    check.problem(
                        f"{where}.Version", f"{version!r} appears twice in Projects-{project}"
                    )
                versions.add((project, version))
            assembled = check.timestamp(where, item, "Assembled")
            if (
                number is not None
                and space is not None
                and project is not None
                and channel is not None
            ):
                check.owner[Kind.RELEASE][number] = space
                check.release_stream[number] = (project, channel)
            row = {"id": number, "space_id": space, "project_id": project, "channel_id": channel,
                   "version": version, "assembled": assembled}  # fmt: skip
            self.add(RELEASE, row)

    def _deployments(self, items: list[Any]) -> None:
        check = self.check
        for where, item in check.items("Deployments", items):
            number = check.own_id(where, item, Kind.DEPLOYMENT)
            space = check.space(where, item)
            release = check.reference(where, item, "ReleaseId", Kind.RELEASE, space)
            environment = check.reference(where, item, "EnvironmentId", Kind.ENVIRONMENT, space)
            tenant = check.reference(where, item, "TenantId", Kind.TENANT, space, nullable=True)
            state = check.choice(where, item, "TaskState", TaskState, _STATES)
            guided = check.boolean(where, item, "HadGuidedFailure", default=False)
            queued = check.timestamp(where, item, "QueueTime")
            started = check.timestamp(where, item, "StartTime", nullable=True)
            completed = check.timestamp(where, item, "CompletedTime", nullable=True)
            if state is not None:
                _check_times(check, where, item, TaskState(state))
            stream = check.release_stream.get(release) if release is not None else None
            row = {"id": number, "space_id": space, "release_id": release,
                   "project_id": stream and stream[0], "channel_id": stream and stream[1],
                   "environment_id": environment, "tenant_id": tenant, "task_state": state,
                   "had_guided_failure": guided, "queue_time": queued, "start_time": started,
                   "completed_time": completed}  # fmt: skip
            self.add(DEPLOYMENT, row)


def _check_times(check: Checker, where: str, item: dict[str, Any], state: TaskState) -> None:
    """Unfinished tasks have no completion time (and a queued one no start); finished ones
    have one."""
    if state in _UNFINISHED and item.get("CompletedTime") is not None:
        check.problem(f"{where}.CompletedTime", f"must be null for a {state.value} task")
    if state is TaskState.QUEUED and item.get("StartTime") is not None:
        check.problem(f"{where}.StartTime", "must be null for a Queued task")
    if state in FINISHED_STATES and item.get("CompletedTime") is None:
        check.problem(f"{where}.CompletedTime", f"is required for a {state.value} task")


async def import_into(
    engine: AsyncEngine,
    data: DataFile,
    *,
    reset: bool,
    origin: str,
    progress: Callable[[int], None] | None = None,
    facts_progress: Callable[[int], None] | None = None,
) -> LoadSummary:
    """Load a checked data file into the store (an empty one, or any with `reset`); facts are
    current when it returns."""

    def fill(connection: Connection) -> None:
        # The file's facts are not trusted: the load works them out.
        writer = BulkWriter(connection, progress=progress)
        for table in (SPACE, PROJECT_GROUP, ENVIRONMENT, TAG_SET, TAG, TENANT, TENANT_TAG,
                      PROJECT, CHANNEL, RELEASE, DEPLOYMENT, INSIGHTS_REPORT):  # fmt: skip
            writer.add_all(table, data.rows.get(table.name, []))
        writer.flush()

    return await load_store(
        engine, origin=origin, fill=fill, reset=reset, facts_progress=facts_progress
    )
