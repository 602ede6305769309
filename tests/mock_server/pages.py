"""Reading the mock server's answers in tests: a 200's JSON, a page's ids."""

from __future__ import annotations

from typing import Any

import httpx


def ids(page: dict[str, Any]) -> list[str]:
    return [item["Id"] for item in page["Items"]]


async def get(client: httpx.AsyncClient, url: str) -> Any:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    return response.json()
