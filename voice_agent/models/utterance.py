"""Per-utterance text classifiers: objections, needs (multi-label) and buying signal.

One model shared by both languages (their vocabularies barely overlap), on tf-idf word
1-2 grams plus character 2-5 grams, which tolerates speech-to-text spelling noise. The
rule-based analysers' 15 scores (``voice_agent.analysis.rules``) are appended as dense
features: they were written independently of the training data, so they carry the model
where the n-grams of the synthetic data do not reach. Trained by ``ml.utterance``.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import sparse

from voice_agent.core.labels import NEEDS, OBJECTIONS, Lang
from voice_agent.models.linear import LinearHead
from voice_agent.models.textfeat import TextSpaces

KINDS = ("objections", "needs", "buying_signal")
N_RULE_FEATURES = len(OBJECTIONS) + len(NEEDS) + 1
CACHE_SIZE = 4096


def rule_features(text: str, lang: str) -> np.ndarray:
    """The rule analysers' scores for ``text``, rescaled to [0, 1]."""
    from voice_agent.analysis import rules

    lg: Lang = "es" if lang == "es" else "en"
    vals = [p for _, p in rules.score_objections(text, lg)]
    vals += [p for _, p in rules.score_needs(text, lg)]
    vals.append(rules.score_buying(text, lg))
    arr = np.asarray(vals, dtype=np.float32)
    out: np.ndarray = np.clip((arr - 0.05) / 0.9, 0.0, 1.0).astype(np.float32)
    return out


def rules_version() -> str:
    from voice_agent.analysis import rules

    return str(getattr(rules, "VERSION", "unknown"))


@dataclass(frozen=True)
class UtterancePrediction:
    objections: Mapping[str, float]
    needs: Mapping[str, float]
    buying_signal: float


class UtteranceModel:
    """The three utterance heads over one shared feature space."""

    def __init__(
        self, spaces: TextSpaces, heads: Mapping[str, LinearHead], use_rules: bool = False
    ) -> None:
        self.spaces = spaces
        self.heads = dict(heads)
        self.use_rules = use_rules
        self._cache: OrderedDict[tuple[str, str], UtterancePrediction] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def n_features(self) -> int:
        return self.spaces.size + (N_RULE_FEATURES if self.use_rules else 0)

    def __getstate__(self) -> dict[str, Any]:
        return {"spaces": self.spaces, "heads": self.heads, "use_rules": self.use_rules}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(  # type: ignore[misc]
            state["spaces"], state["heads"], bool(state.get("use_rules", False))
        )

    def vector(self, text: str, lang: str) -> tuple[np.ndarray, np.ndarray]:
        idx, vals = self.spaces.vector(text)
        if not self.use_rules:
            return idx, vals
        base = self.spaces.size
        extra_idx = np.arange(base, base + N_RULE_FEATURES, dtype=np.int64)
        return np.concatenate([idx, extra_idx]), np.concatenate([vals, rule_features(text, lang)])

    def _predict_uncached(self, text: str, lang: str) -> UtterancePrediction:
        idx, vals = self.vector(text, lang)
        obj = self.heads["objections"].predict_one(idx, vals)
        need = self.heads["needs"].predict_one(idx, vals)
        bs = self.heads["buying_signal"].predict_one(idx, vals)
        return UtterancePrediction(
            objections=dict(zip(OBJECTIONS, (float(v) for v in obj), strict=True)),
            needs=dict(zip(NEEDS, (float(v) for v in need), strict=True)),
            buying_signal=float(bs[0]),
        )

    def predict(self, text: str, lang: str) -> UtterancePrediction:
        """Probabilities for one utterance.

        Memoised, single-flight: the four analysers of one turn run in parallel threads
        on the same text, and only the first computes it (the others wait for it rather
        than repeating the work under the GIL); history turns are re-read every turn.
        """
        key = (text, lang)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        with self._lock:
            hit = self._cache.get(key)
            if hit is None:
                hit = self._predict_uncached(text, lang)
                self._cache[key] = hit
                if len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return hit

    def matrix(self, texts: Sequence[str], langs: Sequence[str]) -> sparse.csr_matrix:
        x = self.spaces.matrix(texts)
        if not self.use_rules:
            return x
        dense = np.vstack([rule_features(t, lg) for t, lg in zip(texts, langs, strict=True)])
        return sparse.hstack([x, sparse.csr_matrix(dense)], format="csr")

    def predict_many(self, texts: Sequence[str], langs: Sequence[str]) -> dict[str, np.ndarray]:
        x = self.matrix(texts, langs)
        return {k: self.heads[k].predict_matrix(x) for k in KINDS}
