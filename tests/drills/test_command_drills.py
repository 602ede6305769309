"""Drills of the seeder's commands: a data file that is not Unicode or nested too deep, and a
clock off the calendar, each refused with `error:` and exit status 2, writing nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def seed(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seed", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        pytest.param(
            b'{"FormatVersion": 1, "Spaces": [{"Id": "Spaces-1", "Name": "\\ud800"}]}',
            "is not JSON: the text at $.Spaces[0].Name holds a lone UTF-16 surrogate escape",
            id="lone-surrogate",
        ),
        pytest.param(b"[" * 10_000, "is not JSON: it is nested too deeply", id="deep"),
    ],
)
def test_a_data_file_that_is_not_unicode_or_too_deep_is_refused(
    tmp_path: Path, content: bytes, problem: str
) -> None:
    data = tmp_path / "data.json"
    data.write_bytes(content)
    store = tmp_path / "store.db"
    done = seed("import", str(data), "--database-url", f"sqlite+aiosqlite:///{store}")
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(f"error: {data} was not imported: 1 problem; nothing")
    assert problem in done.stderr
    assert "Traceback" not in done.stderr
    assert not store.exists()


def test_generate_with_a_clock_off_the_calendar_is_refused_and_writes_nothing(
    tmp_path: Path,
) -> None:
    store = tmp_path / "new" / "store.db"
    done = seed(
        "generate",
        "--now",
        "9999-12-31T00:00:00Z",
        "--database-url",
        f"sqlite+aiosqlite:///{store}",
    )
    assert done.returncode == 2
    assert "is not a clock from 1900-01-01 to 9000-01-01 (UTC)" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "new").exists()
