"""The ``voice-agent`` command: serve, chat, journeys, ml (train/eval/benchmark-conversion),
bench."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import socket
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voice_agent.errors import ConfigError


def _settings(args: argparse.Namespace) -> Any:
    from voice_agent.settings import load_settings

    overrides: dict[str, Any] = {}
    for name in ("host", "port", "data_dir", "playbook", "generator", "analysers"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, "no_speech", False):
        overrides["speech"] = False
    return load_settings(**overrides)


def _check_store(settings: Any) -> None:
    """Open (and migrate) the database once before listening, so an unusable one stops the
    start-up with a message naming the setting, not a traceback after the listening line."""
    from voice_agent.store.url import check_database

    check_database(settings.database, pool_size=settings.database_pool_size)


def _check_start_up(settings: Any) -> None:
    """What a new user gets wrong before the server can start, as one line naming the
    setting (``ConfigError``, exit 2) rather than a traceback later."""
    data_dir = Path(settings.data_dir)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".write-test-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(
            f"VOICE_AGENT_DATA_DIR: cannot use {data_dir} as the data directory: "
            f"{exc.strerror or exc} (choose a writable folder with VOICE_AGENT_DATA_DIR "
            "or --data-dir)"
        ) from exc
    if settings.speech:
        for name in ("tts_voice", "tts_config"):
            path = getattr(settings, name, None)
            if path is not None and not Path(path).is_file():
                raise ConfigError(
                    f"VOICE_AGENT_{name.upper()}: file not found: {path} (give the path of "
                    "a Piper voice .onnx and its .onnx.json, or unset it for the bundled voice)"
                )


def _create_app(create_app: Any, settings: Any) -> Any:
    """``create_app`` with a bad generator setting told as the variable to change."""
    from voice_agent.generation.factory import GeneratorConfigError

    try:
        return create_app(settings)
    except GeneratorConfigError as exc:
        name, sep, problem = str(exc).partition(": ")
        if not sep:
            raise ConfigError(f"VOICE_AGENT_GENERATOR: {exc}") from exc
        raise ConfigError(f"VOICE_AGENT_{name.upper()}: {problem}") from exc


def _listen_socket(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        hint = (
            "another server is running there; stop it or choose another port with "
            "--port or VOICE_AGENT_PORT (0 picks a free one)"
            if exc.errno == errno.EADDRINUSE
            else "check VOICE_AGENT_HOST and VOICE_AGENT_PORT"
        )
        raise ConfigError(
            f"VOICE_AGENT_PORT: cannot listen on {host}:{port}: {exc.strerror or exc} ({hint})"
        ) from exc
    return sock


def cmd_serve(args: argparse.Namespace) -> int:
    from voice_agent.heap import limit_arenas

    limit_arenas()  # before the speech libraries start their threads
    import uvicorn

    from voice_agent.api.app import create_app
    from voice_agent.logging import configure_logging

    settings = _settings(args)
    configure_logging(settings.log_level, settings.log_format)
    _check_start_up(settings)
    app = _create_app(create_app, settings)
    _check_store(settings)
    sock = _listen_socket(settings.host, settings.port)
    port = sock.getsockname()[1]
    url = browse_url(settings.host, port)
    listening: dict[str, object] = {"event": "listening", "url": url, "port": port}
    from voice_agent.web.demo import DemoPolicy

    if DemoPolicy.from_settings(settings.demo, settings.host).enabled:
        listening["demo"] = url + "/"
    if settings.audiosocket_port is not None:
        from voice_agent.telephony.audiosocket import bind_socket

        try:
            as_sock = bind_socket(settings.audiosocket_host, settings.audiosocket_port)
        except OSError as exc:
            raise ConfigError(
                f"VOICE_AGENT_AUDIOSOCKET_PORT: cannot listen on "
                f"{settings.audiosocket_host}:{settings.audiosocket_port}: {exc.strerror}"
            ) from exc
        app.state.audiosocket_socket = as_sock
        listening["audiosocket_port"] = as_sock.getsockname()[1]
    print(json.dumps(listening), flush=True)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        ws_max_size=4 * 1024 * 1024,
        ws_per_message_deflate=settings.ws_compression,
        timeout_graceful_shutdown=5,  # after the calls were drained (GracefulServer)
    )
    from voice_agent.api.shutdown import GracefulServer

    svc = app.state.services
    server = GracefulServer(config, svc.live_calls, settings.shutdown_grace_s)
    server.run(sockets=[sock])
    return 0


def browse_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches a server bound to ``host`` at (an
    unspecified address means every interface, loopback included; IPv6 goes in brackets)."""
    shown = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


