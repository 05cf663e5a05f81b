"""Calibration of the conversion model on recorded outcomes, as counters that add up across
instances.

When a conversation's outcome is recorded (converted or not), the model had predicted a
conversion probability: the one on its last customer turn
(``insights.conversion_probability``). :func:`observation` puts that prediction in one of
ten buckets (``0.0-0.1`` ... ``0.9-1.0``); :func:`record` adds the outcome to three counters
of its bucket: outcomes, the sum of the predicted probabilities, the conversions. Counters
and no state: every instance behind the load balancer exports its own, and PromQL sums their
increases over a window, so the expected calibration error of the whole fleet is

    ECE = sum over buckets |predicted sum - converted| / outcomes

(the recording rules ``voice_agent:calibration_ece:6h`` & co. in
config/prometheus/alerts.yml; :func:`expected_calibration_error` is the same sum in Python).
A conversation with no customer turn (no prediction) is not counted. Conversations of an A/B
experiment count like the others: the model predicts the same way in every arm.

Pure functions but :func:`record` (three counter increments); nothing here does I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from voice_agent import metrics
from voice_agent.core.conversation import Conversation

#: The buckets' labels, lowest first (``0.0-0.1``: 0 <= p < 0.1; the last one takes 1.0).
BUCKETS: Final = metrics.CALIBRATION_BUCKETS


@dataclass(frozen=True, slots=True)
class Observation:
    """One recorded outcome against its prediction."""

    bucket: str
    predicted: float
    converted: bool


def bucket_of(p: float) -> str:
    """The bucket of probability ``p`` (clamped to [0, 1]); ValueError when not finite."""
    if not math.isfinite(p):
        raise ValueError(f"not a probability: {p!r}")
    p = min(max(p, 0.0), 1.0)
    return BUCKETS[min(int(p * len(BUCKETS)), len(BUCKETS) - 1)]


def predicted_probability(conv: Conversation) -> float | None:
    """The conversion probability predicted on ``conv``'s last customer turn (``None``: no
    customer turn, or a prediction that is not a number)."""
    for turn in reversed(conv.turns):
        if turn.insights is not None:
            p = float(turn.insights.conversion_probability)
            return min(max(p, 0.0), 1.0) if math.isfinite(p) else None
    return None


def observation(conv: Conversation) -> Observation | None:
    """``conv``'s outcome against its prediction (``None``: no outcome, or no prediction)."""
    if conv.outcome is None:
        return None
    p = predicted_probability(conv)
    if p is None:
        return None
    return Observation(bucket_of(p), p, bool(conv.outcome.get("converted")))


def record(obs: Observation) -> None:
    """Add ``obs`` to the calibration counters."""
    metrics.CALIBRATION_OUTCOMES.labels(obs.bucket).inc()
    metrics.CALIBRATION_PREDICTED.labels(obs.bucket).inc(obs.predicted)
    if obs.converted:
        metrics.CALIBRATION_CONVERTED.labels(obs.bucket).inc()


def record_outcome(conv: Conversation) -> Observation | None:
    """Count ``conv``'s recorded outcome (call it once, when the outcome is stored); returns
    what was counted (``None``: nothing, no outcome or no prediction)."""
    obs = observation(conv)
    if obs is not None:
        record(obs)
    return obs


@dataclass(frozen=True, slots=True)
class BucketTotals:
    """What the counters of one bucket add up to (over a window, across instances)."""

    outcomes: float
    predicted: float
    converted: float


def totals(observations: Iterable[Observation]) -> dict[str, BucketTotals]:
    """The buckets' totals of ``observations`` (buckets with none are left out)."""
    acc: dict[str, list[float]] = {}
    for obs in observations:
        t = acc.setdefault(obs.bucket, [0.0, 0.0, 0.0])
        t[0] += 1
        t[1] += obs.predicted
        t[2] += 1.0 if obs.converted else 0.0
    return {b: BucketTotals(*acc[b]) for b in BUCKETS if b in acc}


def expected_calibration_error(buckets: Iterable[BucketTotals]) -> float | None:
    """sum over buckets |predicted - converted| / outcomes, as the recording rule computes it
    (``None``: no outcomes)."""
    rows = list(buckets)
    n = sum(b.outcomes for b in rows)
    if n <= 0:
        return None
    return sum(abs(b.predicted - b.converted) for b in rows) / n


__all__ = [
    "BUCKETS",
    "BucketTotals",
    "Observation",
    "bucket_of",
    "expected_calibration_error",
    "observation",
    "predicted_probability",
    "record",
    "record_outcome",
    "totals",
]
