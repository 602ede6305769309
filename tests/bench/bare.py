"""The ceiling: a bare Starlette route answering a constant JSON body, under uvicorn exactly as
`python -m gateway` and `python -m mock_server` run by default (one process, no access log).
The body is the bytes a server sent over the wire, gzip-compressed when it came so.

    python -m tests.bench.bare --port P --path /api/Spaces-1/insights/reports --body FILE \
        [--content-encoding gzip]
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def create_app(path: str, body: bytes, content_encoding: str | None = None) -> Starlette:
    headers = {}
    if content_encoding:
        headers = {"Content-Encoding": content_encoding, "Vary": "Accept-Encoding"}

    async def constant(_request: Request) -> Response:
        return Response(body, media_type="application/json", headers=headers)

    return Starlette(routes=[Route(path, constant, methods=["GET"])])


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bare")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--path", required=True)
    parser.add_argument("--body", type=Path, required=True, help="the file whose bytes to answer")
    parser.add_argument("--content-encoding", help="the body's coding, when it is compressed")
    arguments = parser.parse_args(argv)
    app = create_app(arguments.path, arguments.body.read_bytes(), arguments.content_encoding)
    uvicorn.run(app, host=arguments.host, port=arguments.port, log_level="info", access_log=False)


if __name__ == "__main__":
    main()
