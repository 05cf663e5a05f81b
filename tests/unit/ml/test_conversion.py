from __future__ import annotations

import pickle
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from ml.conversion import (
    END_FEATURES,
    SEMANTIC_FEATURES,
    _fit_stacker_signed,
    _platt,
    train_conversion_model,
)
from ml.train import TrainResult
from tests.unit.ml.sample import conversations
from voice_agent.models.conversion import last_prefix, prefixes
from voice_agent.models.linear import sigmoid
from voice_agent.models.utterance import UtteranceModel


@pytest.fixture(scope="module")
def utt(trained: TrainResult) -> UtteranceModel:
    from ml import registry

    loaded = registry.load_champion(trained.path.parent)
    model = loaded.analysers["objections"].model
    assert isinstance(model, UtteranceModel)
    return model


def test_prefixes_end_with_customer_turns() -> None:
    conv = conversations(1, 3)[0]
    prs = prefixes(conv)
    assert len(prs) == sum(t["role"] == "customer" for t in conv["turns"])
    assert all(p.turns[-1][0] == "customer" for p in prs)
    assert last_prefix(conv).turns == prs[-1].turns


def test_semantic_feature_set(utt: UtteranceModel) -> None:
    convs = conversations(80, 5)
    model, diag = train_conversion_model(convs, utt, feature_set="semantic", stacker="lr")
    assert set(model.feature_names) <= set(SEMANTIC_FEATURES)
    assert "rule_conversion_logit" in model.feature_names
    assert diag["stacker"] == "lr"
    ps = np.array([model.predict_prefix(last_prefix(c)) for c in conversations(20, 6)])
    assert ((ps > 0) & (ps < 1)).all()
    copy = pickle.loads(pickle.dumps(model))
    copy.utterance = utt
    c = conversations(1, 7)[0]
    assert copy.predict_prefix(last_prefix(c)) == pytest.approx(
        model.predict_prefix(last_prefix(c))
    )


def test_full_feature_set_without_utterance_model() -> None:
    model, _ = train_conversion_model(conversations(80, 8), None, feature_set="full")
    assert model.feature_names[:3] == ["text_customer", "text_agent", "text_last"]
    assert not any(n.startswith("obj_") for n in model.feature_names)
    p = model.predict_prefix(last_prefix(conversations(1, 9)[0]))
    assert 0.0 < p < 1.0


def test_unknown_feature_set() -> None:
    with pytest.raises(ValueError):
        train_conversion_model(conversations(40, 1), None, feature_set="everything")


def test_end_feature_set_keeps_signs_and_floor(utt: UtteranceModel) -> None:
    convs = conversations(80, 11)
    model, diag = train_conversion_model(convs, utt, feature_set="end", label_noise=0.05)
    assert model.feature_names == list(END_FEATURES)
    assert diag["stacker"] == "signed"
    assert model.stacker_kind == "lr"
    coef = model.stacker[0]
    for name, c in zip(model.feature_names, coef, strict=True):
        assert c * END_FEATURES[name] >= 0.0, name
    assert model.floor == 0.05
    ps = np.array([model.predict_prefix(last_prefix(c)) for c in conversations(30, 12)])
    assert ((ps >= 0.05 - 1e-12) & (ps <= 0.95 + 1e-12)).all()
    assert ps.max() - ps.min() > 0.3  # it still tells calls apart
    copy = pickle.loads(pickle.dumps(model))
    copy.utterance = utt
    c = conversations(1, 13)[0]
    assert copy.predict_prefix(last_prefix(c)) == pytest.approx(
        model.predict_prefix(last_prefix(c))
    )


def test_end_feature_set_with_calibration_conversations(utt: UtteranceModel) -> None:
    extra = conversations(10, 14)
    _, diag = train_conversion_model(
        conversations(60, 15), utt, feature_set="end", calibration_conversations=extra
    )
    assert diag["n_calibration_conversations"] == 10


def test_end_feature_set_needs_an_utterance_model() -> None:
    with pytest.raises(ValueError, match="utterance model"):
        train_conversion_model(conversations(40, 1), None, feature_set="end")


