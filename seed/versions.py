"""Release version numbers, unique within a project."""

from __future__ import annotations

import random

from gateway.insights.ticks import datetime_from_ticks


class Versions:
    """Version numbers, unique within the project: 3.14.0 (a fix: 3.14.1), 3.15.0-preview.7 and
    3.14.1.2 for a hotfix; or by the calendar, 2026.11.3."""

    def __init__(self, style: str, rng: random.Random) -> None:
        self.style = style
        self.major, self.minor, self.patch = rng.randint(1, 6), rng.randint(0, 30), 0
        self.month: tuple[int, int] = (0, 0)
        self.previews = 0
        self.hotfixes = 0
        self.current = ""

    def next(self, kind: str, at: int, *, fix: bool) -> str:
        if kind == "preview":
            self.previews += 1
            return f"{self._upcoming(at)}-preview.{self.previews}"
        if kind == "hotfix":
            self.hotfixes += 1
            return f"{self.current or self._upcoming(at)}.{self.hotfixes}"
        if self.style == "calendar":
            self._roll_month(at)
            self.patch += 1
        elif fix:
            self.patch += 1
        else:
            self.minor, self.patch = self.minor + 1, 0
            if self.minor >= 40:
                self.major, self.minor = self.major + 1, 0
        self.current = self._text()
        return self.current

    def _roll_month(self, at: int) -> None:
        moment = datetime_from_ticks(at)
        if (moment.year, moment.month) != self.month:
            self.month = (moment.year, moment.month)
            self.patch = 0

    def _upcoming(self, at: int) -> str:
        if self.style == "calendar":
            self._roll_month(at)
            return f"{self.month[0]}.{self.month[1]}.{self.patch + 1}"
        return f"{self.major}.{self.minor + 1}.0"

    def _text(self) -> str:
        if self.style == "calendar":
            return f"{self.month[0]}.{self.month[1]}.{self.patch}"
        return f"{self.major}.{self.minor}.{self.patch}"
