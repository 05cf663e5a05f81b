"""Training of the conversion model served by :mod:`voice_agent.models.conversion`.

Features of a conversation prefix (ending with a customer turn):

* text scores: logistic regressions on tf-idf of the customer's turns so far, of the
  agent's turns so far and of the last customer turn (stacked out-of-fold in training);
* state: turns so far, words, questions, objections raised and resolved, needs found,
  buying signals (from the utterance model, when one is given), profile (age, budget),
  language.

A stacker (logistic regression or LightGBM, chosen by grouped cross-validation on the
training data) combines them, and Platt scaling fitted on out-of-fold predictions of the
training data calibrates the probability.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import GroupKFold

from ml.calibrations import CALIBRATIONS as CALIBRATIONS
from voice_agent.core.labels import NEEDS, OBJECTIONS
from voice_agent.models.closing import takes_leave
from voice_agent.models.conversion import (
    EVIDENCE_KNOT,
    TEXT_PARTS,
    ConversionModel,
    MidCallHead,
    Prefix,
    customer_turns,
    gate_features,
    last_prefix,
    prefixes,
    state_features,
)
from voice_agent.models.linear import sigmoid
from voice_agent.models.textfeat import NgramSpace, rows_to_csr
from voice_agent.models.utterance import UtteranceModel

#: Features that mean the same in synthetic and real calls: the rule-based opinion, the
#: budget and what the utterance models read in the customer's turns. Surface statistics
#: (turn counts, words, questions) and n-gram scores of the synthetic dialogues are left
#: out of this set: they encode how the simulator writes, not why people buy.
SEMANTIC_FEATURES: tuple[str, ...] = (
    "budget",
    "rule_conversion_logit",
    *(f"obj_last_{o}" for o in OBJECTIONS),
    "obj_max_not_interested",
    "objections_raised",
    "objections_resolved",
    "objections_open",
    "needs_found",
    "bs_max",
    "bs_last",
    "bs_count",
    "bs_last2_max",
)


#: The ``end`` feature set (the default for simulated training data) and the sign each
#: feature's weight is constrained to: the rule-based opinion plus what the utterance
#: model reads in the last customer turns, where real calls show commitment ("send me the
#: link") or a stall ("i'll think about it"), the objections still open there and how many
#: buying signals the call had. Budget, needs and surface statistics are left out: in the
#: simulator they decide outcomes far more than in human-written calls.
END_FEATURES: dict[str, int] = {
    "rule_conversion_logit": 1,
    "bs_last": 1,
    "bs_last2_max": 1,
    "obj_last_think_it_over": -1,
    "obj_last_not_interested": -1,
    "objections_open": -1,
    "bs_count": 1,
}

#: Added to :data:`END_FEATURES` when real (recorded or hand-written) conversations are
#: in the training data: the n-gram scores of the agent's turns, of the customer's turns
#: and of the customer's last turn (what was agreed: "you're booked for thursday", "go on
#: then", "it's a visa") and a needs-approval stall at the end. Learned from simulated
#: calls alone, the n-gram scores encode how the simulator writes and transfer worse than
#: the plain ``end`` set (measured by cross-validation over the hand-written calls, see
#: ml/README.md).
REAL_END_FEATURES: dict[str, int] = {
    "obj_last_needs_approval": -1,
    "text_last": 1,
    "text_agent": 1,
    "text_customer": 1,
}

FEATURE_SETS = ("end", "semantic", "full")


def state_feature_names(with_utterance: bool) -> list[str]:
    names = [
        "n_customer_turns",
        "n_agent_turns",
        "log_customer_words",
        "mean_customer_words",
        "last_customer_words",
        "customer_questions",
        "agent_questions",
        "lang_es",
        "age",
        "budget",
        "rule_conversion_logit",
    ]
    if with_utterance:
        names += [f"obj_max_{o}" for o in OBJECTIONS]
        names += [f"obj_last_{o}" for o in OBJECTIONS]
        names += [f"need_max_{n}" for n in NEEDS]
        names += [
            "objections_raised",
            "objections_resolved",
            "objections_open",
            "needs_found",
            "bs_max",
            "bs_last",
            "bs_mean",
            "bs_count",
            "bs_last2_max",
        ]
    return names


# ---------------------------------------------------------------------------------------
# Training


def _fit_text_lr(
    x: Any, y: np.ndarray, w: np.ndarray, c: float, seed: int
) -> tuple[np.ndarray, float]:
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=300, random_state=seed)
    clf.fit(x, y, sample_weight=w)
    return clf.coef_[0].astype(np.float32), float(clf.intercept_[0])


def _fit_stacker_lr(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int) -> tuple[Any, ...]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=0.5, max_iter=2000, random_state=seed)
    clf.fit((x - mean) / scale, y, sample_weight=w)
    return (clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), mean, scale)


def _fit_stacker_signed(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, signs: Sequence[int], l2: float = 1.0
) -> tuple[Any, ...]:
    """Logistic regression whose weights keep the given signs (+1: >= 0, -1: <= 0), with
    an L2 penalty; same parameters as :func:`_fit_stacker_lr` (standardised features)."""
    from scipy.optimize import minimize

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = (x - mean) / scale
    wn = w / w.sum()
    n = len(y)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        b, c = theta[0], theta[1:]
        p = sigmoid(z @ c + b)
        eps = 1e-12
        ll = -float((wn * (y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps))).sum())
        ll += 0.5 * l2 * float(c @ c) / n
        g = wn * (p - y)
        return ll, np.concatenate([[g.sum()], z.T @ g + l2 * c / n])

    bounds = [(None, None)] + [(0.0, None) if s > 0 else (None, 0.0) for s in signs]
    res = minimize(loss, np.zeros(x.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    if not res.success:
        raise RuntimeError(f"signed logistic stacker did not converge: {res.message}")
    return (np.asarray(res.x[1:], dtype=np.float64), float(res.x[0]), mean, scale)


def _lr_raw(params: tuple[Any, ...], x: np.ndarray) -> np.ndarray:
    coef, intercept, mean, scale = params
    return np.asarray(((x - mean) / scale) @ coef + intercept)


#: Relative CV log-loss gain LightGBM needs over the logistic stacker to be chosen.
LGBM_MARGIN = 0.03

LGB_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 7,
    "min_data_in_leaf": 20,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "verbose": -1,
    "num_threads": 2,
}


def _fit_stacker_lgb(x: np.ndarray, y: np.ndarray, w: np.ndarray, seed: int) -> lgb.Booster:
    params = dict(LGB_PARAMS, seed=seed)
    ds = lgb.Dataset(x, label=y, weight=w, free_raw_data=True)
    return lgb.train(params, ds, num_boost_round=150)


def _platt(
    raw: np.ndarray, y: np.ndarray, w: np.ndarray, floor: float = 0.0, smoothing: float = 0.0
) -> tuple[float, float]:
    """Platt scaling ``p = floor + (1 - 2 floor) sigmoid(a raw + b)``, by maximum
    likelihood. ``floor`` is the chance that a call ends against everything it showed
    (label noise): it keeps the probabilities off the extremes that the nearly separable
    simulated data would push them to. ``smoothing`` moves the targets from 0/1 to
    ``smoothing``/``1 - smoothing`` (each row counted with both labels), which lowers
    the slope: simulated calls are more predictable than real ones."""
    if smoothing > 0.0:
        raw = np.concatenate([raw, raw])
        w = np.concatenate([w * (1.0 - smoothing), w * smoothing])
        y = np.concatenate([y, 1 - y])
    if floor <= 0.0:
        clf = LogisticRegression(C=1e4, max_iter=1000)
        clf.fit(raw.reshape(-1, 1), y, sample_weight=w)
        return float(clf.coef_[0][0]), float(clf.intercept_[0])
    a, b = _fit_floored_logistic(np.column_stack([raw, np.ones_like(raw)]), y, w, floor)
    return a, b


def _fit_floored_logistic(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, floor: float
) -> tuple[float, ...]:
    """Weighted maximum likelihood of ``p = floor + (1 - 2 floor) sigmoid(x @ theta)``
    (no penalty), starting from ``theta = (1, 0, ...)``: the first column is the score."""
    from scipy.optimize import minimize

    wn = w / w.sum()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        s = sigmoid(x @ theta)
        p = np.clip(floor + (1.0 - 2.0 * floor) * s, 1e-12, 1 - 1e-12)
        ll = -float((wn * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum())
        # d ll / d z, with z = x @ theta
        dz = -wn * (y / p - (1 - y) / (1 - p)) * (1.0 - 2.0 * floor) * s * (1 - s)
        return ll, x.T @ dz

    theta0 = np.zeros(x.shape[1])
    theta0[0] = 1.0
    res = minimize(loss, theta0, jac=True, method="L-BFGS-B")
    if not res.success:
        raise RuntimeError(f"calibration did not converge: {res.message}")
    return tuple(float(v) for v in res.x)


#: Extra weight of each call's last prefix in the ``progress`` calibration (on top of the
#: training weights, where a call's last prefix weighs as much as all its earlier ones):
#: by leave-one-writer-out on the hand-written calls, 2 keeps the end-of-call ECE near the
#: ``last`` calibration's (0.049 vs 0.038) while mid-call ECE drops from 0.27-0.36 to 0.17-0.20.
PROGRESS_LAST_WEIGHT = 2.0


def _platt_progress(
    raw: np.ndarray, inv_turns: np.ndarray, y: np.ndarray, w: np.ndarray, floor: float
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Calibration over every prefix of a call:
    ``p = floor + (1 - 2 floor) sigmoid(a raw + b + (c + d raw) inv_turns)``, by maximum
    likelihood, ``inv_turns`` being 1 / the customer turns so far. Returns ``(a, b), (c, d)``."""
    x = np.column_stack([raw, np.ones_like(raw), inv_turns, raw * inv_turns])
    a, b, c, d = _fit_floored_logistic(x, y, w, floor)
    return (a, b), (c, d)