def test_label_noise_out_of_range(utt: UtteranceModel) -> None:
    with pytest.raises(ValueError, match="label_noise"):
        train_conversion_model(conversations(40, 1), utt, feature_set="end", label_noise=0.5)


def test_signed_stacker_holds_the_constraint() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] - x[:, 1] + rng.normal(scale=0.5, size=400) > 0).astype(int)
    w = np.ones(400)
    free = _fit_stacker_signed(x, y, w, [1, -1])[0]
    assert free[0] > 0.5 and free[1] < -0.5
    # The second feature lowers the odds, but it is constrained to a weight >= 0.
    held = _fit_stacker_signed(x, y, w, [1, 1])[0]
    assert held[0] > 0.5 and held[1] == pytest.approx(0.0, abs=1e-6)


def test_platt_floor_bounds_separable_scores() -> None:
    raw = np.linspace(-5, 5, 200)
    y = (raw > 0).astype(int)
    w = np.ones(200)
    a, b = _platt(raw, y, w, floor=0.05)
    p = 0.05 + 0.9 * sigmoid(a * raw + b)
    assert p.min() >= 0.05 and p.max() <= 0.95
    assert p[0] < 0.1 and p[-1] > 0.9
    # Smoothed targets lower the slope.
    a_smooth, _ = _platt(raw, y, w, smoothing=0.1)
    a_plain, _ = _platt(raw, y, w)
    assert 0 < a_smooth < a_plain


def test_calibration_on_all_prefixes_is_less_sharp(utt: UtteranceModel) -> None:
    convs = conversations(80, 16)
    last, _ = train_conversion_model(convs, utt, feature_set="end", label_noise=0.05)
    every, _ = train_conversion_model(
        convs, utt, feature_set="end", label_noise=0.05, calibration_prefixes="all"
    )
    assert every.stacker[0] == pytest.approx(last.stacker[0])
    assert every.platt != last.platt
    with pytest.raises(ValueError, match="calibration_prefixes"):
        train_conversion_model(convs, utt, feature_set="end", calibration_prefixes="first")


def test_real_conversations_weigh_in_and_calibrate(utt: UtteranceModel) -> None:
    sim, real = conversations(60, 17), conversations(20, 18)
    model, diag = train_conversion_model(
        sim, utt, feature_set="end", real_conversations=real, real_share=2.0
    )
    assert diag["n_real_conversations"] == 20
    # Real calls weigh real_share times the simulated ones in total.
    assert diag["real_weight"] == pytest.approx(2.0 * 60 / 20)
    plain, _ = train_conversion_model(sim, utt, feature_set="end")
    assert model.platt != plain.platt
    p = model.predict_prefix(last_prefix(real[0]))
    assert 0.0 < p < 1.0


def test_without_the_agent_head_the_agents_words_move_nothing(utt: UtteranceModel) -> None:
    """The learning loop trains without the agent-text head: what the agent said reflects
    the policy, not the caller, so the same caller words score the same after any line."""
    sim, real = conversations(60, 17), conversations(20, 18)
    with_agent, _ = train_conversion_model(sim, utt, feature_set="end", real_conversations=real)
    without, _ = train_conversion_model(
        sim, utt, feature_set="end", real_conversations=real, agent_text=False
    )
    assert "text_agent" in with_agent.feature_names
    assert "text_agent" not in without.feature_names
    call = last_prefix(real[0])
    pitch = "Executive Energy is $790 a month, built around your calendar."
    other = replace(call, turns=tuple((r, pitch if r == "agent" else t) for r, t in call.turns))
    assert other.turns != call.turns
    assert without.predict_prefix(other) == pytest.approx(without.predict_prefix(call))


def test_build_rows_marks_and_weighs_real_rows() -> None:
    from ml.conversion import build_rows

    sim, real = conversations(3, 19), conversations(2, 20)
    rows = build_rows(sim, real, real_weight=4.0)
    n_sim = sum(len(prefixes(c)) for c in sim)
    assert not rows.real[:n_sim].any() and rows.real[n_sim:].all()
    assert rows.w[:n_sim].sum() == pytest.approx(2.0 * 3)
    assert rows.w[n_sim:].sum() == pytest.approx(4.0 * 2.0 * 2)
    assert len(set(rows.groups[n_sim:].tolist())) == 2


