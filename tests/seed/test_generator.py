"""The generated history is deterministic and believable: checked on its data file, computed
independently of the generator."""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from gateway.insights.deployments import TaskState
from gateway.insights.ticks import TICKS_PER_HOUR, parse_timestamp
from gateway.store.engine import create_engine
from gateway.store.facts import refresh_facts
from seed.events import DEPLOYMENT_OWN_COLUMNS, row_batches
from seed.generator import DEPLOYMENT_COLUMNS, generate_into, history_rows, plan
from tests.seed.conftest import NOW, SMALL, Generated, generate_and_export, sqlite_url

Item = dict[str, Any]


def by_id(document: dict[str, Any], array: str) -> dict[str, Item]:
    return {item["Id"]: item for item in document[array]}


def ticks(text: str) -> int:
    return parse_timestamp(text)


def streams(document: dict[str, Any]) -> dict[tuple[str, str, str, str | None], list[Item]]:
    """Finished deployments per (project, channel, environment, tenant), in stream order."""
    releases = by_id(document, "Releases")
    grouped: dict[tuple[str, str, str, str | None], list[Item]] = defaultdict(list)
    for deployment in document["Deployments"]:
        if deployment["CompletedTime"] is None:
            continue
        release = releases[deployment["ReleaseId"]]
        key = (
            release["ProjectId"],
            release["ChannelId"],
            deployment["EnvironmentId"],
            deployment["TenantId"],
        )
        grouped[key].append(deployment)
    for items in grouped.values():
        items.sort(key=lambda d: (ticks(d["CompletedTime"]), int(d["Id"].split("-")[1])))
    return grouped


def failed(deployment: Item) -> bool:
    return deployment["TaskState"] == "Failed" or (
        deployment["TaskState"] == "Success" and deployment["HadGuidedFailure"]
    )


def successful(deployment: Item) -> bool:
    return deployment["TaskState"] == "Success" and not deployment["HadGuidedFailure"]


def test_same_seed_and_now_give_the_same_bytes(generated: Generated, tmp_path: Path) -> None:
    again = asyncio.run(generate_and_export(sqlite_url(tmp_path / "again.db")))
    assert again == generated.text


def test_a_history_made_in_a_second_process_gives_the_same_bytes(
    generated: Generated, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path / "parallel.db")
    again = asyncio.run(generate_and_export(url, separate_process=True))
    assert again == generated.text


def test_another_seed_gives_other_data(generated: Generated, tmp_path: Path) -> None:
    other = asyncio.run(generate_and_export(sqlite_url(tmp_path / "other.db"), seed=8))
    assert other != generated.text


def test_about_the_asked_number_of_deployments(generated: Generated) -> None:
    assert abs(len(generated.document["Deployments"]) - SMALL) < SMALL * 0.15


def test_data_never_crosses_spaces(generated: Generated) -> None:
    document = generated.document
    space_of = {
        item["Id"]: item["SpaceId"]
        for array in document
        if array not in ("FormatVersion", "Spaces")
        for item in document[array]
    }
    assert len({item["SpaceId"] for item in document["Projects"]}) >= 2
    references = {
        "Projects": ("ProjectGroupId",),
        "Channels": ("ProjectId",),
        "Releases": ("ProjectId", "ChannelId"),
        "Deployments": ("ReleaseId", "EnvironmentId", "TenantId"),
    }
    for array, keys in references.items():
        for item in document[array]:
            for key in keys:
                if item[key] is not None:
                    assert space_of[item[key]] == item["SpaceId"], (item["Id"], key)
    tags_of_space = defaultdict(set)
    for tag_set in document["TagSets"]:
        for tag in tag_set["Tags"]:
            tags_of_space[tag_set["SpaceId"]].add(tag["CanonicalTagName"])
    for tenant in document["Tenants"]:
        assert set(tenant["TenantTags"]) <= tags_of_space[tenant["SpaceId"]]
    for report in document["InsightsReports"]:
        ids = report["ProjectIds"] + report["ProjectGroupIds"] + report["TenantIds"]
        ids += [e for group in report["EnvironmentGroups"] for e in group["Environments"]]
        assert all(space_of[number] == report["SpaceId"] for number in ids)
        assert set(report["TenantTags"]) <= tags_of_space[report["SpaceId"]]


def test_releases_are_promoted_in_environment_order(generated: Generated) -> None:
    document = generated.document
    order = {item["Id"]: item["SortOrder"] for item in document["Environments"]}
    per_release: dict[str, list[Item]] = defaultdict(list)
    for deployment in document["Deployments"]:
        per_release[deployment["ReleaseId"]].append(deployment)
    promoted = 0
    for deployments in per_release.values():
        deployments.sort(key=lambda d: ticks(d["QueueTime"]))
        deployed_at: dict[int, int] = {}  # sort order -> first completion of a Success there
        for deployment in deployments:
            level = order[deployment["EnvironmentId"]]
            queued = ticks(deployment["QueueTime"])
            first_here = all(
                order[d["EnvironmentId"]] != level
                for d in deployments
                if d is not deployment and ticks(d["QueueTime"]) < queued
            )
            lower = [at for earlier, at in deployed_at.items() if earlier < level]
            if first_here and deployed_at:
                # Arriving in a new environment: the release succeeded in an earlier one first.
                assert lower, deployment["Id"]
                assert min(lower) <= queued, deployment["Id"]
                promoted += 1
            if deployment["TaskState"] == "Success" and deployment["CompletedTime"]:
                deployed_at.setdefault(level, ticks(deployment["CompletedTime"]))
    assert promoted > 500


