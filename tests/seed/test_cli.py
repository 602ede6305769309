"""`python -m seed` as a user runs it: clear refusals with exit code 2, no tracebacks."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import seed.__main__ as cli
import seed.commands
from tests.seed.conftest import NOW, sqlite_url
from tests.seed.test_datafile import small_document

Capture = pytest.CaptureFixture[str]


def run(*arguments: str) -> int:
    return cli.main(list(arguments))


def generate(url: str, *extra: str) -> int:
    return run("generate", "--database-url", url, "--now", NOW, "--deployments", "300", *extra)


def test_generate_prints_a_summary(tmp_path: Path, capsys: Capture) -> None:
    assert generate(sqlite_url(tmp_path / "s.db"), "--seed", "3") == 0
    out = capsys.readouterr().out
    assert (
        "Generated (seed 3, about 300 deployments, 13 months to 2026-11-26T12:00:00.0000000Z)"
        in out
    )
    assert "  insights reports" in out
    assert "Done in" in out


def test_a_store_with_data_needs_reset(tmp_path: Path, capsys: Capture) -> None:
    url = sqlite_url(tmp_path / "s.db")
    assert generate(url) == 0
    capsys.readouterr()
    assert generate(url, "--seed", "2") == 2
    err = capsys.readouterr().err
    assert "already holds data (3 spaces" in err
    assert "run again with --reset" in err
    assert "Traceback" not in err
    assert generate(url, "--seed", "2", "--reset") == 0


def test_export_then_import_through_files_and_pipes(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = sqlite_url(tmp_path / "a.db"), sqlite_url(tmp_path / "b.db")
    assert generate(first) == 0
    assert run("export", str(tmp_path / "a.json"), "--database-url", first) == 0
    text = (tmp_path / "a.json").read_text()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert run("import", "-", "--database-url", second) == 0
    capsys.readouterr()
    assert run("export", "-", "--database-url", second) == 0
    captured = capsys.readouterr()
    assert captured.out == text
    assert captured.err.startswith("Exported 3 Spaces")


def test_a_broken_file_is_refused_with_its_problems(tmp_path: Path, capsys: Capture) -> None:
    document = small_document()
    document["Deployments"][0]["ReleaseId"] = "Releases-99"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(document))
    url = sqlite_url(tmp_path / "s.db")
    assert run("import", str(path), "--database-url", url) == 2
    err = capsys.readouterr().err
    assert f"error: {path} was not imported: 1 problem; nothing was written" in err
    assert "  Deployments[0].ReleaseId: Releases-99 does not exist in Spaces-1" in err
    assert run("export", "-", "--database-url", url) == 0
    assert json.loads(capsys.readouterr().out)["Deployments"] == []


def test_a_file_that_is_not_json(tmp_path: Path, capsys: Capture) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"FormatVersion": 1,')
    assert run("import", str(path), "--database-url", sqlite_url(tmp_path / "s.db")) == 2
    assert "is not JSON: Expecting property name" in capsys.readouterr().err


def test_bad_arguments_exit_2(capsys: Capture) -> None:
    with pytest.raises(SystemExit) as raised:
        run("generate", "--deployments", "many")
    assert raised.value.code == 2
    assert "'many' is not a whole number" in capsys.readouterr().err


def test_demo_replaces_only_its_own_store(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(seed.commands, "DEFAULT_DEPLOYMENTS", 300)
    demo_url, other_url = sqlite_url(tmp_path / "demo.db"), sqlite_url(tmp_path / "other.db")
    assert run("demo", "--database-url", demo_url, "--now", NOW) == 0
    assert "Seeded the demo" in capsys.readouterr().out
    assert run("demo", "--database-url", demo_url, "--now", NOW) == 0
    assert generate(other_url) == 0
    capsys.readouterr()
    assert run("demo", "--database-url", other_url, "--now", NOW) == 2
    err = capsys.readouterr().err
    assert "the demo replaces only a store it made" in err


def test_ctrl_c_while_the_demo_servers_stop_keeps_the_store_complete(
    tmp_path: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_arguments: object, **_options: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(seed.commands, "DEFAULT_DEPLOYMENTS", 300)
    monkeypatch.setattr(seed.commands, "serve_demo", interrupted)
    url = sqlite_url(tmp_path / "demo.db")
    assert run("demo", "--serve", "--database-url", url, "--now", NOW) == 130
    err = capsys.readouterr().err
    assert "the servers were told to stop" in err
    assert "incomplete" not in err
    # The store is complete: the demo reuses it without --reset.
    assert run("demo", "--database-url", url, "--now", NOW) == 0
