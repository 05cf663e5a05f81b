"""The experiment report: counts, rates with Wilson intervals, P(best), turns and latency."""

from __future__ import annotations

import pytest

from voice_agent.experiments.report import build_report, wilson
from voice_agent.store.base import ExperimentRecord


def rec(cid: str, variant: str, outcome: bool | None, **kw: object) -> ExperimentRecord:
    values: dict[str, object] = {
        "customer_turns": 2,
        "agent_replies": 2,
        "reply_ms": (10.0, 20.0),
        "generator_fallbacks": 0,
        "analyser_fallback_turns": 0,
    }
    values.update(kw)
    return ExperimentRecord(cid, variant, outcome, **values)  # type: ignore[arg-type]


def test_wilson_interval_known_values() -> None:
    lo, hi = wilson(20, 100) or (0, 0)
    assert (round(lo, 4), round(hi, 4)) == (0.1334, 0.2888)
    assert wilson(0, 0) is None
    lo, hi = wilson(0, 10) or (1, 1)
    assert lo == 0.0 and 0.27 < hi < 0.28


def test_report_counts_rates_and_latency() -> None:
    records = [
        rec("1", "a", True),
        rec("2", "a", False, generator_fallbacks=1, analyser_fallback_turns=1),
        rec("3", "a", None, customer_turns=4, agent_replies=4, reply_ms=(5.0, 6.0, 7.0, 1000.0)),
        rec("4", "b", True),
        rec("5", "b", True),
        rec("6", "gone", True),
    ]
    report = build_report("exp", "fixed", ["a", "b"], records)
    a, b = report.variants
    assert (a.conversations, a.decided, a.conversions) == (3, 2, 1)
    assert a.conversion_rate == 0.5
    assert a.interval95 == wilson(1, 2)
    assert a.mean_turns == pytest.approx(8 / 3)
    assert a.analyser_fallback_rate == pytest.approx(1 / 8)
    assert a.generator_fallback_rate == pytest.approx(1 / 8)
    assert a.p95_turn_ms is not None and a.p95_turn_ms > 20
    assert (b.conversations, b.decided, b.conversions, b.conversion_rate) == (2, 2, 2, 1.0)
    assert b.p_best > a.p_best and a.p_best + b.p_best == pytest.approx(1.0)
    assert report.unknown_variant == 1
    data = report.to_json()
    assert [v["variant"] for v in data["variants"]] == ["a", "b"]  # type: ignore[index]
    assert "experiment exp (fixed)" in report.text()
    page = report.html()
    assert page.startswith("<!doctype html>") and "<svg" in page and "Experiment exp" in page


def test_an_arm_without_conversations_has_no_rates() -> None:
    report = build_report("exp", "thompson", ["a", "b"], [rec("1", "a", True)])
    b = report.variants[1]
    assert (b.conversations, b.conversion_rate, b.interval95, b.mean_turns) == (0, None, None, None)
    assert b.p95_turn_ms is None and b.generator_fallback_rate is None
