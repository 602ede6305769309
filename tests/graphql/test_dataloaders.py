"""No N+1: the number of SQL statements of a query over many reports does not grow with them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

from gateway.app import GatewayApp
from tests.graphql.conftest import data
from tests.graphql.test_mutations import create

QUERY = """
{
  reports(spaceId: "Spaces-1", first: 50) {
    totalCount
    nodes {
      name
      space { name }
      projects { name projectGroup { name projects { name } } channels { name } }
      projectGroups { name }
      tenants { name tags }
      environmentGroups { name environments { name } }
    }
  }
}
"""


@contextmanager
def counted(app: GatewayApp) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*arguments: Any) -> None:
        statements.append(arguments[2])

    assert app.store.engine is not None
    target = app.store.engine.sync_engine
    event.listen(target, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(target, "before_cursor_execute", count)


async def statements_for(app: GatewayApp, client: httpx.AsyncClient, reports: int) -> int:
    existing = (await data(client, QUERY))["reports"]["totalCount"]
    for number in range(existing, reports):
        await create(
            client,
            name=f"Report {number:03d}",
            projectIds=["Projects-1", "Projects-2"] if number % 2 else ["Projects-2"],
            projectGroupIds=["ProjectGroups-1"],
            tenantIds=["Tenants-1"],
            environmentGroups=[{"name": "Live", "environmentIds": ["Environments-2"]}],
        )
    with counted(app) as statements:
        result = await data(client, QUERY)
    assert len(result["reports"]["nodes"]) == reports
    assert result["reports"]["nodes"][1]["projects"][1]["projectGroup"]["name"] == "Back office"
    return len(statements)


async def test_statements_do_not_grow_with_reports(
    app: GatewayApp, client: httpx.AsyncClient
) -> None:
    few = await statements_for(app, client, 5)
    many = await statements_for(app, client, 50)
    assert many == few
    # A statement or two per kind of thing: the space (looked up by the resolver and by the
    # store), the count and the page, projects, groups, projects of groups, channels, tenants,
    # tenant tags, environments, ...
    assert many <= 15
