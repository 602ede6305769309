"""JSON text as both servers and the data file read it: UTF-8, Unicode scalar values only.

Python's `json` accepts what later breaks every reader of the store: a `\\ud800` escape
decodes to a lone surrogate, which no UTF-8 encoder (nor PostgreSQL) accepts, and a document
nested ten thousand deep exhausts the stack. `decode` refuses both, and anything else that is
not JSON, with one `JsonError` whose message says where the problem is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
"""A JSON escape of a UTF-16 surrogate: only text holding one can decode to a lone surrogate
(valid UTF-8 cannot encode surrogates), so the walk below runs only for such text."""


class JsonError(ValueError):
    """The text is not JSON this project accepts; the message says why and where."""


def decode(raw: bytes | str) -> Any:
    """The JSON value of `raw`, or `JsonError`."""
    data = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    try:
        value = json.loads(data)
    except RecursionError:
        raise JsonError("it is nested too deeply") from None
    except UnicodeDecodeError as error:
        raise JsonError(f"it is not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise JsonError(str(error)) from None
    except ValueError:  # Python refuses to read integers of more than 4300 digits
        raise JsonError("it holds a number of more than 4,300 digits") from None
    if _SURROGATE_ESCAPE.search(data):
        where = next(_lone_surrogates(value, "$"), None)
        if where is not None:
            raise JsonError(
                f"the text at {where} holds a lone UTF-16 surrogate escape, "
                "which is not a Unicode character"
            )
    return value


def _lone_surrogates(value: Any, where: str) -> Iterator[str]:
    """The JSON paths (`$.Items[2].Name`) of strings or keys holding a lone surrogate."""
    stack = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not _is_scalar_text(item):
                yield path
        elif isinstance(item, dict):
            for key, child in item.items():
                if not _is_scalar_text(key):
                    yield f"{path} (a property name)"
                stack.append((child, f"{path}.{key}"))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))


def _is_scalar_text(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
