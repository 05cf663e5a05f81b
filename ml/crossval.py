"""How well the conversion model does on real calls it has not seen.

Real (recorded or hand-written) calls come from a few sources (files: call centres,
writers, months). Each source in turn is held out: the model is trained on the simulated
calls plus the other sources' real calls, and scored on the held-out source after its
calls' last customer turn. With fewer than three sources, stratified folds over the real
calls stand in for sources. The result is the honest estimate of AUC, Brier and
calibration error on new real calls, recorded in the model card.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
from sklearn.model_selection import StratifiedKFold

from ml.evaluate import MIDCALL_FRACTIONS, cut_turn
from ml.metrics import brier, ece, roc_auc
from voice_agent.models.conversion import ConversionModel, prefixes

#: Trains a conversion model on the simulated calls plus the given real calls.
Trainer = Callable[[Sequence[Mapping[str, Any]]], ConversionModel]

MIN_SOURCES = 3


def _scores(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    out: dict[str, Any] = {"n": len(y), "converted": int(y.sum())}
    if len(y) == 0:
        return out
    out["brier"] = round(brier(y, p), 4)
    out["ece"] = round(ece(y, p), 4)
    auc = roc_auc(y, p)
    out["auc"] = None if auc is None else round(auc, 4)
    return out


def crossval_real(
    real: Sequence[Mapping[str, Any]],
    sources: Sequence[str],
    train: Trainer,
    folds: int = 5,
    seed: int = 0,
    at: Sequence[float] = MIDCALL_FRACTIONS,
) -> dict[str, Any]:
    """Out-of-source predictions for every real call, and their scores after its last
    customer turn and, under ``"at"``, with the calls cut at each of ``at`` (fractions of
    their customer turns, :func:`ml.evaluate.cut_turn`).

    ``train(real_subset)`` returns a model trained on the simulated calls plus
    ``real_subset``; ``sources[i]`` names where ``real[i]`` came from.
    """
    if len(real) != len(sources):
        raise ValueError("one source per real conversation")
    y = np.array([int(bool(c["converted"])) for c in real])
    if len(set(y.tolist())) < 2:
        raise ValueError("real conversations need both outcomes for cross-validation")
    names = sorted(set(sources))
    if len(names) >= MIN_SOURCES:
        scheme = "leave-one-source-out"
        splits = [
            (
                [i for i, s in enumerate(sources) if s != name],
                [i for i, s in enumerate(sources) if s == name],
            )
            for name in names
        ]
    else:
        scheme = "stratified-folds"
        k = max(2, min(folds, int(min(y.sum(), len(y) - y.sum()))))
        skf = StratifiedKFold(k, shuffle=True, random_state=seed)
        splits = [(list(tr), list(te)) for tr, te in skf.split(np.zeros(len(y)), y)]
    # Every held-out call's probability after each of its customer turns.
    by_turn: list[list[float]] = [[] for _ in real]
    for tr, te in splits:
        model = train([real[i] for i in tr])
        for i in te:
            by_turn[i] = [model.predict_prefix(pr) for pr in prefixes(real[i])]
    p = np.array([ps[-1] for ps in by_turn])
    langs = np.array([str(c.get("lang", "en")) for c in real])
    src = np.array(list(sources))
    out = {
        "scheme": scheme,
        **_scores(y, p),
        "per_language": {
            lang: _scores(y[langs == lang], p[langs == lang]) for lang in sorted(set(langs))
        },
        "per_source": {name: _scores(y[src == name], p[src == name]) for name in names},
    }
    if at:
        out["at"] = {}
        for f in at:
            pf = np.array([ps[cut_turn(len(ps), f) - 1] for ps in by_turn])
            out["at"][f"{f:g}"] = {
                **_scores(y, pf),
                "per_language": {
                    lang: _scores(y[langs == lang], pf[langs == lang])
                    for lang in sorted(set(langs))
                },
            }
    return out
