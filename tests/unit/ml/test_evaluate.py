from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ml import registry
from ml.cli import main
from ml.data import DataError
from ml.evaluate import as_analyser_dict, cut_turn, evaluate, evaluate_at, parse_fractions
from tests.unit.ml.sample import conversations, utterances
from voice_agent.analysis.rules import rule_analysers
from voice_agent.core.types import AnalysisInput


def test_eval_report_keys(registry_root: Path) -> None:
    loaded = registry.load_champion(registry_root)
    rep = evaluate(loaded, utterances(60, 11), conversations(30, 12))
    u = rep["utterances"]
    assert set(u["objections"]) == {"macro_f1", "per_label_f1"}
    assert len(u["objections"]["per_label_f1"]) == 7
    assert "micro_f1" in u["needs"] and "f1" in u["buying_signal"]
    assert set(u["per_lang"]) == {"en", "es"}
    assert "macro_f1" in u["per_lang"]["es"]["objections"]
    c = rep["conversations"]
    for key in ("auc", "brier", "ece", "n", "per_lang"):
        assert key in c
    assert 0 <= c["ece"] <= 1 and 0 <= c["brier"] <= 1
    assert set(rep["headline"]) >= set(registry.HEADLINE_METRICS)


def test_headline_carries_the_worst_point_of_the_call(registry_root: Path) -> None:
    loaded = registry.load_champion(registry_root)
    rep = evaluate(loaded, conversations=conversations(40, 15), at=(0.34, 0.5, 0.67, 1.0))
    fractions = rep["conversations"]["at"]["fractions"]
    mid = [fractions[k] for k in ("0.34", "0.5", "0.67")]
    head = rep["headline"]
    assert head["conversion_ece_mid"] == max(b["ece"] for b in mid)
    assert head["conversion_auc_mid"] == min(b["auc"] for b in mid)
    # the end of the call is the end-of-call metric's, not the mid-call one's
    assert head["conversion_ece"] == rep["conversations"]["ece"]
    without = evaluate(loaded, conversations=conversations(40, 15))["headline"]
    assert without["conversion_ece_mid"] is None and without["conversion_auc_mid"] is None
    assert without["conversion_ece"] == head["conversion_ece"]


def test_eval_one_file_alone(registry_root: Path) -> None:
    loaded = registry.load_champion(registry_root)
    rep = evaluate(loaded, utterances=utterances(20, 13))
    assert "conversations" not in rep and "utterances" in rep
    rep = evaluate(loaded, conversations=conversations(10, 14))
    assert "utterances" not in rep and rep["conversations"]["n"] == 10


# -- mid-call evaluation (`ml eval --at`) ---------------------------------------------------


@pytest.mark.parametrize(
    ("n", "fraction", "k"),
    [
        (6, 0.34, 2),
        (6, 0.5, 3),
        (6, 0.67, 4),
        (6, 1.0, 6),
        (7, 0.34, 2),
        (7, 0.5, 4),  # 3.5 rounds up
        (7, 0.67, 5),
        (5, 0.5, 3),
        (5, 0.67, 3),
        (4, 0.34, 1),
        (3, 0.5, 2),
        (2, 0.34, 1),
        (1, 0.34, 1),  # never before the first customer turn
        (1, 1.0, 1),
    ],
)
def test_cut_turn(n: int, fraction: float, k: int) -> None:
    assert cut_turn(n, fraction) == k


@pytest.mark.parametrize(("n", "fraction"), [(0, 0.5), (4, 0.0), (4, 1.01), (4, -0.5)])
def test_cut_turn_refuses_impossible_cuts(n: int, fraction: float) -> None:
    with pytest.raises(ValueError):
        cut_turn(n, fraction)


def test_parse_fractions() -> None:
    assert parse_fractions("0.34,0.5,0.67,1") == (0.34, 0.5, 0.67, 1.0)
    for bad in ("0,0.5", "0.5,1.5", "half", "0.5,0.5", "nan"):
        with pytest.raises(DataError) as err:
            parse_fractions(bad)
        assert err.value.code == "bad_argument"


class TurnCounter:
    """A conversion analyser whose probability is (customer turns heard so far) / 10, so
    the cut each score comes from can be read off the score."""

    name = "conversion"

    def predict(self, inp: AnalysisInput) -> float:
        return (1 + sum(1 for u in inp.history if u.role == "customer")) / 10


def _call(lang: str, customer_turns: int, converted: bool) -> dict[str, Any]:
    turns: list[dict[str, str]] = []
    for i in range(customer_turns):
        turns.append({"role": "agent", "text": f"question number {i}?"})
        turns.append({"role": "customer", "text": f"answer number {i}"})
    return {"lang": lang, "converted": converted, "turns": turns}


