"""A small hand-made space shared by the core tests: every split has something to say about it.

Projects: Shop (Web), api (Web), Billing (Back office). Environments: Dev, Test, Production,
Staging (never deployed to). Tag sets: Region (Europe, Asia), Tier (Gold).
Tenants: Acme (Region/Europe, Tier/Gold), Birch (Region/Europe, Region/Asia), cobalt (Tier/Gold).
"""

from __future__ import annotations

from typing import Any

from gateway.insights.aggregation import DeploymentColumns
from gateway.insights.catalogue import (
    EnvironmentInfo,
    ProjectGroupInfo,
    ProjectInfo,
    SpaceCatalogue,
    TagInfo,
    TagSetInfo,
    TenantInfo,
)
from gateway.insights.deployments import Outcome
from gateway.insights.ticks import TICKS_PER_MINUTE, parse_timestamp

WEB, BACK_OFFICE = 1, 2
SHOP, API, BILLING = 1, 2, 3
DEV, TEST, PRODUCTION, STAGING = 1, 2, 3, 4
REGION, TIER = 1, 2
ACME, BIRCH, COBALT = 1, 2, 3

CATALOGUE = SpaceCatalogue(
    space_id=1,
    project_groups={
        WEB: ProjectGroupInfo(WEB, "Web"),
        BACK_OFFICE: ProjectGroupInfo(2, "Back office"),
    },
    projects={
        SHOP: ProjectInfo(SHOP, "Shop", WEB),
        API: ProjectInfo(API, "api", WEB),
        BILLING: ProjectInfo(BILLING, "Billing", BACK_OFFICE),
    },
    environments={
        DEV: EnvironmentInfo(DEV, "Dev", 1),
        TEST: EnvironmentInfo(TEST, "Test", 2),
        PRODUCTION: EnvironmentInfo(PRODUCTION, "Production", 3),
        STAGING: EnvironmentInfo(STAGING, "Staging", 4),
    },
    tenants={
        ACME: TenantInfo(ACME, "Acme", ("Region/Europe", "Tier/Gold")),
        BIRCH: TenantInfo(BIRCH, "Birch", ("Region/Europe", "Region/Asia")),
        COBALT: TenantInfo(COBALT, "cobalt", ("Tier/Gold",)),
    },
    tag_sets={
        REGION: TagSetInfo(
            REGION, "Region", (TagInfo("Europe", "Region/Europe"), TagInfo("Asia", "Region/Asia"))
        ),
        TIER: TagSetInfo(TIER, "Tier", (TagInfo("Gold", "Tier/Gold"),)),
    },
)

S, F, G, X = (
    Outcome.SUCCESSFUL,
    Outcome.FAILED,
    Outcome.SUCCESS_WITH_GUIDED_FAILURE,
    Outcome.NOT_COUNTED,
)
MINUTE = TICKS_PER_MINUTE

NOW = parse_timestamp("2024-03-13T12:00:00Z")
"""A Wednesday. LastMonth weekly in UTC: weeks of 11, 18, 25 February, 3 and 10 March."""


def row(
    when: str,
    outcome: Outcome,
    project: int,
    environment: int,
    tenant: int | None = None,
    *,
    lead: float | None = None,
    since: float | None = None,
    recovery: float | None = None,
    attempts: int | None = None,
) -> tuple[Any, ...]:
    """A deployment row for `DeploymentColumns.from_rows`; durations in minutes."""

    def ticks(minutes: float | None) -> int | None:
        return None if minutes is None else round(minutes * MINUTE)

    return (
        parse_timestamp(when), int(outcome), project, environment, tenant,
        ticks(lead), ticks(since), ticks(recovery), attempts,
    )  # fmt: skip


# Letters name the deployments in the hand computations of the tests.
ROWS = {
    "k": row("2024-02-10T23:59:59.9999999Z", S, API, TEST, BIRCH, lead=5),  # before the window
    "j": row("2024-02-11T00:00:00Z", S, API, TEST, BIRCH, lead=20),  # first instant of the window
    "a": row("2024-03-04T10:00:00Z", S, SHOP, PRODUCTION, lead=60, since=30),
    "b": row("2024-03-05T10:00:00Z", F, API, PRODUCTION, ACME),
    "c": row(
        "2024-03-06T10:00:00Z", S, API, PRODUCTION, ACME,
        lead=90, since=120, recovery=10, attempts=2,
    ),
    "d": row("2024-03-07T10:00:00Z", G, BILLING, TEST, BIRCH),
    "e": row("2024-03-08T10:00:00Z", S, BILLING, TEST, COBALT, lead=30),
    "f": row("2024-03-08T11:00:00Z", X, SHOP, PRODUCTION),  # canceled: never counted
    "g": row("2024-03-10T00:00:00Z", S, SHOP, DEV, lead=45, since=15),  # first instant of a week
    "h": row("2024-03-13T12:00:00Z", F, SHOP, DEV),  # exactly now: inside
    "i": row("2024-03-13T12:00:00.0000001Z", S, SHOP, DEV, lead=1),  # after now
}  # fmt: skip

OUTCOMES = {letter: Outcome(values[1]) for letter, values in ROWS.items()}


def columns(letters: str | None = None) -> DeploymentColumns:
    chosen = ROWS if letters is None else {letter: ROWS[letter] for letter in letters}
    return DeploymentColumns.from_rows(chosen.values())
