from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml.data import (
    DataError,
    customer_turn_utterances,
    data_hash,
    load_conversations,
    load_utterances,
)


def _write(path: Path, rows: list[object] | str) -> Path:
    if isinstance(rows, str):
        path.write_text(rows)
    else:
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


GOOD_U = {
    "lang": "en",
    "text": "too pricey",
    "objections": ["price"],
    "needs": [],
    "buying_signal": False,
}


@pytest.mark.parametrize(
    "content,code",
    [
        ("{bad json\n", "invalid_json"),
        ("", "empty_file"),
        ("[1, 2]\n", "invalid_record"),
        (json.dumps({**GOOD_U, "objections": ["pricey"]}) + "\n", "unknown_label"),
        (json.dumps({**GOOD_U, "lang": "fr"}) + "\n", "unknown_lang"),
        (json.dumps({**GOOD_U, "buying_signal": "yes"}) + "\n", "invalid_record"),
    ],
)
def test_bad_utterance_files(tmp_path: Path, content: str, code: str) -> None:
    with pytest.raises(DataError) as err:
        load_utterances(_write(tmp_path / "u.jsonl", content))
    assert err.value.code == code
    assert "u.jsonl" in str(err.value) or code == "empty_file"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        load_utterances(tmp_path / "nope.jsonl")
    assert err.value.code == "file_not_found"


def test_conversations_validation(tmp_path: Path) -> None:
    ok = {"lang": "en", "turns": [{"role": "customer", "text": "hi"}], "converted": True}
    assert load_conversations(_write(tmp_path / "c.jsonl", [ok]))[0]["converted"] is True
    for bad in (
        {**ok, "turns": []},
        {**ok, "turns": [{"role": "bot", "text": "x"}]},
        {**ok, "turns": [{"role": "agent", "text": "only agent"}]},
        {k: v for k, v in ok.items() if k != "converted"},
    ):
        with pytest.raises(DataError):
            load_conversations(_write(tmp_path / "c.jsonl", [bad]))


def test_turn_labels_become_utterances_and_hash_is_stable() -> None:
    conv = {
        "lang": "es",
        "turns": [
            {"role": "agent", "text": "hola"},
            {"role": "customer", "text": "es caro"},
            {"role": "customer", "text": "vale"},
        ],
        "turn_labels": [
            {"objections": ["price"], "needs": [], "buying_signal": False},
            {"objections": [], "needs": [], "buying_signal": True},
        ],
        "converted": True,
    }
    rows = customer_turn_utterances([conv])
    assert [r["text"] for r in rows] == ["es caro", "vale"]
    assert rows[1]["buying_signal"] is True and rows[0]["lang"] == "es"
    assert data_hash([conv]) == data_hash([dict(conv)])
    assert data_hash([conv]) != data_hash([{**conv, "converted": False}])
