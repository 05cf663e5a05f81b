"""`ml benchmark-conversion`: the conversion model against a plain baseline.

Both are trained on the rows with ``"split": "train"`` and measured on ``"split": "test"``
in the same run: AUC, Brier score and ECE of the probability after the last customer turn.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ml.conversion import dialogue_text, train_baseline, train_conversion_model
from ml.data import DataError
from ml.metrics import brier, ece, roc_auc
from voice_agent.models.conversion import last_prefix


def _scores(y: np.ndarray, p: np.ndarray) -> dict[str, float | None]:
    auc = roc_auc(y, p)
    return {
        "auc": None if auc is None else round(auc, 4),
        "brier": round(brier(y, p), 4),
        "ece": round(ece(y, p), 4),
    }


def benchmark_conversion(rows: Sequence[Mapping[str, Any]], seed: int = 0) -> dict[str, Any]:
    train = [r for r in rows if r.get("split") == "train"]
    test = [r for r in rows if r.get("split") == "test"]
    if not train or not test:
        raise DataError("missing_split", "the data needs rows with split 'train' and 'test'")
    y = np.array([int(bool(r["converted"])) for r in test])
    t0 = time.time()
    model, diag = train_conversion_model(train, utterance=None, seed=seed)
    p_model = np.array([model.predict_prefix(last_prefix(r)) for r in test])
    t1 = time.time()
    base = train_baseline(train, seed=seed)
    p_base = base.predict_proba([dialogue_text(r) for r in test])[:, 1]
    t2 = time.time()
    m, b = _scores(y, p_model), _scores(y, p_base)
    return {
        "n_train": len(train),
        "n_test": len(test),
        "test_positive_rate": round(float(y.mean()), 4),
        "model": {
            **m,
            "stacker": diag["stacker"],
            "features": model.feature_names,
            "train_seconds": round(t1 - t0, 2),
        },
        "baseline": {
            **b,
            "description": "TF-IDF word 1-2 grams of the whole dialogue + logistic regression",
            "train_seconds": round(t2 - t1, 2),
        },
        "model_beats_baseline_auc": (m["auc"] or 0.0) > (b["auc"] or 0.0),
        "seed": seed,
    }
