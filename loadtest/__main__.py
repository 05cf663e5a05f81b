"""``python -m loadtest text|cluster|voice|fuzz|soak ...``: load generators printing JSON."""

from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest")
    sub = parser.add_subparsers(dest="kind", required=True)
    from loadtest import cluster, realtime_fuzz, soak, text, voice

    text.add_arguments(sub.add_parser("text", help="REST text conversations"))
    cluster.add_arguments(
        sub.add_parser("cluster", help="REST text conversations through HAProxy, 1-3 instances")
    )
    voice.add_arguments(sub.add_parser("voice", help="realtime voice calls"))
    realtime_fuzz.add_arguments(
        sub.add_parser("fuzz", help="malformed realtime events and hang-ups (seeded)")
    )
    soak.add_arguments(sub.add_parser("soak", help="mixed load for minutes; RSS sampled"))
    args = parser.parse_args()
    runners = {
        "text": text.run_from_args,
        "cluster": cluster.run_from_args,
        "voice": voice.run_from_args,
        "fuzz": realtime_fuzz.run_from_args,
        "soak": soak.run_from_args,
    }
    report = runners[args.kind](args)
    print(json.dumps(report, indent=None if args.json else 2))
    return 0 if report.get("errors", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
