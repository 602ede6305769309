"""Streams for `/deployments`: SPEC.md's order of streams and of deployments within a stream."""

from __future__ import annotations

from gateway.insights.deployments import TaskState
from gateway.insights.streams import DeploymentView, StreamKey, assemble_streams


def key(project: str, channel: str, environment: str, tenant: str | None) -> StreamKey:
    ids = {"Shop": 1, "api": 2, "Default": 1, "beta": 2, "Test": 1, "Prod": 2}
    return StreamKey(
        project_id=ids[project], project_name=project, channel_id=ids[channel],
        channel_name=channel, environment_id=ids[environment], environment_name=environment,
        tenant_id=None if tenant is None else len(tenant), tenant_name=tenant,
    )  # fmt: skip


def deployment(number: int, completed: int) -> DeploymentView:
    return DeploymentView(number, "1.0", TaskState.SUCCESS, completed, False)


def test_streams_ordered_by_names_untenanted_first() -> None:
    entries = [
        (key("Shop", "Default", "Test", "Zed"), deployment(1, 5)),
        (key("Shop", "Default", "Test", None), deployment(2, 5)),
        (key("Shop", "Default", "Test", "acme"), deployment(3, 5)),
        (key("Shop", "Default", "Prod", "Zed"), deployment(4, 5)),
        (key("Shop", "beta", "Prod", None), deployment(5, 5)),
        (key("api", "Default", "Test", None), deployment(6, 5)),
    ]
    streams = assemble_streams(entries)
    assert [s.deployments[0].id for s in streams] == [6, 5, 4, 2, 3, 1]


def test_deployments_ordered_by_completion_then_id_number() -> None:
    stream = key("Shop", "Default", "Test", None)
    entries = [
        (stream, deployment(10, 7)),
        (stream, deployment(9, 7)),
        (stream, deployment(11, 3)),
    ]
    [only] = assemble_streams(entries)
    assert [d.id for d in only.deployments] == [11, 9, 10]


def test_no_entries_no_streams() -> None:
    assert assemble_streams([]) == []
