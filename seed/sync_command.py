"""`python -m seed sync`: the command around `seed.sync` (settings, progress, summary)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable

from gateway.octopus.client import OctopusClient, OctopusError
from gateway.octopus.resources import ResourceError
from gateway.settings import settings_from_arguments
from gateway.store.engine import create_engine
from seed.lifecycle import Interrupted, describe
from seed.progress import ProgressBars
from seed.sync import SyncSummary, sync_store

Progress = Callable[[int], None]

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


def run_sync(arguments: argparse.Namespace, checked: Callable[[Progress], Progress]) -> int:
    """Run the sync; `checked` wraps a progress callback so that Ctrl-C stops at a batch."""
    url = arguments.octopus_url or os.environ.get("INSIGHTS_OCTOPUS_URL", "")
    key = arguments.octopus_api_key or os.environ.get("INSIGHTS_OCTOPUS_API_KEY", "")
    if not url.startswith(("http://", "https://")):
        shown = f"{url!r} is not an http:// or https:// URL" if url else "is required"
        print(f"error: --octopus-url (or INSIGHTS_OCTOPUS_URL) {shown}", file=sys.stderr)
        return 2
    if not key:
        print("error: --octopus-api-key (or INSIGHTS_OCTOPUS_API_KEY) is required", file=sys.stderr)
        return 2
    try:
        summary = asyncio.run(_sync(arguments, url, key, checked))
    except Interrupted:
        print(
            "interrupted: the batches written so far are kept; run again to go on",
            file=sys.stderr,
        )
        return 130
    except (OctopusError, ResourceError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    _print(summary, url)
    return 0


async def _sync(
    arguments: argparse.Namespace, url: str, key: str, checked: Callable[[Progress], Progress]
) -> SyncSummary:
    settings = settings_from_arguments(arguments)
    engine = create_engine(settings.database_url)
    bars = ProgressBars(enabled=False if arguments.quiet else None)
    try:
        async with OctopusClient(url, key, concurrency=max(1, arguments.concurrency)) as client:
            summary = await sync_store(
                engine,
                client,
                spaces=arguments.spaces or (),
                reset=arguments.reset,
                progress=checked(bars.phase("reading deployments")),
            )
        summary.store = describe(engine)
        return summary
    finally:
        bars.close()
        await engine.dispose()


def _print(summary: SyncSummary, url: str) -> None:
    print(f"Synced {', '.join(summary.spaces) or 'no space'} of {url} into {summary.store}")
    width = max(len(label) for label in _LABELS.values())
    print(f"  {'':<{width}}  {'new':>10}  {'updated':>10}")
    for table, label in _LABELS.items():
        print(
            f"  {label:<{width}}  {summary.new.get(table, 0):>10,}  "
            f"{summary.updated.get(table, 0):>10,}"
        )
    print(f"  {'facts written':<{width}}  {summary.facts:>10,}")
    print(f"{summary.requests:,} requests ({summary.retries:,} retried) in {summary.seconds:.1f} s")
