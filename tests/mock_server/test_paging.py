"""Paging: counts and links for every position of a page (SPEC.md, REST conventions)."""

from __future__ import annotations

import httpx
import pytest

from mock_server.paging import MAX_INT, Page, collection

REPORTS = "/api/Spaces-1/insights/reports"


def link(skip: int, take: int) -> str:
    return f"{REPORTS}?skip={skip}&take={take}"


@pytest.mark.parametrize(
    ("skip", "take", "total", "pages", "last", "extra"),
    [
        pytest.param(0, 30, 0, 0, 0, {}, id="empty"),
        pytest.param(0, 2, 5, 3, 2, {"Page.Next": link(2, 2)}, id="first"),
        pytest.param(
            2, 2, 5, 3, 2, {"Page.Next": link(4, 2), "Page.Previous": link(0, 2)}, id="middle"
        ),
        pytest.param(4, 2, 5, 3, 2, {"Page.Previous": link(2, 2)}, id="last"),
        pytest.param(
            1, 2, 5, 3, 2, {"Page.Next": link(3, 2), "Page.Previous": link(0, 2)}, id="odd"
        ),
        pytest.param(9, 2, 5, 3, 2, {"Page.Previous": link(7, 2)}, id="past-the-end"),
        pytest.param(0, 0, 5, 0, 0, {}, id="count-only"),
        pytest.param(3, 0, 5, 0, 0, {"Page.Previous": link(3, 0)}, id="count-only-skipped"),
        pytest.param(0, MAX_INT, 5, 1, 0, {}, id="all"),
    ],
)
def test_collection_counts_and_links(
    skip: int, take: int, total: int, pages: int, last: int, extra: dict[str, str]
) -> None:
    page = collection(
        item_type="InsightsReport", path=REPORTS, page=Page(skip, take), total=total, items=[]
    )
    assert (page["TotalResults"], page["ItemsPerPage"]) == (total, take)
    assert (page["NumberOfPages"], page["LastPageNumber"]) == (pages, last)
    assert page["Links"] == {
        "Self": link(skip, take),
        "Template": REPORTS + "{?skip,take}",
        "Page.All": link(0, MAX_INT),
        "Page.Current": link(skip, take),
        "Page.Last": link(last * take, take),
        **extra,
    }


async def test_pages_walk_the_reports_by_name(client: httpx.AsyncClient) -> None:
    for name in ["delta", "Alpha", "charlie", "Bravo", "echo"]:
        response = await client.post(REPORTS, json={"SpaceId": "Spaces-1", "Name": name})
        assert response.status_code == 201
    names = []
    url = link(0, 2)
    while True:
        page = (await client.get(url)).json()
        names += [item["Name"] for item in page["Items"]]
        if "Page.Next" not in page["Links"]:
            break
        url = page["Links"]["Page.Next"]
    assert names == ["Alpha", "Bravo", "charlie", "delta", "echo"]
    counted = (await client.get(REPORTS, params={"take": 0})).json()
    assert (counted["TotalResults"], counted["Items"], counted["NumberOfPages"]) == (5, [], 0)
    everything = (await client.get(REPORTS, params={"take": MAX_INT})).json()
    assert len(everything["Items"]) == 5
    # Parameter names match ignoring case, like Octopus.
    assert len((await client.get(REPORTS, params={"TAKE": 1})).json()["Items"]) == 1