def _print_insights(ins: dict[str, Any]) -> None:
    def fmt(items: list[dict[str, Any]]) -> str:
        return ", ".join(f"{i['label']} {i['p']:.2f}" for i in items) or "-"

    action = ins.get("next_action") or {}
    print(f"   objections: {fmt(ins['objections'])}")
    print(f"   needs:      {fmt(ins['needs'])}")
    bs = ins["buying_signal"]
    print(
        f"   buying:     {bs['value']} ({bs['p']:.2f})"
        f"   conversion: {ins['conversion_probability']:.2f}"
    )
    print(f"   next:       {action.get('name')} - {action.get('reason')}   phase: {ins['phase']}")
    if ins.get("fallbacks"):
        print(f"   fallback:   {', '.join(ins['fallbacks'])}")


async def _chat(args: argparse.Namespace) -> int:
    from voice_agent.logging import configure_logging
    from voice_agent.services import build_services
    from voice_agent.store.url import redact

    settings = _settings(args)
    configure_logging("warning", "console")
    svc = build_services(settings)
    await svc.store.open()
    try:
        orch = svc.orchestrator
        customer: dict[str, Any] = {}
        if args.name:
            customer["name"] = args.name
        if args.budget:
            customer["budget"] = args.budget
        conv = await orch.create(lang=args.lang, customer=customer, channel="cli")
        greeting = await orch.greet(conv)
        print(f"conversation {conv.id} ({conv.lang}); empty line or Ctrl-D to end")
        print(f"agent> {greeting.text}")
        loop = asyncio.get_running_loop()
        while True:
            line = await loop.run_in_executor(None, _read_line, "you> ")
            if line is None or not line.strip():
                break
            result = await orch.turn(conv.id, line)
            if args.insights:
                _print_insights(result.insights.to_json())
            print(f"agent> {result.reply}")
        print(f"stored in {redact(settings.database)}")
    finally:
        await svc.store.close()
    return 0


