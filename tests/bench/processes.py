"""Servers the benchmark starts: free ports, readiness, peak memory, and a stop that always runs.

Every process is started in a session of its own, so that stopping it also stops whatever it
started (Prism's node children); `Servers` stops each one it started on exit, Ctrl-C included.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nothing listens on now (the kernel's choice) on the loopback address."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def accepting(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.2)
        return probe.connect_ex((HOST, port)) == 0


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    started: float
    ready_after: float = 0.0
    """Seconds from the start of the process until its port accepted connections."""

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def peak_rss_mb(self) -> float:
        """The peak resident memory (VmHWM) of the process and its descendants, in MB."""
        total_kb = sum(_vm_hwm_kb(pid) for pid in (self.pid, *_descendants(self.pid)))
        return total_kb / 1024


def _vm_hwm_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="ascii")
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces; the parent id follows it.
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: list[int] = []
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            found.append(child)
            pending.append(child)
    return found


class Servers:
    """Starts servers and stops every one of them on exit (a context manager)."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.running: list[Server] = []

    def __enter__(self) -> Servers:
        return self

    def __exit__(
        self,
        _kind: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        for server in reversed(list(self.running)):
            self.stop(server)

    def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        port: int,
        cwd: Path,
        env: dict[str, str] | None = None,
        timeout: float = 120.0,
    ) -> Server:
        """Start `command` and wait (at most `timeout` seconds) until `port` accepts."""
        self.logs.mkdir(parents=True, exist_ok=True)
        log = self.logs / f"{name}.log"
        with log.open("wb") as output:
            process = subprocess.Popen(
                list(command),
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(name, port, process, log, time.perf_counter())
        self.running.append(server)
        deadline = server.started + timeout
        while not accepting(port):
            if process.poll() is not None:
                self.stop(server)
                raise RuntimeError(f"{name} exited with {process.returncode}: see {log}")
            if time.perf_counter() > deadline:
                self.stop(server)
                raise RuntimeError(f"{name} did not listen on port {port} in {timeout} s: {log}")
            time.sleep(0.02)
        server.ready_after = time.perf_counter() - server.started
        return server

    def stop(self, server: Server) -> None:
        """SIGTERM to the server's process group, SIGKILL after 10 s."""
        if server in self.running:
            self.running.remove(server)
        # The whole group, even when its leader is gone: a child may outlive it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGTERM)
        if server.process.poll() is None:
            try:
                server.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(server.pid, signal.SIGKILL)
                server.process.wait(timeout=10)