#: Extra weight of each call's last prefix in the ``evidence`` calibration, where a call's
#: prefixes share a weight of 1: chosen by leave-one-writer-out on the hand-written calls
#: (0, 0.1 and 0.3 tried; 0.1 had the lowest largest ECE over 0.34, 0.5, 0.67 and 1).
EVIDENCE_LAST_WEIGHT = 0.1


@dataclass(frozen=True)
class EvidenceCalibration:
    """The fitted terms of the ``evidence`` calibration (see :func:`_platt_evidence`)."""

    platt: tuple[float, float]
    progress: tuple[float, float]
    tails: tuple[float, float]
    leave: tuple[float, float]


def _platt_evidence(
    raw: np.ndarray,
    inv_turns: np.ndarray,
    leave: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    floor: float,
) -> EvidenceCalibration:
    """Calibration for every point of a call, knowing only what a live call knows (the
    customer turns so far and whether the customer is taking leave, not how many turns
    are to come): ``p = floor + (1 - 2 floor) sigmoid(a raw + b + (c + d raw) inv_turns
    + e max(raw - k, 0) + g min(raw + k, 0) + (h + m raw) leave)``, by maximum likelihood.
    Early in a call the ``1 / turns`` terms pull a middling score towards the base rate;
    the tail terms let a decisive one stay sharp; a goodbye says the call is ending, where
    a middling score means "no"."""
    hi = np.maximum(raw - EVIDENCE_KNOT, 0.0)
    lo = np.minimum(raw + EVIDENCE_KNOT, 0.0)
    x = np.column_stack(
        [raw, np.ones_like(raw), inv_turns, raw * inv_turns, hi, lo, leave, raw * leave]
    )
    a, b, c, d, e, g, h, m = _fit_floored_logistic(x, y, w, floor)
    return EvidenceCalibration((a, b), (c, d), (e, g), (h, m))


