"""The history simulated in a second process, so that simulating and writing overlap.

The producer runs the projects' simulations and sends their events in order
(`seed.events.event_batches`), in batches through a pipe; the writer's process numbers them as
rows, works out the facts and writes the rows. (The simulation is the larger half of the work:
numbering in the writer keeps the two processes about as busy.) A thread of the writer's
process drains the pipe into a queue of `AHEAD` batches, so that the producer does not wait
while the writer writes; it runs at most that many batches (and a pipe's worth) ahead, and
memory does not grow with the history.
The producer never sees Ctrl-C (the writer stops it), and it ends when the writer goes away: its
next send finds the pipe closed.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import pickle
import queue
import signal
import sys
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

Batch = list[tuple[Any, ...]]
"""A batch of events (`seed.events.Event`) in time order."""

AHEAD = 8
"""Batches received and not yet taken by the writer, at most (about 0.6 MB each)."""

PIPE_BYTES = 1 << 20
"""The pipe's buffer where the system lets it grow (Linux, up to /proc/sys/fs/pipe-max-size,
1 MiB unless raised): a batch then crosses in one or two reads instead of sixteen."""

SWITCH_INTERVAL = 0.000_2
"""Seconds a thread may hold the GIL while another waits for it, in the writer's process while
the producer runs (Python's default is 0.005). The reader thread needs the GIL after every read
of the pipe, and the writer's main thread rarely lets go of it: at the default, each read waited
up to 5 ms, the pipe stayed full and the producer stalled on it for a tenth of the load."""


class ProducerUnavailable(RuntimeError):
    """The producer ended before sending anything: a process started from code that a new
    process cannot import again (a script read from stdin) cannot start one."""


class HistoryProducer:
    """A started producer of the history of (seed, deployments, now)."""

    def __init__(self, *, seed: int, deployments: int, now: int) -> None:
        self.seed, self.deployments, self.now = seed, deployments, now
        context = multiprocessing.get_context("spawn")
        receiver, sender = context.Pipe(duplex=False)
        self._process = context.Process(
            target=produce,
            args=(sender, seed, deployments, now),
            name="seed-history",
            daemon=True,
        )
        # Ctrl-C in a terminal reaches every process of the group, and the writer alone decides
        # what it means: the producer starts with SIGINT ignored, which Python keeps as it is.
        if threading.current_thread() is threading.main_thread():
            handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
            try:
                self._process.start()
            finally:
                signal.signal(signal.SIGINT, handler)
        else:
            self._process.start()
        sender.close()
        _widen(receiver)
        self._receiver = receiver
        self._inbox: queue.Queue[bytes | None] = queue.Queue(maxsize=AHEAD)
        self._stopping = threading.Event()
        # The reader starts at once, so that the producer runs ahead while this process
        # prepares the store.
        self._switch_interval: float | None = sys.getswitchinterval()
        sys.setswitchinterval(min(SWITCH_INTERVAL, self._switch_interval))
        self._reader = threading.Thread(target=self._read, name="seed-history-reader", daemon=True)
        self._reader.start()

    @property
    def settings(self) -> tuple[int, int, int]:
        """The seed, deployments and now of the history."""
        return (self.seed, self.deployments, self.now)

    def batches(self) -> Iterator[Batch]:
        """The history's events, batch by batch. Raises `ProducerUnavailable` when the producer
        ends before its first batch."""
        received = False
        while True:
            data = self._inbox.get()
            if data is None:
                self._process.join()
                problem = f"the history producer stopped (exit code {self._process.exitcode})"
                raise (RuntimeError if received else ProducerUnavailable)(problem)
            received = True
            message = pickle.loads(data)
            if message is None:
                return
            yield message

    def _read(self) -> None:
        """The reader thread: the pipe's messages as bytes into the inbox (reading them lets go
        of the GIL), then None once the pipe is closed."""
        try:
            while True:
                data = self._receiver.recv_bytes()
                if not self._put(data):
                    return
        except (EOFError, OSError):
            self._put(None)

    def _put(self, data: bytes | None) -> bool:
        while not self._stopping.is_set():
            try:
                self._inbox.put(data, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def close(self) -> None:
        """Stop the producer (when it is not done yet) and wait for it and the reader."""
        self._stopping.set()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        # The producer is gone, so the pipe is at its end and the reader stops.
        self._reader.join()
        self._receiver.close()
        if self._switch_interval is not None:
            sys.setswitchinterval(self._switch_interval)
            self._switch_interval = None


def _widen(pipe: Connection) -> None:
    """Grow the pipe to `PIPE_BYTES` where the system can; elsewhere, or above the system's
    limit, it keeps its size: slower, nothing else."""
    try:
        import fcntl

        grow = fcntl.F_SETPIPE_SZ
    except (ImportError, AttributeError):
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), grow, PIPE_BYTES)


def produce(sender: Connection, seed: int, deployments: int, now: int) -> None:
    """The producer's process: send the history's events in batches, then None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from seed.events import EVENT_BATCH, event_batches, plan

    gc.disable()  # see `seed.generator.write_company`
    try:
        company = plan(seed=seed, deployments=deployments, now=now)
        for batch in event_batches(company, EVENT_BATCH):
            sender.send(batch)
        sender.send(None)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the writer is gone: its transaction rolled back, nothing is left to do
    finally:
        sender.close()
