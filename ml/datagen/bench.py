"""``python -m ml.datagen.bench``: how long generation takes, as JSON.

Times ``generate_utterances`` and ``generate_conversations`` (one process, one thread)
for the given sizes and prints rows per second; a benchmark, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence

from ml.datagen.conversations import generate_conversations
from ml.datagen.utterances import generate_utterances

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m ml.datagen.bench")
    ap.add_argument("--utterances", type=int, default=20000)
    ap.add_argument("--conversations", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    utts = generate_utterances(args.utterances, args.seed)
    t1 = time.perf_counter()
    convs = generate_conversations(args.conversations, args.seed)
    t2 = time.perf_counter()
    report = {
        "utterances": {"n": len(utts), "seconds": round(t1 - t0, 3)},
        "conversations": {
            "n": len(convs),
            "seconds": round(t2 - t1, 3),
            "turns": sum(len(c["turns"]) for c in convs),
            "converted_rate": round(
                sum(bool(c["converted"]) for c in convs) / max(len(convs), 1), 4
            ),
        },
        "total_seconds": round(t2 - t0, 3),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
