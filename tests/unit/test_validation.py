"""The shared input checks (:mod:`voice_agent.validation`), over many bad values."""

from __future__ import annotations

import json
import math

import pytest

from voice_agent.validation import (
    MAX_JSON_DEPTH,
    InvalidInput,
    check_bool,
    check_int,
    check_name,
    check_number,
    check_object,
    check_text,
    lone_surrogate_at,
    parse_json,
)

NON_FINITE_TEXTS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e400",
    "-1e400",
    "1E+999",
    "[NaN]",
    '{"a": {"b": [1, Infinity]}}',
    '{"x": 1e309}',
]

SURROGATE_TEXTS = [
    '"\\ud800"',
    '"\\udfff"',
    '"a\\udc00b"',
    '{"name": "\\ud83d"}',  # a high surrogate without its low half
    '{"\\ud800": 1}',  # in a key
    '{"a": [{"b": ["ok", "\\udbff"]}]}',
    '{"a": "\\ude00\\ud83d"}',  # the halves in the wrong order
]

SYNTAX_TEXTS = ["", "{", "{nope", "[1,]", "'x'", '{"a":1}x', "\x00", "1" * 5000]


@pytest.mark.parametrize("text", NON_FINITE_TEXTS + SURROGATE_TEXTS + SYNTAX_TEXTS)
def test_bad_json_text_is_invalid_json(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_json(text)
    assert info.value.code == "invalid_json"


@pytest.mark.parametrize("text", SURROGATE_TEXTS)
def test_bad_json_bytes_are_invalid_json(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_json(text.encode())
    assert info.value.code == "invalid_json"


def test_invalid_utf8_bytes_are_invalid_json() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_json(b'{"a": "\xff"}')
    assert info.value.code == "invalid_json"


def test_surrogate_path_is_named() -> None:
    with pytest.raises(InvalidInput) as info:
        parse_json('{"session": {"customer": {"name": "\\ud800"}}}')
    assert info.value.param == "session.customer.name"


@pytest.mark.parametrize(
    "text",
    [
        '"\\ud83d\\ude00"',  # a proper surrogate pair: one emoji
        '{"name": "Zoë 😀", "n": 1.5, "big": 12345678901234567890}',
        '{"x": -0.0, "y": 1e308, "z": [true, false, null]}',
        json.dumps({"nul": "\x00", "tab": "\t"}),  # control characters are JSON, checked later
    ],
)
def test_good_json_is_parsed(text: str) -> None:
    assert parse_json(text) == json.loads(text)


def test_depth_limit() -> None:
    ok = "[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH
    assert parse_json(ok) is not None
    for depth in (MAX_JSON_DEPTH + 1, 100_000):
        with pytest.raises(InvalidInput) as info:
            parse_json("[" * depth + "]" * depth)
        assert info.value.code == "invalid_json"


NOT_INTS: list[object] = [
    True,
    False,
    None,
    "12",
    "",
    [],
    {},
    1.5,
    -0.1,
    math.nan,
    math.inf,
    -math.inf,
    1e400,
]


@pytest.mark.parametrize("value", NOT_INTS)
def test_check_int_refuses_non_integers(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        check_int(value, "a.b", 0, 1000)
    assert (info.value.code, info.value.param) == ("invalid_field", "a.b")


@pytest.mark.parametrize("value", [-1, 1001, 10**40, -(10**40), 1e300, -1e300, 2**63])
def test_check_int_refuses_out_of_range(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        check_int(value, "n", 0, 1000)
    assert info.value.code == "invalid_field"
    assert "between 0 and 1000" in info.value.message


@pytest.mark.parametrize(("value", "out"), [(0, 0), (1000, 1000), (500.0, 500), (7, 7)])
def test_check_int_accepts(value: object, out: int) -> None:
    result = check_int(value, "n", 0, 1000)
    assert result == out and type(result) is int


@pytest.mark.parametrize(
    "value", [True, None, "0.5", math.nan, math.inf, -math.inf, 0.0, 1.0, -0.5, 10**400, 1e308]
)
def test_check_number_refuses(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        check_number(value, "t", 0.0, 1.0, open_interval=True)
    assert (info.value.code, info.value.param) == ("invalid_field", "t")


def test_check_number_accepts() -> None:
    assert check_number(0.5, "t", 0.0, 1.0, open_interval=True) == 0.5
    assert check_number(1, "t", 0.0, 1.0) == 1.0


@pytest.mark.parametrize("value", [0, 1, "true", None, 0.0])
def test_check_bool_refuses(value: object) -> None:
    with pytest.raises(InvalidInput):
        check_bool(value, "b")


BAD_NAMES: list[object] = [
    None,
    1,
    "",
    "a\x00b",
    "tab\t",
    "new\nline",
    "bell\x07",
    "del\x7f",
    "c1\x85",
    "\ud800",
    "ok\udfff",
    "x" * 65,
]


@pytest.mark.parametrize("value", BAD_NAMES)
def test_check_name_refuses(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        check_name(value, "session.model", 64)
    assert (info.value.code, info.value.param) == ("invalid_field", "session.model")


@pytest.mark.parametrize("value", ["a", "voice-agent", "Zoë 😀", "x" * 64])
def test_check_name_accepts(value: str) -> None:
    assert check_name(value, "n", 64) == value


@pytest.mark.parametrize("value", [None, 3, "nul\x00", "esc\x1b[31m", "\ud800", "x" * 101])
def test_check_text_refuses(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        check_text(value, "session.instructions", 100)
    assert info.value.code == "invalid_field"


@pytest.mark.parametrize("value", ["", "line one\nline two\r\n\tindented", "ñ 😀"])
def test_check_text_accepts(value: str) -> None:
    assert check_text(value, "t", 100) == value


def _nest(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "value",
    [
        None,
        [],
        "x",
        {"name": "\ud800"},
        {"\udc00": "x"},
        {"a": [{"b": "\ud83d"}]},
        {"n": math.nan},
        {"n": math.inf},
        {"big": "x" * 2000},
        _nest(MAX_JSON_DEPTH + 1),
    ],
)
def test_check_object_refuses(value: object) -> None:
    with pytest.raises(InvalidInput) as info:
        check_object(value, "session.customer", 1024)
    assert info.value.code == "invalid_field"
    assert (info.value.param or "").startswith("session.customer")


def test_check_object_accepts_a_profile() -> None:
    profile = {"name": "Ana\x00", "tags": ["a", "b"], "age": 31, "vip": True, "note": None}
    assert check_object(profile, "p", 1024) == profile


def test_lone_surrogate_at() -> None:
    assert lone_surrogate_at({"a": ["ok", {"b": "\ud800"}]}) == "a[1].b"
    assert lone_surrogate_at({"a": "😀"}) is None
