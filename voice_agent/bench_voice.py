"""``voice-agent bench voice``: one realtime call, end of speech to first agent audio, per stage.

Runs the voice load test with a single caller (real speech streamed at real-time pace over
``/v1/realtime``) against ``--url`` or a server it starts, and returns the JSON report.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any


def bench_voice(args: argparse.Namespace) -> dict[str, Any]:
    """Single-call voice latency benchmark; ``args.turns`` utterances, optional ``args.url``."""
    from loadtest.server import API_KEY, ServerProcess
    from loadtest.voice import machine, run_load, start_server

    turns = int(getattr(args, "turns", 10) or 10)
    url: str | None = getattr(args, "url", None)
    api_key = str(getattr(args, "api_key", None) or API_KEY)
    fmt = str(getattr(args, "format", None) or "audio/pcm")
    server: ServerProcess | None = None
    if url is None:
        server = start_server()
        url = server.url
    try:
        report = asyncio.run(run_load(url, api_key, 1, turns, fmt))
    finally:
        if server is not None:
            server.stop()
    budget = {"p50_ms": 700.0, "p95_ms": 1000.0}
    report["budget_ms"] = budget
    report["within_budget"] = all(
        report.get(k) is not None and report[k] < v for k, v in budget.items()
    )
    return {"bench": "voice", **report, "machine": machine()}
