"""The gateway's ASGI app: GraphQL at /graphql behind the API keys, GraphiQL served offline.

Run with `python -m gateway`, or `uvicorn --factory gateway.app:app_from_env`. Answers of
queries are kept per store generation (`gateway.graphql.caching`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Collection, Mapping
from contextlib import asynccontextmanager
from http import HTTPStatus

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from gateway.auth import UNAUTHENTICATED, key_accepted, presented_key
from gateway.cors import cors_options
from gateway.graphql import limits
from gateway.graphql.caching import keepable
from gateway.graphql.context import Context
from gateway.graphql.ide import STATIC_DIRECTORY, STATIC_PATH, graphiql_html
from gateway.graphql.persisted import PersistedQueries
from gateway.graphql.schema import schema
from gateway.kept_answers import AnswerKeeper, Reading
from gateway.request_limits import BodyLimits
from gateway.settings import Settings
from gateway.store.cache import AnswerCache
from gateway.store.columns import SpaceColumns
from gateway.store.engine import check_store, create_engine, session_factory
from gateway.store.health import StoreHealth
from gateway.store.watch import StoreWatch
from gateway.strict_json import JsonError, decode


class Store:
    """The app's engine and session factory, opened by the lifespan (or by a test), and the
    answers kept per store generation."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.engine: AsyncEngine | None = None
        self._sessions: async_sessionmaker[AsyncSession] | None = None
        self._watch: StoreWatch | None = None
        self.answers = AnswerCache()
        self.columns = SpaceColumns()
        self.health = StoreHealth()

    async def open(self) -> None:
        engine = create_engine(self.database_url)
        try:
            await check_store(engine)
        except BaseException:
            await engine.dispose()
            raise
        self.engine = engine
        self._sessions = session_factory(engine)
        self._watch = StoreWatch(engine, caches=[self.answers], columns=self.columns)
        self.answers.clear()
        self.columns.clear()

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        if self.engine is not None:
            await self.engine.dispose()
        self.engine = None
        self._sessions = None
        self._watch = None

    async def generation(self) -> int:
        if self._watch is None:
            raise RuntimeError("the store is not open")
        return await self._watch.read()

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]:
        if self._sessions is None:
            raise RuntimeError("the store is not open")
        return self._sessions


class MethodNotAllowed(HTTPException):
    """An operation the request's method may not carry (a mutation over GET)."""

    def __init__(self, reason: str, *, allow: str) -> None:
        super().__init__(405, reason)
        self.allow = allow


class GatewayApp(Starlette):
    """Starlette with the gateway's store and settings."""

    store: Store
    settings: Settings


class GraphQLView(GraphQL[Context, None]):
    """Strawberry's ASGI view with the gateway's context and the offline GraphiQL page."""

    def __init__(self, store: Store, settings: Settings) -> None:
        super().__init__(schema, graphql_ide="graphiql")
        self.persisted = PersistedQueries(error_answer)
        self.store = store
        self.clock = settings.clock()
        self.keeper = AnswerKeeper(store.answers, store.columns, real_clock=settings.now is None)

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        context = Context(
            sessions=self.store.sessions,
            clock=self.clock,
            columns=self.store.columns,
            health=self.store.health,
        )
        # The clock reading the answer is kept under, and what it depends on, when `__call__`
        # keeps it.
        context.now = getattr(request.state, "now", context.now)
        context.reading = getattr(request.state, "reading", context.reading)
        request.state.context = context
        return context

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if hasattr(request.state, "reading"):
            request.state.reading.failed = bool(result.errors)
        return await super().process_result(request, result)

    def parse_json(self, data: str | bytes) -> object:
        try:
            return decode(data)
        except JsonError as error:
            raise HTTPException(400, f"The request body is not valid JSON: {error}.") from None

    def encode_json(self, data: object) -> str:
        encoded = super().encode_json(data)
        if len(encoded) <= limits.MAX_ANSWER_BYTES:
            return str(encoded)
        refusal = limits.answer_too_large(len(encoded)).formatted
        return str(super().encode_json({"data": None, "errors": [refusal]}))

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        try:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        except HTTPException as error:
            if isinstance(error.__cause__, InvalidOperationTypeError):
                # GraphQL over HTTP: an operation the method may not carry is a 405.
                raise MethodNotAllowed(error.reason, allow="POST") from None
            raise

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            # HEAD is GET without the body (the server leaves it out); Strawberry knows only GET.
            scope = {**scope, "method": "GET"}
        resolved = await self.persisted.resolve(Request(scope=scope, receive=receive))
        if resolved.refusal is not None:
            await resolved.refusal(scope, receive, send)
            return
        request = resolved.request
        if scope["method"] != "POST":
            await self._respond(request, send)
            return
        body = resolved.key
        generation = await self.store.generation()
        now = self.clock()
        found = self.keeper.find(generation, body, now)
        if found is None:
            query = keepable(body)
            if query is None:
                await self._respond(request, send)
                return

            async def make(reading: Reading) -> Response:
                request.state.now = now
                request.state.reading = reading
                reading.parts = query.parts
                reading.failed = True  # until the result says otherwise
                return await self._answer(request)

            found = await self.keeper.answer(generation, body, now, make)
        response = await found.response(scope)
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        try:
            return await self.run(request)
        except MethodNotAllowed as error:
            return error_answer(405, error.reason, {"Allow": error.allow})
        except HTTPException as error:
            return error_answer(error.status_code, error.reason)

    async def _respond(self, request: Request, send: Send) -> None:
        response = await self._answer(request)
        await response(request.scope, request.receive, send)

    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(graphiql_html())


