"""Server processes for the tests: uvicorn on a socket bound here, so ports never collide."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parents[2]
MOCK_APP = "mock_server.app:create_app"
GATEWAY_APP = "gateway.app:app_from_env"


@dataclass(frozen=True)
class Server:
    url: str
    process: subprocess.Popen[bytes]


def environment(database_url: str, api_key: str, now: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "INSIGHTS_DATABASE_URL": database_url,
        "INSIGHTS_API_KEYS": api_key,
        "INSIGHTS_NOW": now,
    }


@contextmanager
def uvicorn(
    app: str,
    env: dict[str, str],
    *,
    workers: int = 1,
    timeout: float = 30,
    options: Sequence[str] = (),
    log: IO[bytes] | None = None,
) -> Iterator[Server]:
    """`uvicorn --factory APP` on 127.0.0.1, ready to answer; stopped on exit. `options` are
    more of uvicorn's flags; `log`, a file for the server's output (kept by the caller)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    host, port = listener.getsockname()
    command: Sequence[str] = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        app,
        "--fd",
        str(listener.fileno()),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        *options,
    ]
    # A file, not a pipe: a pipe nobody reads would stall a chatty server.
    with tempfile.TemporaryFile() if log is None else nullcontext(log) as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            pass_fds=(listener.fileno(),),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        listener.close()
        url = f"http://{host}:{port}"
        try:
            _wait_ready(url, process, log, timeout)
            yield Server(url, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: IO[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"{url} exited with {process.returncode}:\n{log.read().decode()}")
        try:
            httpx.get(url + "/", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def run_to_exit(app: str, env: dict[str, str], *, timeout: float = 30) -> tuple[int, str]:
    """Start `uvicorn --factory APP` and wait for it to exit (a refusal to start)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "uvicorn", "--factory", app, "--fd", str(listener.fileno())],
            cwd=ROOT,
            env=env,
            pass_fds=(listener.fileno(),),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    finally:
        listener.close()
    return finished.returncode, finished.stdout.decode() + finished.stderr.decode()
