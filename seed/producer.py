"""The history simulated in a second process, so that simulating and writing overlap.

The producer runs the projects' simulations and sends their events, encoded
(`seed.events.encoded_batches`), in batches through a pipe; the writer's process gives the ids,
works out the facts and writes the rows. The pipe holds one batch at a time, so the producer
runs at most a batch ahead of the writer and memory does not grow with the history. The producer
never sees Ctrl-C (the writer stops it), and it ends when the writer goes away: its next send
finds the pipe closed.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
from collections.abc import Iterator
from multiprocessing.connection import Connection
from typing import Any

BATCH = 10_000
"""Deployments per batch."""

Batch = list[tuple[Any, ...]]
"""Encoded events (`seed.events.Encoded`)."""


class ProducerUnavailable(RuntimeError):
    """The producer ended before sending anything: a process started from code that a new
    process cannot import again (a script read from stdin) cannot start one."""


class HistoryProducer:
    """A started producer of the history of (seed, deployments, now)."""

    def __init__(self, *, seed: int, deployments: int, now: int) -> None:
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
        self._receiver = receiver

    def batches(self) -> Iterator[Batch]:
        """The history's events, batch by batch. Raises `ProducerUnavailable` when the producer
        ends before its first batch."""
        received = False
        while True:
            try:
                message = self._receiver.recv()
            except EOFError:
                self._process.join()
                problem = f"the history producer stopped (exit code {self._process.exitcode})"
                raise (RuntimeError if received else ProducerUnavailable)(problem) from None
            received = True
            if message is None:
                return
            yield message

    def close(self) -> None:
        """Stop the producer (when it is not done yet) and wait for it."""
        self._receiver.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def produce(sender: Connection, seed: int, deployments: int, now: int) -> None:
    """The producer's process: send the history's events in batches, then None."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from seed.events import encoded_batches, plan

    gc.disable()  # see `seed.generator.write_company`
    try:
        for batch in encoded_batches(plan(seed=seed, deployments=deployments, now=now), BATCH):
            sender.send(batch)
        sender.send(None)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the writer is gone: its transaction rolled back, nothing is left to do
    finally:
        sender.close()