def test_every_task_state_is_present(generated: Generated) -> None:
    states = Counter(d["TaskState"] for d in generated.document["Deployments"])
    assert set(states) == {state.value for state in TaskState}
    assert states["Success"] > states["Failed"] > states["Canceled"] > 0
    assert any(
        d["HadGuidedFailure"] and d["TaskState"] == "Success"
        for d in generated.document["Deployments"]
    )
    assert any(
        d["HadGuidedFailure"] and d["TaskState"] == "Failed"
        for d in generated.document["Deployments"]
    )


def test_unfinished_tasks_are_near_now(generated: Generated) -> None:
    now = ticks(NOW)
    for deployment in generated.document["Deployments"]:
        if deployment["TaskState"] in ("Queued", "Executing", "Cancelling"):
            assert deployment["CompletedTime"] is None
            assert now - 6 * TICKS_PER_HOUR < ticks(deployment["QueueTime"]) <= now
            assert (deployment["StartTime"] is None) == (deployment["TaskState"] == "Queued")


def test_history_covers_thirteen_months_and_nothing_after_now(generated: Generated) -> None:
    times = [ticks(d["QueueTime"]) for d in generated.document["Deployments"]]
    completed = [
        ticks(d["CompletedTime"]) for d in generated.document["Deployments"] if d["CompletedTime"]
    ]
    assert max(completed) <= ticks(NOW)
    assert ticks("2025-10-26T12:00:00Z") <= min(times) < ticks("2025-12-01T00:00:00Z")
    # Ids grow with time, as on a server.
    assert times == sorted(times)


def test_failures_are_followed_by_recoveries(generated: Generated) -> None:
    releases = by_id(generated.document, "Releases")
    failures = recovered = by_redeploy = by_newer_release = 0
    for deployments in streams(generated.document).values():
        counted = [d for d in deployments if d["TaskState"] in ("Success", "Failed")]
        for position, deployment in enumerate(counted):
            if not failed(deployment):
                continue
            failures += 1
            later = next((d for d in counted[position + 1 :] if successful(d)), None)
            if later is None:
                continue
            recovered += 1
            if later["ReleaseId"] == deployment["ReleaseId"]:
                by_redeploy += 1
            elif ticks(releases[later["ReleaseId"]]["Assembled"]) > ticks(
                releases[deployment["ReleaseId"]]["Assembled"]
            ):
                by_newer_release += 1
    assert failures > 50
    assert recovered / failures > 0.85
    assert by_redeploy > 10
    assert by_newer_release > 10


def test_rollbacks_and_redeploys_of_the_same_version(generated: Generated) -> None:
    releases = by_id(generated.document, "Releases")
    rollbacks = redeploys = 0
    for deployments in streams(generated.document).values():
        previous: Item | None = None
        for deployment in deployments:
            if deployment["TaskState"] != "Success":
                continue
            if previous is not None:
                if deployment["ReleaseId"] == previous["ReleaseId"]:
                    redeploys += 1
                elif ticks(releases[deployment["ReleaseId"]]["Assembled"]) < ticks(
                    releases[previous["ReleaseId"]]["Assembled"]
                ):
                    rollbacks += 1
            previous = deployment
    assert rollbacks >= 3
    assert redeploys >= 10


def test_tenanted_and_untenanted_streams(generated: Generated) -> None:
    keys = streams(generated.document)
    tenanted_projects = {key[0] for key in keys if key[3] is not None}
    untenanted_projects = {key[0] for key in keys if key[3] is None}
    assert tenanted_projects
    assert untenanted_projects - tenanted_projects, "projects with no tenants at all"
    assert tenanted_projects & untenanted_projects, "tenanted projects' untenanted early stages"
    tags = {tag for tenant in generated.document["Tenants"] for tag in tenant["TenantTags"]}
    assert {f"Deployment Group/Group {g}" for g in "ABC"} <= tags
    assert {f"Location/{place}" for place in ("Australia", "Asia", "Europe", "US")} <= tags
    assert len({tag.split("/")[0] for tag in tags}) >= 3


def test_channels_and_environments(generated: Generated) -> None:
    document = generated.document
    per_project = Counter(channel["ProjectId"] for channel in document["Channels"])
    assert set(per_project.values()) <= {1, 2, 3}
    assert max(per_project.values()) > 1
    names = {e["Name"] for e in document["Environments"]}
    assert {"Development", "Test", "Staging", "Production"} <= names
    assert any(name.startswith("Production ") for name in names)
    versions = Counter((r["ProjectId"], r["Version"]) for r in document["Releases"])
    assert max(versions.values()) == 1


