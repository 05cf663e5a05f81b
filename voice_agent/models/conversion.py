"""Conversion probability after every customer turn, from the conversation so far.

The served model (trained by ``ml.conversion``): text scores (linear heads on tf-idf of
the customer's turns so far, the agent's turns so far and the last customer turn), state
features (turns, words, questions, objections raised and resolved, needs found, buying
signals from the utterance model, profile, language), a stacker (logistic regression or
LightGBM) over them and a calibration of its raw score into a probability.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import lightgbm as lgb
import numpy as np

from voice_agent.core.labels import NEEDS, OBJECTIONS, Lang
from voice_agent.core.types import AnalysisInput, Utterance
from voice_agent.models.closing import takes_leave
from voice_agent.models.linear import sigmoid
from voice_agent.models.textfeat import Counts, NgramSpace, add_counts
from voice_agent.models.utterance import UtteranceModel

BUDGETS = {"low": 0.0, "medium": 1.0, "mid": 1.0, "high": 2.0, "premium": 3.0}
TEXT_PARTS = ("customer", "agent", "last")


@dataclass(frozen=True)
class Prefix:
    """A conversation up to and including one customer turn."""

    turns: tuple[tuple[str, str], ...]  # (role, text)
    lang: str
    profile: Mapping[str, Any]


def prefixes(conv: Mapping[str, Any]) -> list[Prefix]:
    """Every prefix of a conversation that ends with a customer turn."""
    out: list[Prefix] = []
    turns: list[tuple[str, str]] = []
    profile = conv.get("customer_profile") or {}
    for t in conv["turns"]:
        turns.append((str(t["role"]), str(t["text"])))
        if t["role"] == "customer":
            out.append(Prefix(tuple(turns), str(conv.get("lang", "en")), profile))
    return out


def last_prefix(conv: Mapping[str, Any]) -> Prefix:
    return prefixes(conv)[-1]


def _num(v: Any) -> float:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return -1.0
    return f if math.isfinite(f) else -1.0


#: Where the ``evidence`` calibration's tail terms start, in raw (stacker log-odds) units.
#: By leave-one-writer-out on the hand-written calls cut at 0.34, 0.5 and 0.67 of their
#: customer turns, knots 1, 2 and 3 score alike; 1 had the lowest mid-call ECE.
EVIDENCE_KNOT = 1.0


@dataclass(frozen=True)
class MidCallHead:
    """The ``heads`` design's second head and its gate (fitted by
    :func:`ml.conversion.fit_mid_call_head`). The model's own calibrated probability is
    what a call's *last* customer turn says; ``mid`` calibrates what a turn that does not
    end the call says (nothing decided yet reads as about the base rate, not as a lean
    towards "no"); ``gate`` is the chance that the turn ends the call, from what a live
    call knows (:func:`gate_features`). The served probability is
    ``gate p_end + (1 - gate) p_mid``."""

    #: ``(coef, intercept, mean, scale)`` of the mid-call stacker over the model's
    #: features, or ``None``: the mid-call head reads the end head's raw score.
    stacker: tuple[Any, ...] | None
    #: Platt terms ``(a, b)`` of the mid-call head (same floor as the model's).
    platt: tuple[float, float]
    #: ``(coef, intercept, mean, scale)`` of the gate's logistic regression over
    #: :func:`gate_features`.
    gate: tuple[Any, ...]
    #: The gate's n-gram head, ``(customer weights, agent weights, bias)``: a logistic
    #: score for "this turn ends the call" from the customer's latest turn (in the
    #: model's customer space) and the agent's turn before it (in its agent space).
    gate_text: tuple[np.ndarray, np.ndarray, float]


def gate_features(p: Prefix, feats: np.ndarray, raw: float, text: float) -> np.ndarray:
    """What a live call knows about whether this turn ends it: the model's features, its
    raw end-of-call score (decisive or not), the gate's n-gram score ``text``, whether the
    customer takes leave, and how many customer turns the call has had."""
    n = customer_turns(p)
    leave = float(takes_leave(p.turns[-1][1], p.lang))
    return np.concatenate([feats, [raw, abs(raw), text, leave, 1.0 / n, math.log(n)]])


@dataclass
class ConversionModel:
    customer_space: NgramSpace
    agent_space: NgramSpace
    text_heads: dict[str, tuple[np.ndarray, float]]  # part -> (weights, bias)
    stacker_kind: str  # "lr" | "lgbm"
    stacker: Any  # (coef, intercept, mean, scale) for lr; lgb.Booster text for lgbm
    platt: tuple[float, float]
    feature_names: list[str]
    utterance: UtteranceModel | None = None
    #: Indices of the used features within the full feature vector (None: all).
    columns: np.ndarray | None = None
    #: Whether the features include the utterance model's predictions.
    utterance_features: bool = True
    #: Probability floor (and 1 - ceiling) of the calibrated output (fitted by
    #: :func:`ml.conversion._platt`).
    floor: float = 0.0
    #: Progress terms of the calibration, ``(c, d)`` in
    #: ``a raw + b + (c + d raw) / customer_turns``: early in a call a low score means
    #: "nothing decided yet", at the end it means "no" (fitted by
    #: :func:`ml.conversion._platt_progress`).
    progress: tuple[float, float] = (0.0, 0.0)
    #: Tail terms of the ``evidence`` calibration, ``(e, g)`` in
    #: ``e max(raw - k, 0) + g min(raw + k, 0)`` with ``k`` = :data:`EVIDENCE_KNOT`: the
    #: extra slope of a decisive score (a clear yes or no) over a middling one.
    tails: tuple[float, float] = (0.0, 0.0)
    #: Leave-taking terms of the ``evidence`` calibration, ``(h, m)`` in
    #: ``(h + m raw) leave``, ``leave`` being 1 when the customer's latest turn says
    #: goodbye or thanks (:func:`voice_agent.models.closing.takes_leave`): the call is ending.
    leave: tuple[float, float] = (0.0, 0.0)
    #: The mid-call head and its gate (the ``heads`` design), or ``None``.
    mid_call: MidCallHead | None = None
    _booster: Any = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if not k.startswith("_")}
        state["utterance"] = None  # stored in its own artefact, attached on load
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._booster = None
        self._lock = threading.Lock()

    @property
    def uses_utterance(self) -> bool:
        return self.utterance_features

    # -- features ---------------------------------------------------------------------
    def _text_vectors(self, p: Prefix) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        cust = [t for r, t in p.turns if r == "customer"]
        agent = [t for r, t in p.turns if r == "agent"]
        c_counts = add_counts(_cached_counts(self.customer_space, t) for t in cust)
        a_counts = add_counts(_cached_counts(self.agent_space, t) for t in agent)
        return {
            "customer": self.customer_space.weigh(c_counts),
            "agent": self.agent_space.weigh(a_counts),
            "last": self.customer_space.weigh(_cached_counts(self.customer_space, cust[-1])),
        }

    def state_features(self, p: Prefix) -> np.ndarray:
        return state_features(p, self.utterance if self.uses_utterance else None)

    def features(self, p: Prefix) -> np.ndarray:
        scores = [0.0] * len(TEXT_PARTS)
        if self.columns is None or int(self.columns.min()) < len(TEXT_PARTS):
            vecs = self._text_vectors(p)
            for j, part in enumerate(TEXT_PARTS):
                w, b = self.text_heads[part]
                idx, vals = vecs[part]
                scores[j] = float(vals @ w[idx]) + b if len(idx) else b
        full = np.concatenate([np.asarray(scores), self.state_features(p)])
        return full if self.columns is None else full[self.columns]

    # -- prediction -------------------------------------------------------------------
    def _raw(self, feats: np.ndarray) -> float:
        if self.stacker_kind == "lr":
            coef, intercept, mean, scale = self.stacker
            return float(((feats - mean) / scale) @ coef + intercept)
        booster = self._booster
        if booster is None:
            with self._lock:
                if self._booster is None:
                    self._booster = lgb.Booster(model_str=self.stacker)
                booster = self._booster
        return float(booster.predict(feats.reshape(1, -1), raw_score=True, num_threads=1)[0])

    def predict_prefix(self, p: Prefix) -> float:
        feats = self.features(p)
        raw = self._raw(feats)
        p_end = self._calibrated(p, raw)
        head = self.mid_call
        if head is None:
            return p_end
        mid_raw = raw if head.stacker is None else _linear(head.stacker, feats)
        a, b = head.platt
        p_mid = self.floor + (1.0 - 2.0 * self.floor) * float(sigmoid(np.asarray(a * mid_raw + b)))
        wc, wa, bias = head.gate_text
        (ci, cv), (ai, av) = self.ending_vectors(p)
        text = float(cv @ wc[ci]) + float(av @ wa[ai]) + bias
        g = float(sigmoid(np.asarray(_linear(head.gate, gate_features(p, feats, raw, text)))))
        return g * p_end + (1.0 - g) * p_mid

    def ending_vectors(self, p: Prefix) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
        """The tf-idf vectors of the customer's latest turn and of the agent's turn
        before it (empty when the agent has not spoken), in the model's spaces."""
        agent = [t for r, t in p.turns[:-1] if r == "agent"]
        last_agent = _cached_counts(self.agent_space, agent[-1]) if agent else {}
        return (
            self.customer_space.weigh(_cached_counts(self.customer_space, p.turns[-1][1])),
            self.agent_space.weigh(last_agent),
        )

    def _calibrated(self, p: Prefix, raw: float) -> float:
        a, b = self.platt
        c, d = self.progress
        z = a * raw + b
        if c or d:
            z += (c + d * raw) / customer_turns(p)
        e, g = self.tails
        if e or g:
            z += e * max(raw - EVIDENCE_KNOT, 0.0) + g * min(raw + EVIDENCE_KNOT, 0.0)
        h, m = self.leave
        if (h or m) and takes_leave(p.turns[-1][1], p.lang):
            z += h + m * raw
        s = float(sigmoid(np.asarray(z)))
        return self.floor + (1.0 - 2.0 * self.floor) * s


