"""The `ml` CLI as a subprocess: train into a temp registry, eval JSON, bench, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.unit.ml.sample import conversations, utterances

ROOT = Path(__file__).resolve().parents[2]


def _run(
    args: list[str], env_extra: dict[str, str], timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **env_extra}
    return subprocess.run(
        [sys.executable, "-m", "ml.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("mlcli")
    return {
        "dir": d,
        "train_u": _jsonl(d / "train_u.jsonl", utterances(240, 1)),
        "train_c": _jsonl(d / "train_c.jsonl", conversations(100, 2)),
        "eval_u": _jsonl(d / "eval_u.jsonl", utterances(60, 3)),
        "eval_c": _jsonl(d / "eval_c.jsonl", conversations(30, 4)),
    }


@pytest.mark.slow
def test_train_eval_bench(files: dict[str, Path]) -> None:
    data_dir = files["dir"] / "data"
    env = {"VOICE_AGENT_DATA_DIR": str(data_dir)}
    r = _run(
        [
            "ml",
            "train",
            "--n-utterances",
            "0",
            "--n-conversations",
            "0",
            "--utterances",
            str(files["train_u"]),
            "--conversations",
            str(files["train_c"]),
            "--no-bundled-calls",
            "--eval-utterances",
            str(files["eval_u"]),
            "--eval-conversations",
            str(files["eval_c"]),
            "--json",
            "--no-progress",
        ],
        env,
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["promoted"] is True and out["mlflow_run_id"]
    assert (data_dir / "models" / out["version"] / "model_card.json").is_file()
    assert (data_dir / "mlruns").is_dir()
    # The given calls are real data: they train the conversion model and are scored
    # out of fold (one source, so stratified folds).
    cv = out["metrics"]["real_cv"]
    assert cv["scheme"] == "stratified-folds" and cv["n"] == 100
    assert 0.0 <= cv["ece"] <= 1.0 and cv["auc"] is not None

    r = _run(
        [
            "ml",
            "eval",
            "--utterances",
            str(files["eval_u"]),
            "--conversations",
            str(files["eval_c"]),
            "--json",
        ],
        env,
    )
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert rep["version"] == out["version"]
    assert "macro_f1" in rep["utterances"]["per_lang"]["en"]["objections"]
    assert "micro_f1" in rep["utterances"]["per_lang"]["es"]["needs"]
    assert {"auc", "brier", "ece"} <= set(rep["conversations"])

    r = _run(["bench", "models", "--n", "200", "--json"], env)
    assert r.returncode == 0, r.stderr
    bench = json.loads(r.stdout)
    assert {"p50_ms", "p95_ms", "p99_ms", "n"} <= set(bench) and bench["n"] == 200


def test_eval_bad_file_gives_error_code(files: dict[str, Path]) -> None:
    bad = files["dir"] / "bad.jsonl"
    bad.write_text('{"lang": "en", "text": 3}\n')
    r = _run(["ml", "eval", "--utterances", str(bad), "--json"], {})
    assert r.returncode == 2
    err = json.loads(r.stderr.strip().splitlines()[-1])
    assert err["error"]["code"] == "invalid_record"


def test_benchmark_conversion_cli(files: dict[str, Path]) -> None:
    rows = conversations(120, 9)
    for i, row in enumerate(rows):
        row["split"] = "test" if i % 4 == 0 else "train"
    path = _jsonl(files["dir"] / "split.jsonl", rows)
    r = _run(["ml", "benchmark-conversion", "--data", str(path), "--json"], {})
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    assert {"auc", "brier", "ece"} <= set(rep["model"]) and {"auc"} <= set(rep["baseline"])


def test_train_rejects_a_non_positive_real_share() -> None:
    r = _run(["ml", "train", "--real-share", "0", "--json"], {})
    assert r.returncode == 2
    err = json.loads(r.stderr.strip().splitlines()[-1])
    assert err["error"]["code"] == "bad_argument"
