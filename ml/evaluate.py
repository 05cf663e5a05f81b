"""Evaluation of a set of analysers (trained or rule-based) on labelled files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ml.conversion import prefixes
from ml.inference import prefix_input
from ml.metrics import brier, ece, f1_binary, f1_macro, f1_micro, f1_per_label, roc_auc
from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS
from voice_agent.core.types import AnalysisInput, BuyingSignal, Insights, LabelScore


def as_analyser_dict(obj: Any) -> dict[str, Any]:
    """Accept an AnalyserSet, a LoadedModels or a mapping kind -> analyser."""
    if isinstance(obj, Mapping):
        return dict(obj)
    if hasattr(obj, "analysers") and isinstance(obj.analysers, Mapping):
        return dict(obj.analysers)
    return {k: getattr(obj, k) for k in ("objections", "needs", "buying_signal", "conversion")}


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def _utterance_block(
    y_obj: np.ndarray,
    p_obj: np.ndarray,
    y_need: np.ndarray,
    p_need: np.ndarray,
    y_bs: np.ndarray,
    p_bs: np.ndarray,
) -> dict[str, Any]:
    return {
        "n": len(y_bs),
        "objections": {
            "macro_f1": _r(f1_macro(y_obj, p_obj)),
            "per_label_f1": {k: _r(v) for k, v in f1_per_label(y_obj, p_obj, OBJECTIONS).items()},
        },
        "needs": {
            "micro_f1": _r(f1_micro(y_need, p_need)),
            "per_label_f1": {k: _r(v) for k, v in f1_per_label(y_need, p_need, NEEDS).items()},
        },
        "buying_signal": {"f1": _r(f1_binary(y_bs, p_bs))},
    }


def evaluate_utterances(rows: Sequence[Mapping[str, Any]], analysers: Any) -> dict[str, Any]:
    an = as_analyser_dict(analysers)
    thr = DETECTION_THRESHOLD
    y_obj = np.array([[int(o in r["objections"]) for o in OBJECTIONS] for r in rows])
    y_need = np.array([[int(n in r["needs"]) for n in NEEDS] for r in rows])
    y_bs = np.array([int(bool(r["buying_signal"])) for r in rows])
    p_obj = np.zeros_like(y_obj)
    p_need = np.zeros_like(y_need)
    p_bs = np.zeros_like(y_bs)
    for i, r in enumerate(rows):
        inp = AnalysisInput(text=str(r["text"]), lang=r["lang"])
        o = an["objections"].predict(inp)
        n = an["needs"].predict(inp)
        b: BuyingSignal = an["buying_signal"].predict(inp)
        p_obj[i] = [int(float(o.get(k, 0.0)) >= thr) for k in OBJECTIONS]
        p_need[i] = [int(float(n.get(k, 0.0)) >= thr) for k in NEEDS]
        p_bs[i] = int(b.value)
    out = _utterance_block(y_obj, p_obj, y_need, p_need, y_bs, p_bs)
    langs = np.array([r["lang"] for r in rows])
    out["per_lang"] = {
        lang: _utterance_block(y_obj[m], p_obj[m], y_need[m], p_need[m], y_bs[m], p_bs[m])
        for lang in LANGS
        if (m := langs == lang).any()
    }
    return out


def _insights(an: Mapping[str, Any], inp: AnalysisInput, p_conv: float) -> Insights:
    o = an["objections"].predict(inp)
    n = an["needs"].predict(inp)
    return Insights(
        objections=tuple(LabelScore(k, float(v)) for k, v in o.items()),
        needs=tuple(LabelScore(k, float(v)) for k, v in n.items()),
        buying_signal=an["buying_signal"].predict(inp),
        conversion_probability=p_conv,
    )


def conversation_probabilities(rows: Sequence[Mapping[str, Any]], analysers: Any) -> list[float]:
    """Conversion probability after the last customer turn of each conversation, with
    ``previous`` filled with the same analysers' insights of earlier customer turns."""
    an = as_analyser_dict(analysers)
    out: list[float] = []
    for conv in rows:
        previous: list[Insights] = []
        p = 0.5
        prs = prefixes(conv)
        for pr in prs:
            base = prefix_input(pr)
            inp = AnalysisInput(
                text=base.text,
                lang=base.lang,
                history=base.history,
                profile=base.profile,
                previous=tuple(previous),
            )
            p = float(an["conversion"].predict(inp))
            if pr is not prs[-1]:
                previous.append(_insights(an, inp, p))
        out.append(p)
    return out


def _conv_block(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    return {
        "n": len(y),
        "positive_rate": _r(float(y.mean())) if len(y) else None,
        "auc": _r(roc_auc(y, p)),
        "brier": _r(brier(y, p)),
        "ece": _r(ece(y, p)),
    }


def evaluate_conversations(rows: Sequence[Mapping[str, Any]], analysers: Any) -> dict[str, Any]:
    p = np.array(conversation_probabilities(rows, analysers))
    y = np.array([int(bool(r["converted"])) for r in rows])
    out = _conv_block(y, p)
    langs = np.array([r.get("lang", "en") for r in rows])
    out["per_lang"] = {
        lang: _conv_block(y[m], p[m]) for lang in LANGS if (m := langs == lang).any()
    }
    return out


def headline(report: Mapping[str, Any]) -> dict[str, float | None]:
    """The promotion-gate metrics out of an evaluation report."""
    out: dict[str, float | None] = {}
    utt = report.get("utterances")
    if utt:
        for lang in LANGS:
            block = utt["per_lang"].get(lang)
            if block:
                out[f"objections_macro_f1_{lang}"] = block["objections"]["macro_f1"]
                out[f"needs_micro_f1_{lang}"] = block["needs"]["micro_f1"]
        out["buying_signal_f1"] = utt["buying_signal"]["f1"]
    conv = report.get("conversations")
    if conv:
        out["conversion_auc"] = conv["auc"]
        out["conversion_ece"] = conv["ece"]
    return out


def evaluate(
    analysers: Any,
    utterances: Sequence[Mapping[str, Any]] | None = None,
    conversations: Sequence[Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    report: dict[str, Any] = {}
    if utterances is not None:
        report["utterances"] = evaluate_utterances(utterances, analysers)
    if conversations is not None:
        report["conversations"] = evaluate_conversations(conversations, analysers)
    report["headline"] = headline(report)
    return report