def _linear(params: tuple[Any, ...], x: np.ndarray) -> float:
    coef, intercept, mean, scale = params
    return float(((x - mean) / scale) @ coef + intercept)


def customer_turns(p: Prefix) -> int:
    return max(1, sum(1 for r, _ in p.turns if r == "customer"))


def _cached_counts(space: NgramSpace, text: str) -> Counts:
    return _COUNTS_CACHE(space, text)


@lru_cache(maxsize=8192)
def _COUNTS_CACHE(space: NgramSpace, text: str) -> Counts:
    return space.counts(text)


_RULE_CONVERSION: Any = None


def rule_conversion_logit(p: Prefix) -> float:
    """The rule-based conversion analyser's opinion (written independently of the
    training data), as log-odds."""
    global _RULE_CONVERSION
    if _RULE_CONVERSION is None:
        from voice_agent.analysis.rules import RuleConversion

        _RULE_CONVERSION = RuleConversion()
    lang: Lang = "es" if p.lang == "es" else "en"
    history = tuple(Utterance("agent" if r == "agent" else "customer", t) for r, t in p.turns[:-1])
    inp = AnalysisInput(text=p.turns[-1][1], lang=lang, history=history, profile=p.profile)
    q = min(max(float(_RULE_CONVERSION.predict(inp)), 1e-4), 1 - 1e-4)
    return math.log(q / (1 - q))


