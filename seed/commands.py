"""The commands of `python -m seed` (see `seed.__main__`, which reads the command line)."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from gateway.insights.ticks import format_timestamp
from gateway.settings import settings_from_arguments
from gateway.store.engine import (
    STATE_KEY,
    StoreError,
    create_engine,
    migrate,
    opened_store,
)
from seed.datafile import TextOut, export_store
from seed.defaults import DEFAULT_DEPLOYMENTS, DEFAULT_SEED, DEMO_ORIGIN, HISTORY_MONTHS
from seed.demo import busy_ports, serve_demo
from seed.generator import describe_generation, generate_into
from seed.importing import DataFileError, import_into, read_data_file
from seed.lifecycle import ORIGIN_KEY, Interrupted, LoadSummary, SeedError
from seed.producer import HistoryProducer
from seed.progress import ProgressBars

_LABELS = {
    "space": "spaces",
    "project_group": "project groups",
    "project": "projects",
    "channel": "channels",
    "environment": "environments",
    "tag_set": "tag sets",
    "tag": "tags",
    "tenant": "tenants",
    "tenant_tag": "tenant tags",
    "release": "releases",
    "deployment": "deployments",
    "insights_report": "insights reports",
}


class _CtrlC:
    """The first Ctrl-C asks the load to stop at its next batch, where it rolls back cleanly;
    a second one stops at once (the database still rolls back; the store stays marked
    incomplete)."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, _signal: int, _frame: object) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        print("\nstopping at the next batch (Ctrl-C again to stop at once)", file=sys.stderr)

    def checked(self, progress: Callable[[int], None]) -> Callable[[int], None]:
        def check(count: int) -> None:
            if self.requested:
                raise Interrupted
            progress(count)

        return check


async def _migrate(arguments: argparse.Namespace) -> int:
    url = settings_from_arguments(arguments).database_url
    done = await migrate(url)
    print(
        f"The store at {_safe(url)} is at schema revision {done.after}"
        + (f" (was {done.before or 'empty'})." if done.changed else " (already current).")
    )
    return 0


async def _run(
    arguments: argparse.Namespace, ctrl_c: _CtrlC, history: HistoryProducer | None = None
) -> int:
    settings = settings_from_arguments(arguments)
    url = settings.database_url
    command = arguments.command
    bars = ProgressBars(enabled=False if arguments.quiet else None)
    engine = create_engine(url)
    started = time.monotonic()
    try:
        if command == "import":
            data = read_data_file(arguments.file)
            summary = await import_into(
                engine,
                data,
                reset=arguments.reset,
                origin=f"seed import {arguments.file}",
                progress=ctrl_c.checked(bars.phase("writing")),
                facts_progress=ctrl_c.checked(bars.phase("facts", total=lambda: data.deployments)),
            )
            bars.close()
            _print_summary(f"Imported {arguments.file} into {_safe(url)}", summary, started)
            return 0
        now = settings.clock()() if history is None else history.now
        demo = command == "demo"
        seed = DEFAULT_SEED if demo else arguments.seed
        deployments = DEFAULT_DEPLOYMENTS if demo else arguments.deployments
        written = [0]

        def count(batch: int) -> None:
            written[0] += batch
            writing(batch)

        writing = bars.phase("generating", total=lambda: deployments)
        summary = await generate_into(
            engine,
            seed=seed,
            deployments=deployments,
            now=now,
            reset=False if demo else arguments.reset,
            origin=DEMO_ORIGIN
            if demo
            else describe_generation(seed=seed, deployments=deployments, now=now),
            may_replace=_made_by_demo if demo else None,
            refusal_hint=(
                "the demo replaces only a store it made; point --database-url (or "
                "INSIGHTS_DATABASE_URL) at another database, or replace this one with "
                "`python -m seed generate --reset`"
            )
            if demo
            else "run again with --reset to replace it",
            progress=ctrl_c.checked(count),
            facts_progress=ctrl_c.checked(bars.phase("facts", total=lambda: written[0])),
            history=history,
        )
        bars.close()
        title = "Seeded the demo" if demo else "Generated"
        _print_summary(
            f"{title} (seed {seed}, about {deployments:,} deployments, {HISTORY_MONTHS} months "
            f"to {format_timestamp(now)}) into {_safe(url)}",
            summary,
            started,
        )
        return 0
    finally:
        bars.close()
        await engine.dispose()