def test_real_share_must_be_positive(utt: UtteranceModel) -> None:
    with pytest.raises(ValueError, match="real_share"):
        train_conversion_model(
            conversations(40, 1),
            utt,
            feature_set="end",
            real_conversations=conversations(8, 2),
            real_share=0.0,
        )


def test_progress_calibration_pulls_early_turns_toward_the_middle(utt: UtteranceModel) -> None:
    from ml.conversion import _platt_progress

    rng = np.random.default_rng(3)
    n = 600
    inv = 1.0 / rng.integers(1, 8, n)
    raw = rng.normal(size=n)
    # Scores mean little on the first turns and a lot at the end.
    y = (rng.random(n) < sigmoid(3.0 * raw * (1.0 - inv))).astype(int)
    (a, _b), (_c, d) = _platt_progress(raw, inv, y, np.ones(n), floor=0.02)
    assert a > 1.0 and d < -1.0  # the slope shrinks as 1/turns grows

    model, _ = train_conversion_model(
        conversations(60, 21),
        utt,
        feature_set="end",
        real_conversations=conversations(20, 22),
        calibration_prefixes="progress",
    )
    assert model.progress != (0.0, 0.0)
    p = model.predict_prefix(prefixes(conversations(1, 23)[0])[0])
    assert 0.0 < p < 1.0


def test_progress_calibration_refuses_what_it_would_ignore(utt: UtteranceModel) -> None:
    with pytest.raises(ValueError, match="progress"):
        train_conversion_model(
            conversations(40, 24),
            utt,
            feature_set="end",
            calibration_prefixes="progress",
            calibration_conversations=conversations(8, 25),
        )
    with pytest.raises(ValueError, match="progress"):
        train_conversion_model(
            conversations(40, 24),
            utt,
            feature_set="end",
            calibration_prefixes="progress",
            smoothing=0.1,
        )


def test_diagnostics_say_what_calibrated_the_model(utt: UtteranceModel) -> None:
    sim, real = conversations(60, 26), conversations(20, 27)
    _, last = train_conversion_model(sim, utt, feature_set="end", real_conversations=real)
    assert (
        last["calibration"] == "platt on out-of-fold scores of the real calls' last customer turn"
    )
    _, every = train_conversion_model(
        sim, utt, feature_set="end", real_conversations=real, calibration_prefixes="progress"
    )
    assert "every prefix" in every["calibration"] and "real calls" in every["calibration"]


def test_evidence_calibration_shrinks_middling_scores_early_and_keeps_decisive_ones() -> None:
    from ml.conversion import _platt_evidence
    from voice_agent.models.conversion import EVIDENCE_KNOT

    rng = np.random.default_rng(4)
    n = 6000
    turns = rng.integers(1, 8, n)
    inv = 1.0 / turns
    raw = rng.normal(scale=2.0, size=n)
    leave = (rng.random(n) < 0.2).astype(float)
    # A middling score means little on the first turns, unless the customer is leaving
    # (then it means "no"); a decisive one (|raw| > knot) means the same at any turn.
    middling = np.clip(raw, -EVIDENCE_KNOT, EVIDENCE_KNOT)
    tail = raw - middling
    z = 1.5 * middling * (1.0 - inv) + 2.0 * tail - 2.0 * leave
    y = (rng.random(n) < sigmoid(z)).astype(int)
    fit = _platt_evidence(raw, inv, leave, y, np.ones(n), floor=0.02)
    a, d = fit.platt[0], fit.progress[1]
    assert a > 1.0 and d < -0.5  # the slope of middling scores shrinks early
    assert fit.tails[0] > 0.0 and fit.tails[1] > 0.0  # decisive scores stay sharp
    assert fit.leave[0] < -1.0  # a goodbye with a middling score leans to "no"


