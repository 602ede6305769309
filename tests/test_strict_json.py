"""The one JSON decoder of both servers and the data file: what it refuses, and where it says
the problem is."""

from __future__ import annotations

import pytest

from gateway.strict_json import JsonError, decode


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        pytest.param(b'{"Name": "\\ud800"}', "the text at $.Name holds a lone UTF-16 surrogate "
                     "escape, which is not a Unicode character", id="lone-high-surrogate"),
        pytest.param(b'{"A": [1, {"B": "x\\uDC00"}]}', "the text at $.A[1].B holds a lone "
                     "UTF-16 surrogate escape, which is not a Unicode character",
                     id="lone-low-surrogate-nested"),
        pytest.param(b'{"\\ud83d": 1}', "the text at $ (a property name) holds a lone UTF-16 "
                     "surrogate escape, which is not a Unicode character", id="in-a-key"),
        pytest.param(b"[" * 100_000, "it is nested too deeply", id="deep"),
        pytest.param(b'{"a": "\xff"}', "it is not UTF-8 text (byte 7)", id="not-utf-8"),
        pytest.param(b"1" * 5000, "it holds a number of more than 4,300 digits",
                     id="long-number"),
        pytest.param(b"{", "Expecting property name enclosed in double quotes: line 1 column 2 "
                     "(char 1)", id="not-json"),
    ],
)  # fmt: skip
def test_refused(raw: bytes, message: str) -> None:
    with pytest.raises(JsonError) as raised:
        decode(raw)
    assert str(raised.value) == message


def test_surrogate_pairs_and_other_text_are_accepted() -> None:
    assert decode(b'{"Name": "\\ud83d\\ude00 \\u00e9", "N": [1, 2.5, null]}') == {
        "Name": "\U0001f600 \u00e9",
        "N": [1, 2.5, None],
    }
    assert decode('{"Name": "é"}') == {"Name": "é"}
