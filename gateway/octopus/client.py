"""A reliable reader of an Octopus Server's REST API.

Every request has a timeout; a connection error, a timeout, 429 and 5xx are retried with
exponential backoff and full jitter, waiting at least what `Retry-After` asks; at most
`concurrency` requests are in flight. Collections are read by following `Links["Page.Next"]`,
as Octopus's documentation tells clients to, and ids are fetched in batches (`?ids=`).
Answers that say the key is wrong, or that the server is not an Octopus Server, end the read
with `OctopusError`, whose message says what to check.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncGenerator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urljoin

import httpx
import orjson

DEFAULT_CONCURRENCY = 4
DEFAULT_TIMEOUT_SECONDS = 30.0
DEFAULT_ATTEMPTS = 8
"""Tries of one request before the read gives up: seven retries wait about 13 s in all."""
BACKOFF_SECONDS = 0.1
"""The first retry waits up to this; each next one up to twice the last, to `MAX_BACKOFF`."""
MAX_BACKOFF_SECONDS = 10.0
MAX_RETRY_AFTER_SECONDS = 120.0
"""A longer `Retry-After` is waited only this long before trying again."""
PAGE_SIZE = 500
IDS_PER_REQUEST = 200
"""Ids of one `?ids=` request: about 4 KB of query, half the 8 KB request line that ASP.NET
Core's Kestrel (and most proxies) accept by default."""

_RETRIED = frozenset({429, 500, 502, 503, 504})

Resource = dict[str, Any]
Pages = AsyncGenerator[list[Resource], None]


class OctopusError(Exception):
    """The server cannot be read: the message says what failed and what to check; `status` is
    the HTTP status of the answer that ended the read, when there was one."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Tally:
    requests: int = 0
    retries: int = 0


class OctopusClient:
    """Reads one Octopus Server with one API key. Use as an async context manager."""

    def __init__(
        self,
        url: str,
        api_key: str,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
        attempts: int = DEFAULT_ATTEMPTS,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Any = asyncio.sleep,
    ) -> None:
        base = url.rstrip("/")
        # The server's URL, also when given as its API's (as Octopus's .NET client takes it).
        self.url = base.removesuffix("/api") + "/"
        self.tally = Tally()
        self._attempts = max(1, attempts)
        self._slots = asyncio.Semaphore(max(1, concurrency))
        self._sleep = sleep
        self._random = random.Random()
        self._http = httpx.AsyncClient(
            base_url=self.url,
            headers={"X-Octopus-ApiKey": api_key, "Accept": "application/json"},
            timeout=httpx.Timeout(timeout),
            transport=transport,
            follow_redirects=True,
        )

    async def __aenter__(self) -> OctopusClient:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._http.aclose()

    async def get(self, path: str, params: dict[str, str] | None = None) -> Any:
        """The JSON of `GET path`: relative to the server's URL, or a link it gave. As in
        Octopus's .NET client, a link from `/` is from the host's root (a server in a virtual
        directory writes its links with the directory), one from `~/` from the server's URL."""
        target = self.url + path[2:] if path.startswith("~/") else urljoin(self.url, path)
        last = ""
        for attempt in range(self._attempts):
            if attempt:
                self.tally.retries += 1
            async with self._slots:
                self.tally.requests += 1
                try:
                    answer = await self._http.get(target, params=params)
                except httpx.TransportError as error:
                    last = (
                        f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
                    )
                    answer = None
            if answer is not None and answer.status_code not in _RETRIED:
                return self._json(answer)
            if answer is not None:
                last = f"HTTP {answer.status_code}"
            if attempt + 1 < self._attempts:
                await self._sleep(self._wait(attempt, answer))
        raise OctopusError(
            f"{self.url} did not answer GET {path} after {self._attempts} tries ({last}); "
            "check the URL and that the server is up"
        )

    def _wait(self, attempt: int, answer: httpx.Response | None) -> float:
        ceiling = min(MAX_BACKOFF_SECONDS, BACKOFF_SECONDS * 2**attempt)
        wait = self._random.uniform(0, ceiling)
        asked = _retry_after(answer.headers.get("Retry-After")) if answer is not None else None
        return max(wait, min(asked, MAX_RETRY_AFTER_SECONDS)) if asked is not None else wait

    def _json(self, answer: httpx.Response) -> Any:
        status = answer.status_code
        if status in (401, 403):
            raise OctopusError(
                f"{self.url} refused the API key (HTTP {status}); check the key, and that its "
                "user may view the spaces, projects, deployments and tasks",
                status=status,
            )
        if status >= 400:
            raise OctopusError(
                f"{self.url} answered GET {answer.request.url.path} with HTTP {status}: "
                f"{_message(answer)}",
                status=status,
            )
        try:
            return orjson.loads(answer.content)
        except orjson.JSONDecodeError:
            raise OctopusError(
                f"{self.url} answered GET {answer.request.url.path} with something that is not "
                "JSON; is this the URL of an Octopus Server?"
            ) from None

    async def check_server(self) -> Resource:
        """The root document; OctopusError when the URL is not an Octopus Server's."""
        root = await self.get("api")
        if not isinstance(root, dict) or "Octopus" not in str(root.get("Application", "")):
            raise OctopusError(f"{self.url} is not an Octopus Server (its /api is not Octopus's)")
        return root

    async def pages(self, path: str, params: dict[str, str] | None = None) -> Pages:
        """The items of a paged collection, a page at a time, following `Page.Next`. The next
        page is asked for while the caller handles this one; a caller that may stop early
        reads it inside `contextlib.aclosing`, which cancels that request."""
        page = await self.get(path, {"take": str(PAGE_SIZE), **(params or {})})
        while True:
            items = _items(page, path)
            following = (page.get("Links") or {}).get("Page.Next")
            ahead = asyncio.ensure_future(self.get(str(following))) if following else None
            try:
                yield items
            except BaseException:
                if ahead is not None:
                    ahead.cancel()
                    await asyncio.wait([ahead])
                raise
            if ahead is None:
                return
            page = await ahead

    async def all(self, path: str) -> list[Resource]:
        """Every item of a collection, through its `/all` route (a plain array)."""
        found = await self.get(f"{path}/all")
        if not isinstance(found, list):
            raise OctopusError(f"{self.url} answered GET {path}/all with something not a list")
        return [item for item in found if isinstance(item, dict)]

    async def by_ids(self, path: str, ids: Sequence[str]) -> list[Resource]:
        """The items of `path` with these ids, fetched `IDS_PER_REQUEST` at a time together."""
        batches = [
            ids[start : start + IDS_PER_REQUEST] for start in range(0, len(ids), IDS_PER_REQUEST)
        ]
        answers = await asyncio.gather(
            *(
                self.get(path, {"ids": ",".join(batch), "take": str(len(batch))})
                for batch in batches
            )
        )
        return [item for page in answers for item in _items(page, path)]


def _items(page: Any, path: str) -> list[Resource]:
    items = page.get("Items") if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise OctopusError(f"GET {path} did not answer a collection (no Items)")
    return [item for item in items if isinstance(item, dict)]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a `Retry-After` of seconds or an HTTP date."""
    if value is None:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # an asctime date, or `-0000`: both are UTC
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _message(answer: httpx.Response) -> str:
    try:
        body = answer.json()
    except ValueError:
        return answer.text[:200]
    if isinstance(body, dict) and body.get("ErrorMessage"):
        return str(body["ErrorMessage"])
    return answer.text[:200]