def test_evidence_calibration_weighs_each_call_once(utt: UtteranceModel) -> None:
    sim, real = conversations(60, 28), conversations(20, 29)
    model, diag = train_conversion_model(
        sim,
        utt,
        feature_set="end",
        real_conversations=real,
        calibration_prefixes="evidence",
        label_noise=0.02,
    )
    assert "each call weighing 1" in diag["calibration"] and "leave" in diag["calibration"]
    assert model.tails != (0.0, 0.0) and model.progress != (0.0, 0.0)
    for pr in prefixes(conversations(1, 30)[0]):
        assert 0.02 <= model.predict_prefix(pr) <= 0.98
    # what is served is what was fitted: the pickled model predicts the same
    again = pickle.loads(pickle.dumps(model))
    again.utterance = utt
    pr = last_prefix(conversations(1, 31)[0])
    assert again.predict_prefix(pr) == pytest.approx(model.predict_prefix(pr))
    with pytest.raises(ValueError, match="evidence"):
        train_conversion_model(
            sim, utt, feature_set="end", calibration_prefixes="evidence", smoothing=0.1
        )


def test_models_pickled_before_the_tail_terms_load_without_them(utt: UtteranceModel) -> None:
    model, _ = train_conversion_model(
        conversations(60, 32), utt, feature_set="end", real_conversations=conversations(20, 33)
    )
    state = model.__getstate__()
    del state["tails"]
    old = object.__new__(type(model))
    old.__setstate__(state)
    old.utterance = utt
    pr = last_prefix(conversations(1, 34)[0])
    assert old.tails == (0.0, 0.0)
    assert old.predict_prefix(pr) == pytest.approx(model.predict_prefix(pr))


def test_heads_model_says_the_base_rate_mid_call_and_stays_sharp_at_the_end(
    utt: UtteranceModel,
) -> None:
    # In the sample calls the first two customer turns (a need, an objection) say nothing
    # about the outcome; the third decides it (bar 15% of neutral endings).
    sim, real = conversations(80, 40), conversations(60, 41)
    kw: dict[str, Any] = {
        "feature_set": "end",
        "real_conversations": real,
        "label_noise": 0.02,
    }
    heads, diag = train_conversion_model(sim, utt, calibration_prefixes="heads", **kw)
    last, _ = train_conversion_model(sim, utt, calibration_prefixes="last", **kw)
    assert heads.mid_call is not None and last.mid_call is None
    assert "mid-call head" in diag["calibration"]
    test = conversations(60, 42)
    base = float(np.mean([c["converted"] for c in real]))
    y = np.array([int(c["converted"]) for c in test])

    def at(model: Any, k: int) -> np.ndarray:
        return np.array([model.predict_prefix(prefixes(c)[k]) for c in test])

    for k in (0, 1):  # no evidence yet: about the base rate, unlike the end-calibrated model
        p_heads, p_last = at(heads, k), at(last, k)
        assert abs(float(p_heads.mean()) - base) < 0.1
        assert abs(float(p_heads.mean()) - base) < abs(float(p_last.mean()) - base)
        assert float(np.abs(p_heads - base).max()) < 0.25
    end = at(heads, 2)
    assert end[y == 1].mean() > 0.7 and end[y == 0].mean() < 0.3
    # what is served is what was fitted
    again = pickle.loads(pickle.dumps(heads))
    again.utterance = utt
    pr = prefixes(test[0])[1]
    assert again.predict_prefix(pr) == pytest.approx(heads.predict_prefix(pr))
    with pytest.raises(ValueError, match="end"):
        train_conversion_model(sim, utt, feature_set="semantic", calibration_prefixes="heads")


def test_old_models_load_without_a_mid_call_head(utt: UtteranceModel) -> None:
    model, _ = train_conversion_model(
        conversations(60, 43), utt, feature_set="end", real_conversations=conversations(20, 44)
    )
    state = model.__getstate__()
    del state["mid_call"]
    old = object.__new__(type(model))
    old.__setstate__(state)
    old.utterance = utt
    pr = last_prefix(conversations(1, 45)[0])
    assert old.mid_call is None
    assert old.predict_prefix(pr) == pytest.approx(model.predict_prefix(pr))
