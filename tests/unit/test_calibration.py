"""Calibration counters: the bucket of a prediction, which conversations count, the counters
a recorded outcome adds to (through Orchestrator.end), and the ECE the recording rule
computes from them."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from tests.unit.test_orchestrator import make
from voice_agent import metrics
from voice_agent.calibration import (
    BUCKETS,
    BucketTotals,
    Observation,
    bucket_of,
    expected_calibration_error,
    observation,
    predicted_probability,
    record_outcome,
    totals,
)
from voice_agent.core.conversation import Conversation
from voice_agent.core.types import BuyingSignal, Insights
from voice_agent.store.sqlite import SQLiteStore

NAMES = {
    "outcomes": "voice_agent_calibration_outcomes_total",
    "predicted": "voice_agent_calibration_predicted_total",
    "converted": "voice_agent_calibration_converted_total",
}


def counters(bucket: str) -> dict[str, float]:
    out = {}
    for key, name in NAMES.items():
        value = REGISTRY.get_sample_value(name, {"bucket": bucket})
        assert value is not None, f"{name}{{bucket={bucket!r}}} not exported"
        out[key] = value
    return out


def all_counters() -> dict[str, dict[str, float]]:
    return {b: counters(b) for b in BUCKETS}


def changed(before: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """The counters that moved since ``before``, by bucket: how much."""
    after = all_counters()
    out: dict[str, dict[str, float]] = {}
    for b in BUCKETS:
        delta = {k: after[b][k] - before[b][k] for k in NAMES if after[b][k] != before[b][k]}
        if delta:
            out[b] = delta
    return out


def insights(p: float) -> Insights:
    return Insights(
        objections=(), needs=(), buying_signal=BuyingSignal(False, 0.1), conversion_probability=p
    )


def conversation(*predictions: float, outcome: bool | None = None) -> Conversation:
    conv = Conversation(id="c1", lang="en")
    conv.add_turn("agent", "Hi, this is Sam from Altura.", 1.0)
    for i, p in enumerate(predictions):
        turn = conv.add_turn("customer", f"turn {i}", 2.0 + i)
        turn.insights = insights(p)
        conv.add_turn("agent", "Tell me more.", 2.5 + i)
    if outcome is not None:
        conv.outcome = {"converted": outcome, "value": None}
    return conv


# -- buckets ----------------------------------------------------------------------------------
def test_ten_buckets_named_by_their_bounds_and_all_exported_at_import() -> None:
    assert BUCKETS == metrics.CALIBRATION_BUCKETS
    assert BUCKETS[0] == "0.0-0.1" and BUCKETS[4] == "0.4-0.5" and BUCKETS[-1] == "0.9-1.0"
    assert len(set(BUCKETS)) == 10
    all_counters()  # each bucket's three counters have a sample before any outcome


@pytest.mark.parametrize(
    ("p", "bucket"),
    [
        (0.0, "0.0-0.1"),
        (0.0999, "0.0-0.1"),
        (0.1, "0.1-0.2"),
        (0.3, "0.3-0.4"),
        (0.6, "0.6-0.7"),
        (0.7, "0.7-0.8"),
        (0.85, "0.8-0.9"),
        (0.9, "0.9-1.0"),
        (1.0, "0.9-1.0"),
        (-0.2, "0.0-0.1"),
        (1.3, "0.9-1.0"),
    ],
)
def test_bucket_of_a_probability(p: float, bucket: str) -> None:
    assert bucket_of(p) == bucket


def test_every_bucket_holds_its_middle() -> None:
    assert [bucket_of(i / 10 + 0.05) for i in range(10)] == list(BUCKETS)


def test_a_probability_that_is_not_a_number_has_no_bucket() -> None:
    with pytest.raises(ValueError):
        bucket_of(math.nan)


# -- which prediction, which conversations -------------------------------------------------------
def test_the_prediction_is_the_last_customer_turns() -> None:
    assert predicted_probability(conversation(0.2, 0.55, 0.81)) == 0.81
    assert predicted_probability(conversation()) is None  # only the agent spoke
    assert predicted_probability(conversation(math.nan)) is None
    assert predicted_probability(conversation(1.2)) == 1.0


def test_an_outcome_is_observed_against_its_prediction() -> None:
    assert observation(conversation(0.3, 0.72, outcome=True)) == Observation("0.7-0.8", 0.72, True)
    assert observation(conversation(0.05, outcome=False)) == Observation("0.0-0.1", 0.05, False)
    assert observation(conversation(0.4)) is None  # no outcome yet
    assert observation(conversation(outcome=True)) is None  # no customer turn: no prediction


def test_recording_adds_to_the_buckets_counters_only() -> None:
    before = all_counters()
    assert record_outcome(conversation(0.2, 0.83, outcome=True)) is not None
    assert record_outcome(conversation(0.87, outcome=False)) is not None
    assert record_outcome(conversation(0.15, outcome=False)) is not None
    assert record_outcome(conversation(outcome=True)) is None
    assert record_outcome(conversation(0.5)) is None
    got = changed(before)
    assert got.keys() == {"0.8-0.9", "0.1-0.2"}
    assert got["0.8-0.9"]["outcomes"] == 2 and got["0.8-0.9"]["converted"] == 1
    assert got["0.8-0.9"]["predicted"] == pytest.approx(0.83 + 0.87)
    assert got["0.1-0.2"] == {"outcomes": 1, "predicted": pytest.approx(0.15)}


# -- the ECE the recording rule computes ---------------------------------------------------------
def test_ece_is_the_sum_of_bucket_gaps_over_outcomes() -> None:
    # alerts_test.yml's window from 6 h to 12 h: instance a's 72 calls at 0.85, 14.4
    # conversions; instance b's 36 at 0.15, calibrated: the recording rule gives 0.4333
    window = [BucketTotals(72, 61.2, 14.4), BucketTotals(36, 5.4, 5.4)]
    assert expected_calibration_error(window) == pytest.approx(46.8 / 108)
    assert round(expected_calibration_error(window) or 0, 4) == 0.4333
    assert expected_calibration_error([BucketTotals(10, 8.0, 8.0)]) == 0.0
    assert expected_calibration_error([]) is None


def test_gaps_of_opposite_signs_do_not_cancel() -> None:
    # over-confident high, under-confident low: the mean prediction equals the conversion
    # rate (0.5 against 0.5), the model is still off by 0.3 on every call
    obs = [Observation("0.8-0.9", 0.8, i < 5) for i in range(10)]
    obs += [Observation("0.2-0.3", 0.2, i < 5) for i in range(10)]
    by_bucket = totals(obs)
    assert list(by_bucket) == ["0.2-0.3", "0.8-0.9"]
    high = by_bucket["0.8-0.9"]
    assert (high.outcomes, high.predicted, high.converted) == (10, pytest.approx(8.0), 5)
    assert expected_calibration_error(by_bucket.values()) == pytest.approx(0.3)


# -- through the orchestrator ---------------------------------------------------------------------
@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "va.sqlite3")
    await s.open()
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def executor() -> Iterator[ThreadPoolExecutor]:
    ex = ThreadPoolExecutor(max_workers=6, thread_name_prefix="test-calibration")
    yield ex
    ex.shutdown(wait=True)


async def test_end_counts_the_outcome_against_the_last_prediction(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="en")
    await orch.greet(conv)
    await orch.turn(conv.id, "I'm exhausted all the time.")
    await orch.turn(conv.id, "How much is it?")
    p = conv.customer_insights()[-1].conversion_probability
    before = all_counters()
    await orch.end(await orch.get(conv.id), converted=True, value=790.0)
    assert changed(before) == {
        bucket_of(p): {"outcomes": 1, "predicted": pytest.approx(p), "converted": 1}
    }

    # no customer turn (no prediction), or no outcome: not counted
    before = all_counters()
    silent = await orch.create(lang="en")
    await orch.greet(silent)
    await orch.end(silent, converted=False)
    no_outcome = await orch.create(lang="en")
    await orch.turn(no_outcome.id, "Sounds good.")
    await orch.end(await orch.get(no_outcome.id), converted=None)
    assert changed(before) == {}
