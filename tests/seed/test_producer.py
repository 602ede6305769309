"""The history made in a second process arrives whole; the writer's process is left as it was."""

from __future__ import annotations

import sys
from multiprocessing import Pipe
from pathlib import Path

import pytest

import seed.__main__ as cli
from gateway.insights.ticks import parse_timestamp
from gateway.store.engine import create_engine
from seed.defaults import SEPARATE_PROCESS_FROM
from seed.events import EVENT_BATCH, event_batches, plan
from seed.generator import generate_into
from seed.producer import PIPE_BYTES, SWITCH_INTERVAL, HistoryProducer, _widen
from tests.seed.conftest import NOW, sqlite_url


def test_the_batches_cross_whole_and_the_switch_interval_comes_back() -> None:
    now = parse_timestamp(NOW)
    before = sys.getswitchinterval()
    producer = HistoryProducer(seed=5, deployments=3_000, now=now)
    try:
        received = []
        for batch in producer.batches():
            assert sys.getswitchinterval() == pytest.approx(min(before, SWITCH_INTERVAL))
            received.append(batch)
    finally:
        producer.close()
    assert sys.getswitchinterval() == before
    assert received == list(event_batches(plan(seed=5, deployments=3_000, now=now), EVENT_BATCH))


@pytest.mark.skipif(sys.platform != "linux", reason="only Linux pipes can grow")
def test_the_pipe_grows_to_hold_a_batch() -> None:
    import fcntl

    with open("/proc/sys/fs/pipe-max-size") as limit:
        if int(limit.read()) < PIPE_BYTES:
            pytest.skip("this system caps pipes below PIPE_BYTES")
    receiver, sender = Pipe(duplex=False)
    try:
        assert fcntl.fcntl(receiver.fileno(), fcntl.F_GETPIPE_SZ) < PIPE_BYTES
        _widen(receiver)
        assert fcntl.fcntl(receiver.fileno(), fcntl.F_GETPIPE_SZ) == PIPE_BYTES
    finally:
        receiver.close()
        sender.close()


def test_the_command_line_starts_only_a_large_generation() -> None:
    parser = cli.build_parser()
    small = parser.parse_args(["generate", "--deployments", "1000", "--now", NOW])
    assert cli.start_history(small) is None
    assert cli.start_history(parser.parse_args(["demo", "--now", NOW])) is None
    large = parser.parse_args(
        ["generate", "--deployments", str(SEPARATE_PROCESS_FROM), "--seed", "4", "--now", NOW]
    )
    history = cli.start_history(large)
    assert history is not None
    try:
        assert history.settings == (4, SEPARATE_PROCESS_FROM, parse_timestamp(NOW))
    finally:
        history.close()


async def test_a_history_of_other_settings_is_refused(tmp_path: Path) -> None:
    now = parse_timestamp(NOW)
    history = HistoryProducer(seed=5, deployments=3_000, now=now)
    engine = create_engine(sqlite_url(tmp_path / "store.db"))
    try:
        with pytest.raises(ValueError, match="other settings"):
            await generate_into(engine, seed=6, deployments=3_000, now=now, history=history)
    finally:
        history.close()
        await engine.dispose()
