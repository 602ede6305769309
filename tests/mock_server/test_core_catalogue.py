"""The catalogue of the small world as Octopus's core resources: shapes, filters, `/all`, `/{id}`
and 404s, against what `world.py` holds (worked out by hand)."""

from __future__ import annotations

import httpx
import pytest

from tests.mock_server.pages import get, ids

NOT_FOUND = "The resource '{}' was not found."


async def test_the_root_links_the_core_collections(client: httpx.AsyncClient) -> None:
    root = await get(client, "/api")
    assert root["Links"]["Spaces"] == "/api/spaces{/id}{?skip,ids,take,partialName}"
    assert root["Links"]["Deployments"] == (
        "/api/{spaceId}/deployments{/id}"
        "{?skip,take,ids,projects,environments,tenants,channels,taskState}"
    )
    assert root["Links"]["Interruptions"] == (
        "/api/{spaceId}/interruptions{/id}{?skip,take,regarding,pendingOnly,ids}"
    )
    space = await get(client, "/api/Spaces-1")
    assert space["Links"]["Releases"] == "/api/Spaces-1/releases{/id}{?skip,take,ids}"


async def test_spaces(client: httpx.AsyncClient) -> None:
    page = await get(client, "/api/spaces")
    assert ids(page) == ["Spaces-1", "Spaces-2"]
    assert page["Items"][0] == {
        "Id": "Spaces-1",
        "Name": "Default",
        "Slug": "default",
        "Description": "The Default space.",
        "IsDefault": True,
        "TaskQueueStopped": False,
        "SpaceManagersTeams": ["teams-spacemanagers-Spaces-1"],
        "SpaceManagersTeamMembers": [],
        "Icon": None,
        "ExtensionSettings": [],
        "Links": {
            "Self": "/api/spaces/Spaces-1",
            "SpaceHome": "/api/Spaces-1",
            "Web": "/app#/spaces/Spaces-1",
        },
    }
    assert page["Items"][1]["IsDefault"] is False
    assert [s["Id"] for s in await get(client, "/api/spaces/all")] == ["Spaces-1", "Spaces-2"]
    assert (await get(client, "/api/spaces/Spaces-2"))["Name"] == "Other"
    assert ids(await get(client, "/api/spaces?partialName=OTH")) == ["Spaces-2"]
    assert ids(await get(client, "/api/spaces?ids=Spaces-2&ids=Spaces-9")) == ["Spaces-2"]


async def test_projects_and_their_derived_properties(client: httpx.AsyncClient) -> None:
    page = await get(client, "/api/Spaces-1/projects")
    assert ids(page) == ["Projects-1", "Projects-2"]
    shop, api = page["Items"]
    assert {key: shop[key] for key in ("Name", "Slug", "ProjectGroupId", "LifecycleId")} == {
        "Name": "Shop",
        "Slug": "shop",
        "ProjectGroupId": "ProjectGroups-1",
        "LifecycleId": "Lifecycles-1",
    }
    # Shop has only untenanted deployments, Api only tenanted ones.
    assert shop["TenantedDeploymentMode"] == "Untenanted"
    assert api["TenantedDeploymentMode"] == "Tenanted"
    assert ids(await get(client, "/api/Spaces-1/projects?name=shop")) == ["Projects-1"]
    assert ids(await get(client, "/api/Spaces-1/projects?partialName=P")) == [
        "Projects-1",
        "Projects-2",
    ]
    assert (await get(client, "/api/Spaces-1/projects/Projects-2"))["Name"] == "Api"
    assert [p["Id"] for p in await get(client, "/api/Spaces-1/projects/all?ids=Projects-2")] == [
        "Projects-2"
    ]


async def test_project_groups_channels_and_environments(client: httpx.AsyncClient) -> None:
    groups = await get(client, "/api/Spaces-1/projectgroups/all")
    assert [(g["Id"], g["Name"], g["Slug"]) for g in groups] == [
        ("ProjectGroups-1", "Web", "web"),
        ("ProjectGroups-2", "Services", "services"),
    ]
    channels = await get(client, "/api/Spaces-1/channels")
    assert [(c["Id"], c["ProjectId"], c["Name"], c["IsDefault"]) for c in channels["Items"]] == [
        ("Channels-1", "Projects-1", "Default", True),
        ("Channels-2", "Projects-2", "Default", True),
    ]
    assert ids(await get(client, "/api/Spaces-1/projects/Projects-2/channels")) == ["Channels-2"]
    environments = await get(client, "/api/Spaces-1/environments")
    assert [
        (e["Id"], e["Name"], e["SortOrder"], e["UseGuidedFailure"]) for e in environments["Items"]
    ] == [
        ("Environments-1", "Test", 1, False),
        ("Environments-2", "Production", 2, True),
    ]


