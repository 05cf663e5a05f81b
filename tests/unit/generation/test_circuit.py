"""The LLM circuit breaker's states, driven by a fake clock (the breaker takes the time)."""

from __future__ import annotations

import pytest

from voice_agent.generation.circuit import CircuitBreaker, Transition


def test_opens_after_failures_in_a_row_only() -> None:
    cb = CircuitBreaker(failures=3, open_s=10)
    assert cb.failure(0.0) is None
    assert cb.failure(1.0) is None
    assert cb.success() is None  # a success resets the count
    assert cb.failure(2.0) is None and cb.failure(3.0) is None
    assert cb.allow(3.5) == (True, None)
    assert cb.failure(4.0) == Transition("closed", "open", 3)
    assert cb.state == "open"
    assert cb.allow(5.0) == (False, None)
    assert cb.allow(13.9) == (False, None)


def test_half_open_probe_closes_or_reopens() -> None:
    cb = CircuitBreaker(failures=1, open_s=10)
    cb.failure(0.0)
    allowed, t = cb.allow(10.0)
    assert allowed and t == Transition("open", "half_open", 1)
    assert cb.allow(10.1) == (False, None)  # one probe at a time
    assert cb.failure(10.5) == Transition("half_open", "open", 2)
    assert cb.allow(15.0) == (False, None)  # open again for a full period
    allowed, t = cb.allow(20.5)
    assert allowed and t is not None and t.after == "half_open"
    assert cb.success() == Transition("half_open", "closed", 0)
    assert cb.allow(20.6) == (True, None)


def test_a_probe_that_never_reports_frees_its_slot() -> None:
    cb = CircuitBreaker(failures=1, open_s=5)
    cb.failure(0.0)
    assert cb.allow(5.0)[0]  # the probe's turn is cancelled: no success, no failure
    assert cb.allow(6.0) == (False, None)
    assert cb.allow(10.0) == (True, None)
    assert cb.state == "half_open"


@pytest.mark.parametrize(("failures", "open_s"), [(0, 1.0), (1, 0.0), (2, -1.0)])
def test_bad_settings_are_refused(failures: int, open_s: float) -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failures=failures, open_s=open_s)
