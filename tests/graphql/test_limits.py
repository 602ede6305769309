"""The cost estimate and the answer size cap, with costs worked out by hand from the rules in
`gateway.graphql.limits`: a field counts 1, or 5 when a resolver computes it; a list multiplies
what it selects by its expected length."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest
from graphql import parse

from gateway.graphql import limits
from gateway.graphql.limits import MAX_COST, operation_cost
from gateway.graphql.schema import schema
from tests.graphql.conftest import NOW, data, graphql
from tests.graphql.test_mutations import create


def cost(query: str, variables: dict[str, Any] | None = None) -> int:
    ((_, found),) = operation_cost(schema._schema, parse(query), None, variables, NOW)
    return found


@pytest.mark.parametrize(
    ("query", "variables", "expected"),
    [
        # spaces (resolver 5) + 20 spaces x id (1)
        pytest.param("{ spaces { id } }", None, 5 + 20, id="list"),
        # reports (5) + [totalCount (1) + nodes (resolver 5) + 7 x id (1)]
        pytest.param(
            '{ reports(spaceId: "Spaces-1", first: 7) { totalCount nodes { id } } }',
            None,
            5 + 1 + 5 + 7,
            id="page",
        ),
        pytest.param(
            'query($n: Int!) { reports(spaceId: "Spaces-1", first: $n) { nodes { id } } }',
            {"n": 3},
            5 + 5 + 3,
            id="page-size-from-a-variable",
        ),
        # The default page is 30.
        pytest.param('{ reports(spaceId: "Spaces-1") { nodes { id } } }', None, 5 + 5 + 30,
                     id="default-page"),
        # report (5) + metrics (5) + 1 series (no split) x [name (1) + intervals (1) +
        # 92 days // 7 + 2 = 15 intervals x start (1)]
        pytest.param(
            '{ report(spaceId: "Spaces-1", id: "InsightsReports-1") '
            "{ metrics { name intervals { start } } } }",
            None,
            5 + 5 + 1 + 1 + 15,
            id="weekly-quarter",
        ),
        # A split: 20 series; a year daily: 366 + 2 intervals.
        pytest.param(
            '{ report(spaceId: "Spaces-1", id: "InsightsReports-1") '
            "{ metrics(split: PROJECT, timeRange: LAST_YEAR, granularity: DAILY) "
            "{ intervals { start } } } }",
            None,
            5 + 5 + 20 * (1 + 368),
            id="daily-year-split",
        ),
        # An explicit window of 30 days, monthly: 30 // 28 + 2 = 3 intervals.
        pytest.param(
            'query($from: Timestamp) { report(spaceId: "Spaces-1", id: "InsightsReports-1") '
            "{ metrics(granularity: MONTHLY, from: $from, to: \"2026-12-31T00:00:00Z\") "
            "{ intervals { start } } } }",
            {"from": "2026-12-01T00:00:00Z"},
            5 + 5 + 1 + 3,
            id="explicit-window",
        ),
        # A fragment spread twice counts twice, measured once.
        pytest.param(
            "{ spaces { ...F ...F } } fragment F on Space { id name }",
            None,
            5 + 20 * (2 + 2),
            id="fragments",
        ),
    ],
)  # fmt: skip
def test_costs_worked_out_by_hand(
    query: str, variables: dict[str, Any] | None, expected: int
) -> None:
    assert cost(query, variables) == expected


STREAMS = (
    'report(spaceId: "Spaces-1", id: "InsightsReports-1") { streams(first: 100) '
    "{ nodes { deployments { id leadTime release { version project { name } } } } } }"
)


def test_a_stream_page_with_releases_and_projects() -> None:
    # report (5) + streams (5) + nodes (5) + 100 x [deployments (1) + 100 x (id 1 + leadTime 1
    # + release 5 + version 1 + project 5 + name 1)]
    assert cost(f"{{ {STREAMS} }}") == 5 + 5 + 5 + 100 * (1 + 100 * 14)


async def test_a_costly_query_is_refused_before_it_runs(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    twenty = "{ " + " ".join(f"a{n}: {STREAMS}" for n in range(20)) + " }"
    expected = 20 * (5 + 5 + 5 + 100 * (1 + 100 * 14))
    with caplog.at_level(logging.INFO, logger="gateway"):
        body = await graphql(client, twenty)
    assert body == {
        "data": None,
        "errors": [
            {
                "message": f"'anonymous' has an estimated cost of {expected:,}, more than the "
                f"limit of {MAX_COST:,}: ask for fewer fields, smaller pages (first) or "
                "shorter windows.",
                "locations": [{"line": 1, "column": 1}],
                "extensions": {
                    "code": "COST_LIMIT_EXCEEDED",
                    "cost": expected,
                    "maximumCost": MAX_COST,
                },
            }
        ],
    }
    # A client's mistake is one line of the log, without a traceback.
    (record,) = [r for r in caplog.records if "COST_LIMIT_EXCEEDED" in r.getMessage()]
    assert record.exc_info is None
    assert "\n" not in record.getMessage()


async def test_a_page_within_the_limit_runs(client: httpx.AsyncClient) -> None:
    await create(client, name="All")
    streams = (await data(client, f"{{ {STREAMS} }}"))["report"]["streams"]["nodes"]
    assert sum(len(stream["deployments"]) for stream in streams) == 4


async def test_an_answer_over_the_size_cap_is_refused(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    small = (await client.post("/graphql", json={"query": "{ spaces { id name } }"})).text
    monkeypatch.setattr(limits, "MAX_ANSWER_BYTES", len(small) - 1)
    body = await graphql(client, "{ spaces { id name } }")
    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"] == {
        "code": "ANSWER_TOO_LARGE",
        "size": len(small),
        "maximumSize": len(small) - 1,
    }
