"""Creating, updating and deleting reports: union results, every problem listed, nothing written
by a failed mutation."""

from __future__ import annotations

from typing import Any

import httpx

from tests.graphql.conftest import data

CREATE = """
mutation Create($input: ReportInput!) {
  createReport(input: $input) {
    __typename
    ... on Report {
      id spaceId name tenantMode timeZone
      projects { name }
      environmentGroups { name environments { name } }
    }
    ... on ValidationProblems { message problems { field message } }
    ... on NotFound { message }
  }
}
"""

UPDATE = """
mutation Update($id: ID!, $input: ReportInput!) {
  updateReport(id: $id, input: $input) {
    __typename
    ... on Report { id name description }
    ... on ValidationProblems { problems { field message } }
    ... on NotFound { message }
  }
}
"""

DELETE = """
mutation Delete($spaceId: ID!, $id: ID!) {
  deleteReport(spaceId: $spaceId, id: $id) {
    __typename
    ... on DeletedReport { id }
    ... on NotFound { message }
  }
}
"""

NAMES = """
query Names($spaceId: ID!) {
  reports(spaceId: $spaceId, first: 100) { totalCount nodes { id name description } }
}
"""


async def names(client: httpx.AsyncClient) -> list[tuple[str, str, str | None]]:
    result = await data(client, NAMES, {"spaceId": "Spaces-1"})
    return [(node["id"], node["name"], node["description"]) for node in result["reports"]["nodes"]]


async def create(client: httpx.AsyncClient, **input: Any) -> dict[str, Any]:
    result = await data(client, CREATE, {"input": {"spaceId": "Spaces-1", **input}})
    created: dict[str, Any] = result["createReport"]
    return created


async def test_create_returns_the_stored_report(client: httpx.AsyncClient) -> None:
    created = await create(
        client,
        name="Web",
        projectIds=["Projects-1"],
        tenantMode="UNTENANTED",
        environmentGroups=[{"name": "Live", "environmentIds": ["Environments-2"]}],
        timeZone="Europe/Berlin",
    )
    assert created == {
        "__typename": "Report",
        "id": "InsightsReports-1",
        "spaceId": "Spaces-1",
        "name": "Web",
        "tenantMode": "UNTENANTED",
        "timeZone": "Europe/Berlin",
        "projects": [{"name": "Shop"}],
        "environmentGroups": [{"name": "Live", "environments": [{"name": "Production"}]}],
    }
    assert await names(client) == [("InsightsReports-1", "Web", None)]


async def test_invalid_create_lists_every_problem_and_writes_nothing(
    client: httpx.AsyncClient,
) -> None:
    created = await create(
        client,
        name="",
        projectIds=["Projects-99"],
        tenantTags=["Location/Mars"],
        timeZone="Mars/Olympus",
    )
    assert created["__typename"] == "ValidationProblems"
    assert created["message"] == "There was a problem with your request."
    assert created["problems"] == [
        {"field": "input.name", "message": "The name is required."},
        {
            "field": "input.projectIds[0]",
            "message": "The projectIds entry 'Projects-99' is not a project in Spaces-1.",
        },
        {
            "field": "input.tenantTags[0]",
            "message": "The tenantTags entry 'Location/Mars' is not a tag in Spaces-1 "
            "(tags are written 'Tag Set/Tag').",
        },
        {
            "field": "input.timeZone",
            "message": "timeZone 'Mars/Olympus' is not a Windows or IANA time zone name.",
        },
    ]
    assert await names(client) == []


async def test_problems_name_nested_input_fields(client: httpx.AsyncClient) -> None:
    created = await create(
        client,
        name="Groups",
        projectIds=["Projects-1", "Environments-1"],
        environmentGroups=[
            {"name": "Live", "environmentIds": ["Environments-2"]},
            {"name": "live", "environmentIds": ["Environments-9", "Environments-2"]},
            {"name": " ", "environmentIds": []},
        ],
    )
    assert created["problems"] == [
        {
            "field": "input.projectIds[1]",
            "message": "The projectIds entry 'Environments-1' is not a project in Spaces-1.",
        },
        {
            "field": "input.environmentGroups[1].name",
            "message": "The environment group name 'live' is used more than once.",
        },
        {
            "field": "input.environmentGroups[1].environmentIds[0]",
            "message": "The environment 'Environments-9' of environment group 'live' is not an "
            "environment in Spaces-1.",
        },
        {
            "field": "input.environmentGroups[1].environmentIds[1]",
            "message": "The environment 'Environments-2' is in environment groups 'Live' and "
            "'live'; an environment can be in one group only.",
        },
        {
            "field": "input.environmentGroups[2].name",
            "message": "Every environmentGroups entry needs a name.",
        },
    ]