def error_answer(
    status_code: int,
    message: str,
    headers: Mapping[str, str] | None = None,
    *,
    code: str | None = None,
) -> JSONResponse:
    """An HTTP-level fault (a missing key, a body that is not JSON, no query, an unknown path or
    method) answered in the shape of GraphQL errors; the code names the HTTP status unless given."""
    status = HTTPStatus(status_code)
    return JSONResponse(
        {"errors": [{"message": message, "extensions": {"code": code or status.name}}]},
        status_code=status,
        headers=headers,
    )


async def routing_error(_request: Request, error: Exception) -> Response:
    """Starlette's own faults (404 for an unknown path, 405 with its Allow header) as GraphQL
    errors too."""
    if not isinstance(error, StarletteHTTPException):
        raise error
    return error_answer(error.status_code, error.detail, error.headers)


class ApiKeyMiddleware:
    """Octopus's API key check: the `X-Octopus-ApiKey` header or the `apikey` query parameter.

    Paths under `public` (GraphiQL's assets) need no key.
    """

    def __init__(self, app: ASGIApp, *, keys: Collection[str], public: Collection[str]) -> None:
        self.app = app
        self.keys = tuple(key.encode() for key in keys)
        self.public = tuple(public)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or scope["path"].startswith(self.public):
            await self.app(scope, receive, send)
            return
        if key_accepted(presented_key(scope), self.keys):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        response = error_answer(401, UNAUTHENTICATED, code="UNAUTHENTICATED")
        await response(scope, receive, send)


def create_app(settings: Settings) -> GatewayApp:
    """The gateway for these settings; its lifespan opens and closes the store.

    Tests that run no lifespan call `await app.store.open()` and `close()` themselves.
    """
    store = Store(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await store.open()
        try:
            yield
        finally:
            await store.close()

    async def home(request: Request) -> RedirectResponse:
        query = request.url.query
        return RedirectResponse("/graphql" + (f"?{query}" if query else ""))

    view = GraphQLView(store, settings)
    app = GatewayApp(
        routes=[
            Route("/", home),
            Route("/graphql", view, methods=["GET", "POST"]),
            Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIRECTORY), name="graphiql"),
        ],
        lifespan=lifespan,
        exception_handlers={StarletteHTTPException: routing_error},
    )
    app.store = store
    app.settings = settings
    app.add_middleware(ApiKeyMiddleware, keys=settings.api_keys, public=(STATIC_PATH + "/",))
    app.add_middleware(BodyLimits)
    if settings.cors_origins:
        # Outermost: a preflight carries no key, so it is answered before the key check.
        app.add_middleware(CORSMiddleware, **cors_options(settings.cors_origins))
    return app


def app_from_env() -> GatewayApp:
    """For `uvicorn --factory gateway.app:app_from_env`: settings from INSIGHTS_* variables."""
    return create_app(Settings.from_env())