def _made_by_demo(info: dict[str, str]) -> bool:
    """The demo's own store: seeded by it, or reset since through its mock server's
    `/admin/reset` (`seed.defaults.DEMO_ORIGIN`)."""
    return info.get(ORIGIN_KEY, "").startswith(DEMO_ORIGIN) or info.get(STATE_KEY, "").startswith(
        f"{DEMO_ORIGIN} started"
    )


def _export(arguments: argparse.Namespace) -> int:
    url = settings_from_arguments(arguments).database_url
    target: str = arguments.file
    if target == "-":
        counts = asyncio.run(_export_to(url, sys.stdout))
        sys.stdout.flush()
    else:
        path = Path(target)
        # Written beside the target and renamed, so a failed export leaves no half file.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.", delete=False
        ) as handle:
            try:
                counts = asyncio.run(_export_to(url, handle))
            except BaseException:
                handle.close()
                Path(handle.name).unlink(missing_ok=True)
                raise
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(handle.name, 0o666 & ~umask)  # a temporary file starts private
        os.replace(handle.name, path)
    shown = ", ".join(f"{count:,} {name}" for name, count in counts.items() if count)
    print(f"Exported {shown} to {target}", file=sys.stderr if target == "-" else sys.stdout)
    return 0


async def _export_to(url: str, out: TextOut) -> dict[str, int]:
    # A database with no store yet exports as an empty data file.
    async with opened_store(url, migrate=True) as engine:
        return await export_store(engine, out)


def _print_summary(title: str, summary: LoadSummary, started: float) -> None:
    print(title)
    width = max(len(label) for label in _LABELS.values())
    for table, label in _LABELS.items():
        print(f"  {label:<{width}}  {summary.counts.get(table, 0):>10,}")
    print(f"  {'facts written':<{width}}  {summary.facts:>10,}")
    print(f"Done in {time.monotonic() - started:.1f} s")


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def run(arguments: argparse.Namespace, history: HistoryProducer | None = None) -> int:
    """Run the command read from the command line; `history` is the producer `seed.__main__`
    started for it, if any. Returns the exit code."""
    ctrl_c = _CtrlC()
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, ctrl_c) if in_main_thread else None
    try:
        if arguments.command == "export":
            return _export(arguments)
        if arguments.command == "migrate":
            return asyncio.run(_migrate(arguments))
        if arguments.command == "sync":
            from seed.sync_command import run_sync

            return run_sync(arguments, ctrl_c.checked)
        if arguments.command == "demo" and arguments.serve:
            settings = settings_from_arguments(arguments)
            busy = busy_ports(
                settings.host, gateway_port=arguments.gateway_port, mock_port=arguments.mock_port
            )
            if busy is not None:  # found before seeding, not after
                print(f"error: {busy}", file=sys.stderr)
                return 2
            seeded = asyncio.run(_run(arguments, ctrl_c))
            if seeded != 0:
                return seeded
            signal.signal(signal.SIGINT, signal.default_int_handler)
            try:
                return serve_demo(
                    settings,
                    gateway_port=arguments.gateway_port,
                    mock_port=arguments.mock_port,
                )
            except KeyboardInterrupt:
                # A second Ctrl-C while the servers stop; the store was complete before they ran.
                print("interrupted: the servers were told to stop", file=sys.stderr)
                return 130
        return asyncio.run(_run(arguments, ctrl_c, history))
    except Interrupted:
        print("interrupted: the store keeps the data it had before", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print(
            "interrupted: the store is marked incomplete; run again with --reset",
            file=sys.stderr,
        )
        return 130
    except (SeedError, StoreError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DataFileError as error:
        print(f"error: {error}", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return 2
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