async def test_tag_sets_keep_their_tags_in_order(client: httpx.AsyncClient) -> None:
    (location,) = await get(client, "/api/Spaces-1/tagsets/all")
    assert (location["Id"], location["Name"], location["SortOrder"]) == ("TagSets-1", "Location", 0)
    assert [
        (t["Id"], t["Name"], t["CanonicalTagName"], t["SortOrder"]) for t in location["Tags"]
    ] == [
        ("Tags-1", "Europe", "Location/Europe", 0),
        ("Tags-2", "US", "Location/US", 1),
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("", ["Tenants-1", "Tenants-2"], id="all"),
        pytest.param("?tags=Location/Europe", ["Tenants-1"], id="tag"),
        pytest.param("?tags=Location/US", [], id="tag-nobody-has"),
        pytest.param("?projectId=Projects-2", ["Tenants-1"], id="project"),
        pytest.param("?projectId=Projects-1", [], id="untenanted-project"),
        pytest.param("?name=GLOBEX", ["Tenants-2"], id="name"),
        pytest.param("?ids=Tenants-2,Tenants-1", ["Tenants-1", "Tenants-2"], id="ids"),
    ],
)
async def test_tenant_filters(client: httpx.AsyncClient, query: str, expected: list[str]) -> None:
    assert ids(await get(client, f"/api/Spaces-1/tenants{query}")) == expected


async def test_a_tenant_lists_its_tags_and_where_it_was_deployed(
    client: httpx.AsyncClient,
) -> None:
    acme = await get(client, "/api/Spaces-1/tenants/Tenants-1")
    assert acme["TenantTags"] == ["Location/Europe"]
    assert acme["ProjectEnvironments"] == {"Projects-2": ["Environments-1"]}
    globex = await get(client, "/api/Spaces-1/tenants/Tenants-2")
    assert (globex["TenantTags"], globex["ProjectEnvironments"]) == ([], {})


async def test_collections_page_with_links(client: httpx.AsyncClient) -> None:
    page = await get(client, "/api/Spaces-1/projects?take=1&partialName=p")
    assert ids(page) == ["Projects-1"]
    assert page["Links"] == {
        "Self": "/api/Spaces-1/projects?skip=0&take=1&partialName=p",
        "Template": "/api/Spaces-1/projects{?name,skip,ids,take,partialName}",
        "Page.All": "/api/Spaces-1/projects?skip=0&take=2147483647&partialName=p",
        "Page.Current": "/api/Spaces-1/projects?skip=0&take=1&partialName=p",
        "Page.Last": "/api/Spaces-1/projects?skip=1&take=1&partialName=p",
        "Page.Next": "/api/Spaces-1/projects?skip=1&take=1&partialName=p",
    }
    following = await get(client, page["Links"]["Page.Next"])
    assert ids(following) == ["Projects-2"]
    assert "Page.Next" not in following["Links"]


@pytest.mark.parametrize(
    ("url", "missing"),
    [
        pytest.param("/api/Spaces-1/projects/Projects-9", "Projects-9", id="unknown-id"),
        pytest.param("/api/Spaces-2/projects/Projects-1", "Projects-1", id="other-space"),
        pytest.param("/api/Spaces-1/tenants/Projects-1", "Projects-1", id="wrong-kind"),
        pytest.param("/api/spaces/Spaces-3", "Spaces-3", id="unknown-space"),
        pytest.param("/api/Spaces-1/projects/Projects-9/channels", "Projects-9", id="owner"),
    ],
)
async def test_unknown_resources_are_octopus_404s(
    client: httpx.AsyncClient, url: str, missing: str
) -> None:
    response = await client.get(url)
    assert response.status_code == 404
    assert response.json() == {"ErrorMessage": NOT_FOUND.format(missing), "Errors": []}


async def test_an_unknown_space_is_a_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/Spaces-9/environments")
    assert response.status_code == 404
    assert response.json()["Errors"] == []


async def test_bad_parameters_are_listed_together(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/Spaces-1/tenants?skip=-1&ids=Tenants-1,Acme&projectId=x")
    assert response.status_code == 400
    assert response.json() == {
        "ErrorMessage": "There was a problem with your request.",
        "Errors": [
            "The skip parameter must be a whole number from 0 to 2147483647; '-1' is not.",
            "The ids value 'Acme' is not an id like 'Tenants-1'.",
            "The projectId value 'x' is not an id like 'Projects-1'.",
        ],
    }


async def test_another_space_is_empty(client: httpx.AsyncClient) -> None:
    for collection in ("projectgroups", "projects", "channels", "environments", "tagsets"):
        page = await get(client, f"/api/Spaces-2/{collection}")
        assert (page["TotalResults"], page["Items"]) == (0, [])
