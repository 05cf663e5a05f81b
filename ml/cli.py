"""The `ml` command group (train, eval, benchmark-conversion, migrate-registry, rollback,
simulate-calls) and `voice-agent learn`, the learning worker.

The server's CLI (`voice_agent.cli`) calls :func:`add_ml_commands` when this training
package is installed; ``python -m ml.cli ...`` runs the same commands standalone (plus
``bench models``, which lives in the runtime: :mod:`voice_agent.models.bench`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ml.calibrations import CALIBRATIONS
from ml.data import DataError


def bundled_call_files() -> list[Path]:
    """The hand-written calls shipped with the package (``ml/handwritten/*.jsonl``)."""
    return sorted((Path(__file__).parent / "handwritten").glob("*.jsonl"))


def _data_dir() -> Path:
    return Path(os.environ.get("VOICE_AGENT_DATA_DIR", "data"))


def _print(obj: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(obj, indent=2, sort_keys=False))
    else:
        print(json.dumps(obj, indent=2))


def _fail(code: str, message: str) -> int:
    print(json.dumps({"error": {"code": code, "message": message}}), file=sys.stderr)
    return 2


# ---------------------------------------------------------------------------------------
def cmd_train(args: argparse.Namespace) -> int:
    from ml.data import load_conversations, load_utterances
    from ml.train import default_mlflow_uri, generate_training_data, train

    if not args.real_share > 0.0:
        return _fail("bad_argument", f"--real-share must be positive, got {args.real_share}")
    try:
        utts, convs = generate_training_data(args.n_utterances, args.n_conversations, args.seed)
        if args.utterances:
            for f in args.utterances:
                utts += load_utterances(f)
        real: list[dict[str, Any]] = []
        sources: list[str] = []
        files = [] if args.no_bundled_calls else bundled_call_files()
        for f in [*files, *(Path(x) for x in args.conversations or ())]:
            rows = load_conversations(f)
            real += rows
            sources += [Path(f).name] * len(rows)
        gate_u = load_utterances(args.eval_utterances) if args.eval_utterances else None
        gate_c = load_conversations(args.eval_conversations) if args.eval_conversations else None
        cal_c = (
            load_conversations(args.calibration_conversations)
            if args.calibration_conversations
            else None
        )
        hold_u, hold_c = generate_training_data(
            min(1000, args.n_utterances), min(200, args.n_conversations), args.seed + 7919
        )
    except DataError as exc:
        return _fail(exc.code, exc.message)
    registry_dir = Path(args.registry) if args.registry else _data_dir() / "models"
    uri = args.mlflow_uri or default_mlflow_uri()
    result = train(
        utts,
        convs,
        registry_dir,
        seed=args.seed,
        mlflow_uri=None if uri == "none" else uri,
        eval_utterances=gate_u,
        eval_conversations=gate_c,
        holdout_utterances=hold_u or None,
        holdout_conversations=hold_c or None,
        params={"n_utterances": args.n_utterances, "n_conversations": args.n_conversations},
        progress=not args.no_progress,
        conversion_features=args.conversion_features,
        calibration_conversations=cal_c,
        real_conversations=real,
        real_sources=sources,
        real_share=args.real_share,
        real_cv=not args.no_real_cv,
        conversion_calibration=args.conversion_calibration,
    )
    _print(
        {
            "version": result.version,
            "path": str(result.path),
            "promoted": result.promoted,
            "reason": result.reason,
            "mlflow_run_id": result.mlflow_run_id,
            "metrics": result.card["metrics"],
        },
        args.json,
    )
    return 0


def _load_analysers(kind: str, registry_dir: str | None) -> tuple[Any, dict[str, Any]]:
    if kind == "rules":
        import importlib

        rules = importlib.import_module("voice_agent.analysis.rules")
        return rules.rule_analysers(), {"analysers": "rules"}
    from voice_agent.models import registry

    loaded = registry.load_champion(Path(registry_dir)) if registry_dir else registry.load_default()
    if loaded.errors:
        raise DataError("models_unavailable", json.dumps(loaded.errors))
    return loaded, {"analysers": "models", "version": loaded.version, "registry": str(loaded.root)}


def cmd_eval(args: argparse.Namespace) -> int:
    from ml.data import load_conversations, load_utterances
    from ml.evaluate import evaluate, parse_fractions

    if not args.utterances and not args.conversations:
        return _fail("no_input", "give --utterances and/or --conversations")
    if args.at and not args.conversations:
        return _fail("no_input", "--at needs --conversations")
    try:
        at = parse_fractions(args.at) if args.at else ()
        utts = load_utterances(args.utterances) if args.utterances else None
        convs = load_conversations(args.conversations) if args.conversations else None
        analysers, meta = _load_analysers(args.analysers, args.registry)
    except DataError as exc:
        return _fail(exc.code, exc.message)
    report = {**meta, **evaluate(analysers, utts, convs, at, served=args.served)}
    report["served"] = bool(args.served)
    _print(report, args.json)
    return 0


def cmd_benchmark_conversion(args: argparse.Namespace) -> int:
    from ml.benchmark import benchmark_conversion
    from ml.data import load_conversations

    try:
        rows = load_conversations(args.data)
    except DataError as exc:
        return _fail(exc.code, exc.message)
    try:
        report = benchmark_conversion(rows, seed=args.seed)
    except DataError as exc:
        return _fail(exc.code, exc.message)
    _print(report, args.json)
    return 0


def cmd_migrate_registry(args: argparse.Namespace) -> int:
    from ml.migrate import migrate_registry
    from voice_agent.models.registry import RegistryError

    try:
        changed = migrate_registry(
            Path(args.registry), log=lambda line: print(line, file=sys.stderr)
        )
    except RegistryError as exc:
        return _fail(exc.code, exc.message)
    _print({"registry": args.registry, "rewritten": changed}, args.json)
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    """The champion before the current one becomes champion again (``ml.registry.rollback``);
    with MLflow, the ``champion`` alias follows. Exit 0; 2 when nothing changed (the error's
    code on stderr); 1 when the registry rolled back but the MLflow alias could not move."""
    from ml.registry import RegistryError, rollback

    registry_dir = Path(args.registry) if args.registry else _data_dir() / "models"
    try:
        restored, previous = rollback(registry_dir)
    except RegistryError as exc:
        return _fail(exc.code, exc.message)
    out: dict[str, Any] = {"registry": str(registry_dir), "restored": restored, "from": previous}
    uri = args.mlflow_uri
    if uri is None:
        from ml.train import default_mlflow_uri

        uri = default_mlflow_uri()
    if uri == "none":
        out["mlflow"] = {"skipped": "--mlflow-uri none"}
        _print(out, args.json)
        return 0
    from ml.train import REGISTERED_MODEL, move_champion_alias

    try:
        moved = move_champion_alias(uri, restored)
    except Exception as exc:  # MLflow unreachable or refusing: the registry did roll back
        out["mlflow"] = {"uri": uri, "error": f"{type(exc).__name__}: {exc}"}
        _print(out, args.json)
        _fail(
            "mlflow_failed",
            f"the registry rolled back to {restored}, but the champion alias of "
            f"{REGISTERED_MODEL} did not move: {type(exc).__name__}: {exc}",
        )
        return 1
    if moved is None:
        out["mlflow"] = {
            "uri": uri,
            "alias_moved": False,
            "note": f"no model version of {REGISTERED_MODEL} is tagged version={restored}: "
            "the champion alias did not move",
        }
    else:
        out["mlflow"] = {
            "uri": uri,
            "alias_moved": True,
            "model": REGISTERED_MODEL,
            "alias": "champion",
            "model_version": moved,
        }
    _print(out, args.json)
    return 0


def add_ml_commands(subparsers: Any) -> None:
    """Add the `ml` command (train, eval, benchmark-conversion, migrate-registry, rollback) to
    an argparse subparsers."""
    ml = subparsers.add_parser("ml", help="train, evaluate and benchmark the predictive models")
    sub = ml.add_subparsers(dest="ml_command", required=True)

    t = sub.add_parser("train", help="train every model and register a new version")
    t.add_argument("--utterances", action="append", help="extra labelled utterances (JSONL)")
    t.add_argument(
        "--conversations",
        action="append",
        help="your own labelled call transcripts (JSONL, repeatable): real calls that train "
        "and calibrate the conversion model next to the simulated ones",
    )
    t.add_argument(
        "--no-bundled-calls",
        action="store_true",
        help="leave out the hand-written calls bundled in ml/handwritten/",
    )
    t.add_argument(
        "--real-share",
        type=float,
        default=1.0,
        help="total weight of the real calls relative to the simulated ones (default 1)",
    )
    t.add_argument(
        "--conversion-calibration",
        choices=CALIBRATIONS,
        default="last",
        help="which prefixes calibrate the conversion probability: the calls' last customer "
        "turn (default, sharpest at the end of a call), every turn, every turn with "
        "terms in 1/turns, every turn with each call weighing once, 1/turns and tail "
        "terms (evidence), or an end-of-call head and a mid-call head mixed by the chance "
        "that the turn ends the call (heads: calibrated at every point of a call)",
    )
    t.add_argument(
        "--no-real-cv",
        action="store_true",
        help="skip the leave-one-source-out estimate on the real calls",
    )
    t.add_argument("--n-utterances", type=int, default=8000)
    t.add_argument("--n-conversations", type=int, default=1200)
    t.add_argument("--seed", type=int, default=7)
    t.add_argument("--registry", help="model registry dir (default: $VOICE_AGENT_DATA_DIR/models)")
    t.add_argument(
        "--mlflow-uri",
        help="MLflow tracking URI (default: file store in the data dir; 'none' to skip)",
    )
    t.add_argument("--eval-utterances", help="promotion gate: labelled utterances")
    t.add_argument("--eval-conversations", help="promotion gate: labelled conversations")
    t.add_argument(
        "--conversion-features",
        choices=("end", "semantic", "full"),
        default="end",
        help="end: rule score + last-turn buying/stall cues, sign-constrained (default, for "
        "simulated data); semantic: rule/utterance-model features; "
        "full: also n-gram scores and surface statistics (for real dialogues)",
    )
    t.add_argument(
        "--calibration-conversations",
        help="labelled conversations (e.g. ml/validation/handwritten_conversations.jsonl) "
        "added to the conversion model's Platt scaling",
    )
    t.add_argument("--no-progress", action="store_true")
    t.add_argument("--json", action="store_true")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="evaluate the champion models (or the rules)")
    e.add_argument("--utterances")
    e.add_argument("--conversations")
    e.add_argument("--registry", help="registry dir (default: data dir, then bundled)")
    e.add_argument("--analysers", choices=("models", "rules"), default="models")
    e.add_argument(
        "--at",
        metavar="F,F,...",
        help="also score the conversion probability mid-call: each call cut after the "
        "customer turn nearest each fraction of its customer turns (e.g. 0.34,0.5,0.67,1); "
        "AUC, ECE (10 equal-width bins) and Brier per fraction and language",
    )
    e.add_argument(
        "--served",
        action="store_true",
        help="score utterances as the server answers them: each as the first customer turn "
        "of a call, the analysers' scores corrected by what the turn says outright "
        "(dismissed concerns, price questions, curt refusals, strain)",
    )
    e.add_argument("--json", action="store_true")
    e.set_defaults(func=cmd_eval)

    b = sub.add_parser(
        "benchmark-conversion", help="conversion model vs TF-IDF+LR baseline on split train/test"
    )
    b.add_argument("--data", required=True)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--json", action="store_true")
    b.set_defaults(func=cmd_benchmark_conversion)

    m = sub.add_parser(
        "migrate-registry",
        help="rewrite model versions saved before the runtime moved to voice_agent.models",
    )
    m.add_argument("registry", help="registry dir (holds champion.json and version dirs)")
    m.add_argument("--json", action="store_true")
    m.set_defaults(func=cmd_migrate_registry)

    r = sub.add_parser(
        "rollback",
        help="make the previous champion (per champion_history.jsonl) the champion again",
    )
    r.add_argument("--registry", help="model registry dir (default: $VOICE_AGENT_DATA_DIR/models)")
    r.add_argument(
        "--mlflow-uri",
        help="MLflow tracking URI whose champion alias follows (default: file store in the "
        "data dir; 'none' to skip)",
    )
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_rollback)

    sc = sub.add_parser(
        "simulate-calls",
        help="generated callers talk to a running server and their outcomes are recorded",
    )
    sc.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    sc.add_argument(
        "--api-key",
        "--key",
        dest="key",
        help="API key (default: VOICE_AGENT_API_KEY, else DATA_DIR/api_key)",
    )
    sc.add_argument("--n", type=int, default=100, help="calls")
    sc.add_argument("--seed", type=int, default=11)
    sc.add_argument("--json", action="store_true")
    sc.set_defaults(func=cmd_simulate_calls)


def add_learn_command(
    subparsers: Any,
    load_settings: Callable[[argparse.Namespace], Any],
    check_store: Callable[[Any], None],
) -> None:
    """``voice-agent learn``: the learning worker (:mod:`ml.learn`). ``load_settings`` and
    ``check_store`` are the server CLI's (settings from the environment and options; one
    line naming the setting when the database is unusable)."""
    learn = subparsers.add_parser(
        "learn",
        help="the learning worker: retrain from recorded calls with outcomes",
        description="Every --interval seconds, when VOICE_AGENT_RETRAIN_EVERY new recorded "
        "conversations with an outcome exist, train a challenger, gate it against the "
        "champion on held-out calls, promote it or not, log the run to MLflow.",
    )
    learn.add_argument("--data-dir", type=Path, help="overrides VOICE_AGENT_DATA_DIR")
    learn.add_argument(
        "--registry", type=Path, help="default: VOICE_AGENT_MODELS_DIR, else DATA_DIR/models"
    )
    learn.add_argument("--every", type=int, help="overrides VOICE_AGENT_RETRAIN_EVERY")
    learn.add_argument("--interval", type=float, default=60.0, help="seconds between checks")
    learn.add_argument("--once", action="store_true", help="one check (and run), then exit")
    learn.add_argument("--force", action="store_true", help="train now, however few new calls")
    learn.add_argument("--n-utterances", type=int, default=8000, help="generated utterances")
    learn.add_argument("--n-conversations", type=int, default=1200, help="generated calls")
    learn.add_argument("--seed", type=int, default=7)
    learn.add_argument(
        "--conversion-calibration",
        choices=CALIBRATIONS,
        help="how the challenger's conversion probability is calibrated (default: as the "
        "champion's, 'last' without one)",
    )
    learn.add_argument("--mlflow-uri", help="default: DATA_DIR/mlruns; none: no MLflow")
    learn.add_argument("--json", action="store_true", help="one JSON line per check")

    def run(args: argparse.Namespace) -> int:
        return cmd_learn(args, load_settings(args), check_store)

    learn.set_defaults(func=run)


def cmd_learn(args: argparse.Namespace, settings: Any, check_store: Callable[[Any], None]) -> int:
    import time

    from ml.learn import LearnConfig, run_once
    from ml.train import default_mlflow_uri
    from voice_agent.errors import ConfigError
    from voice_agent.logging import configure_logging

    configure_logging("warning", "console")
    check_store(settings)
    every = args.every if args.every is not None else settings.retrain_every
    if every < 1:
        raise ConfigError("--every must be 1 or more")
    uri = args.mlflow_uri or default_mlflow_uri(settings.data_dir)
    config = LearnConfig(
        registry_dir=args.registry or settings.models_dir or settings.data_dir / "models",
        database=settings.database,
        retrain_every=every,
        n_utterances=args.n_utterances,
        n_conversations=args.n_conversations,
        seed=args.seed,
        mlflow_uri=None if uri == "none" else uri,
        conversion_calibration=args.conversion_calibration,
    )
    interactive = sys.stderr.isatty() and not args.json
    force = args.force
    while True:
        try:
            outcome = run_once(config, force=force, progress=interactive)
        except Exception as exc:  # the worker's boundary: any run may fail
            # (a locked database, MLflow unreachable, a full disk): a failed run leaves the
            # champion as it was; say why in one line, try again at the next interval
            error = f"{type(exc).__name__}: {exc}"
            print(json.dumps({"status": "failed", "error": error}) if args.json
                  else f"learn: failed: {error}", flush=True)  # fmt: skip
            if args.once:
                return 1
        else:
            force = False
            if args.json:
                print(json.dumps(outcome.to_json()), flush=True)
            elif outcome.status == "trained":
                verdict = "promoted" if outcome.promoted else "not promoted"
                print(
                    f"learn: trained {outcome.version} on {outcome.training} recorded calls "
                    f"in {outcome.seconds} s: {verdict} ({outcome.reason})",
                    flush=True,
                )
            else:
                print(
                    f"learn: {outcome.status}: {outcome.new} new recorded calls with an "
                    f"outcome, {every} needed ({outcome.holdout} held out for evaluation)",
                    flush=True,
                )
            if args.once:
                return 0
        time.sleep(args.interval)


def cmd_simulate_calls(args: argparse.Namespace) -> int:
    from ml.simulate import simulate_calls

    key = args.key or os.environ.get("VOICE_AGENT_API_KEY")
    if not key:
        key_file = _data_dir() / "api_key"
        if not key_file.is_file():
            return _fail("no_api_key", "give --key, or VOICE_AGENT_API_KEY, or a data dir key")
        key = key_file.read_text(encoding="utf-8").strip()
    from tqdm import tqdm

    with tqdm(total=args.n, desc="calls", disable=args.json or not sys.stderr.isatty()) as bar:
        report = simulate_calls(args.url, key, args.n, seed=args.seed, on_progress=bar.update)
    _print(report.to_json(), args.json)
    return 0 if report.errors == 0 else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    add_ml_commands(sub)
    bench = sub.add_parser("bench", help="benchmarks")
    bsub = bench.add_subparsers(dest="bench_command", required=True)
    bm = bsub.add_parser("models", help="all analysers + decision for one turn")
    bm.add_argument("--registry")
    bm.add_argument("--n", type=int, default=2000)
    bm.add_argument("--json", action="store_true")

    def _bench(a: argparse.Namespace) -> int:
        from voice_agent.models.bench import bench_models
        from voice_agent.models.registry import RegistryError

        try:
            _print(bench_models(Path(a.registry) if a.registry else None, a.n), True)
        except RegistryError as exc:
            return _fail(exc.code, exc.message)
        return 0

    bm.set_defaults(func=_bench)
    args = parser.parse_args(argv)
    rc: int = args.func(args)
    return rc


if __name__ == "__main__":
    sys.exit(main())
