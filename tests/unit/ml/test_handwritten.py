"""The hand-written calls bundled in ml/handwritten/ are valid, balanced training data."""

from __future__ import annotations

import collections

from ml.cli import bundled_call_files
from ml.data import load_conversations


def test_bundled_calls_load_and_are_balanced() -> None:
    files = bundled_call_files()
    assert len(files) >= 5
    ids: list[str] = []
    langs: collections.Counter[str] = collections.Counter()
    for f in files:
        rows = load_conversations(f)
        outcomes = collections.Counter(bool(r["converted"]) for r in rows)
        assert outcomes[True] == outcomes[False], f.name
        ids += [str(r["id"]) for r in rows]
        langs.update(str(r["lang"]) for r in rows)
        for r in rows:
            assert any(t["role"] == "customer" for t in r["turns"]), r["id"]
    assert len(ids) == len(set(ids))
    assert langs["en"] >= 100 and langs["es"] >= 70
