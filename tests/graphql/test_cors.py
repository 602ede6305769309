"""Browsers on other origins: preflights answered before the key check for allowed origins, simple
requests marked for them only, nothing for anyone by default; the origin settings."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.__main__ import parser
from gateway.app import create_app
from gateway.settings import Settings, SettingsError, parse_origin, settings_from_arguments
from tests.graphql.conftest import API_KEY, NOW, seed_small_store

ALLOWED = "https://dashboard.example.com"
REFUSED = "https://elsewhere.example.com"
QUERY = {"query": "{ spaces { id } }"}
PREFLIGHT = {
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type, x-octopus-apikey",
}


async def _client(engine: AsyncEngine, url: str, origins: tuple[str, ...]) -> httpx.AsyncClient:
    await seed_small_store(engine)
    app = create_app(
        Settings(
            database_url=url,
            api_keys=(API_KEY,),
            api_keys_generated=False,
            now=NOW,
            cors_origins=origins,
        )
    )
    await app.store.open()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gateway")
    client.app = app  # type: ignore[attr-defined]
    return client


@pytest.fixture
async def browser(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    client = await _client(engine, database_url, (ALLOWED, "http://localhost:5173"))
    async with client:
        yield client
    await client.app.store.close()  # type: ignore[attr-defined]


@pytest.fixture
async def closed(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    client = await _client(engine, database_url, ())
    async with client:
        yield client
    await client.app.store.close()  # type: ignore[attr-defined]


async def test_a_preflight_from_an_allowed_origin_needs_no_key(
    browser: httpx.AsyncClient,
) -> None:
    response = await browser.options("/graphql", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert set(response.headers["access-control-allow-methods"].split(", ")) >= {"GET", "POST"}
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    assert "x-octopus-apikey" in allowed_headers
    assert "content-type" in allowed_headers
    assert response.headers["access-control-max-age"] == "600"


async def test_a_preflight_from_another_origin_is_refused(browser: httpx.AsyncClient) -> None:
    response = await browser.options("/graphql", headers={"Origin": REFUSED, **PREFLIGHT})
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_simple_requests_are_marked_for_allowed_origins_only(
    browser: httpx.AsyncClient,
) -> None:
    key = {"X-Octopus-ApiKey": API_KEY}
    allowed = await browser.post("/graphql", json=QUERY, headers={"Origin": ALLOWED, **key})
    assert allowed.status_code == 200
    assert allowed.json() == {"data": {"spaces": [{"id": "Spaces-1"}, {"id": "Spaces-2"}]}}
    assert allowed.headers["access-control-allow-origin"] == ALLOWED
    # The answer depends on the origin: caches between must keep one per origin.
    assert "Origin" in {v.strip() for v in allowed.headers["vary"].split(",")}
    local = await browser.post(
        "/graphql", json=QUERY, headers={"Origin": "http://localhost:5173", **key}
    )
    assert local.headers["access-control-allow-origin"] == "http://localhost:5173"
    # The key is still checked, and the refusal readable by the allowed page.
    keyless = await browser.post("/graphql", json=QUERY, headers={"Origin": ALLOWED})
    assert keyless.status_code == 401
    assert keyless.headers["access-control-allow-origin"] == ALLOWED
    other = await browser.post("/graphql", json=QUERY, headers={"Origin": REFUSED, **key})
    assert other.status_code == 200
    assert "access-control-allow-origin" not in other.headers


async def test_no_origin_is_allowed_by_default(closed: httpx.AsyncClient) -> None:
    preflight = await closed.options("/graphql", headers={"Origin": ALLOWED, **PREFLIGHT})
    assert preflight.status_code == 401
    assert "access-control-allow-origin" not in preflight.headers
    simple = await closed.post(
        "/graphql", json=QUERY, headers={"Origin": ALLOWED, "X-Octopus-ApiKey": API_KEY}
    )
    assert simple.status_code == 200
    assert "access-control-allow-origin" not in simple.headers


@pytest.mark.parametrize(
    ("text", "origin"),
    [
        pytest.param("https://app.example.com", "https://app.example.com", id="https"),
        pytest.param("HTTPS://App.Example.com:443/", "https://app.example.com", id="normalised"),
        pytest.param("http://localhost:5173", "http://localhost:5173", id="port"),
        pytest.param("http://[::1]:8000", "http://[::1]:8000", id="ipv6"),
        pytest.param("*", "*", id="any"),
    ],
)
def test_origins_are_written_as_browsers_send_them(text: str, origin: str) -> None:
    assert parse_origin(text) == origin


def test_cors_origins_from_flags_and_environment(capsys: pytest.CaptureFixture[str]) -> None:
    environ = {"INSIGHTS_CORS_ORIGINS": "https://a.example.com, http://localhost:3000"}
    from_env = settings_from_arguments(parser().parse_args([]), environ)
    assert from_env.cors_origins == ("https://a.example.com", "http://localhost:3000")
    flags = parser().parse_args(
        ["--cors-origin", "https://b.example.com", "--cors-origin", "https://c.example.com"]
    )
    assert settings_from_arguments(flags, environ).cors_origins == (
        "https://b.example.com",
        "https://c.example.com",
    )
    assert Settings.from_env(from_env.to_env()).cors_origins == from_env.cors_origins
    assert settings_from_arguments(parser().parse_args([]), {}).cors_origins == ()
    with pytest.raises(SystemExit) as bad_flag:
        parser().parse_args(["--cors-origin", "app.example.com/path"])
    assert bad_flag.value.code == 2
    assert "is not an origin like" in capsys.readouterr().err
    with pytest.raises(SettingsError, match="INSIGHTS_CORS_ORIGINS: 'ftp://x' is not an origin"):
        Settings.from_env({"INSIGHTS_CORS_ORIGINS": "ftp://x"})
