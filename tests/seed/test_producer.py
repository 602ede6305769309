"""The history made in a second process arrives whole; the writer's process is left as it was."""

from __future__ import annotations

import sys
from multiprocessing import Pipe

import pytest

from gateway.insights.ticks import parse_timestamp
from seed.events import EVENT_BATCH, event_batches, plan
from seed.producer import PIPE_BYTES, SWITCH_INTERVAL, HistoryProducer, _widen
from tests.seed.conftest import NOW


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