def test_deployments_mostly_on_weekdays(generated: Generated) -> None:
    days = Counter(
        datetime.fromtimestamp(ticks(d["QueueTime"]) / 1e7, UTC).weekday()
        for d in generated.document["Deployments"]
    )
    weekend = (days[5] + days[6]) / sum(days.values())
    assert weekend < 0.15  # a week without working hours would have 2/7 = 0.29


def test_elite_and_low_performers(generated: Generated) -> None:
    company = plan(seed=7, deployments=SMALL, now=ticks(NOW))
    tier = {f"Projects-{project.id}": project.tier.name for project in company.projects}
    releases = by_id(generated.document, "Releases")
    rates: dict[str, list[float]] = defaultdict(list)
    outcomes: dict[str, list[bool]] = defaultdict(list)
    for deployment in generated.document["Deployments"]:
        if deployment["TaskState"] in ("Success", "Failed"):
            outcomes[releases[deployment["ReleaseId"]]["ProjectId"]].append(failed(deployment))
    for project, results in outcomes.items():
        rates[tier[project]].append(sum(results) / len(results))
    assert statistics.mean(rates["elite"]) < 0.1
    assert statistics.mean(rates["low"]) > 0.3


def test_facts_are_materialized(generated: Generated) -> None:
    path = generated.url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as connection:
        lead, recovery, since = connection.execute(
            "SELECT count(lead_time), count(time_to_recovery), count(time_since_previous_success)"
            " FROM deployment"
        ).fetchone()
    successes = sum(successful(d) for d in generated.document["Deployments"])
    assert lead == successes
    assert 0 < recovery < since < successes


async def test_generated_facts_are_those_the_store_works_out(generated: Generated) -> None:
    """The generator writes each deployment with its facts; `refresh_facts` recomputes every
    stream from the rows and finds nothing to change."""
    engine = create_engine(generated.url)
    try:
        async with engine.connect() as connection:
            with_facts = (
                await connection.execute(
                    text("SELECT count(*) FROM deployment WHERE lead_time IS NOT NULL")
                )
            ).scalar_one()
            assert with_facts > 1_000
            assert await refresh_facts(connection) == 0
            await connection.rollback()
    finally:
        await engine.dispose()


def test_every_reference_holds(generated: Generated) -> None:
    """The generator's load skips checking foreign keys row by row; its rows hold them anyway."""
    path = generated.url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []


async def test_foreign_keys_are_checked_again_after_a_generation(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path / "store.db"), pool_size=1, max_overflow=0)
    try:
        await generate_into(engine, seed=3, deployments=200, now=parse_timestamp(NOW))
        async with engine.connect() as connection:
            checked = (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
            assert checked == 1
            with pytest.raises(IntegrityError):
                await connection.exec_driver_sql(
                    "INSERT INTO release (id, space_id, project_id, channel_id, version, assembled)"
                    " VALUES (999999, 1, 1, 424242, '1.0.0', 0)"
                )
    finally:
        await engine.dispose()


def test_reports_include_the_reference_sample(generated: Generated) -> None:
    reports = {report["Name"]: report for report in generated.document["InsightsReports"]}
    sample = reports["High Volume Report"]
    assert sample["SpaceId"] == "Spaces-1"
    assert sample["Description"] == "High volume tenanted deployments report"
    assert sample["ProjectGroupIds"] == ["ProjectGroups-1", "ProjectGroups-2"]
    assert sample["ProjectIds"] == ["Projects-1", "Projects-2"]
    assert sample["TenantIds"] == ["Tenants-1", "Tenants-2", "Tenants-3"]
    assert sample["TenantTags"][:3] == [f"Deployment Group/Group {g}" for g in "ABC"]
    assert [g["Name"] for g in sample["EnvironmentGroups"]] == ["Test", "Internal", "Production"]
    assert (sample["TimeZone"], sample["IconId"], sample["IconColor"]) == (
        "UTC",
        "map-signs",
        "#3CA4F3",
    )
    zones = {report["TimeZone"] for report in reports.values()}
    assert {"AUS Eastern Standard Time", "Europe/London", "UTC"} <= zones
    assert len({report["SpaceId"] for report in reports.values()}) >= 2


def test_history_rows_come_in_id_order_each_once() -> None:
    """SQLite appends rows at the end of the table's B-tree only when they come in id order."""
    company = plan(seed=5, deployments=5_000, now=parse_timestamp(NOW))
    given = [row for _, _, rows in row_batches(company, 500) for row in rows]
    written = [
        row for _, rows in history_rows(company, batches=row_batches(company, 500)) for row in rows
    ]
    assert [row[0] for row in written] == list(range(1, len(given) + 1))
    own = len(DEPLOYMENT_OWN_COLUMNS)
    assert [row[:own] for row in written] == given
    assert all(len(row) == len(DEPLOYMENT_COLUMNS) for row in written)
