"""Evaluation of a set of analysers (trained or rule-based) on labelled files."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ml.data import DataError
from ml.metrics import brier, ece, f1_binary, f1_macro, f1_micro, f1_per_label, roc_auc
from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.analysis.reconcile import read_outright, reconcile
from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS
from voice_agent.core.types import AnalysisInput, BuyingSignal, Insights, LabelScore
from voice_agent.models.conversion import prefixes
from voice_agent.models.inference import prefix_input


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


def evaluate_utterances(
    rows: Sequence[Mapping[str, Any]], analysers: Any, *, served: bool = False
) -> dict[str, Any]:
    """Per-label F1 of the analysers' detections. ``served``: as the server answers each
    utterance as the first customer turn of a call, after the analysers' scores are
    corrected by what the turn says outright (:func:`voice_agent.analysis.reconcile`)."""
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
        if served:
            ins = reconcile(
                Insights(
                    objections=tuple(LabelScore(k, float(v)) for k, v in o.items()),
                    needs=tuple(LabelScore(k, float(v)) for k, v in n.items()),
                    buying_signal=b,
                    conversion_probability=0.5,
                ),
                read_outright(inp.text, inp.lang),
            )
            o = {s.label: s.p for s in ins.objections}
            n = {s.label: s.p for s in ins.needs}
            b = ins.buying_signal
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


def prefix_probabilities(rows: Sequence[Mapping[str, Any]], analysers: Any) -> list[list[float]]:
    """Conversion probability after every customer turn of each conversation, as the
    server computes it mid-call: the analysers see the transcript up to that turn, with
    ``previous`` filled with the same analysers' insights of earlier customer turns.
    (The server's ``reconcile`` step, which only keeps the probability from falling after
    an outright yes, is not applied: this measures the model.)"""
    an = as_analyser_dict(analysers)
    out: list[list[float]] = []
    for conv in rows:
        previous: list[Insights] = []
        ps: list[float] = []
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
            ps.append(p)
            if pr is not prs[-1]:
                previous.append(_insights(an, inp, p))
        out.append(ps)
    return out


def conversation_probabilities(rows: Sequence[Mapping[str, Any]], analysers: Any) -> list[float]:
    """Conversion probability after the last customer turn of each conversation (0.5 for
    a conversation without a customer turn)."""
    return [ps[-1] if ps else 0.5 for ps in prefix_probabilities(rows, analysers)]


def cut_turn(n_customer_turns: int, fraction: float) -> int:
    """How many customer turns a call with ``n_customer_turns`` has heard at ``fraction``
    of the call: the nearest whole number to ``fraction * n`` (halves round up), at least
    1 and at most n. A 6-turn call is cut after its customer turns 2, 3, 4 and 6 at
    0.34, 0.5, 0.67 and 1; a 5-turn call after 2, 3, 3 and 5. (``ceil`` would cut a
    6-turn call after turn 3 at both 0.34 and 0.5.)"""
    if n_customer_turns < 1:
        raise ValueError("a call without customer turns has no cut")
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    k = math.floor(fraction * n_customer_turns + 0.5 + 1e-9)
    return min(n_customer_turns, max(1, k))


def parse_fractions(text: str) -> tuple[float, ...]:
    """``"0.34,0.5,0.67,1"`` -> (0.34, 0.5, 0.67, 1.0); each in (0, 1], no repeats."""
    try:
        out = tuple(float(x) for x in text.split(","))
    except ValueError as exc:
        raise DataError("bad_argument", f"--at takes fractions like 0.34,0.5,1: {exc}") from exc
    for f in out:
        if not (math.isfinite(f) and 0.0 < f <= 1.0):
            raise DataError("bad_argument", f"--at fractions must be in (0, 1], got {f}")
    if len(set(out)) != len(out):
        raise DataError("bad_argument", f"--at repeats a fraction: {text}")
    return out


#: The points of a call the mid-call evaluation reports by default (model cards).
MIDCALL_FRACTIONS: tuple[float, ...] = (0.34, 0.5, 0.67, 1.0)

#: How the mid-call evaluation cuts calls and bins probabilities (stated in its report).
CUT_RULE = (
    "each call cut after its k-th customer turn, k = round-half-up(fraction * customer "
    "turns), 1 <= k <= customer turns; the conversion model sees the transcript up to that "
    "turn as the server does mid-call"
)
ECE_RULE = "10 equal-width bins over [0, 1], weighted by the calls in each bin"


def evaluate_at(
    rows: Sequence[Mapping[str, Any]],
    analysers: Any,
    fractions: Sequence[float],
    probabilities: Sequence[Sequence[float]] | None = None,
) -> dict[str, Any]:
    """AUC, ECE and Brier of the conversion probability with every call cut at each of
    ``fractions`` of its customer turns (:func:`cut_turn`), overall and per language.
    Conversations without a customer turn are left out."""
    probs = probabilities if probabilities is not None else prefix_probabilities(rows, analysers)
    kept = [(r, ps) for r, ps in zip(rows, probs, strict=True) if ps]
    y = np.array([int(bool(r["converted"])) for r, _ in kept])
    langs = np.array([r.get("lang", "en") for r, _ in kept])
    out: dict[str, Any] = {"cut": CUT_RULE, "ece_bins": ECE_RULE, "fractions": {}}
    for f in fractions:
        p = np.array([ps[cut_turn(len(ps), f) - 1] for _, ps in kept])
        block = _conv_block(y, p)
        block["mean_p"] = _r(float(p.mean())) if len(p) else None
        block["per_lang"] = {
            lang: _conv_block(y[m], p[m]) for lang in LANGS if (m := langs == lang).any()
        }
        out["fractions"][_fraction_key(f)] = block
    return out


def _fraction_key(f: float) -> str:
    return f"{f:g}"


def _conv_block(y: np.ndarray, p: np.ndarray) -> dict[str, Any]:
    return {
        "n": len(y),
        "positive_rate": _r(float(y.mean())) if len(y) else None,
        "auc": _r(roc_auc(y, p)),
        "brier": _r(brier(y, p)),
        "ece": _r(ece(y, p)),
    }


def evaluate_conversations(
    rows: Sequence[Mapping[str, Any]], analysers: Any, at: Sequence[float] = ()
) -> dict[str, Any]:
    """Scores after each call's last customer turn; with ``at``, also with the calls cut
    at those fractions of their customer turns (``out["at"]``, :func:`evaluate_at`)."""
    probs = prefix_probabilities(rows, analysers)
    p = np.array([ps[-1] if ps else 0.5 for ps in probs])
    y = np.array([int(bool(r["converted"])) for r in rows])
    out = _conv_block(y, p)
    langs = np.array([r.get("lang", "en") for r in rows])
    out["per_lang"] = {
        lang: _conv_block(y[m], p[m]) for lang in LANGS if (m := langs == lang).any()
    }
    if at:
        out["at"] = evaluate_at(rows, analysers, at, probs)
    return out


def headline(report: Mapping[str, Any]) -> dict[str, float | None]:
    """The promotion-gate metrics out of an evaluation report. With the calls also cut
    mid-call (``--at``), ``conversion_auc_mid``/``conversion_ece_mid`` are the lowest AUC and
    the highest ECE over the fractions below 1 (absent without them)."""
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
        mid = [
            block
            for key, block in (conv.get("at") or {}).get("fractions", {}).items()
            if float(key) < 1.0
        ]
        aucs = [b["auc"] for b in mid if b["auc"] is not None]
        eces = [b["ece"] for b in mid if b["ece"] is not None]
        # the worst point of the call: a gauge is only as honest as its worst moment
        out["conversion_auc_mid"] = min(aucs) if aucs else None
        out["conversion_ece_mid"] = max(eces) if eces else None
    return out


def evaluate(
    analysers: Any,
    utterances: Sequence[Mapping[str, Any]] | None = None,
    conversations: Sequence[Mapping[str, Any]] | None = None,
    at: Sequence[float] = (),
    *,
    served: bool = False,
) -> dict[str, Any]:
    """The report of ``voice-agent ml eval``; ``at``: fractions of the calls' customer
    turns to also score the conversion probability at (mid-call); ``served``: utterances
    scored as the server answers them (the analysers, then ``reconcile``)."""
    report: dict[str, Any] = {}
    if utterances is not None:
        report["utterances"] = evaluate_utterances(utterances, analysers, served=served)
    if conversations is not None:
        report["conversations"] = evaluate_conversations(conversations, analysers, at)
    report["headline"] = headline(report)
    return report
