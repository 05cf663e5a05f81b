"""``voice-agent bench voice`` and ``bench telephony-wer``: voice latency and the phone path's
word errors, as JSON.

``bench voice --transport realtime|twilio|audiosocket``: one caller speaks real recordings at
real-time pace; end of the caller's speech to the agent's first audio, p50/p95, per
transport (``/v1/realtime`` in ``audio/pcm`` by default, as before; the telephony
transports carry 8 kHz audio like a phone). Starts its own server unless ``--url`` names
one (telephony transports need the server this command starts: it signs the webhooks).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        bar = "#" * (30 * done // total)
        print(f"\r[{bar:<30}] {done}/{total} recordings", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


def bench_voice(args: argparse.Namespace) -> dict[str, Any]:
    """Single-call voice latency benchmark; ``args.turns`` utterances, optional ``args.url``."""
    from loadtest.server import API_KEY, ServerProcess
    from loadtest.voice import machine, run_load, start_server

    turns = int(getattr(args, "turns", 10) or 10)
    url: str | None = getattr(args, "url", None)
    api_key = str(getattr(args, "api_key", None) or API_KEY)
    transport = str(getattr(args, "transport", None) or "realtime")
    fmt = str(getattr(args, "format", None) or "audio/pcm")
    server: ServerProcess | None = None
    if transport != "realtime":
        from loadtest.telephony import run_latency, start_telephony_server

        if url is not None:
            raise SystemExit("bench voice: --url works with --transport realtime only")
        from loadtest.progress import on_terminal

        if on_terminal():
            print(
                f"starting a server; then {turns} turns over {transport} at real-time pace...",
                file=sys.stderr,
            )
        server = start_telephony_server()
        try:
            port = int(str(server.listening.get("audiosocket_port", 0)))
            report = asyncio.run(run_latency(transport, server.url, api_key, port, turns))
        finally:
            server.stop()
    else:
        from loadtest.progress import bar, on_terminal

        if url is None:
            if on_terminal():
                print("starting a server (loading the speech models)...", file=sys.stderr)
            server = start_server()
            url = server.url
        try:
            with bar(turns, "voice turns", unit="turn") as advance:
                report = asyncio.run(run_load(url, api_key, 1, turns, fmt, advance))
            report["transport"] = "realtime"
        finally:
            if server is not None:
                server.stop()
    budget = {"p50_ms": 700.0, "p95_ms": 1000.0}
    report["budget_ms"] = budget
    report["within_budget"] = all(
        report.get(k) is not None and report[k] < v for k, v in budget.items()
    )
    return {"bench": "voice", **report, "machine": machine()}


def bench_telephony_wer(args: argparse.Namespace) -> dict[str, Any]:
    """Word error rate of human recordings placed as Twilio calls vs transcribed directly."""
    from loadtest.server import API_KEY
    from loadtest.telephony import asterisk_recordings, run_wer, start_telephony_server
    from loadtest.voice import machine
    from voice_agent.speech.stt import WhisperTranscriber

    recordings = asterisk_recordings(int(args.recordings))
    stt = WhisperTranscriber(None)

    def transcribe(x16: Any) -> str:
        return str(stt.transcribe(x16, "en").text)

    server = start_telephony_server(greet=False)
    try:
        report = asyncio.run(
            run_wer(
                server.url,
                API_KEY,
                recordings,
                transcribe,
                concurrency=int(args.concurrency),
                progress=_progress,
            )
        )
    finally:
        server.stop()
    model = "bundled Whisper tiny.en"
    return {"bench": "telephony_wer", "model": model, **report, "machine": machine()}
