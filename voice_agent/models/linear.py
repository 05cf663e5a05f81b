"""Linear multi-label heads served as numpy dot products (trained by ``ml.linear``).

The decision threshold tuned in training is folded into the bias, so the served
probability crosses 0.5 exactly where the tuned threshold was: callers keep using the
shared 0.5 detection threshold.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import sparse


def sigmoid(z: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0))), dtype=np.float64)


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass
class LinearHead:
    labels: tuple[str, ...]
    weights: np.ndarray  # (n_features, n_labels) float32
    bias: np.ndarray  # (n_labels,) float64
    thresholds: np.ndarray  # tuned thresholds, already folded into bias (for the card)

    def predict_one(self, idx: np.ndarray, vals: np.ndarray) -> np.ndarray:
        z = vals @ self.weights[idx] + self.bias if len(idx) else self.bias.copy()
        return sigmoid(np.asarray(z, dtype=np.float64))

    def predict_matrix(self, x: sparse.csr_matrix) -> np.ndarray:
        return sigmoid(np.asarray(x @ self.weights, dtype=np.float64) + self.bias)