#: Design switches of the ``heads`` calibration (chosen by leave-one-writer-out on the
#: hand-written calls, see ml/README.md): whether the mid-call head has its own stacker
#: (trained on the calls' earlier customer turns) or reads the end head's raw score, and
#: the L2 strength of the gate's logistic regression (scikit-learn's C).
MID_OWN_STACKER = True
GATE_C = 1.0
#: How much more a call's last turn weighs than each of its other turns in the gate's fit
#: (above 1 the gate leans to "this turn ends the call": sharper at the end of a call).
GATE_LAST_WEIGHT = 4.0
#: The L2 strength (C) of the gate's n-gram head.
GATE_TEXT_C = 1.0


def _fit_lr_std(x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float) -> tuple[Any, ...]:
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit((x - mean) / scale, y, sample_weight=w)
    return (clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), mean, scale)


def fit_mid_call_head(
    model: ConversionModel,
    rows: _Rows,
    feats: np.ndarray,
    oof_raw: np.ndarray,
    sel: np.ndarray,
    splits: Sequence[tuple[np.ndarray, np.ndarray]],
    signs: Sequence[int],
) -> MidCallHead:
    """The ``heads`` design's mid-call head and gate (:class:`MidCallHead`), given the
    end head (``model``, already calibrated on the calls' last turns), the stacker's
    features of every training prefix, their out-of-fold end-head raw scores and ``sel``,
    the rows that calibrate (the real calls when there are any).

    The mid-call stacker (with :data:`MID_OWN_STACKER`) is trained like the end head's on
    every call's customer turns but the last, each call weighing as much as in the end
    head's training; its Platt scaling is fitted on the out-of-fold scores of the
    calibrating calls' earlier turns, each call weighing 1. The gate is a logistic
    regression for "this turn ends the call" over :func:`gate_features` of the
    calibrating rows, each call weighing 1 over its turns."""
    mid = ~rows.is_last
    per_call = np.bincount(rows.groups)[rows.groups].astype(np.float64)
    stacker: tuple[Any, ...] | None = None
    mid_raw = oof_raw
    if MID_OWN_STACKER:
        mid_raw = np.zeros(len(rows.y))
        # a call's earlier turns share its weight (they share 1 of its 2 in ``rows.w``)
        w_mid = rows.w * per_call / np.maximum(per_call - 1.0, 1.0)
        for tr, te in splits:
            tr_mid = tr[mid[tr]]
            mid_raw[te] = _lr_raw(
                _fit_stacker_signed(feats[tr_mid], rows.y[tr_mid], w_mid[tr_mid], signs),
                feats[te],
            )
        stacker = _fit_stacker_signed(feats[mid], rows.y[mid], w_mid[mid], signs)
    cal = sel & mid
    if not cal.any():
        raise ValueError("the heads calibration needs calls with more than one customer turn")
    platt = _platt(
        mid_raw[cal], rows.y[cal], 1.0 / np.maximum(per_call[cal] - 1.0, 1.0), model.floor
    )
    # The gate's n-gram head (out-of-fold scores for the gate's own fit).
    idx = np.flatnonzero(sel)
    ends = [model.ending_vectors(rows.prefixes[i]) for i in idx]
    n_c = model.customer_space.size
    xt = sparse.hstack(
        [
            rows_to_csr([c for c, _ in ends], n_c),
            rows_to_csr([a for _, a in ends], model.agent_space.size),
        ]
    ).tocsr()
    is_end = rows.is_last[idx].astype(int)
    w_gate = (1.0 + (GATE_LAST_WEIGHT - 1.0) * is_end) / per_call[idx]
    text = np.zeros(len(idx))
    k = max(2, min(5, len(set(rows.groups[idx].tolist()))))
    for tr, te in GroupKFold(n_splits=k).split(xt, is_end, rows.groups[idx]):
        wt, bt = _fit_text_lr(xt[tr], is_end[tr], w_gate[tr], GATE_TEXT_C, 0)
        text[te] = np.asarray(xt[te] @ wt) + bt
    wt, bt = _fit_text_lr(xt, is_end, w_gate, GATE_TEXT_C, 0)
    gx = np.vstack(
        [
            gate_features(rows.prefixes[i], feats[i], oof_raw[i], t)
            for i, t in zip(idx, text, strict=True)
        ]
    )
    gate = _fit_lr_std(gx, is_end, w_gate, GATE_C)
    return MidCallHead(stacker, platt, gate, (wt[:n_c], wt[n_c:], bt))


