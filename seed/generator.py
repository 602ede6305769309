"""The generated company as rows: the catalogue first, then every project's history merged in
time order, so that release and deployment ids grow with time as on a real Octopus server.

Memory holds the catalogue and each project's work in flight, not the history: rows stream from
the projects' simulations through the merge to the bulk writer.
"""

from __future__ import annotations

import gc
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from operator import itemgetter

from sqlalchemy import Connection, Table
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.insights.ticks import format_timestamp
from gateway.store.facts import FACT_COLUMNS
from seed.company import CompanyPlan
from seed.continuation import GeneratedHistory
from seed.defaults import DEFAULT_DEPLOYMENTS, DEFAULT_SEED, SEPARATE_PROCESS_FROM
from seed.events import (
    DEPLOYMENT_OWN_COLUMNS,
    EVENT_BATCH,
    RELEASE_COLUMNS,
    RowBatch,
    Values,
    numbered_rows,
    plan,
    row_batches,
)
from seed.facts import NO_FACTS, ChainRelease, HistoryFacts
from seed.lifecycle import LoadSummary, load_store
from seed.producer import HistoryProducer, ProducerUnavailable
from seed.writer import (
    CHANNEL,
    DEPLOYMENT,
    ENVIRONMENT,
    INSIGHTS_REPORT,
    PROJECT,
    PROJECT_GROUP,
    SPACE,
    TAG,
    TAG_SET,
    TENANT,
    TENANT_TAG,
    BulkWriter,
    Row,
)
from seed.writer import RELEASE as RELEASE_TABLE


def catalogue_rows(company: CompanyPlan) -> Iterator[tuple[Table, Row]]:
    for space in company.spaces:
        yield SPACE, {"id": space.id, "name": space.name}
    for space in company.spaces:
        for number, name in space.groups.items():
            yield PROJECT_GROUP, {"id": number, "space_id": space.id, "name": name}
        for order, (name, number) in enumerate(space.environments.items()):
            row = {"id": number, "space_id": space.id, "name": name, "sort_order": order}
            yield ENVIRONMENT, row
        for number, name, tags in space.tag_sets:
            yield TAG_SET, {"id": number, "space_id": space.id, "name": name}
            for position, tag in enumerate(tags):
                canonical = f"{name}/{tag}"
                row = {
                    "tag_set_id": number,
                    "position": position,
                    "name": tag,
                    "canonical_name": canonical,
                }
                yield TAG, row
        for tenant in space.tenants:
            yield TENANT, {"id": tenant.id, "space_id": space.id, "name": tenant.name}
            for position, canonical in enumerate(tenant.tags):
                yield (
                    TENANT_TAG,
                    {"tenant_id": tenant.id, "position": position, "canonical_name": canonical},
                )
        for project in space.projects:
            yield (
                PROJECT,
                {
                    "id": project.id,
                    "space_id": space.id,
                    "name": project.name,
                    "project_group_id": project.group_id,
                },
            )
            for channel in project.channels:
                yield (
                    CHANNEL,
                    {
                        "id": channel.id,
                        "space_id": space.id,
                        "project_id": project.id,
                        "name": channel.name,
                        "is_default": channel.kind == "default",
                    },
                )
        for report in space.reports:
            yield INSIGHTS_REPORT, dict(report)


DEPLOYMENT_COLUMNS = (*DEPLOYMENT_OWN_COLUMNS, *FACT_COLUMNS)


def history_rows(
    company: CompanyPlan,
    facts: HistoryFacts | None = None,
    batches: Iterable[RowBatch] | None = None,
) -> Iterator[tuple[list[Values], list[Values]]]:
    """Releases and deployments as values in `RELEASE_COLUMNS` and `DEPLOYMENT_COLUMNS` order, a
    list of each for every batch; deployments with their facts. The batches are the company's
    (`seed.events.row_batches`), made here unless given.

    Rows come in id order, each once every row before it is ready: a success waits for its
    stream's order, and the rows after it wait with it. A table's B-tree then only grows at its
    end, which makes SQLite's inserts a quarter cheaper than rows in the order they settle."""
    facts = HistoryFacts() if facts is None else facts
    batches = row_batches(company, EVENT_BATCH) if batches is None else batches
    settle, finished, released = facts.settle, facts.finished, facts.released
    held: list[Values] = []
    for clock, release_rows, deployment_rows in batches:
        for row in release_rows:
            released(ChainRelease(row[0], row[3], row[5]))
        ready, add = held, held.append
        for row in deployment_rows:
            if not finished(row):
                add(row + NO_FACTS)
        # Every deployment queued by the batch's last moment is in.
        ready.extend(settle(clock))
        ready.sort(key=_row_id)
        waiting = facts.first_waiting()
        cut = len(ready) if waiting is None else bisect_left(ready, waiting, key=_row_id)
        held = ready[cut:]
        del ready[cut:]
        yield release_rows, ready
    held.extend(settle(None))
    held.sort(key=_row_id)
    yield [], held