def _read_line(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        return None


def cmd_chat(args: argparse.Namespace) -> int:
    return asyncio.run(_chat(args))


def cmd_journeys(args: argparse.Namespace) -> int:
    from voice_agent.journeys.command import Options, run_command
    from voice_agent.logging import configure_logging

    configure_logging("warning", "console")
    opts = Options(tuple(args.paths), args.url, args.api_key, args.json, args.html)
    return run_command(opts, out=sys.stdout, err=sys.stderr)


def cmd_replay(args: argparse.Namespace) -> int:
    """``voice-agent replay``: recordings played into a server, or ``--compare OLD NEW``."""
    from voice_agent.journeys.spec import JourneyError
    from voice_agent.replay.recording import RecordingError
    from voice_agent.replay.runner import ReplayAbort

    def fail(message: str) -> int:
        print(f"voice-agent replay: {message}", file=sys.stderr)
        return 2

    try:
        if args.compare:
            return _replay_compare(args)
        if not args.recordings:
            return fail("give RECORDING files or folders (or --compare OLD NEW)")
        return _replay_run(args)
    except (ReplayAbort, RecordingError, JourneyError) as exc:
        return fail(str(exc))


def _replay_compare(args: argparse.Namespace) -> int:
    from voice_agent.replay.compare import compare_runs, write_compare_report
    from voice_agent.replay.model import RecordError

    old, new = (Path(p) for p in args.compare)
    for folder in (old, new):
        if not folder.is_dir():
            print(f"voice-agent replay: {folder}: not a replay output folder", file=sys.stderr)
            return 2
    try:
        comparison = compare_runs(old, new, threshold=args.threshold)
    except RecordError as exc:
        print(f"voice-agent replay: {exc}", file=sys.stderr)
        return 2
    page = write_compare_report(comparison, args.out or new)
    if args.json:
        print(json.dumps({**comparison.to_json(), "report": str(page)}))
    else:
        print(comparison.summary_text())
        print(f"report: {page}")
    return 1 if comparison.failing else 0


def _replay_run(args: argparse.Namespace) -> int:
    import time

    from voice_agent.replay.runner import (
        ReplayOptions,
        collect_recordings,
        no_progress,
        replay_all,
        tqdm_progress,
    )

    try:
        customer = json.loads(args.customer) if args.customer else {}
    except json.JSONDecodeError as exc:
        print(f"voice-agent replay: --customer is not JSON: {exc}", file=sys.stderr)
        return 2
    if not isinstance(customer, dict):
        print("voice-agent replay: --customer must be a JSON object", file=sys.stderr)
        return 2
    if not (args.speed > 0 and args.speed <= 100):
        print("voice-agent replay: --speed must be > 0 (and at most 100)", file=sys.stderr)
        return 2
    if not args.api_key:
        print(
            "voice-agent replay: no API key: give --api-key or set VOICE_AGENT_API_KEY",
            file=sys.stderr,
        )
        return 2
    paths = collect_recordings([Path(p) for p in args.recordings])
    options = ReplayOptions(
        url=args.url,
        api_key=args.api_key,
        via=args.via,
        caller_channel=args.caller_channel,
        speed=args.speed,
        lang=args.lang,
        customer=customer,
        greeting=args.greeting,
        twilio_auth_token=args.twilio_auth_token,
        public_url=args.public_url,
        tail_quiet_s=args.tail,
    )
    out = args.out or Path("replay-out") / time.strftime("%Y%m%d-%H%M%S")
    progress = tqdm_progress if sys.stderr.isatty() else no_progress
    run = asyncio.run(replay_all(paths, options, out, progress=progress))
    if args.json:
        print(json.dumps(run.to_json()))
    else:
        for line in run.lines():
            print(line)
        print(f"summary: {run.summary}")
        print(run.verdict())
    return 1 if run.failed else 0


def cmd_bench(args: argparse.Namespace) -> int:
    if args.what == "models":
        from voice_agent.models.bench import bench_models
        from voice_agent.models.registry import RegistryError

        try:
            result = bench_models(args.registry, args.n)
        except RegistryError as exc:
            print(f"voice-agent: bench models: {exc}", file=sys.stderr)
            return 2
    elif args.what == "voice":
        from voice_agent.bench_voice import bench_voice

        result = bench_voice(args)
    elif args.what == "turns":
        from voice_agent.bench_turns import bench_turns

        result = bench_turns(args)
    elif args.what == "telephony-wer":
        from voice_agent.bench_voice import bench_telephony_wer

        result = bench_telephony_wer(args)
    elif args.what == "barge-in":
        from voice_agent.bench_bargein import bench_bargein, summary_text

        result = bench_bargein(args)
        if not args.json:
            print(summary_text(result))
            return 0
    else:  # text: the same run as `python -m loadtest text`
        from loadtest.text import run_from_args

        result = run_from_args(args)
    print(json.dumps(result, indent=None if args.json else 2))
    return 0


def _ml_missing(args: argparse.Namespace) -> int:
    print(
        f"voice-agent: `voice-agent {args.command}` needs the training package `ml` (ml/ in "
        "the source tree), which this server-only install leaves out: run it from a source "
        "checkout installed with `pip install -e .`",
        file=sys.stderr,
    )
    return 2


def cmd_retention(args: argparse.Namespace) -> int:
    """Apply retention once (``VOICE_AGENT_RETENTION_DAYS``/``_MODE``, or the options)."""
    import json
    import time

    from voice_agent.logging import configure_logging
    from voice_agent.store.maintenance import apply_retention
    from voice_agent.store.url import open_store, redact

    settings = _settings(args)
    configure_logging("warning", "console")  # the counts on stdout are the output
    _check_store(settings)
    days = settings.retention_days if args.days is None else args.days
    mode = args.mode or settings.retention_mode
    if days < 0:
        raise ConfigError("--days must be 0 (keep everything) or more")

    async def run() -> Any:
        async with open_store(settings.database) as store:
            return await apply_retention(store, days, mode, time.time(), dry_run=args.dry_run)

    report = asyncio.run(run())
    database = redact(settings.database)
    out: dict[str, Any] = {"database": database, "days": days, "mode": mode}
    if report is None:
        out.update(conversations=0, turns=0, dry_run=args.dry_run, cutoff=None)
    else:
        out.update(report.to_json())
    if args.json:
        print(json.dumps(out))
    elif report is None:
        print("retention is off (VOICE_AGENT_RETENTION_DAYS=0, or --days 0): nothing to do")
    else:
        verb = {"delete": "deleted", "anonymize": "anonymized"}[mode]
        verb = f"would be {verb}" if args.dry_run else verb
        print(
            f"{report.conversations} conversations ({report.turns} turns) older than {days} "
            f"days {verb} in {database}"
        )
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    """Bring the database to this version's schema (the server also does at start-up)."""
    from voice_agent.logging import configure_logging
    from voice_agent.store.url import check_database, redact

    settings = _settings(args)
    configure_logging("warning", "console")
    url = args.database or settings.database
    applied, version = check_database(url)  # one line naming the setting if it cannot
    out = {"database": redact(url), "schema_version": version, "applied": list(applied)}
    if args.json:
        print(json.dumps(out))
    elif applied:
        steps = ", ".join(str(v) for v in applied)
        print(f"{redact(url)}: applied migrations {steps}; schema version {version}")
    else:
        print(f"{redact(url)}: schema version {version}, up to date")
    return 0


def cmd_db_copy(args: argparse.Namespace) -> int:
    """Copy every conversation, turn and key of one database into another."""
    import sys

    from voice_agent.logging import configure_logging
    from voice_agent.store.copy import CopyIncomplete, copy_database
    from voice_agent.store.url import check_database, open_store, redact

    configure_logging("warning", "console")
    if args.source == args.destination:
        raise ConfigError("--from and --to name the same database")
    for option, url in (("--from", args.source), ("--to", args.destination)):
        try:
            check_database(url)
        except ConfigError as exc:
            raise ConfigError(f"{option}: {exc}") from exc
    bars: dict[str, Any] = {}

    def progress(table: str, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        from tqdm import tqdm

        bar = bars.get(table)
        if bar is None:
            bar = bars[table] = tqdm(total=total, desc=table, unit="row", file=sys.stderr)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    async def run() -> Any:
        async with open_store(args.source) as src, open_store(args.destination) as dst:
            return await copy_database(src, dst, batch=args.batch, progress=progress)

    try:
        tables = asyncio.run(run())
    except CopyIncomplete as exc:
        print(f"voice-agent: the copy is incomplete: {exc}", file=sys.stderr)
        return 1
    out = {
        "from": redact(args.source),
        "to": redact(args.destination),
        "tables": {t.table: t.to_json() for t in tables},
    }
    if args.json:
        print(json.dumps(out))
    else:
        for t in tables:
            print(
                f"{t.table}: {t.source} in {out['from']}, {t.copied} copied,"
                f" {t.already_there} already there, {t.destination} in {out['to']}"
            )
    return 0


def cmd_experiments(args: argparse.Namespace) -> int:
    """The running experiment's report, read from the store (as ``GET /v1/experiments``)."""
    import json

    from voice_agent.experiments.config import load_experiment
    from voice_agent.experiments.report import build_report
    from voice_agent.logging import configure_logging
    from voice_agent.store.url import open_store

    settings = _settings(args)
    configure_logging("warning", "console")
    path = args.experiment or settings.experiment
    if path is None:
        raise ConfigError("VOICE_AGENT_EXPERIMENT: set it (or --experiment FILE) to report on")
    config = load_experiment(path)
    _check_store(settings)

    async def run() -> Any:
        async with open_store(settings.database) as store:
            return await store.experiment_records(config.name)

    names = [a.name for a in config.arms]
    report = build_report(config.name, config.allocation, names, asyncio.run(run()))
    if args.html is not None:
        args.html.write_text(report.html(), encoding="utf-8")
    print(json.dumps(report.to_json()) if args.json else report.text())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="voice-agent", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data-dir", type=Path, help="overrides VOICE_AGENT_DATA_DIR")
        p.add_argument("--playbook", type=Path, help="overrides VOICE_AGENT_PLAYBOOK")
        p.add_argument("--generator", choices=["playbook", "llm"])
        p.add_argument("--analysers", choices=["models", "rules"])

    serve = sub.add_parser("serve", help="run the HTTP and WebSocket server")
    common(serve)
    serve.add_argument("--host")
    serve.add_argument("--port", type=int, help="0 picks a free port (printed on stdout)")
    serve.add_argument("--no-speech", action="store_true", help="text API only: no voice models")
    serve.set_defaults(func=cmd_serve)

    chat = sub.add_parser("chat", help="talk to the agent in the terminal")
    common(chat)
    chat.add_argument("--lang", choices=["en", "es"], default="en")
    chat.add_argument("--name", help="the customer's name")
    chat.add_argument("--budget", choices=["low", "medium", "high"])
    chat.add_argument(
        "--no-insights", dest="insights", action="store_false", help="hide each turn's insights"
    )
    chat.set_defaults(func=cmd_chat)

    journeys = sub.add_parser(
        "journeys",
        help="run scripted conversations with expectations (exit 1 if any fails)",
        description="Run journey files (YAML; README, 'Journeys'), in process or against a "
        "server. Exit 0: all pass; 1: any fails; 2: a bad file or usage.",
    )
    journeys.add_argument(
        "paths", nargs="+", metavar="FILE_OR_DIR", help="journey files or directories (recursive)"
    )
    journeys.add_argument("--url", help="a running server (REST); default: in process")
    journeys.add_argument("--api-key", help="API key for --url (default: VOICE_AGENT_API_KEY)")
    journeys.add_argument("--json", action="store_true", help="print one JSON document")
    journeys.add_argument("--html", type=Path, metavar="FILE", help="also write an HTML report")
    journeys.set_defaults(func=cmd_journeys)

    replay = sub.add_parser(
        "replay",
        help="play recorded calls into a running server as a caller; per-call JSON, WAVs, HTML",
        description="Play each recording (WAV: PCM, float, mu-law or A-law, any rate; mono, "
        "or stereo with --caller-channel) into a running server as one call, at --speed x "
        "real time with the caller's pauses kept, and write OUT/<recording>/call.json, "
        "agent.wav, call.wav and report.html, and OUT/index.html. A journey file beside a "
        "recording (x.wav + x.yaml) holds its expectations. Exit 0: every call ran without "
        "errors and met its expectations; 1: a call had errors or failed an expectation (or, "
        "with --compare, an action, the turn count or the failing expectations changed); 2: "
        "bad input (a recording, a journey file), server unreachable or refusing.",
    )
    replay.add_argument(
        "recordings", nargs="*", metavar="RECORDING", help="WAV files or folders of *.wav"
    )
    replay.add_argument("--url", default="http://127.0.0.1:8000", help="the server")
    replay.add_argument(
        "--api-key",
        default=os.environ.get("VOICE_AGENT_API_KEY"),
        help="API key (default: VOICE_AGENT_API_KEY)",
    )
    replay.add_argument("--via", choices=["realtime", "twilio"], default="realtime")
    replay.add_argument(
        "--caller-channel",
        choices=["left", "right"],
        help="for stereo recordings: the caller's channel (call recorders put caller and "
        "agent on two channels)",
    )
    replay.add_argument("--speed", type=float, default=1.0, help="pace: 1 is real time")
    replay.add_argument("--lang", choices=["en", "es"], default="en")
    replay.add_argument("--customer", metavar="JSON", help="the customer profile (JSON object)")
    replay.add_argument(
        "--greeting",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="realtime: the agent speaks first (default: the server's GREET_FIRST)",
    )
    replay.add_argument(
        "--twilio-auth-token",
        default=os.environ.get("VOICE_AGENT_TWILIO_AUTH_TOKEN"),
        help="--via twilio: the server's Twilio auth token "
        "(default: VOICE_AGENT_TWILIO_AUTH_TOKEN)",
    )
    replay.add_argument(
        "--public-url",
        default=os.environ.get("VOICE_AGENT_PUBLIC_URL"),
        help="--via twilio: the URL the server signs webhooks against (default: "
        "VOICE_AGENT_PUBLIC_URL, else --url)",
    )
    replay.add_argument(
        "--tail",
        type=float,
        default=3.0,
        metavar="S",
        help="after the recording, hang up once the agent has been quiet S seconds",
    )
    replay.add_argument("--out", type=Path, help="output folder (default: replay-out/<timestamp>)")
    replay.add_argument("--json", action="store_true", help="print one JSON summary")
    replay.add_argument(
        "--compare",
        nargs=2,
        metavar=("OLD", "NEW"),
        help="compare two output folders instead (report into --out, default NEW)",
    )
    replay.add_argument(
        "--threshold",
        type=float,
        default=0.2,
        help="--compare: a probability moving more than this is a change",
    )
    replay.set_defaults(func=cmd_replay)

    try:
        from ml.cli import add_learn_command, add_ml_commands
    except ImportError as exc:
        if exc.name != "ml" and not (exc.name or "").startswith("ml."):
            raise
        for name in ("ml", "learn"):
            missing = sub.add_parser(name, help="training tools (not installed here)")
            missing.add_argument("rest", nargs=argparse.REMAINDER)
            missing.set_defaults(func=_ml_missing)
    else:
        add_ml_commands(sub)
        add_learn_command(sub, _settings, _check_store)

    bench = sub.add_parser("bench", help="benchmarks that print JSON")
    bench_sub = bench.add_subparsers(dest="what", required=True)
    bm = bench_sub.add_parser("models", help="all analysers + decision for one turn, in process")
    bm.add_argument("--json", action="store_true")
    bm.add_argument("--n", type=int, default=2000)
    bm.add_argument("--registry", type=Path)
    bv = bench_sub.add_parser("voice", help="one call: end of speech to first agent audio")
    bv.add_argument("--json", action="store_true")
    bv.add_argument("--turns", type=int, default=10)
    bv.add_argument("--url", help="a running server (realtime only; default: start one)")
    bv.add_argument(
        "--transport", choices=["realtime", "twilio", "audiosocket"], default="realtime"
    )
    bv.add_argument("--format", choices=["audio/pcm", "audio/pcmu"], default="audio/pcm")
    bv.add_argument(
        "--lang",
        help="en, es or en,es: the same human prompts per language, calls alternating "
        "(--turns per language)",
    )
    bv.add_argument("--turns-per-call", type=int, default=3, help="with --lang")
    bv.add_argument("--turn-detection", choices=["server_vad", "semantic_vad"], help="with --lang")
    bt = bench_sub.add_parser(
        "turns", help="turn taking on real speech: server_vad vs semantic_vad (Smart Turn)"
    )
    bt.add_argument("--json", action="store_true")
    bt.add_argument("--per-lang", type=int, default=30, help="recordings per language")
    bt.add_argument(
        "--live-turns",
        type=int,
        default=0,
        help="also measure first agent audio through /v1/realtime, N turns per setting",
    )
    bw = bench_sub.add_parser(
        "telephony-wer", help="word errors of human recordings through a call (Twilio, realtime)"
    )
    bw.add_argument("--json", action="store_true")
    bw.add_argument("--recordings", type=int, default=50)
    bw.add_argument("--concurrency", type=int, default=2)
    bw.add_argument("--lang", choices=["en", "es"], default="en")
    bw.add_argument(
        "--transport",
        choices=["twilio", "realtime"],
        default="twilio",
        help="realtime: /v1/realtime sessions of the official openai SDK, 8 kHz mu-law",
    )
    bb = bench_sub.add_parser(
        "barge-in", help="speech over the agent: backchannels vs interruptions, time to silence"
    )
    bb.add_argument("--json", action="store_true", help="one-line JSON (else a summary)")
    bb.add_argument("--lang", default="en,es", help="en, es or en,es (default)")
    bb.add_argument(
        "--per-kind", type=int, default=20, help="cases per kind per language (default 20)"
    )
    bb.add_argument("--seed", type=int, default=0, help="picks, speeds, levels, placement")
    bb.add_argument(
        "--concurrency", type=int, default=1, help="calls at a time (more slow the timings)"
    )
    bb.add_argument("--url", help="a running server (key: VOICE_AGENT_API_KEY); default: start one")
    from loadtest.text import add_arguments as add_text_arguments

    add_text_arguments(
        bench_sub.add_parser("text", help="concurrent text conversations over HTTP (the load test)")
    )
    bench.set_defaults(func=cmd_bench)

    retention = sub.add_parser(
        "retention",
        help="delete or anonymize conversations older than VOICE_AGENT_RETENTION_DAYS",
        description="Apply retention once (the server also does at start-up and daily) and "
        "print the counts.",
    )
    retention.add_argument("--data-dir", type=Path, help="overrides VOICE_AGENT_DATA_DIR")
    retention.add_argument(
        "--days", type=int, help="overrides VOICE_AGENT_RETENTION_DAYS (0: keep all)"
    )
    retention.add_argument(
        "--mode", choices=["delete", "anonymize"], help="overrides VOICE_AGENT_RETENTION_MODE"
    )
    retention.add_argument("--dry-run", action="store_true", help="count only, change nothing")
    retention.add_argument("--json", action="store_true", help="print one JSON object")
    retention.set_defaults(func=cmd_retention)

    db = sub.add_parser("db", help="the database: migrate it, copy it to another")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    migrate = db_sub.add_parser(
        "migrate",
        help="bring the database to this version's schema",
        description="Apply the missing migrations (the server does too at start-up); a "
        "database newer than this version is refused.",
    )
    migrate.add_argument("--data-dir", type=Path, help="overrides VOICE_AGENT_DATA_DIR")
    migrate.add_argument("--database", help="a database URL (default: VOICE_AGENT_DATABASE_URL)")
    migrate.add_argument("--json", action="store_true", help="print one JSON object")
    migrate.set_defaults(func=cmd_db_migrate)
    copy = db_sub.add_parser(
        "copy",
        help="copy every conversation into another database (SQLite to PostgreSQL)",
        description="Copy conversations, turns, Idempotency-Keys and instances from one "
        "database to another, both migrated first. Rows already in the destination are "
        "kept, so an interrupted copy can be run again. Stop the server first: writes made "
        "during the copy may be missed.",
    )
    copy.add_argument("--from", dest="source", required=True, help="sqlite:///PATH or URL")
    copy.add_argument(
        "--to", dest="destination", required=True, help="postgresql://USER@HOST:PORT/DB"
    )
    copy.add_argument("--batch", type=int, default=500, help="rows per transaction")
    copy.add_argument("--json", action="store_true", help="print one JSON object")
    copy.set_defaults(func=cmd_db_copy)

    experiments = sub.add_parser("experiments", help="A/B experiments")
    exp_sub = experiments.add_subparsers(dest="experiments_command", required=True)
    report = exp_sub.add_parser(
        "report",
        help="per variant: conversations, conversion rate with its 95%% interval, P(best)...",
    )
    report.add_argument("--data-dir", type=Path, help="overrides VOICE_AGENT_DATA_DIR")
    report.add_argument("--experiment", type=Path, help="overrides VOICE_AGENT_EXPERIMENT")
    report.add_argument("--json", action="store_true", help="print one JSON object")
    report.add_argument("--html", type=Path, help="also write the report as an HTML page")
    report.set_defaults(func=cmd_experiments)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        rc: int = args.func(args)
    except ConfigError as exc:
        print(f"voice-agent: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:
        if type(exc).__name__ != "PlaybookError":
            raise
        print(f"voice-agent: invalid playbook: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return rc


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
