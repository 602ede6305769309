"""What a generation is when the command line says nothing more.

Plain values that import nothing, so that `python -m seed` can read its command line and start
the history's producer before it imports the store's modules.
"""

DEFAULT_SEED = 1
DEFAULT_DEPLOYMENTS = 20_000

HISTORY_MONTHS = 13
"""The history covers this many calendar months before now."""

SEPARATE_PROCESS_FROM = 50_000
"""From this many deployments the history is simulated in a second process while the first
writes; below it, starting a process costs more than it saves."""

DEMO_ORIGIN = "seed demo"
"""The origin `python -m seed demo` records; a store whose origin starts with it is the demo's,
and stays the demo's when its mock server resets it (`mock_server.admin`)."""