@dataclass
class _Rows:
    prefixes: list[Prefix]
    y: np.ndarray
    w: np.ndarray
    groups: np.ndarray
    is_last: np.ndarray
    #: Whether the row comes from a real (recorded or hand-written) conversation.
    real: np.ndarray


def build_rows(
    conversations: Sequence[Mapping[str, Any]],
    real_conversations: Sequence[Mapping[str, Any]] = (),
    real_weight: float = 1.0,
) -> _Rows:
    """One row per customer-turn prefix. Every conversation weighs 2 (its last prefix 1,
    the earlier ones share 1), a real one ``2 * real_weight``."""
    ps: list[Prefix] = []
    ys: list[int] = []
    ws: list[float] = []
    gs: list[int] = []
    last: list[bool] = []
    real: list[bool] = []
    tagged = [(c, False) for c in conversations] + [(c, True) for c in real_conversations]
    for g, (conv, is_real) in enumerate(tagged):
        prs = prefixes(conv)
        scale = real_weight if is_real else 1.0
        for i, pr in enumerate(prs):
            ps.append(pr)
            ys.append(int(bool(conv["converted"])))
            is_last = i == len(prs) - 1
            ws.append(scale * (1.0 + 1.0 / len(prs) if is_last else 1.0 / len(prs)))
            gs.append(g)
            last.append(is_last)
            real.append(is_real)
    return _Rows(ps, np.array(ys), np.array(ws), np.array(gs), np.array(last), np.array(real))


