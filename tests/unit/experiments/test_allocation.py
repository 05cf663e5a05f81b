"""Assignment of conversations to arms: stable, fixed split by weight, and Thompson sampling
moving traffic to the better arm without ever going under the floor."""

from __future__ import annotations

import random

import pytest

from voice_agent.experiments.allocation import (
    ArmEvidence,
    choose,
    probability_best,
    shares,
    stable_unit,
)


def test_the_choice_is_stable_and_uniform() -> None:
    assert stable_unit("exp", "c1") == stable_unit("exp", "c1")
    assert stable_unit("exp", "c1") != stable_unit("other", "c1")
    values = [stable_unit("exp", f"conv-{i}") for i in range(20_000)]
    assert all(0.0 <= v < 1.0 for v in values)
    assert abs(sum(values) / len(values) - 0.5) < 0.01
    assert abs(sum(v < 0.25 for v in values) / len(values) - 0.25) < 0.015


def test_fixed_split_follows_the_weights() -> None:
    split = shares("fixed", [3.0, 1.0], [], 0.1)
    assert split == [0.75, 0.25]
    picks = [choose("exp", f"c{i}", ["a", "b"], split) for i in range(8_000)]
    assert abs(picks.count("a") / len(picks) - 0.75) < 0.02
    # the same conversation always lands in the same arm
    assert {choose("exp", "c42", ["a", "b"], split) for _ in range(5)} == {
        choose("exp", "c42", ["a", "b"], split)
    }


def test_probability_best_reads_the_evidence() -> None:
    even = probability_best([ArmEvidence(), ArmEvidence()])
    assert even[0] == pytest.approx(0.5, abs=0.02)
    clear = probability_best([ArmEvidence(200, 20), ArmEvidence(200, 60)])
    assert clear[1] > 0.999
    assert sum(clear) == pytest.approx(1.0)
    assert probability_best([ArmEvidence(10, 3), ArmEvidence(10, 4)]) == probability_best(
        [ArmEvidence(10, 3), ArmEvidence(10, 4)]
    )


def test_thompson_never_goes_below_the_floor() -> None:
    split = shares("thompson", [1, 1, 1], [ArmEvidence(500, 5), ArmEvidence(500, 250),
                                           ArmEvidence(500, 6)], 0.1)  # fmt: skip
    assert min(split) == pytest.approx(0.1, abs=1e-9)
    assert sum(split) == pytest.approx(1.0)
    assert split[1] == pytest.approx(0.8, abs=1e-3)
    # a floor larger than an even split is capped at the even split
    assert shares("thompson", [1, 1, 1], [ArmEvidence()] * 3, 0.5) == pytest.approx([1 / 3] * 3)


def test_a_seeded_simulation_moves_traffic_to_the_better_arm() -> None:
    """Simulated callers: arm b converts at 30 %, arm a at 15 %. Every 50 conversations the
    allocation is recomputed from the outcomes so far, as the server does."""
    rng = random.Random(7)
    true_rate = {"a": 0.15, "b": 0.30}
    evidence = {"a": ArmEvidence(), "b": ArmEvidence()}
    history: list[list[float]] = []
    counts = {"a": 0, "b": 0}
    for batch in range(40):
        split = shares("thompson", [1, 1], [evidence["a"], evidence["b"]], 0.1)
        history.append(split)
        for i in range(50):
            arm = choose("sim", f"{batch}-{i}", ["a", "b"], split)
            counts[arm] += 1
            won = rng.random() < true_rate[arm]
            e = evidence[arm]
            evidence[arm] = ArmEvidence(e.decided + 1, e.converted + int(won))
    assert history[0] == pytest.approx([0.5, 0.5], abs=0.02)  # no evidence: even
    assert history[-1][1] > 0.85  # the better arm has most of the traffic at the end
    assert all(min(s) >= 0.1 - 1e-9 for s in history)  # and the worse never under the floor
    assert counts["a"] >= 0.1 * 40 * 50 * 0.8  # the floor kept evidence coming for a
    assert counts["b"] > counts["a"]
