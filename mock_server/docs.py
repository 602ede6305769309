"""The Swagger UI page, with its assets served by this server (it works offline), and the
OpenAPI document it shows."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from mock_server.openapi import openapi_document

ASSETS = "/docs/assets"

PAGE = f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Octopus Insights API (mock)</title>
  <link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
  <link rel="icon" type="image/png" href="{ASSETS}/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="{ASSETS}/swagger-ui-bundle.js"></script>
  <script src="{ASSETS}/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({{
      url: "/api/openapi.json",
      dom_id: "#swagger-ui",
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: "StandaloneLayout"
    }});
  </script>
</body>
</html>
"""


async def openapi_json(_request: Request) -> Response:
    return JSONResponse(openapi_document())


async def swagger_page(_request: Request) -> Response:
    return HTMLResponse(PAGE)


OPENAPI_ROUTE = Route("/api/openapi.json", openapi_json, methods=["GET"])
"""Its path would match `/api/{spaceId}`: it goes before the API's routes."""

DOCS_ROUTES: list[BaseRoute] = [
    Route("/docs", swagger_page, methods=["GET"]),
    Mount(ASSETS, app=StaticFiles(directory=Path(str(swagger_ui_path))), name="swagger-ui"),
]
