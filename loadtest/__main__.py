"""``python -m loadtest text|voice|fuzz|soak ...``: load generators that print JSON reports."""

from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest")
    sub = parser.add_subparsers(dest="kind", required=True)
    from loadtest import realtime_fuzz, soak, text, voice

    text.add_arguments(sub.add_parser("text", help="REST text conversations"))
    voice.add_arguments(sub.add_parser("voice", help="realtime voice calls"))
    realtime_fuzz.add_arguments(
        sub.add_parser("fuzz", help="malformed realtime events and hang-ups (seeded)")
    )
    soak.add_arguments(sub.add_parser("soak", help="mixed load for minutes; RSS sampled"))
    args = parser.parse_args()
    runners = {
        "text": text.run_from_args,
        "voice": voice.run_from_args,
        "fuzz": realtime_fuzz.run_from_args,
        "soak": soak.run_from_args,
    }
    report = runners[args.kind](args)
    print(json.dumps(report, indent=None if args.json else 2))
    return 0 if report.get("errors", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
