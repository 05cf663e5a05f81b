"""Reading and validating the JSONL data files (utterances and conversations).

Bad input raises :class:`DataError` with a code naming what is wrong and where;
nothing is silently skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS


class DataError(ValueError):
    """A data file or record is malformed. ``code`` is a stable machine-readable name."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    p = Path(path)
    if not p.is_file():
        raise DataError("file_not_found", f"{p} does not exist or is not a file")
    rows: list[dict[str, Any]] = []
    with p.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError("invalid_json", f"{p}:{lineno}: {exc.msg}") from exc
            if not isinstance(obj, dict):
                raise DataError("invalid_record", f"{p}:{lineno}: expected a JSON object")
            rows.append(obj)
    if not rows:
        raise DataError("empty_file", f"{p} holds no records")
    return rows


def _check_labels(where: str, value: Any, allowed: Sequence[str], field: str) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataError("invalid_record", f"{where}: '{field}' must be a list of strings")
    unknown = [v for v in value if v not in allowed]
    if unknown:
        raise DataError("unknown_label", f"{where}: unknown {field} label(s) {unknown}")


def validate_utterance(row: Mapping[str, Any], where: str = "utterance") -> None:
    if not isinstance(row.get("text"), str):
        raise DataError("invalid_record", f"{where}: 'text' must be a string")
    if row.get("lang") not in LANGS:
        raise DataError("unknown_lang", f"{where}: 'lang' must be one of {list(LANGS)}")
    _check_labels(where, row.get("objections"), OBJECTIONS, "objections")
    _check_labels(where, row.get("needs"), NEEDS, "needs")
    if not isinstance(row.get("buying_signal"), bool):
        raise DataError("invalid_record", f"{where}: 'buying_signal' must be a boolean")


def validate_conversation(row: Mapping[str, Any], where: str = "conversation") -> None:
    turns = row.get("turns")
    if not isinstance(turns, list) or not turns:
        raise DataError("invalid_record", f"{where}: 'turns' must be a non-empty list")
    for i, t in enumerate(turns):
        if not isinstance(t, dict) or t.get("role") not in ("agent", "customer"):
            raise DataError("invalid_record", f"{where}: turn {i} needs role agent|customer")
        if not isinstance(t.get("text"), str):
            raise DataError("invalid_record", f"{where}: turn {i} 'text' must be a string")
    if not any(t["role"] == "customer" for t in turns):
        raise DataError("invalid_record", f"{where}: no customer turn")
    if row.get("lang", "en") not in LANGS:
        raise DataError("unknown_lang", f"{where}: 'lang' must be one of {list(LANGS)}")
    if "converted" in row and not isinstance(row["converted"], bool):
        raise DataError("invalid_record", f"{where}: 'converted' must be a boolean")


def load_utterances(path: str | Path) -> list[dict[str, Any]]:
    rows = read_jsonl(path)
    for i, r in enumerate(rows, start=1):
        validate_utterance(r, f"{path}:{i}")
    return rows


def load_conversations(path: str | Path, require_outcome: bool = True) -> list[dict[str, Any]]:
    rows = read_jsonl(path)
    for i, r in enumerate(rows, start=1):
        validate_conversation(r, f"{path}:{i}")
        if require_outcome and "converted" not in r:
            raise DataError("invalid_record", f"{path}:{i}: 'converted' is missing")
    return rows


def data_hash(*datasets: Iterable[Mapping[str, Any]]) -> str:
    """sha256 of the canonical JSON of every record, in order."""
    h = hashlib.sha256()
    for ds in datasets:
        for r in ds:
            h.update(json.dumps(r, sort_keys=True, ensure_ascii=False).encode("utf-8"))
            h.update(b"\n")
        h.update(b"\x00")
    return h.hexdigest()


def customer_turn_utterances(conversations: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Labelled customer turns of generated conversations (``turn_labels``) as utterances."""
    out: list[dict[str, Any]] = []
    for conv in conversations:
        labels = conv.get("turn_labels")
        if not isinstance(labels, list):
            continue
        customer_turns = [t for t in conv["turns"] if t["role"] == "customer"]
        if len(labels) != len(customer_turns):
            continue
        for turn, lab in zip(customer_turns, labels, strict=True):
            if not isinstance(lab, dict):
                continue
            out.append(
                {
                    "lang": conv.get("lang", "en"),
                    "text": turn["text"],
                    "objections": list(lab.get("objections", [])),
                    "needs": list(lab.get("needs", [])),
                    "buying_signal": bool(lab.get("buying_signal", False)),
                }
            )
    return out
