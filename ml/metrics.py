"""Evaluation metrics: F1 (binary, per label, macro, micro), ROC AUC, Brier, ECE."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _counts(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    y = np.asarray(y).astype(bool)
    pred = np.asarray(pred).astype(bool)
    return (
        float(np.sum(y & pred)),
        float(np.sum(~y & pred)),
        float(np.sum(y & ~pred)),
    )


def f1_binary(y: Sequence[int] | np.ndarray, pred: Sequence[int] | np.ndarray) -> float:
    """F1 of the positive class; 1.0 when there are no positives and none predicted."""
    tp, fp, fn = _counts(np.asarray(y), np.asarray(pred))
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def f1_per_label(y: np.ndarray, pred: np.ndarray, labels: Sequence[str]) -> dict[str, float]:
    return {lab: f1_binary(y[:, j], pred[:, j]) for j, lab in enumerate(labels)}


def f1_macro(y: np.ndarray, pred: np.ndarray) -> float:
    """Mean F1 over labels that occur in the gold data or in the predictions."""
    scores = [
        f1_binary(y[:, j], pred[:, j])
        for j in range(y.shape[1])
        if y[:, j].any() or pred[:, j].any()
    ]
    return float(np.mean(scores)) if scores else 1.0


def f1_micro(y: np.ndarray, pred: np.ndarray) -> float:
    tp, fp, fn = _counts(y.ravel(), pred.ravel())
    if tp + fp + fn == 0:
        return 1.0
    return 2 * tp / (2 * tp + fp + fn)


def roc_auc(y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray) -> float | None:
    """ROC AUC (Mann-Whitney with ties); None when only one class is present."""
    y_arr = np.asarray(y).astype(bool)
    p_arr = np.asarray(p, dtype=np.float64)
    n_pos, n_neg = int(y_arr.sum()), int((~y_arr).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(p_arr, kind="mergesort")
    ranks = np.empty(len(p_arr))
    sorted_p = p_arr[order]
    i = 0
    while i < len(sorted_p):
        j = i
        while j + 1 < len(sorted_p) and sorted_p[j + 1] == sorted_p[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[y_arr].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def brier(y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray) -> float:
    y_arr = np.asarray(y, dtype=np.float64)
    p_arr = np.asarray(p, dtype=np.float64)
    return float(np.mean((p_arr - y_arr) ** 2))


def ece(y: Sequence[int] | np.ndarray, p: Sequence[float] | np.ndarray, bins: int = 10) -> float:
    """Expected calibration error with equal-width bins over [0, 1]."""
    y_arr = np.asarray(y, dtype=np.float64)
    p_arr = np.asarray(p, dtype=np.float64)
    if len(y_arr) == 0:
        raise ValueError("ece of an empty set")
    which = np.minimum((p_arr * bins).astype(int), bins - 1)
    total = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            total += mask.sum() * abs(p_arr[mask].mean() - y_arr[mask].mean())
    return float(total / len(y_arr))
