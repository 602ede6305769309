"""The Octopus Insights REST endpoints, each one unit of work on the store.

Handlers translate between the wire and the core: they parse ids, paging, metrics parameters and
bodies, call the store and the core, and shape the answer with `wire`. Validation, scope and
aggregation live in the core, report storage in `gateway.store.reports`.

GET answers are kept, encoded (`cached`, by `gateway.kept_answers`' one policy for both servers),
until a write changes what they read, in this process or in any other on the same database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.insights.errors import NotFound
from gateway.insights.ids import Kind, format_id, parse_id
from gateway.insights.metrics import MetricsQuery, parse_metrics_query
from gateway.insights.report import Report
from gateway.kept_answers import Reading
from gateway.store import reports as store
from gateway.store.generation import CATALOGUE, DEPLOYMENTS, REPORT, REPORTS, Part
from gateway.store.metrics import report_metrics
from gateway.store.streams import report_streams
from mock_server import wire
from mock_server.bodies import parse_report_body
from mock_server.logo import logo_svg
from mock_server.paging import Page, collection, parse_page
from mock_server.resources import resources_of

Endpoint = Callable[[Request], Awaitable[Response]]


def query_values(request: Request) -> dict[str, str]:
    """Query parameters by lower-cased name, the first of each (Octopus matches names ignoring
    case)."""
    values: dict[str, str] = {}
    for name, value in request.query_params.multi_items():
        values.setdefault(name.lower(), value)
    return values


def space_number(request: Request) -> int:
    text = request.path_params["spaceId"]
    number = parse_id(Kind.SPACE, text)
    if number is None:
        raise NotFound(f"There is no space with id {text}.")
    return number


def report_number(request: Request) -> int:
    text = request.path_params["reportId"]
    number = parse_id(Kind.INSIGHTS_REPORT, text)
    if number is None:
        raise NotFound(
            f"There is no insights report with id {text} in {request.path_params['spaceId']}."
        )
    return number


def ok(document: Mapping[str, object], status: int = 200) -> Response:
    return JSONResponse(document, status_code=status)


async def _report(session: AsyncSession, request: Request) -> Report:
    return await store.get_report(
        session, space_id=space_number(request), report_id=report_number(request)
    )


async def root(_request: Request) -> Response:
    return ok(wire.root_document())


async def space_home(request: Request) -> Response:
    async with resources_of(request).sessions() as session:
        space = await store.get_space(session, space_id=space_number(request))
    return ok(wire.space_document(format_id(Kind.SPACE, space.id), space.name))


def page_of(request: Request) -> Page:
    return parse_page(query_values(request))


async def list_reports(request: Request) -> Response:
    page = page_of(request)
    space_id = space_number(request)
    async with resources_of(request).sessions() as session:
        total, reports = await store.list_reports(
            session, space_id=space_id, skip=page.skip, take=page.take
        )
    return ok(
        collection(
            item_type="InsightsReport",
            path=wire.reports_path(format_id(Kind.SPACE, space_id)),
            page=page,
            total=total,
            items=[wire.report_resource(report) for report in reports],
        )
    )


async def create_report(request: Request) -> Response:
    space_id = space_number(request)
    body = parse_report_body(await request.body())
    # The answer is shaped before the write commits: if shaping fails, nothing is written.
    async with resources_of(request).sessions.begin() as session:
        report = await store.create_report(session, space_id=space_id, draft=body.draft)
        return ok(wire.report_resource(report), status=201)


async def get_report(request: Request) -> Response:
    async with resources_of(request).sessions() as session:
        report = await _report(session, request)
    return ok(wire.report_resource(report))


async def update_report(request: Request) -> Response:
    space_id, report_id = space_number(request), report_number(request)
    body = parse_report_body(await request.body())
    async with resources_of(request).sessions.begin() as session:
        report = await store.update_report(
            session,
            space_id=space_id,
            report_id=report_id,
            draft=body.draft,
            body_report_id=body.id,
        )
        return ok(wire.report_resource(report))


async def delete_report(request: Request) -> Response:
    space_id, report_id = space_number(request), report_number(request)
    async with resources_of(request).sessions.begin() as session:
        await store.delete_report(session, space_id=space_id, report_id=report_id)
    return Response(status_code=200)


async def report_deployments(request: Request) -> Response:
    resources = resources_of(request)
    async with resources.sessions() as session:
        report = await _report(session, request)
        reading_of(request).exact_now = True
        streams = await report_streams(
            await session.connection(), report=report, now=now_of(request)
        )
    return ok(wire.deployments_document(report, streams))


def _metrics_query(request: Request) -> MetricsQuery:
    values = query_values(request)
    return parse_metrics_query(
        split=values.get("split"),
        tenant_tag_set_id=values.get("tenanttagsetid"),
        time_range=values.get("timerange"),
        granularity=values.get("granularity"),
    )


async def metrics(request: Request) -> Response:
    resources = resources_of(request)
    async with resources.sessions() as session:
        report = await _report(session, request)
        query = _metrics_query(request)
        reading_of(request).metrics.append((report, query))
        result = await report_metrics(
            await session.connection(),
            report=report,
            query=query,
            now=now_of(request),
            columns=resources.columns,
        )
    return ok(wire.metrics_document(result))


async def logo(request: Request) -> Response:
    async with resources_of(request).sessions() as session:
        report = await _report(session, request)
    return Response(logo_svg(report), media_type="image/svg+xml")


def now_of(request: Request) -> int:
    """The clock's reading the request's answer is kept under (read once per request)."""
    if not hasattr(request.state, "now"):
        request.state.now = resources_of(request).clock()
    now: int = request.state.now
    return now


def no_parameters(_request: Request) -> Hashable:
    return None


def reading_of(request: Request) -> Reading:
    """What the request's answer depends on, for `cached` to keep it by."""
    if not hasattr(request.state, "reading"):
        request.state.reading = Reading()
    reading: Reading = request.state.reading
    return reading


