"""`make demo` runs `python -m seed demo --serve`: both servers answer with the printed key."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

KEY = "API-DEMOTESTDEMOTESTDEMOTEST12"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_demo_serves_both_servers_until_interrupted(tmp_path: Path) -> None:
    gateway_port, mock_port = free_port(), free_port()
    demo = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "seed",
            "demo",
            "--serve",
            "--quiet",
            "--database-url",
            f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}",
            "--now",
            "2026-11-26T12:00:00Z",
            "--api-key",
            KEY,
            "--gateway-port",
            str(gateway_port),
            "--mock-port",
            str(mock_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert demo.stdout is not None
        banner: list[str] = []
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not any("API key" in line for line in banner):
            line = demo.stdout.readline()
            if not line:
                break
            if "demo is running" in line or banner:
                banner.append(line)
        text = "".join(banner)
        assert f"http://127.0.0.1:{gateway_port}/graphql" in text
        assert f"http://127.0.0.1:{mock_port}/api" in text
        assert KEY in text

        headers = {"X-Octopus-ApiKey": KEY}
        reports = httpx.get(
            f"http://127.0.0.1:{mock_port}/api/Spaces-1/insights/reports", headers=headers
        )
        assert reports.status_code == 200
        assert reports.json()["TotalResults"] > 0
        graphql = httpx.post(
            f"http://127.0.0.1:{gateway_port}/graphql",
            json={"query": '{ reports(spaceId: "Spaces-1") { totalCount } }'},
            headers=headers,
        )
        assert graphql.json() == {
            "data": {"reports": {"totalCount": reports.json()["TotalResults"]}}
        }
        unauthorized = httpx.get(f"http://127.0.0.1:{mock_port}/api/Spaces-1/insights/reports")
        assert unauthorized.status_code == 401
        # A reset through the demo's own mock server leaves the store the demo's.
        reset = httpx.post(
            f"http://127.0.0.1:{mock_port}/admin/reset",
            json={"Seed": 2, "Deployments": 500},
            headers=headers,
            timeout=60,
        )
        assert reset.status_code == 200, reset.text
        assert reset.json()["Origin"].startswith("seed demo, then seed generate --seed 2")
    finally:
        demo.send_signal(signal.SIGINT)
        code = demo.wait(timeout=30)
        if demo.stdout is not None:
            demo.stdout.close()
    assert code == 0
    again = subprocess.run(
        [sys.executable, "-m", "seed", "demo", "--quiet", "--database-url", store(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "Seeded the demo" in again.stdout


def store(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"


def demo_command(tmp_path: Path, gateway_port: int, mock_port: int) -> list[str]:
    return [
        sys.executable, "-m", "seed", "demo", "--quiet", "--now", "2026-11-26T12:00:00Z",
        "--api-key", KEY, "--gateway-port", str(gateway_port), "--mock-port", str(mock_port),
        "--serve", "--database-url", store(tmp_path),
    ]  # fmt: skip


def test_a_busy_port_is_found_before_seeding(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        finished = subprocess.run(
            demo_command(tmp_path, busy, free_port()),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert finished.returncode == 2
    assert finished.stderr.startswith(f"error: already in use: gateway port {busy};")
    assert "Seeded" not in finished.stdout
    assert not (tmp_path / "demo.db").exists()
