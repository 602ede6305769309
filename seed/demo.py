"""Serving the seeded demo: the mock Octopus server and the GraphQL gateway, side by side.

Each server runs as its own process (`python -m mock_server`, `python -m gateway`) on the demo
store with one shared API key; Ctrl-C stops both.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

from gateway.insights.ticks import format_timestamp
from gateway.settings import Settings

STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class DemoServer:
    title: str
    module: str
    port: int
    path: str


def _listening(host: str, port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((host, port)) == 0


def _answering(host: str, server: DemoServer) -> bool:
    """True once the server answers HTTP (a 401 counts: it is up, and wants its key)."""
    connection = http.client.HTTPConnection(host, server.port, timeout=1)
    try:
        connection.request("GET", server.path)
        return connection.getresponse().status > 0
    except OSError:
        return False
    finally:
        connection.close()


def _banner(settings: Settings, servers: list[DemoServer]) -> str:
    key = settings.api_keys[0]
    mock, gateway = servers
    base = f"http://{settings.host}"
    lines = [
        "",
        "Insights Gateway demo is running (Ctrl-C stops it):",
        f"  GraphQL gateway      {base}:{gateway.port}/graphql",
        f"    GraphiQL           {base}:{gateway.port}/graphql?apikey={key}",
        f"  Mock Octopus server  {base}:{mock.port}/api",
        f"    Swagger UI         {base}:{mock.port}/docs",
        f"  API key              {key}",
        "",
        f"  curl -H 'X-Octopus-ApiKey: {key}' {base}:{mock.port}/api/Spaces-1/insights/reports",
    ]
    if settings.now is not None:
        lines.append(f"  Clock fixed at {format_timestamp(settings.now)}")
    return "\n".join(lines)


def _servers(*, gateway_port: int, mock_port: int) -> list[DemoServer]:
    return [
        DemoServer("mock server", "mock_server", mock_port, "/api"),
        DemoServer("gateway", "gateway", gateway_port, "/graphql"),
    ]


def busy_ports(host: str, *, gateway_port: int, mock_port: int) -> str | None:
    """Why the demo's servers cannot listen (checked before seeding, and again before they
    start), or None."""
    if gateway_port == mock_port:
        return f"the gateway and the mock server cannot share port {mock_port}"
    servers = _servers(gateway_port=gateway_port, mock_port=mock_port)
    busy = [s for s in servers if _listening(host, s.port)]
    if not busy:
        return None
    names = ", ".join(f"{s.title} port {s.port}" for s in busy)
    return (
        f"already in use: {names}; stop what listens there, or choose other ports with "
        '--gateway-port and --mock-port (make demo ARGS="--gateway-port 18080 --mock-port 18081")'
    )


def serve_demo(settings: Settings, *, gateway_port: int, mock_port: int) -> int:
    """Run both servers on the demo store until Ctrl-C or until one of them stops."""
    servers = _servers(gateway_port=gateway_port, mock_port=mock_port)
    busy = busy_ports(settings.host, gateway_port=gateway_port, mock_port=mock_port)
    if busy is not None:
        print(f"error: {busy}", file=sys.stderr)
        return 2
    # A SIGTERM (from a supervisor or `timeout`) stops the servers as Ctrl-C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    environment = dict(os.environ)
    # The key travels in the environment, not on a command line that `ps` shows.
    environment["INSIGHTS_API_KEYS"] = ",".join(settings.api_keys)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for server in servers:
            command = [
                sys.executable,
                "-m",
                server.module,
                "--host",
                settings.host,
                "--port",
                str(server.port),
                "--database-url",
                settings.database_url,
            ]
            if settings.now is not None:
                command += ["--now", format_timestamp(settings.now)]
            processes.append(subprocess.Popen(command, env=environment))
        deadline = time.monotonic() + STARTUP_SECONDS
        waiting = list(servers)
        while waiting:
            if any(process.poll() is not None for process in processes):
                print("error: a server stopped while starting (see above)", file=sys.stderr)
                return 1
            if time.monotonic() > deadline:
                print("error: the servers did not start in time", file=sys.stderr)
                return 1
            waiting = [s for s in waiting if not _answering(settings.host, s)]
            time.sleep(0.1)
        print(_banner(settings, servers), flush=True)
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        return next(code for process in processes if (code := process.poll()) is not None)
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
