"""Settings reach uvicorn's worker processes through the environment unchanged."""

from __future__ import annotations

import argparse

import pytest

from gateway.settings import (
    Settings,
    SettingsError,
    add_server_arguments,
    settings_from_arguments,
)


def _parse(argv: list[str], environ: dict[str, str] | None = None) -> Settings:
    parser = argparse.ArgumentParser()
    add_server_arguments(parser, default_port=8081)
    return settings_from_arguments(parser.parse_args(argv), environ or {}, default_port=8081)


def test_workers_and_the_access_log_from_flags_and_environment() -> None:
    assert (_parse([]).workers, _parse([]).access_log) == (1, False)
    flagged = _parse(["--workers", "3", "--access-log"])
    assert (flagged.workers, flagged.access_log) == (3, True)
    from_env = _parse([], {"INSIGHTS_WORKERS": "2", "INSIGHTS_ACCESS_LOG": "true"})
    assert (from_env.workers, from_env.access_log) == (2, True)
    with pytest.raises(SystemExit):
        _parse(["--workers", "0"])


def test_settings_survive_the_trip_through_the_environment() -> None:
    settings = _parse(
        [
            "--database-url",
            "sqlite+aiosqlite:///x.db",
            "--api-key",
            "API-A,API-B",
            "--now",
            "2026-11-26T12:00:00.1234567Z",
            "--port",
            "9000",
            "--workers",
            "2",
        ]
    )
    assert Settings.from_env(settings.to_env(), port=1) == settings
    generated = Settings()
    again = Settings.from_env(generated.to_env())
    assert again.api_keys == generated.api_keys
    assert again.now is None


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("INSIGHTS_PORT", "99999", "error: INSIGHTS_PORT: '99999' is not a TCP port (1-65535)\n"),
        (
            "INSIGHTS_WORKERS",
            "0",
            "error: INSIGHTS_WORKERS: '0' is not a number of workers (1 or more)\n",
        ),
        ("INSIGHTS_NOW", "garbage", "error: INSIGHTS_NOW: 'garbage' is not an ISO 8601 timestamp"),
        (
            "INSIGHTS_NOW",
            "9999-12-31T00:00:00Z",
            "error: INSIGHTS_NOW: '9999-12-31T00:00:00Z' is not a clock from 1900-01-01 to "
            "9000-01-01 (UTC)\n",
        ),
    ],
)
def test_a_bad_environment_variable_ends_a_command_as_a_bad_flag_does(
    capsys: pytest.CaptureFixture[str], name: str, value: str, message: str
) -> None:
    with pytest.raises(SystemExit) as ended:
        _parse([], {name: value})
    assert ended.value.code == 2
    assert capsys.readouterr().err.startswith(message)


def test_a_bad_environment_variable_names_itself_outside_a_command() -> None:
    with pytest.raises(SettingsError, match=r"^INSIGHTS_PORT: '0' is not a TCP port"):
        Settings.from_env({"INSIGHTS_PORT": "0"})