def cached(
    endpoint: Endpoint,
    *,
    parameters: Callable[[Request], Hashable] = no_parameters,
    reads: tuple[str, ...],
    clock: bool = False,
) -> Endpoint:
    """`endpoint`'s 200 answers, kept (`gateway.kept_answers`) by path and `parameters`: the
    query parameters that change the answer, parsed, so that unknown ones, their order and the
    case of names and values do not; and by the clock's reading when the answer depends on now
    (`clock`). Bad parameters are a 400 before anything is kept. An answer is dropped when a
    write changes its space's (or report's) parts of the kinds it `reads`."""

    async def answer(request: Request) -> Response:
        resources = resources_of(request)
        asked = parameters(request)
        generation = await resources.generations.read()
        now = now_of(request) if clock else None

        async def make(reading: Reading) -> Response:
            request.state.reading = reading
            response = await endpoint(request)
            reading.parts = _parts(request, reads)
            return response

        key = (request.scope["path"], asked)
        kept = await resources.keeper.answer(generation, key, now, make)
        return await kept.response(request.scope)

    return answer


def _parts(request: Request, kinds: tuple[str, ...]) -> frozenset[Part]:
    """The parts of these kinds of the request's space, or report for `REPORT`."""
    return frozenset(
        Part(kind, report_number(request) if kind == REPORT else space_number(request))
        for kind in kinds
    )


REPORTS_PATH = "/api/{spaceId}/insights/reports"
REPORT_PATH = REPORTS_PATH + "/{reportId}"
EVERY_PART = (REPORT, DEPLOYMENTS, CATALOGUE)
"""What a report's deployments and metrics read."""


def resource(path: str, **handlers: Endpoint) -> Route:
    """One route per path with its handlers by method (HEAD answered as GET), so that a wrong
    method is a 405 whose `Allow` names every method."""

    async def endpoint(request: Request) -> Response:
        method = request.method
        return await handlers["GET" if method == "HEAD" else method](request)

    return Route(path, endpoint, methods=list(handlers), name=path)


API_ROUTES = [
    resource("/api", GET=root),
    resource("/api/{spaceId}", GET=cached(space_home, reads=(CATALOGUE,))),
    resource(
        REPORTS_PATH,
        GET=cached(list_reports, parameters=page_of, reads=(REPORTS,)),
        POST=create_report,
    ),
    resource(
        REPORT_PATH,
        GET=cached(get_report, reads=(REPORT,)),
        PUT=update_report,
        DELETE=delete_report,
    ),
    resource(
        REPORT_PATH + "/deployments", GET=cached(report_deployments, reads=EVERY_PART, clock=True)
    ),
    resource(
        REPORT_PATH + "/metrics",
        GET=cached(
            metrics,
            parameters=_metrics_query,
            reads=EVERY_PART,
            clock=True,
        ),
    ),
    resource(REPORT_PATH + "/logo", GET=logo),
]
