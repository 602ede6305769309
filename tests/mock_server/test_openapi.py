"""The OpenAPI document describes exactly the served routes, its examples (the reference's
samples) fit its schemas, and the Swagger UI page loads its assets from this server."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from starlette.routing import Route

from mock_server.core_routes import CORE_ROUTES, FIRST_CORE_ROUTES
from mock_server.openapi import openapi_document, reference_samples
from mock_server.routes import API_ROUTES
from tests.mock_server.contract import schema_validator

METHODS = {"get", "put", "post", "delete"}


def test_every_route_is_documented_and_every_documented_operation_is_routed() -> None:
    routed = {
        (route.path, method.lower())
        for route in [*FIRST_CORE_ROUTES, *API_ROUTES, *CORE_ROUTES]
        if isinstance(route, Route)
        for method in route.methods or ()
        if method != "HEAD"
    }
    documented = {
        (path, method)
        for path, item in openapi_document()["paths"].items()
        for method in item
        if method in METHODS
    }
    assert routed == documented
    assert len(routed) == 10 + 35


@pytest.mark.parametrize(
    "name",
    [
        "InsightsReport",
        "InsightsReportCollection",
        "CreateReport",
        "UpdateReport",
        "Deployments",
        "Metrics",
        "RootDocument",
        "Error",
    ],
)
def test_the_examples_fit_their_schemas(name: str) -> None:
    schema = openapi_document()["components"]["schemas"][name]
    schema_validator({"$ref": f"#/components/schemas/{name}"}).validate(schema["example"])


def test_the_samples_are_the_references(reference_text: str | None) -> None:
    if reference_text is None:
        pytest.skip("octopus-insights-api.md is not beside this repository")
    blocks = [json.loads(b) for b in re.findall(r"```json\n(.*?)```", reference_text, re.S)]
    assert blocks == list(reference_samples().values())


async def test_the_swagger_page_loads_its_assets_from_this_server(
    anonymous: httpx.AsyncClient,
) -> None:
    page = await anonymous.get("/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="(/docs/assets/[^"]+)"', page.text)
    assert len(assets) == 4
    assert "http" not in " ".join(re.findall(r'(?:src|href)="([^"]+)"', page.text))
    for asset in assets:
        response = await anonymous.get(asset)
        assert response.status_code == 200, asset
        assert len(response.content) > 500
    document = (await anonymous.get("/api/openapi.json")).json()
    assert document["openapi"] == "3.1.0"
