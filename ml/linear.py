"""Training of the linear multi-label heads served by :mod:`voice_agent.models.linear`.

Each label gets a logistic regression. The decision threshold that maximises F1 on
out-of-fold predictions of the *training* data is folded into the bias, so the served
probability crosses 0.5 exactly where the tuned threshold was: callers keep using the
shared 0.5 detection threshold.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold

from voice_agent.models.linear import LinearHead, logit, sigmoid

THRESHOLD_GRID = np.round(np.arange(0.05, 0.81, 0.025), 3)


def _fit_lr(
    x: sparse.csr_matrix, y: np.ndarray, c: float, seed: int, balanced: bool = False
) -> tuple[np.ndarray, float]:
    if y.min() == y.max():
        # A label never (or always) seen: constant prediction, never detected.
        const = -8.0 if y.max() == 0 else 8.0
        return np.zeros(x.shape[1], dtype=np.float32), const
    clf = LogisticRegression(
        C=c,
        solver="liblinear",
        max_iter=200,
        random_state=seed,
        class_weight="balanced" if balanced else None,
    )
    clf.fit(x, y)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    best_t, best_f = 0.5, -1.0
    for t in THRESHOLD_GRID:
        pred = p >= t
        tp = float(np.sum(pred & (y == 1)))
        fp = float(np.sum(pred & (y == 0)))
        fn = float(np.sum(~pred & (y == 1)))
        f = 2 * tp / (2 * tp + fp + fn) if tp > 0 else 0.0
        # Prefer thresholds near 0.5 on ties (less tuned, more robust).
        if f > best_f + 1e-9 or (abs(f - best_f) <= 1e-9 and abs(t - 0.5) < abs(best_t - 0.5)):
            best_t, best_f = float(t), f
    return best_t


def train_head(
    x: sparse.csr_matrix,
    y: np.ndarray,
    labels: Sequence[str],
    c: float = 4.0,
    folds: int = 3,
    seed: int = 0,
    tune_thresholds: bool = True,
    balanced: bool = False,
) -> LinearHead:
    """Fit one logistic regression per column of ``y`` (n_rows x n_labels, 0/1)."""
    n_labels = y.shape[1]
    weights = np.zeros((x.shape[1], n_labels), dtype=np.float32)
    bias = np.zeros(n_labels, dtype=np.float64)
    thresholds = np.full(n_labels, 0.5)
    kf = KFold(n_splits=folds, shuffle=True, random_state=seed)
    for j in range(n_labels):
        yj = y[:, j].astype(np.int64)
        w, b = _fit_lr(x, yj, c, seed, balanced)
        weights[:, j] = w
        bias[j] = b
        if tune_thresholds and 0 < yj.sum() < len(yj) and len(yj) >= folds * 4:
            oof = np.zeros(len(yj))
            for tr, te in kf.split(x):
                wf, bf = _fit_lr(x[tr], yj[tr], c, seed, balanced)
                oof[te] = sigmoid(np.asarray(x[te] @ wf, dtype=np.float64) + bf)
            thresholds[j] = best_threshold(yj, oof)
            bias[j] -= logit(thresholds[j])
    return LinearHead(tuple(labels), weights, bias, thresholds)