def state_features(p: Prefix, utterance: UtteranceModel | None) -> np.ndarray:
    cust = [t for r, t in p.turns if r == "customer"]
    agent = [t for r, t in p.turns if r == "agent"]
    words = [len(t.split()) for t in cust]
    prof = p.profile or {}
    budget = prof.get("budget")
    feats = [
        float(len(cust)),
        float(len(agent)),
        math.log1p(sum(words)),
        float(np.mean(words)) if words else 0.0,
        float(words[-1]) if words else 0.0,
        float(sum(t.count("?") for t in cust)),
        float(sum(t.count("?") for t in agent)),
        1.0 if p.lang == "es" else 0.0,
        _num(prof.get("age")),
        BUDGETS.get(str(budget).lower(), -1.0) if budget is not None else -1.0,
        rule_conversion_logit(p),
    ]
    if utterance is not None:
        preds = [utterance.predict(t, p.lang) for t in cust]
        obj = np.array([[pr.objections[o] for o in OBJECTIONS] for pr in preds])
        need = np.array([[pr.needs[n] for n in NEEDS] for pr in preds])
        bs = np.array([pr.buying_signal for pr in preds])
        raised = obj.max(axis=0) >= 0.5
        last = obj[-1]
        open_ = last >= 0.5
        resolved = raised & ~open_
        feats += list(obj.max(axis=0)) + list(last) + list(need.max(axis=0))
        feats += [
            float(raised.sum()),
            float(resolved.sum()),
            float(open_.sum()),
            float((need.max(axis=0) >= 0.5).sum()),
            float(bs.max()),
            float(bs[-1]),
            float(bs.mean()),
            float((bs >= 0.5).sum()),
            float(bs[-2:].max()),
        ]
    return np.asarray(feats, dtype=np.float64)
