"""Compares a response with a reference sample key by key: names, order, JSON types, formats."""

from __future__ import annotations

import re
from typing import Any

FORMATS = {
    "duration": re.compile(r"-?[0-9]+:[0-5][0-9]:[0-5][0-9]\.[0-9]{1,7}\Z"),
    "timestamp": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{7}Z\Z"),
    "date": re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z"),
    "id": re.compile(r"[A-Za-z]+-[1-9][0-9]*\Z"),
}


def format_of(text: str) -> str | None:
    for name, pattern in FORMATS.items():
        if pattern.match(text):
            return name
    return None


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "float"
    return type(value).__name__


def assert_shape(
    actual: Any, sample: Any, where: str = "$", nullable: frozenset[str] = frozenset()
) -> None:
    """`actual` has the sample's shape. A property named in `nullable` may be null on either
    side (the samples show some nullable properties set and others null)."""
    if isinstance(sample, dict):
        assert isinstance(actual, dict), f"{where}: {json_type(actual)}, not an object"
        assert list(actual) == list(sample), f"{where}: keys {list(actual)} != {list(sample)}"
        for key in sample:
            assert_shape(actual[key], sample[key], f"{where}.{key}", nullable)
        return
    if isinstance(sample, list):
        assert isinstance(actual, list), f"{where}: {json_type(actual)}, not an array"
        if sample:
            for index, item in enumerate(actual):
                assert_shape(item, sample[0], f"{where}[{index}]", nullable)
        return
    name = where.rsplit(".", 1)[-1]
    if name in nullable and (actual is None or sample is None):
        if actual is not None and isinstance(actual, str) and isinstance(sample, str):
            assert format_of(actual) == format_of(sample), where
        return
    assert json_type(actual) == json_type(sample), (
        f"{where}: {json_type(actual)} {actual!r}, the sample has {json_type(sample)} {sample!r}"
    )
    if isinstance(sample, str):
        assert format_of(actual) == format_of(sample), (
            f"{where}: {actual!r} is not in the sample's format ({sample!r})"
        )
