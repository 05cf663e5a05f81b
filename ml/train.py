"""`voice-agent ml train`: generate data, train every model, write a versioned artefact
with a model card, record the run with MLflow, and promote it through the gate."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from ml import registry
from ml.conversion import train_conversion_model
from ml.crossval import crossval_real
from ml.data import customer_turn_utterances, data_hash
from ml.evaluate import MIDCALL_FRACTIONS, evaluate, headline
from ml.utterance import train_utterance_model
from voice_agent.models.utterance import rules_version

EXPERIMENT = "voice-agent-models"
REGISTERED_MODEL = "voice-agent-analysers"


def default_mlflow_uri(data_dir: Path | None = None) -> str:
    base = data_dir or Path(os.environ.get("VOICE_AGENT_DATA_DIR", "data"))
    return (base.resolve() / "mlruns").as_uri()


def generate_training_data(
    n_utterances: int, n_conversations: int, seed: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if n_utterances <= 0 and n_conversations <= 0:
        return [], []
    from ml.datagen import generate_conversations, generate_utterances

    utts = generate_utterances(n_utterances, seed=seed) if n_utterances > 0 else []
    convs = generate_conversations(n_conversations, seed=seed + 1) if n_conversations > 0 else []
    return list(utts), list(convs)


@dataclass
class TrainResult:
    version: str
    path: Path
    promoted: bool
    reason: str
    card: dict[str, Any]
    mlflow_run_id: str | None


def _log_mlflow(uri: str, version: str, card: Mapping[str, Any], path: Path, promoted: bool) -> str:
    if uri.startswith("file:") or "://" not in uri:
        # mlflow 3 keeps the file store behind an opt-in; it is what runs offline here.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    import mlflow
    from mlflow import MlflowClient

    mlflow.set_tracking_uri(uri)
    mlflow.set_experiment(EXPERIMENT)
    with mlflow.start_run(run_name=version) as run:
        mlflow.log_params({k: v for k, v in card["params"].items()})
        metrics = {
            k: float(v)
            for k, v in _flat_metrics(card.get("metrics", {})).items()
            if isinstance(v, int | float)
        }
        mlflow.log_metrics(metrics)
        mlflow.set_tags(
            {
                "model_version": version,
                "data_hash": card["data"]["hash"],
                "code_version": card["code_version"],
                "promoted": str(promoted).lower(),
            }
        )
        mlflow.log_dict(dict(card), "model_card.json")
        run_id: str = run.info.run_id
    client = MlflowClient()
    try:
        client.get_registered_model(REGISTERED_MODEL)
    except Exception:
        client.create_registered_model(REGISTERED_MODEL)
    mv = client.create_model_version(
        REGISTERED_MODEL, source=str(path.resolve()), run_id=run_id, tags={"version": version}
    )
    # the newest trained version is the challenger; the champion moves only when promoted
    client.set_registered_model_alias(REGISTERED_MODEL, "challenger", mv.version)
    if promoted:
        client.set_registered_model_alias(REGISTERED_MODEL, "champion", mv.version)
    return run_id


def move_champion_alias(uri: str, version: str) -> str | None:
    """Point the ``champion`` alias of :data:`REGISTERED_MODEL` at the model version tagged
    ``version`` (a rollback); returns its number, or ``None`` when no model version has that
    tag (the alias stays where it was)."""
    if uri.startswith("file:") or "://" not in uri:
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    tagged = [
        mv
        for mv in client.search_model_versions(f"name='{REGISTERED_MODEL}'")
        if (mv.tags or {}).get("version") == version
    ]
    if not tagged:
        return None
    newest = max(tagged, key=lambda mv: int(mv.version))
    client.set_registered_model_alias(REGISTERED_MODEL, "champion", newest.version)
    return str(newest.version)


def _flat_metrics(m: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in m.items():
        key = f"{prefix}{k}"
        if isinstance(v, Mapping):
            out.update(_flat_metrics(v, key + "."))
        else:
            out[key] = v
    return out


def train(
    utterances: Sequence[Mapping[str, Any]],
    conversations: Sequence[Mapping[str, Any]],
    registry_dir: Path,
    seed: int = 0,
    mlflow_uri: str | None = None,
    eval_utterances: Sequence[Mapping[str, Any]] | None = None,
    eval_conversations: Sequence[Mapping[str, Any]] | None = None,
    holdout_utterances: Sequence[Mapping[str, Any]] | None = None,
    holdout_conversations: Sequence[Mapping[str, Any]] | None = None,
    params: Mapping[str, Any] | None = None,
    progress: bool = True,
    version: str | None = None,
    conversion_features: str = "end",
    calibration_conversations: Sequence[Mapping[str, Any]] | None = None,
    conversion_label_noise: float | None = None,
    real_conversations: Sequence[Mapping[str, Any]] | None = None,
    real_sources: Sequence[str] | None = None,
    real_share: float = 1.0,
    real_cv: bool = True,
    conversion_calibration: str = "last",
    conversion_agent_text: bool = True,
) -> TrainResult:
    """Train all models on the given data and register the result.

    ``eval_*`` are the promotion-gate files (the new version is compared with the current
    champion on them); ``holdout_*`` are extra data reported in the model card only;
    ``calibration_conversations`` (e.g. hand-written calls) join the conversion model's
    Platt scaling, whose probabilities stay within ``conversion_label_noise`` of 0 and 1
    (default: 0.02 with real conversations, 0.05 without); ``conversion_calibration`` is
    one of :data:`ml.conversion.CALIBRATIONS` (which prefixes calibrate it, see
    :func:`ml.conversion.train_conversion_model`; ``evidence`` is calibrated at every
    point of a call).

    ``real_conversations`` (recorded or hand-written calls, ``real_sources`` naming the
    file each came from) train the conversion model next to the simulated
    ``conversations``, weighing ``real_share`` times as much in total, and calibrate it;
    with ``real_cv`` the model card gets a leave-one-source-out estimate on them
    (:mod:`ml.crossval`).
    """
    started = time.time()
    real = list(real_conversations or ())
    utt_rows = list(utterances) + customer_turn_utterances([*conversations, *real])
    if not utt_rows:
        raise ValueError("no utterance training data")
    if not conversations and not real:
        raise ValueError("no conversation training data")
    sources = list(real_sources) if real_sources is not None else ["real"] * len(real)
    if len(sources) != len(real):
        raise ValueError("one source per real conversation")
    dhash = data_hash(utterances, conversations, real)
    version = version or f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{dhash[:8]}"
    bar = tqdm(total=8, desc="ml train", disable=not progress, unit="step")
    bar.set_postfix_str("utterance models")
    utt = train_utterance_model(utt_rows, seed=seed, progress=bar)
    # The conversion stacker's utterance features come from a model that has not seen
    # the conversations' turns (cross-fitting), so it does not learn to over-trust them.
    feature_utt = utt
    if utterances and len(utt_rows) > len(utterances):
        bar.set_postfix_str("utterance features for conversion")
        feature_utt = train_utterance_model(list(utterances), seed=seed)
    bar.set_postfix_str("conversion model")
    # The probability floor: calibrated on simulated calls alone the model needs a wide
    # one (they are nearly separable); calibrated on real calls a narrow one (chosen by
    # leave-one-writer-out cross-validation on the hand-written calls, ml/README.md).
    if conversion_label_noise is not None:
        label_noise = conversion_label_noise
    else:
        label_noise = (0.02 if real else 0.05) if conversion_features == "end" else 0.0

    def fit_conversion(real_part: Sequence[Mapping[str, Any]]) -> Any:
        return train_conversion_model(
            conversations,
            utt,
            seed=seed,
            feature_utterance=feature_utt,
            feature_set=conversion_features,
            # Few semantic features: a low-capacity, sign-constrained ("end") or plain
            # logistic stacker transfers best from simulated to real calls; LightGBM is a
            # candidate only with "full".
            stacker="lr" if conversion_features == "semantic" else "auto",
            calibration_conversations=calibration_conversations,
            label_noise=label_noise,
            real_conversations=real_part,
            real_share=real_share,
            calibration_prefixes=conversion_calibration,
            agent_text=conversion_agent_text,
        )

    conv, conv_diag = fit_conversion(real)
    bar.update(1)
    real_estimate: dict[str, Any] | None = None
    if real and real_cv:
        bar.set_postfix_str("cross-validation on real calls")
        real_estimate = crossval_real(
            real, sources, lambda part: fit_conversion(part)[0], seed=seed
        )
    bar.update(1)

    from voice_agent.models.inference import (
        ModelBuyingSignalAnalyser,
        ModelConversionAnalyser,
        ModelNeedsAnalyser,
        ModelObjectionAnalyser,
    )

    analysers = {
        "objections": ModelObjectionAnalyser(utt, version),
        "needs": ModelNeedsAnalyser(utt, version),
        "buying_signal": ModelBuyingSignalAnalyser(utt, version),
        "conversion": ModelConversionAnalyser(conv, version),
    }
    bar.set_postfix_str("evaluation")
    metrics: dict[str, Any] = {}
    if real_estimate is not None:
        metrics["real_cv"] = real_estimate
    if holdout_utterances or holdout_conversations:
        metrics["holdout"] = evaluate(analysers, holdout_utterances, holdout_conversations)
    gate_report: dict[str, Any] | None = None
    if eval_utterances is not None or eval_conversations is not None:
        gate_report = evaluate(analysers, eval_utterances, eval_conversations, MIDCALL_FRACTIONS)
        metrics["gate"] = gate_report
    bar.update(1)

    card: dict[str, Any] = {
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "code_version": registry.code_version(),
        "data": {
            "hash": dhash,
            "n_utterances": len(utterances),
            "n_conversations": len(conversations),
            "n_real_conversations": len(real),
            "real_sources": {s: sources.count(s) for s in sorted(set(sources))},
            "n_utterance_rows": len(utt_rows),
            "n_conversion_prefixes": conv_diag["n_prefixes"],
        },
        "params": {"seed": seed, "conversion_features": conversion_features, **(params or {})},
        "models": {
            "utterance": {
                "rule_features": utt.use_rules,
                "rules_version": rules_version() if utt.use_rules else None,
                "features": [
                    {"analyzer": s.analyzer, "ngram_range": list(s.ngram_range), "size": s.size}
                    for s in utt.spaces.spaces
                ],
                "thresholds": {
                    k: dict(zip(h.labels, (round(float(t), 3) for t in h.thresholds), strict=True))
                    for k, h in utt.heads.items()
                },
            },
            "conversion": {
                "stacker": conv.stacker_kind,
                "feature_set": conversion_features,
                "cv_log_loss": conv_diag["cv_log_loss"],
                "features": conv.feature_names,
                "calibration": conv_diag["calibration"],
                "probability_floor": conv.floor,
                "real_share": real_share if real else None,
                "calibration_prefixes": conversion_calibration,
            },
        },
        "metrics": metrics,
        "train_seconds": round(time.time() - started, 1),
    }
    bar.set_postfix_str("saving")
    path = registry.save_version(registry_dir, version, utt, conv, card)
    bar.update(1)

    current = registry.champion_version(registry_dir)
    if current is None:
        promoted, reason = True, "no champion yet"
    elif gate_report is None:
        promoted, reason = False, f"champion {current} kept: no evaluation files for the gate"
    else:
        champ = registry.load_champion(registry_dir)
        if champ.errors:
            promoted, reason = True, f"champion {current} does not load: {champ.errors}"
        else:
            champ_report = evaluate(champ, eval_utterances, eval_conversations, MIDCALL_FRACTIONS)
            promoted, reason = registry.promotion_decision(
                headline(gate_report), headline(champ_report)
            )
            reason = f"vs {current}: {reason}"
    if promoted:
        registry.set_champion(registry_dir, version, reason=f"trained: {reason}")
    run_id = None
    if mlflow_uri:
        bar.set_postfix_str("mlflow")
        run_id = _log_mlflow(mlflow_uri, version, card, path, promoted)
    bar.update(1)
    bar.close()
    return TrainResult(version, path, promoted, reason, card, run_id)
