"""``python -m loadtest text|voice ...``: load generators that print JSON reports."""

from __future__ import annotations

import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m loadtest")
    sub = parser.add_subparsers(dest="kind", required=True)
    from loadtest import text, voice

    text.add_arguments(sub.add_parser("text", help="REST text conversations"))
    voice.add_arguments(sub.add_parser("voice", help="realtime voice calls"))
    args = parser.parse_args()
    report = text.run_from_args(args) if args.kind == "text" else voice.run_from_args(args)
    print(json.dumps(report, indent=None if args.json else 2))
    return 0 if report.get("errors", 0) == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
