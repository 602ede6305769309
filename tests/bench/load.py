"""Requests the benchmark sends: single timed requests (cold, warm) and wrk's load.

wrk runs with a Lua script for every target, so that GraphQL's POST and the REST GETs are driven
the same way, and its `done` hook prints the summary as one JSON line.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

API_KEY_HEADER = "X-Octopus-ApiKey"
ACCEPT_ENCODING = {"Accept-Encoding": "gzip, deflate, br, zstd"}
"""Sent by every request of the benchmark, to every server, as browsers send it."""
MARKER = "WRK-SUMMARY "

_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%s{"requests": %d, "duration_us": %d, "bytes": %d, '
    .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
    .. '"latency_us": {"mean": %.1f, "p50": %d, "p99": %d, "max": %d}}\\n',
    "MARKER", summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(99), latency.max))
end
""".replace("MARKER", MARKER)


@dataclass(frozen=True)
class Target:
    """One request, repeated: a GET, or a POST with a JSON body."""

    name: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] | None = None

    def send(self, client: httpx.Client) -> httpx.Response:
        if self.body is None:
            return client.get(self.url, headers=self.headers)
        return client.post(self.url, headers=self.headers, json=self.body)

    def lua(self) -> str:
        lines = [
            f"wrk.headers[{_lua(name)}] = {_lua(value)}" for name, value in self.headers.items()
        ]
        if self.body is not None:
            lines += [
                'wrk.method = "POST"',
                'wrk.headers["Content-Type"] = "application/json"',
                f"wrk.body = {_lua(json.dumps(self.body))}",
            ]
        return "\n".join(lines) + "\n" + _DONE


def _lua(text: str) -> str:
    return json.dumps(text)  # a JSON string of ASCII text is a valid Lua string literal


def wire_answer(target: Target, client: httpx.Client) -> tuple[bytes, str | None]:
    """The body exactly as it came over the wire (not decoded), and its Content-Encoding."""
    with client.stream(
        "GET" if target.body is None else "POST",
        target.url,
        headers=target.headers,
        json=target.body,
    ) as response:
        response.raise_for_status()
        return b"".join(response.iter_raw()), response.headers.get("content-encoding")


def timed(target: Target, client: httpx.Client) -> tuple[float, httpx.Response]:
    """Seconds for one request, the whole body read; a non-2xx answer is an error."""
    began = time.perf_counter()
    response = target.send(client)
    seconds = time.perf_counter() - began
    response.raise_for_status()
    return seconds, response


def warm(targets: Mapping[str, Target], client: httpx.Client, repeat: int) -> dict[str, Any]:
    """`repeat` requests to each target, taken in turns (the first to go alternates), so that
    the host's drift over the run weighs on every target alike; each target's figures by key."""
    samples: dict[str, list[float]] = {key: [] for key in targets}
    for round_number in range(repeat):
        keys = list(targets) if round_number % 2 == 0 else list(reversed(targets))
        for key in keys:
            samples[key].append(timed(targets[key], client)[0])
    return {
        key: {
            "median_seconds": statistics.median(taken),
            "min_seconds": min(taken),
            "max_seconds": max(taken),
            "samples": len(taken),
        }
        for key, taken in samples.items()
    }


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str | None:
    binary = wrk_path()
    if binary is None:
        return None
    output = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False)
    text = (output.stdout or output.stderr).strip()
    return text.splitlines()[0] if text else "unknown"


def run_wrk(
    target: Target, *, connections: int, threads: int, seconds: float, scripts: Path
) -> dict[str, Any]:
    """wrk against the target for `seconds` (bounded by wrk itself); requests/s and errors."""
    binary = wrk_path()
    if binary is None:
        raise RuntimeError("wrk is not installed")
    scripts.mkdir(parents=True, exist_ok=True)
    script = scripts / f"{target.name}.lua"
    script.write_text(target.lua(), encoding="utf-8")
    command = [
        binary,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "30s",
        "-s",
        str(script),
        target.url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, check=True, timeout=seconds + 120
    )
    summary_line = next(line for line in output.stdout.splitlines() if line.startswith(MARKER))
    summary: dict[str, Any] = json.loads(summary_line[len(MARKER) :])
    duration = summary["duration_us"] / 1e6
    errors = sum(summary["errors"].values())
    summary["requests_per_second"] = summary["requests"] / duration if duration else 0.0
    summary["ok_per_second"] = (
        max(0, summary["requests"] - summary["errors"]["status"]) / duration if duration else 0.0
    )
    summary["error_count"] = errors
    summary["connections"] = connections
    summary["threads"] = threads
    return summary
