"""Training of the per-utterance classifiers served by :mod:`voice_agent.models.utterance`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ml.linear import train_head
from voice_agent.core.labels import NEEDS, OBJECTIONS
from voice_agent.models.textfeat import TextSpaces
from voice_agent.models.utterance import KINDS, UtteranceModel


def label_matrix(rows: Sequence[Mapping[str, Any]]) -> dict[str, np.ndarray]:
    obj = np.array([[int(lab in r["objections"]) for lab in OBJECTIONS] for r in rows])
    need = np.array([[int(lab in r["needs"]) for lab in NEEDS] for r in rows])
    bs = np.array([[int(bool(r["buying_signal"]))] for r in rows])
    return {"objections": obj, "needs": need, "buying_signal": bs}


def train_utterance_model(
    rows: Sequence[Mapping[str, Any]],
    seed: int = 0,
    c: float = 4.0,
    progress: Any = None,
    use_rules: bool = True,
) -> UtteranceModel:
    texts = [str(r["text"]) for r in rows]
    langs = [str(r.get("lang", "en")) for r in rows]
    spaces = TextSpaces.fit_default(texts)
    model = UtteranceModel(spaces, {}, use_rules=use_rules)
    x = model.matrix(texts, langs)
    y = label_matrix(rows)
    names = {"objections": OBJECTIONS, "needs": NEEDS, "buying_signal": ("buying_signal",)}
    for kind in KINDS:
        model.heads[kind] = train_head(x, y[kind], names[kind], c=c, seed=seed, balanced=True)
        if progress is not None:
            progress.update(1)
    return model
