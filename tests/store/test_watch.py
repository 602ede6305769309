"""The store's change log, and what a server drops when it learns of a change: answers whose
parts changed, and only the changed streams of its held columns."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import fields

import numpy as np
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.aggregation import DeploymentColumns
from gateway.insights.ticks import TICKS_PER_DAY, parse_timestamp
from gateway.store import models
from gateway.store.cache import AnswerCache
from gateway.store.columns import SpaceColumns
from gateway.store.facts import refresh_facts
from gateway.store.generation import (
    CATALOGUE,
    DEPLOYMENTS,
    EVERYTHING,
    REPORTS,
    Change,
    Part,
    StreamIds,
    bump_generation,
    catalogue_changed,
    changes_since,
    deployments_changed,
    read_generation,
    reports_changed,
)
from gateway.store.watch import StoreWatch
from tests.store.small_store import fill_small_store, table

SHOP_PRODUCTION = StreamIds(project=1, channel=1, environment=2, tenant=None)


@pytest.fixture
async def store(engine: AsyncEngine) -> AsyncEngine:
    return await fill_small_store(engine)


@pytest.fixture
async def watched(store: AsyncEngine) -> AsyncIterator[tuple[StoreWatch, AnswerCache]]:
    answers = AnswerCache()
    watch = StoreWatch(store, caches=[answers], columns=SpaceColumns())
    await watch.read()
    yield watch, answers
    watch.close()


def _space(space: int, *kinds: str) -> frozenset[Part]:
    return frozenset(Part(kind, space) for kind in kinds)


async def _keep_answers(watch: StoreWatch, answers: AnswerCache) -> None:
    generation = await watch.read()
    answers.put(generation, "metrics 1", "M1", 1, _space(1, REPORTS, DEPLOYMENTS, CATALOGUE))
    answers.put(generation, "reports 1", "R1", 1, _space(1, REPORTS))
    answers.put(generation, "reports 2", "R2", 1, _space(2, REPORTS))
    answers.put(generation, "spaces", "S", 1, frozenset({Part(CATALOGUE, None)}))
    answers.put(generation, "unsure", "U", 1, None)


async def _kept(watch: StoreWatch, answers: AnswerCache) -> set[str]:
    generation = await watch.read()
    keys = ["metrics 1", "reports 1", "reports 2", "spaces", "unsure"]
    return {key for key in keys if answers.get(generation, key) is not None}


def test_a_change_reads_back_as_it_was_written() -> None:
    change = deployments_changed([(1, SHOP_PRODUCTION), (2, StreamIds(3, 4, 3, 7))])
    assert Change.from_json(change.to_json()) == change
    assert Change.from_json(EVERYTHING.to_json()) is EVERYTHING


async def test_a_report_write_drops_its_space_s_report_answers_only(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, answers = watched
    await _keep_answers(watch, answers)
    async with store.begin() as connection:
        await bump_generation(connection, reports_changed(2, 5))
    assert await _kept(watch, answers) == {"metrics 1", "reports 1", "spaces"}


async def test_a_catalogue_change_drops_the_list_of_spaces_too(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, answers = watched
    await _keep_answers(watch, answers)
    async with store.begin() as connection:
        await bump_generation(connection, catalogue_changed([1]))
    assert await _kept(watch, answers) == {"reports 1", "reports 2"}


async def test_changes_between_two_reads_are_all_applied(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, answers = watched
    await _keep_answers(watch, answers)
    async with store.begin() as connection:
        await bump_generation(connection, reports_changed(1, 4))
    async with store.begin() as connection:
        await bump_generation(connection, reports_changed(2, 5))
    assert await _kept(watch, answers) == {"spaces"}


async def test_a_gap_in_the_log_counts_as_a_change_of_everything(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, answers = watched
    await _keep_answers(watch, answers)
    async with store.begin() as connection:
        seen = await read_generation(connection)
        first = await bump_generation(connection, reports_changed(2, 5))
        await bump_generation(connection, reports_changed(2, 5))
        await connection.execute(
            delete(table(models.StoreChange)).where(table(models.StoreChange).c.generation == first)
        )
        assert await changes_since(connection, seen, first + 1) is None
    assert await _kept(watch, answers) == set()


async def test_an_answer_built_before_a_change_is_not_kept(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, answers = watched
    before = await watch.read()
    async with store.begin() as connection:
        await bump_generation(connection, reports_changed(1, 4))
    await watch.read()
    answers.put(before, "reports 1", "stale", 5, _space(1, REPORTS))
    assert answers.get(await watch.read(), "reports 1") is None


def _same(one: DeploymentColumns, other: DeploymentColumns) -> None:
    for field in fields(DeploymentColumns):
        np.testing.assert_array_equal(getattr(one, field.name), getattr(other, field.name))


async def test_appended_deployments_are_patched_into_the_held_columns(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, _ = watched
    columns = watch.columns
    async with store.connect() as connection:
        before = await columns.of_space(connection, space_id=1)
    completed = parse_timestamp("2024-03-12T10:00:00Z")
    async with store.begin() as connection:
        await connection.execute(
            table(models.Deployment).insert(),
            {
                "id": 13,
                "space_id": 1,
                "release_id": 3,
                "project_id": 1,
                "channel_id": 1,
                "environment_id": 2,
                "tenant_id": None,
                "task_state": "Success",
                "had_guided_failure": False,
                "queue_time": completed - TICKS_PER_DAY,
                "completed_time": completed,
            },
        )
        facts_changed: set[StreamIds] = set()
        await refresh_facts(connection, project_ids=[1], changed_streams=facts_changed)
        assert facts_changed == {SHOP_PRODUCTION}
        await bump_generation(connection, deployments_changed([(1, SHOP_PRODUCTION)]))
    await watch.read()
    assert columns.held(1) is None  # stale until its next use
    async with store.connect() as connection:
        after = await columns.of_space(connection, space_id=1)
        fresh = await SpaceColumns().of_space(connection, space_id=1)
    assert (columns.reads, columns.patches) == (1, 1)
    assert len(after.completed) == len(before.completed) + 1
    _same(after, fresh)
    # By hand: the stream's previous success is Deployments-5, on 6 March at 10:00.
    new = int(np.flatnonzero(after.completed == completed)[0])
    assert after.time_since_previous_success[new] == 6 * TICKS_PER_DAY


async def test_a_report_write_leaves_the_held_columns_alone(
    watched: tuple[StoreWatch, AnswerCache], store: AsyncEngine
) -> None:
    watch, _ = watched
    async with store.connect() as connection:
        held = await watch.columns.of_space(connection, space_id=1)
    async with store.begin() as connection:
        await bump_generation(connection, reports_changed(1, 4))
    await watch.read()
    assert watch.columns.held(1) is held
    async with store.begin() as connection:
        await bump_generation(connection)
    await watch.read()
    assert watch.columns.held(1) is None
