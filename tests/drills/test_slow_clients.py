"""Drills of connections that hold a server: idle ones, headers or a body that never finish,
a body announced larger than anything the server takes. Each is closed or refused in time,
while the servers go on answering."""

from __future__ import annotations

import socket
import time
from urllib.parse import urlsplit

from gateway.request_limits import BODY_IDLE_SECONDS
from gateway.serving import HEADERS_SECONDS
from tests.drills.conftest import KEY, Drills

SLACK = 5.0
"""Seconds beyond a timeout within which the connection must be closed."""


def connect(url: str, data: bytes = b"") -> socket.socket:
    parts = urlsplit(url)
    connection = socket.create_connection((parts.hostname, parts.port), timeout=30)
    if data:
        connection.sendall(data)
    return connection


def read_until_closed(connection: socket.socket, deadline: float) -> bytes:
    """Everything the server sends before it closes the connection (or the deadline passes)."""
    received = b""
    while time.monotonic() < deadline:
        connection.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            chunk = connection.recv(65536)
        except TimeoutError:
            break
        if not chunk:
            return received
        received += chunk
    raise AssertionError(f"still open at the deadline, after {received[:200]!r}")


def test_idle_partial_and_stalled_connections_are_closed_in_time(drills: Drills) -> None:
    for name, server in (("mock server", drills.mock), ("gateway", drills.gateway)):
        path = "/graphql" if server == drills.gateway else "/api/Spaces-1/insights/reports"
        started = time.monotonic()
        idle = [connect(server) for _ in range(250)]
        headers = connect(server, f"POST {path} HTTP/1.1\r\nHost: drill\r\n".encode())
        body = connect(
            server,
            f"POST {path} HTTP/1.1\r\nHost: drill\r\nX-Octopus-ApiKey: {KEY}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode(),
        )
        drills.still_answer()  # while they are held open
        deadline = started + max(HEADERS_SECONDS, BODY_IDLE_SECONDS) + SLACK
        for connection in idle:
            assert read_until_closed(connection, deadline) == b""
        assert read_until_closed(headers, deadline) == b""
        stalled = read_until_closed(body, deadline)
        assert stalled.startswith(b"HTTP/1.1 408 "), stalled[:200]
        assert b"stopped arriving" in stalled
        drills.times[f"slow: 250 idle connections closed after ({name})"] = round(
            time.monotonic() - started, 2
        )
        for connection in [*idle, headers, body]:
            connection.close()
        drills.still_answer()


def test_a_body_announced_at_100_gb_is_refused_at_once(drills: Drills) -> None:
    for name, server, path in (
        ("mock server", drills.mock, "/api/Spaces-1/insights/reports"),
        ("gateway", drills.gateway, "/graphql"),
    ):
        started = time.monotonic()
        connection = connect(
            server,
            f"POST {path} HTTP/1.1\r\nHost: drill\r\nX-Octopus-ApiKey: {KEY}\r\n"
            "Content-Type: application/json\r\nContent-Length: 99999999999\r\n\r\n{".encode(),
        )
        answer = read_until_closed(connection, started + SLACK)
        connection.close()
        assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
        drills.times[f"slow: Content-Length 99999999999 ({name})"] = round(
            time.monotonic() - started, 4
        )
        drills.still_answer()


def test_a_refused_body_sent_whole_still_gets_its_413(drills: Drills) -> None:
    """A client that sends all of a too-large body before it reads must still find the 413:
    closing on unread data would reset the connection and destroy the answer."""
    body = b'{"Name": "' + b"x" * 3_000_000 + b'"}'
    for name, server, path in (
        ("mock server", drills.mock, "/api/Spaces-1/insights/reports"),
        ("gateway", drills.gateway, "/graphql"),
    ):
        started = time.monotonic()
        connection = connect(
            server,
            f"POST {path} HTTP/1.1\r\nHost: drill\r\nX-Octopus-ApiKey: {KEY}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
            + body,
        )
        time.sleep(0.5)  # long enough for a reset to arrive before the answer is read
        answer = read_until_closed(connection, started + SLACK)
        connection.close()
        head, _, content = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413 "), answer[:200]
        assert b"larger than 1 MB" in content, content[:200]
        drills.times[f"slow: a 3 MB body sent whole ({name})"] = round(
            time.monotonic() - started, 4
        )
        drills.still_answer()