async def test_create_in_an_unknown_space_is_not_found(client: httpx.AsyncClient) -> None:
    for space in ("Spaces-99", "nonsense"):
        result = await data(client, CREATE, {"input": {"spaceId": space, "name": "X"}})
        assert result["createReport"]["__typename"] == "NotFound"
        assert space in result["createReport"]["message"]


async def test_duplicate_name_is_refused_ignoring_case(client: httpx.AsyncClient) -> None:
    assert (await create(client, name="Web"))["__typename"] == "Report"
    second = await create(client, name="WEB")
    assert second["__typename"] == "ValidationProblems"
    assert await names(client) == [("InsightsReports-1", "Web", None)]


async def test_update_replaces_the_properties(client: httpx.AsyncClient) -> None:
    await create(client, name="Web")
    result = await data(
        client,
        UPDATE,
        {
            "id": "InsightsReports-1",
            "input": {"spaceId": "Spaces-1", "name": "Web 2", "description": "All of it"},
        },
    )
    assert result["updateReport"] == {
        "__typename": "Report",
        "id": "InsightsReports-1",
        "name": "Web 2",
        "description": "All of it",
    }
    assert await names(client) == [("InsightsReports-1", "Web 2", "All of it")]


async def test_invalid_update_writes_nothing(client: httpx.AsyncClient) -> None:
    await create(client, name="Web")
    await create(client, name="Ops")
    result = await data(
        client,
        UPDATE,
        {
            "id": "InsightsReports-1",
            "input": {
                "spaceId": "Spaces-1",
                "name": "ops",
                "description": "changed",
                "tenantIds": ["Tenants-42"],
            },
        },
    )
    assert result["updateReport"]["__typename"] == "ValidationProblems"
    assert result["updateReport"]["problems"] == [
        {
            "field": "input.name",
            "message": "The name 'ops' is already used by another report in Spaces-1.",
        },
        {
            "field": "input.tenantIds[0]",
            "message": "The tenantIds entry 'Tenants-42' is not a tenant in Spaces-1.",
        },
    ]
    assert await names(client) == [
        ("InsightsReports-2", "Ops", None),
        ("InsightsReports-1", "Web", None),
    ]


async def test_update_of_an_unknown_report_is_not_found(client: httpx.AsyncClient) -> None:
    for report in ("InsightsReports-7", "Projects-1"):
        result = await data(
            client, UPDATE, {"id": report, "input": {"spaceId": "Spaces-1", "name": "X"}}
        )
        assert result["updateReport"]["__typename"] == "NotFound"
        assert report in result["updateReport"]["message"]
    assert await names(client) == []


async def test_delete_and_ids_are_never_reused(client: httpx.AsyncClient) -> None:
    await create(client, name="Web")
    result = await data(client, DELETE, {"spaceId": "Spaces-1", "id": "InsightsReports-1"})
    assert result["deleteReport"] == {"__typename": "DeletedReport", "id": "InsightsReports-1"}
    assert await names(client) == []
    again = await data(client, DELETE, {"spaceId": "Spaces-1", "id": "InsightsReports-1"})
    assert again["deleteReport"]["__typename"] == "NotFound"
    assert (await create(client, name="Web"))["id"] != "InsightsReports-1"


async def test_delete_in_another_space_is_not_found(client: httpx.AsyncClient) -> None:
    await create(client, name="Web")
    for space, report in (("Spaces-2", "InsightsReports-1"), ("x", "InsightsReports-1")):
        result = await data(client, DELETE, {"spaceId": space, "id": report})
        assert result["deleteReport"]["__typename"] == "NotFound"
    assert await names(client) == [("InsightsReports-1", "Web", None)]


async def test_problems_of_the_hardened_rules_name_their_fields(client: httpx.AsyncClient) -> None:
    created = await create(
        client,
        name="Bad\u0007name",
        description="x" * 4001,
        projectIds=["Projects-1", "Projects-2", "Projects-1"],
        environmentGroups=[
            {"name": "Live", "environmentIds": ["Environments-2", "Environments-2"]}
        ],
    )
    assert created["problems"] == [
        {"field": "input.name", "message": "The name 'Bad\\x07name' holds control characters."},
        {
            "field": "input.description",
            "message": "The description is 4,001 characters long; the limit is 4,000.",
        },
        {
            "field": "input.projectIds[2]",
            "message": "The projectIds lists 'Projects-1' more than once.",
        },
        {
            "field": "input.environmentGroups[0].environmentIds[1]",
            "message": "The environment group 'Live' lists 'Environments-2' more than once.",
        },
    ]


async def test_at_most_100_problems_are_listed(client: httpx.AsyncClient) -> None:
    created = await create(
        client, name="Many", tenantTags=[f"Location/Nowhere {n}" for n in range(150)]
    )
    problems = created["problems"]
    assert len(problems) == 101
    assert problems[99]["field"] == "input.tenantTags[99]"
    assert problems[-1] == {"field": "input", "message": "... and 50 more"}