def train_conversion_model(
    conversations: Sequence[Mapping[str, Any]],
    utterance: UtteranceModel | None,
    seed: int = 0,
    folds: int = 5,
    text_c: float = 1.0,
    stacker: str = "auto",
    feature_utterance: UtteranceModel | None = None,
    feature_set: str = "full",
    calibration_conversations: Sequence[Mapping[str, Any]] | None = None,
    label_noise: float = 0.0,
    smoothing: float = 0.0,
    calibration_prefixes: str = "last",
    real_conversations: Sequence[Mapping[str, Any]] | None = None,
    real_share: float = 1.0,
    agent_text: bool = True,
) -> tuple[ConversionModel, dict[str, Any]]:
    """Train on every customer-turn prefix; returns the model and training diagnostics.

    ``utterance`` is the model served with this one; ``feature_utterance`` (default: the
    same) computes the utterance features of the training prefixes. Pass a model that did
    not see these conversations' turns, so the stacker learns how far to trust utterance
    predictions on text it has not seen (as at serving time), not in-sample ones.

    ``feature_set`` is ``"full"`` (text scores + all state features; for real dialogues)
    or ``"semantic"`` (:data:`SEMANTIC_FEATURES`) or ``"end"`` (:data:`END_FEATURES` with
    a sign-constrained logistic stacker; for simulated training conversations).

    Platt scaling is fitted on the out-of-fold raw scores of the last prefixes of the
    training conversations (all prefixes, weighted as in training, for ``full``/``semantic``
    or with ``calibration_prefixes="all"``: better mid-call, less sharp at the end),
    plus, when given, the last prefixes of ``calibration_conversations`` (e.g. hand-written
    calls; the two sets weigh the same in total), with ``label_noise`` as the probability floor (see
    :func:`_platt`) and ``smoothing`` of the calibration targets.

    ``real_conversations`` (recorded or hand-written calls) join the training with
    ``real_share`` times the simulated calls' total weight; with the ``end`` features they
    add :data:`REAL_END_FEATURES`, and the calibration is fitted on their out-of-fold
    scores only. ``calibration_prefixes="progress"`` fits it on every prefix with terms in
    1 / customer turns (:func:`_platt_progress`): better calibrated mid-call, a little
    less at the end of a call. ``calibration_prefixes="evidence"`` weighs every prefix of
    a call alike (each call once, its last a little more) and adds tail and leave-taking
    terms (:func:`_platt_evidence`): calibrated at every point of a call.
    """
    if feature_set not in FEATURE_SETS:
        raise ValueError(f"unknown feature_set {feature_set!r}")
    if calibration_prefixes not in CALIBRATIONS:
        raise ValueError(f"unknown calibration_prefixes {calibration_prefixes!r}")
    if calibration_prefixes in ("progress", "evidence", "heads") and (
        calibration_conversations or smoothing
    ):
        raise ValueError(
            f"{calibration_prefixes!r} calibration takes neither calibration_conversations "
            "nor smoothing"
        )
    if calibration_prefixes == "heads" and feature_set != "end":
        raise ValueError("the 'heads' calibration needs the 'end' feature set")
    if not (0.0 <= label_noise < 0.5 and 0.0 <= smoothing < 0.5):
        raise ValueError("label_noise and smoothing must be in [0, 0.5)")
    if feature_set == "end":
        if feature_utterance is None and utterance is None:
            raise ValueError("feature_set 'end' needs an utterance model")
        stacker = "signed"
    feat_utt = feature_utterance if feature_utterance is not None else utterance
    real = [c for c in real_conversations or () if prefixes(c)]
    if real and not real_share > 0.0:
        raise ValueError("real_share must be positive")
    real_weight = real_share * len(conversations) / len(real) if real and conversations else 1.0
    rows = build_rows(conversations, real, real_weight)
    if len(set(rows.y.tolist())) < 2:
        raise ValueError("conversion training data needs both converted and non-converted")
    every = [*conversations, *real]
    cust_texts = [t for c in every for r, t in _turns(c) if r == "customer"]
    agent_texts = [t for c in every for r, t in _turns(c) if r == "agent"] or [""]
    cspace = NgramSpace.fit(cust_texts, "word", (1, 2), min_df=2)
    aspace = NgramSpace.fit(agent_texts, "word", (1, 2), min_df=2)
    model = ConversionModel(cspace, aspace, {}, "lr", None, (1.0, 0.0), [], utterance)
    vecs = [model._text_vectors(p) for p in rows.prefixes]
    xs = {
        part: rows_to_csr([v[part] for v in vecs], (aspace if part == "agent" else cspace).size)
        for part in TEXT_PARTS
    }
    n_folds = max(2, min(folds, len(every) // 4))
    gkf = GroupKFold(n_splits=n_folds)
    splits = list(gkf.split(rows.y, rows.y, rows.groups))
    # Out-of-fold text scores for the stacker; full-data heads for serving.
    oof_text = np.zeros((len(rows.y), len(TEXT_PARTS)))
    for j, part in enumerate(TEXT_PARTS):
        x = xs[part]
        for tr, te in splits:
            w, b = _fit_text_lr(x[tr], rows.y[tr], rows.w[tr], text_c, seed)
            oof_text[te, j] = np.asarray(x[te] @ w) + b
        model.text_heads[part] = _fit_text_lr(x, rows.y, rows.w, text_c, seed)
    state = np.vstack([state_features(p, feat_utt) for p in rows.prefixes])
    feats = np.hstack([oof_text, state])
    names = [f"text_{p}" for p in TEXT_PARTS] + state_feature_names(feat_utt is not None)
    model.utterance_features = feat_utt is not None
    signed = dict(END_FEATURES, **(REAL_END_FEATURES if real else {}))
    if not agent_text:  # the agent's own words say what the policy did, not the caller
        signed.pop("text_agent", None)
    if feature_set == "end":
        cols = [names.index(n) for n in signed]
        model.columns = np.asarray(cols, dtype=np.int64)
        feats = feats[:, cols]
        names = [names[i] for i in cols]
    elif feature_set == "semantic":
        cols = [i for i, n in enumerate(names) if n in SEMANTIC_FEATURES]
        model.columns = np.asarray(cols, dtype=np.int64)
        feats = feats[:, cols]
        names = [names[i] for i in cols]
    model.feature_names = names
    # Choose the stacker and fit Platt scaling on out-of-fold raw scores (training data only).
    oof_raw: dict[str, np.ndarray] = {}
    kinds = ["lr", "lgbm"] if stacker == "auto" else [stacker]
    for kind in kinds:
        raw = np.zeros(len(rows.y))
        for tr, te in splits:
            if kind == "lr":
                raw[te] = _lr_raw(
                    _fit_stacker_lr(feats[tr], rows.y[tr], rows.w[tr], seed), feats[te]
                )
            elif kind == "signed":
                signs = [signed[n] for n in names]
                raw[te] = _lr_raw(
                    _fit_stacker_signed(feats[tr], rows.y[tr], rows.w[tr], signs), feats[te]
                )
            else:
                bst = _fit_stacker_lgb(feats[tr], rows.y[tr], rows.w[tr], seed)
                raw[te] = bst.predict(feats[te], raw_score=True)
        oof_raw[kind] = raw
    losses = {
        k: float(log_loss(rows.y, sigmoid(r), sample_weight=rows.w)) for k, r in oof_raw.items()
    }
    # Prefer the smoother, monotone logistic stacker unless LightGBM is clearly better:
    # synthetic training data rewards sharp trees that transfer worse to real calls.
    best = min(losses, key=lambda k: losses[k])
    if "lr" in losses and best != "lr" and losses[best] > (1.0 - LGBM_MARGIN) * losses["lr"]:
        best = "lr"
    model.stacker_kind = best
    if best == "lr":
        model.stacker = _fit_stacker_lr(feats, rows.y, rows.w, seed)
    elif best == "signed":
        model.stacker = _fit_stacker_signed(feats, rows.y, rows.w, [signed[n] for n in names])
    else:
        model.stacker = _fit_stacker_lgb(feats, rows.y, rows.w, seed).model_to_string()
    # The served model computes "lr" and "signed" stackers the same way.
    model.stacker_kind = "lgbm" if best == "lgbm" else "lr"
    n_cal = 0
    # Calibrate on real calls when there are any: they are what the model will see.
    sel = rows.real if real else np.ones(len(rows.y), dtype=bool)
    calibrated_on = "the real calls" if real else "the training calls"
    if calibration_prefixes == "evidence":
        calibration = (
            f"platt with 1/turns and tail terms on out-of-fold scores of {calibrated_on}' "
            f"every prefix, each call weighing 1 (+{EVIDENCE_LAST_WEIGHT:g} its last), "
            "with leave-taking terms"
        )
        inv = np.array([1.0 / customer_turns(p) for p in rows.prefixes])
        leave = np.array([float(takes_leave(p.turns[-1][1], p.lang)) for p in rows.prefixes])
        per_call = np.bincount(rows.groups)[rows.groups].astype(np.float64)
        fitted = _platt_evidence(
            oof_raw[best][sel],
            inv[sel],
            leave[sel],
            rows.y[sel],
            1.0 / per_call[sel] + EVIDENCE_LAST_WEIGHT * rows.is_last[sel],
            label_noise,
        )
        model.platt, model.progress = fitted.platt, fitted.progress
        model.tails, model.leave = fitted.tails, fitted.leave
    elif calibration_prefixes == "progress":
        calibration = (
            f"platt with 1/turns terms on out-of-fold scores of {calibrated_on}' every prefix"
        )
        inv = np.array([1.0 / customer_turns(p) for p in rows.prefixes])
        model.platt, model.progress = _platt_progress(
            oof_raw[best][sel],
            inv[sel],
            rows.y[sel],
            rows.w[sel] + PROGRESS_LAST_WEIGHT * rows.is_last[sel],
            label_noise,
        )
    else:
        if calibration_prefixes in ("last", "heads") and (real or feature_set == "end"):
            # Calibrate what is served: the probability after the customer's latest
            # turn, judged on the calls' outcomes (last prefixes), each call once.
            sel = sel & rows.is_last
            cal_w = np.ones(int(sel.sum()))
            calibration = f"platt on out-of-fold scores of {calibrated_on}' last customer turn"
        else:
            cal_w = rows.w[sel]
            calibration = f"platt on out-of-fold scores of {calibrated_on}' every prefix"
        cal_raw, cal_y = oof_raw[best][sel], rows.y[sel]
        if calibration_conversations:
            extra = [c for c in calibration_conversations if prefixes(c)]
            n_cal = len(extra)
            if n_cal:
                ex_raw = np.array([model._raw(model.features(last_prefix(c))) for c in extra])
                ex_y = np.array([int(bool(c["converted"])) for c in extra])
                cal_raw = np.concatenate([cal_raw, ex_raw])
                cal_y = np.concatenate([cal_y, ex_y])
                cal_w = np.concatenate([cal_w, np.full(n_cal, cal_w.sum() / n_cal)])
                calibration += f" + {n_cal} calibration conversations"
        model.platt = _platt(cal_raw, cal_y, cal_w, label_noise, smoothing)
    model.floor = label_noise
    if calibration_prefixes == "heads":
        model.mid_call = fit_mid_call_head(
            model,
            rows,
            feats,
            oof_raw[best],
            rows.real if real else np.ones(len(rows.y), dtype=bool),
            splits,
            [signed[n] for n in names],
        )
        calibration += (
            "; mid-call head on out-of-fold scores of their other customer turns (each call "
            "once), mixed by a gate for the chance the turn ends the call"
        )
    diag = {
        "stacker": best,
        "cv_log_loss": losses,
        "n_conversations": len(conversations),
        "n_real_conversations": len(real),
        "real_weight": real_weight,
        "n_prefixes": len(rows.y),
        "n_features": feats.shape[1],
        "n_calibration_conversations": n_cal,
        "calibration": calibration,
        "label_noise": label_noise,
        "smoothing": smoothing,
    }
    return model, diag


def _turns(conv: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(t["role"]), str(t["text"])) for t in conv["turns"]]


# ---------------------------------------------------------------------------------------
# Plain baseline for the persuasionforgood benchmark


def dialogue_text(conv: Mapping[str, Any]) -> str:
    return " ".join(str(t["text"]) for t in conv["turns"])


def train_baseline(conversations: Sequence[Mapping[str, Any]], seed: int = 0) -> Any:
    """TF-IDF (word 1-2 grams) of the whole dialogue + logistic regression."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(
        TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
        LogisticRegression(max_iter=2000, random_state=seed),
    )
    pipe.fit(
        [dialogue_text(c) for c in conversations], [int(c["converted"]) for c in conversations]
    )
    return pipe