def test_evaluate_at_cuts_and_scores_by_hand() -> None:
    rules = rule_analysers()
    analysers = {
        "objections": rules.objections,
        "needs": rules.needs,
        "buying_signal": rules.buying_signal,
        "conversion": TurnCounter(),
    }
    calls = [
        _call("en", 6, True),  # cuts 2, 3, 6 -> p .2 .3 .6
        _call("en", 3, False),  # cuts 1, 2, 3 -> p .1 .2 .3
        _call("es", 4, True),  # cuts 1, 2, 4 -> p .1 .2 .4
        _call("es", 2, False),  # cuts 1, 1, 2 -> p .1 .1 .2
    ]
    rep = evaluate_at(calls, analysers, (0.34, 0.5, 1.0))
    assert set(rep["fractions"]) == {"0.34", "0.5", "1"}
    first = rep["fractions"]["0.34"]
    # p = .2 .1 .1 .1 for y = 1 0 1 0
    assert first["n"] == 4 and first["positive_rate"] == 0.5
    assert first["mean_p"] == pytest.approx(0.125)
    assert first["auc"] == pytest.approx(0.75)  # 2 wins and 2 ties of 4 pairs
    assert first["brier"] == pytest.approx((0.64 + 0.01 + 0.81 + 0.01) / 4, abs=1e-4)
    # bin [0.1, 0.2): 3 calls, mean p .1, rate 1/3; bin [0.2, 0.3): 1 call, p .2, rate 1
    assert first["ece"] == pytest.approx((3 * abs(0.1 - 1 / 3) + 0.8) / 4, abs=1e-4)
    half = rep["fractions"]["0.5"]
    # p = .3 .2 .2 .1 for y = 1 0 1 0: wins .3>.2, .3>.1, .2>.1, tie .2=.2 -> 3.5 / 4
    assert half["auc"] == pytest.approx(0.875)
    end = rep["fractions"]["1"]
    # p = .6 .3 .4 .2 for y = 1 0 1 0: every call alone in its bin
    assert end["auc"] == pytest.approx(1.0)
    assert end["brier"] == pytest.approx((0.16 + 0.09 + 0.36 + 0.04) / 4, abs=1e-4)
    assert end["ece"] == pytest.approx((0.4 + 0.3 + 0.6 + 0.2) / 4, abs=1e-4)
    en, es = end["per_lang"]["en"], end["per_lang"]["es"]
    assert en["n"] == 2 and en["brier"] == pytest.approx((0.16 + 0.09) / 2, abs=1e-4)
    assert es["ece"] == pytest.approx((0.6 + 0.2) / 2, abs=1e-4)
    assert "round-half-up" in rep["cut"] and "10 equal-width" in rep["ece_bins"]


def test_eval_at_end_matches_the_end_of_call_scores(registry_root: Path) -> None:
    loaded = registry.load_champion(registry_root)
    rep = evaluate(loaded, conversations=conversations(24, 15), at=(0.5, 1.0))
    conv = rep["conversations"]
    end = conv["at"]["fractions"]["1"]
    for key in ("auc", "brier", "ece", "n"):
        assert end[key] == conv[key]
    assert set(conv["at"]["fractions"]["0.5"]["per_lang"]) == set(conv["per_lang"])


def eval_args(
    tmp_path: Path, registry_root: Path, kind: str, rows: list[dict[str, Any]]
) -> list[str]:
    """``ml eval`` on ``rows`` written as JSONL (``kind``: utterances or conversations)."""
    data = tmp_path / f"{kind}.jsonl"
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return ["ml", "eval", f"--{kind}", str(data), "--registry", str(registry_root), "--json"]


def test_cli_eval_at(
    registry_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = eval_args(tmp_path, registry_root, "conversations", conversations(12, 16))
    assert main(args) == 0
    assert "at" not in json.loads(capsys.readouterr().out)["conversations"]
    assert main([*args, "--at", "0.34,0.5,0.67,1"]) == 0
    at = json.loads(capsys.readouterr().out)["conversations"]["at"]
    assert list(at["fractions"]) == ["0.34", "0.5", "0.67", "1"]
    assert main([*args, "--at", "0.5,2"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "bad_argument"


# -- the served path (`ml eval --served`) -----------------------------------------------------


class SaysPrice:
    """An objections analyser that hears a price objection in every turn."""

    def predict(self, inp: AnalysisInput) -> dict[str, float]:
        return {"price": 0.9}


def test_served_scores_utterances_as_the_server_answers_them() -> None:
    """A dismissed concern and a bare price question are no objection once the turn is
    reconciled with what it says outright; a real price objection stays."""
    analysers = {**as_analyser_dict(rule_analysers()), "objections": SaysPrice()}
    rows = [
        {"lang": "en", "text": t, "objections": o, "needs": [], "buying_signal": False}
        for t, o in [
            ("money isn't the issue", []),
            ("how much is it per month?", []),
            ("it's way too expensive for me", ["price"]),
        ]
    ]
    raw = evaluate(analysers, utterances=rows)["utterances"]
    served = evaluate(analysers, utterances=rows, served=True)["utterances"]
    assert raw["objections"]["per_label_f1"]["price"] == pytest.approx(0.5)  # 1 right, 2 wrong
    assert served["objections"]["per_label_f1"]["price"] == 1.0


def test_cli_eval_served_says_so(
    registry_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = eval_args(tmp_path, registry_root, "utterances", utterances(20, 17))
    assert main(args) == 0
    assert json.loads(capsys.readouterr().out)["served"] is False
    assert main([*args, "--served"]) == 0
    assert json.loads(capsys.readouterr().out)["served"] is True