_row_id = itemgetter(0)


def write_company(
    connection: Connection,
    company: CompanyPlan,
    *,
    progress: Callable[[int], None] | None = None,
    producer: HistoryProducer | None = None,
) -> int:
    """Write the whole company through a synchronous connection, deployments with their facts,
    the history from `producer` when given (else made here); returns how many deployments were
    given facts."""
    writer = BulkWriter(connection, progress=progress)
    for table, row in catalogue_rows(company):
        writer.add(table, row)
    # Millions of short-lived rows and records, none in a reference cycle: the cyclic collector
    # would only walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        if producer is not None:
            facts = HistoryFacts()
            try:
                rows = numbered_rows(company, producer.batches())
                _write_history(writer, history_rows(company, facts, rows))
                return facts.with_facts
            except ProducerUnavailable:
                pass  # nothing of the history was written: make it here instead
        facts = HistoryFacts()
        _write_history(writer, history_rows(company, facts))
        return facts.with_facts
    finally:
        if collecting:
            gc.enable()


def _write_history(
    writer: BulkWriter, batches: Iterable[tuple[list[Values], list[Values]]]
) -> None:
    for releases, deployments in batches:
        writer.add_many(RELEASE_TABLE, RELEASE_COLUMNS, releases)
        writer.add_many(DEPLOYMENT, DEPLOYMENT_COLUMNS, deployments)
    writer.flush()


def describe_generation(*, seed: int, deployments: int, now: int) -> str:
    return f"seed generate --seed {seed} --deployments {deployments} --now {format_timestamp(now)}"


async def generate_into(
    engine: AsyncEngine,
    *,
    seed: int = DEFAULT_SEED,
    deployments: int = DEFAULT_DEPLOYMENTS,
    now: int,
    reset: bool = True,
    origin: str | None = None,
    progress: Callable[[int], None] | None = None,
    facts_progress: Callable[[int], None] | None = None,
    may_replace: Callable[[dict[str, str]], bool] | None = None,
    refusal_hint: str = "run again with --reset to replace it",
    separate_process: bool | None = None,
    history: HistoryProducer | None = None,
) -> LoadSummary:
    """Replace the store's data (with `reset`) by the generated company for `seed`, about
    `deployments` deployments over the 13 months before `now` (ticks); facts are current when
    it returns. The same seed, deployments and now always give the same data.

    With `separate_process` (by default from `SEPARATE_PROCESS_FROM` deployments) the history is
    generated in a second process while this one writes. `history` is such a process already
    started for this seed, deployments and now (`python -m seed` starts it before importing the
    store's modules); its starter closes it."""
    if history is not None and history.settings != (seed, deployments, now):
        raise ValueError(f"the history was started for other settings: {history.settings}")
    if separate_process is None:
        separate_process = deployments >= SEPARATE_PROCESS_FROM
    # Started first, so that it starts up while the store is prepared.
    started = (
        HistoryProducer(seed=seed, deployments=deployments, now=now)
        if separate_process and history is None
        else None
    )
    producer = history or started
    try:
        company = plan(seed=seed, deployments=deployments, now=now)
        return await load_store(
            engine,
            origin=origin or describe_generation(seed=seed, deployments=deployments, now=now),
            fill=lambda connection: write_company(
                connection, company, progress=progress, producer=producer
            ),
            reset=reset,
            may_replace=may_replace,
            facts_progress=facts_progress,
            refusal_hint=refusal_hint,
            trusted=True,
            history=GeneratedHistory(seed=seed, deployments=deployments, now=now, end=now).text(),
        )
    finally:
        if started is not None:
            started.close()
