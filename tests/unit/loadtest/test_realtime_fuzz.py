"""The realtime fuzz generator: seeded, every category, frames of the right kind."""

from __future__ import annotations

import json

from loadtest.realtime_fuzz import CATEGORIES, CATEGORY_CLOSES, generate


def test_same_seed_same_frames() -> None:
    a = list(generate(3, 300))
    b = list(generate(3, 300))
    assert a == b
    assert a != list(generate(4, 300))


def test_every_category_appears() -> None:
    frames = list(generate(0, 2000))
    assert {f.category for f in frames} == set(CATEGORIES)


def test_text_frames_are_valid_utf8_and_binary_frames_are_bytes() -> None:
    for f in generate(1, 1000):
        if f.data is not None:
            assert isinstance(f.data, bytes)
            assert f.utf8_text == (f.category in CATEGORY_CLOSES)
        else:
            assert f.text is not None
            f.text.encode("utf-8")  # lone surrogates travel as \\u escapes


def test_non_finite_numbers_are_literal_json() -> None:
    texts = [f.text or "" for f in generate(2, 2000) if f.category == "non_finite"]
    joined = " ".join(texts)
    for literal in ("NaN", "Infinity", "1e400"):
        assert literal in joined
    parsed = json.loads(texts[0])  # Python's parser accepts them: the server must refuse
    assert isinstance(parsed, dict)
