"""``python -m ml.datagen utterances|conversations --n N --seed S --out FILE``: write JSONL."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from ml.datagen.conversations import conversation_row
from ml.datagen.utterances import utterance_row, validate_langs

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m ml.datagen",
        description="Generate synthetic bilingual sales-call training data as JSONL.",
    )
    p.add_argument("kind", choices=("utterances", "conversations"))
    p.add_argument("--n", type=int, required=True, help="number of rows (>= 0)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--langs", default="en,es", help="comma-separated subset of en,es")
    p.add_argument("--out", required=True, help="output .jsonl file ('-' for stdout)")
    p.add_argument("--no-progress", action="store_true", help="hide the progress bar")
    return p


def _write(fh: TextIO, kind: str, n: int, seed: int, langs: Sequence[str], quiet: bool) -> None:
    row_fn = utterance_row if kind == "utterances" else conversation_row
    for i in tqdm(range(n), unit=kind[:-1], disable=quiet, file=sys.stderr):
        fh.write(json.dumps(row_fn(i, seed, langs), ensure_ascii=False) + "\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 = bad argument, 1 = I/O error)."""
    args = _parser().parse_args(argv)
    if args.n < 0:
        print("error [bad_argument]: --n must be >= 0", file=sys.stderr)
        return 2
    try:
        langs = validate_langs(x.strip() for x in args.langs.split(",") if x.strip())
    except ValueError as exc:
        print(f"error [bad_argument]: {exc}", file=sys.stderr)
        return 2
    if args.out == "-":
        _write(sys.stdout, args.kind, args.n, args.seed, langs, args.no_progress)
        return 0
    out = Path(args.out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("w", encoding="utf-8") as fh:
            _write(fh, args.kind, args.n, args.seed, langs, args.no_progress)
        tmp.replace(out)  # a complete file or none
    except OSError as exc:
        print(f"error [io_error]: cannot write {out}: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.n} {args.kind} to {out}", file=sys.stderr)
    return 0
