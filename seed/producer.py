"""The history generated in a second process, so that generating and writing overlap.

The producer sends batches of release and deployment rows through a pipe; the pipe holds one
batch at a time, so the producer runs at most a batch ahead of the writer and memory does not
grow with the history. The producer computes exactly what `history_rows` yields in the writer's
process. It never sees Ctrl-C (the writer stops it), and it ends when the writer goes away: its
next send finds the pipe closed.
"""

from __future__ import annotations

import gc
import multiprocessing
import signal
import threading
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection
from typing import Any

BATCH = 10_000

Batch = tuple[list[Sequence[Any]], list[Sequence[Any]]]
"""Release rows, deployment rows."""


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
        self.with_facts = 0

    def batches(self) -> Iterator[Batch]:
        """The history's rows, batch by batch; then `with_facts` holds how many deployments
        were given facts. Raises `ProducerUnavailable` when the producer ends before its first
        batch."""
        received = False
        while True:
            try:
                message = self._receiver.recv()
            except EOFError:
                self._process.join()
                problem = f"the history producer stopped (exit code {self._process.exitcode})"
                raise (RuntimeError if received else ProducerUnavailable)(problem) from None
            received = True
            if isinstance(message, int):
                self.with_facts = message
                return
            yield message

    def close(self) -> None:
        """Stop the producer (when it is not done yet) and wait for it."""
        self._receiver.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def produce(sender: Connection, seed: int, deployments: int, now: int) -> None:
    """The producer's process: send the history in batches, then the count of deployments given
    facts."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from seed.facts import HistoryFacts
    from seed.generator import history_rows, plan

    gc.disable()  # see `seed.generator.write_company`
    try:
        facts = HistoryFacts()
        releases: list[Sequence[Any]] = []
        rows: list[Sequence[Any]] = []
        for is_release, values in history_rows(
            plan(seed=seed, deployments=deployments, now=now), facts
        ):
            if is_release:
                releases.append(values)
            else:
                rows.append(values)
                if len(rows) >= BATCH:
                    sender.send((releases, rows))
                    releases, rows = [], []
        sender.send((releases, rows))
        sender.send(facts.with_facts)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the writer is gone: its transaction rolled back, nothing is left to do
    finally:
        sender.close()
