"""The query parameters of Octopus's core collections: ids, names, states, flags and times.

Names match ignoring case, as everywhere on this server. A list parameter is a comma list, may be
repeated (`ids=A,B` and `ids=A&ids=B` mean the same), and empty items are skipped; a list or text
parameter with no items, or an empty one, is as good as absent. A flag, number or time must have
a value. Values are taken as they are written (no spaces trimmed), as the OpenAPI document
describes them. Every malformed value is a
problem, and a request with any is a 400 listing them all (`check`), so that a client never gets
a silently unfiltered answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlencode

from starlette.requests import Request

from gateway.insights.ids import Kind, parse_ids
from gateway.insights.ticks import TICKS_PER_DAY, TimestampError, parse_timestamp
from mock_server.errors import bad_request

_PAGING = frozenset({"skip", "take", "apikey"})
"""Parameters the page links write themselves (`skip`, `take`) or must never repeat (the key)."""
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
_MOMENT = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt ](?P<time>[0-9]{2}:[0-9]{2}:[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]+))?(?P<zone>[Zz]|[+-][0-9]{2}:[0-9]{2})\Z"
)
_WHOLE = re.compile(r"[0-9]{1,18}\Z")
_TRUE, _FALSE = "true", "false"


class CoreQuery:
    """One request's query parameters, read one at a time; problems gather until `check`."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs
        self.values: dict[str, list[str]] = {}
        for name, value in self.pairs:
            self.values.setdefault(name.lower(), []).append(value)
        self.problems: list[str] = []

    @classmethod
    def of(cls, request: Request) -> CoreQuery:
        return cls(list(request.query_params.multi_items()))

    def check(self) -> None:
        """Raise the 400 that lists every problem found so far."""
        if self.problems:
            raise bad_request(*self.problems)

    def link_query(self) -> str:
        """The request's filters, as page links repeat them (skip and take come first)."""
        kept = [(name, value) for name, value in self.pairs if name.lower() not in _PAGING]
        return urlencode(kept, safe=",")

    def items(self, name: str) -> list[str] | None:
        """The items of a list parameter, in order; None when it has none."""
        found = [
            item for value in self.values.get(name.lower(), ()) for item in value.split(",") if item
        ]
        return found or None

    def text(self, name: str) -> str | None:
        """The first value of a parameter, None when absent or empty."""
        for value in self.values.get(name.lower(), ()):
            if value:
                return value
        return None

    def ids(self, name: str, kind: Kind) -> frozenset[int] | None:
        return parse_ids(kind, self.items(name), argument=name, problems=self.problems)

    def one_id(self, name: str, kind: Kind) -> frozenset[int] | None:
        """A parameter naming one id (Octopus's `project`, `environment`, `tenant`), as a set."""
        text = self.text(name)
        return parse_ids(
            kind, None if text is None else [text], argument=name, problems=self.problems
        )

    def choices(self, name: str, allowed: Iterable[str]) -> frozenset[str] | None:
        """The items of a list parameter of fixed values (matched ignoring case), as written
        in `allowed`."""
        items = self.items(name)
        if items is None:
            return None
        known = {value.lower(): value for value in allowed}
        chosen = set()
        for item in items:
            value = known.get(item.lower())
            if value is None:
                self.problems.append(
                    f"The {name} value {item!r} is not one of {', '.join(known.values())}."
                )
            else:
                chosen.add(value)
        return frozenset(chosen)

    def _given(self, name: str) -> str | None:
        """The first value of a parameter that must have one (None when absent)."""
        values = self.values.get(name.lower())
        return None if values is None else values[0]

    def flag(self, name: str) -> bool:
        """A true/false parameter (any case); absent and false both mean 'do not filter'."""
        text = self._given(name)
        if text is None or text.lower() == _FALSE:
            return False
        if text.lower() == _TRUE:
            return True
        self.problems.append(f"The {name} parameter must be true or false; {text!r} is not.")
        return False

    def whole(self, name: str) -> int | None:
        text = self._given(name)
        if text is None:
            return None
        if _WHOLE.match(text):
            return int(text)
        self.problems.append(f"The {name} parameter must be a whole number; {text!r} is not.")
        return None

    def moment(self, name: str, *, end_of_day: bool = False) -> int | None:
        """Ticks of an RFC 3339 timestamp (digits past the seventh are dropped), or of a date
        (`2022-08-01`, UTC): its first tick, or with `end_of_day` its last, so that a date range
        includes both days."""
        text = self._given(name)
        if text is None:
            return None
        try:
            if _DATE.match(text):
                start = parse_timestamp(f"{text}T00:00:00Z")
                return start + TICKS_PER_DAY - 1 if end_of_day else start
            match = _MOMENT.match(text)
            if match is not None:
                fraction = (match["fraction"] or "")[:7]
                zone = match["zone"].upper()
                return parse_timestamp(
                    f"{match['date']}T{match['time']}{'.' + fraction if fraction else ''}{zone}"
                )
        except TimestampError:
            pass
        self.problems.append(
            f"The {name} parameter must be a date (2022-08-01) or an ISO 8601 timestamp with a "
            f"time zone (2022-08-01T10:00:00Z); {text!r} is neither."
        )
        return None

    def span(self, start: str, end: str) -> tuple[int, int] | None:
        """An inclusive range of ticks from two moment parameters; None when neither is given."""
        low, high = self.moment(start), self.moment(end, end_of_day=True)
        if low is None and high is None:
            return None
        return (-(1 << 62) if low is None else low, (1 << 62) if high is None else high)
