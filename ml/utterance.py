"""Per-utterance text classifiers: objections, needs (multi-label) and buying signal.

One model shared by both languages (their vocabularies barely overlap), on tf-idf word
1-2 grams plus character 2-5 grams, which tolerates speech-to-text spelling noise.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from ml.linear import LinearHead, train_head
from ml.textfeat import TextSpaces
from voice_agent.core.labels import NEEDS, OBJECTIONS

KINDS = ("objections", "needs", "buying_signal")


@dataclass(frozen=True)
class UtterancePrediction:
    objections: Mapping[str, float]
    needs: Mapping[str, float]
    buying_signal: float


class UtteranceModel:
    """The three utterance heads over one shared feature space."""

    def __init__(self, spaces: TextSpaces, heads: Mapping[str, LinearHead]) -> None:
        self.spaces = spaces
        self.heads = dict(heads)
        self._cached = lru_cache(maxsize=4096)(self._predict_uncached)

    def __getstate__(self) -> dict[str, Any]:
        return {"spaces": self.spaces, "heads": self.heads}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["spaces"], state["heads"])  # type: ignore[misc]

    def _predict_uncached(self, text: str) -> UtterancePrediction:
        idx, vals = self.spaces.vector(text)
        obj = self.heads["objections"].predict_one(idx, vals)
        need = self.heads["needs"].predict_one(idx, vals)
        bs = self.heads["buying_signal"].predict_one(idx, vals)
        return UtterancePrediction(
            objections=dict(zip(OBJECTIONS, (float(v) for v in obj), strict=True)),
            needs=dict(zip(NEEDS, (float(v) for v in need), strict=True)),
            buying_signal=float(bs[0]),
        )

    def predict(self, text: str) -> UtterancePrediction:
        """Probabilities for one utterance (memoised: history turns are re-scored often)."""
        return self._cached(text)

    def predict_many(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        x = self.spaces.matrix(texts)
        return {k: self.heads[k].predict_matrix(x) for k in KINDS}


def label_matrix(rows: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    obj = np.array([[int(lab in r["objections"]) for lab in OBJECTIONS] for r in rows])
    need = np.array([[int(lab in r["needs"]) for lab in NEEDS] for r in rows])
    bs = np.array([[int(bool(r["buying_signal"]))] for r in rows])
    return {"objections": obj, "needs": need, "buying_signal": bs}


def train_utterance_model(
    rows: Sequence[Mapping[str, Any]], seed: int = 0, c: float = 4.0, progress: Any = None
) -> UtteranceModel:
    texts = [str(r["text"]) for r in rows]
    spaces = TextSpaces.fit_default(texts)
    x = spaces.matrix(texts)
    y = label_matrix(rows)
    heads: dict[str, LinearHead] = {}
    names = {"objections": OBJECTIONS, "needs": NEEDS, "buying_signal": ("buying_signal",)}
    for kind in KINDS:
        heads[kind] = train_head(x, y[kind], names[kind], c=c, seed=seed)
        if progress is not None:
            progress.update(1)
    return UtteranceModel(spaces, heads)
