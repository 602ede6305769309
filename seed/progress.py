"""Progress bars on stderr, one per phase of a load; silent when stderr is not a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from tqdm import tqdm


class ProgressBars:
    """`phase(...)` gives the callback of a phase's bar; the bar appears on the first update
    and the previous phase's bar closes."""

    def __init__(self, *, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None

    def phase(
        self, description: str, *, total: Callable[[], int | None] | None = None
    ) -> Callable[[int], None]:
        """`total` is asked when the bar appears, so it may count what earlier phases did."""

        def update(count: int) -> None:
            if not self.enabled:
                return
            if self._bar is None or self._bar.desc != description:
                self.close()
                self._bar = tqdm(
                    total=total() if total else None,
                    desc=description,
                    unit=" deployments",
                    unit_scale=True,
                    file=sys.stderr,
                    leave=False,
                    dynamic_ncols=True,
                )
            self._bar.update(count)

        return update

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
