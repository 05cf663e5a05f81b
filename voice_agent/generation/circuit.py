"""A circuit breaker for the LLM endpoint. Pure: the caller passes the time.

``closed``: requests go through; ``failures`` failures in a row open it. ``open``: no request
is sent for ``open_s`` seconds (every turn uses the playbook at once instead of waiting for
a dead endpoint's timeout). Then ``half_open``: one request goes through as a probe (the
others still use the playbook); its success closes the circuit, its failure opens it again
for another ``open_s``. A probe that never reports (its turn was cancelled) frees the slot
after ``open_s``.

Every change of state is returned to the caller as a :class:`Transition` (for its metric
and its log line); the breaker itself does no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Failures in a row that open the circuit, and how long it stays open (the settings
#: ``llm_circuit_failures`` and ``llm_circuit_open_s`` default to these).
DEFAULT_FAILURES = 5
DEFAULT_OPEN_S = 30.0

State = Literal["closed", "open", "half_open"]
STATES: tuple[State, ...] = ("closed", "open", "half_open")


@dataclass(frozen=True, slots=True)
class Transition:
    before: State
    after: State
    #: Failures in a row when it happened.
    failures: int


class CircuitBreaker:
    def __init__(self, failures: int = DEFAULT_FAILURES, open_s: float = DEFAULT_OPEN_S) -> None:
        if failures < 1:
            raise ValueError("failures must be at least 1")
        if open_s <= 0:
            raise ValueError("open_s must be positive")
        self.threshold = failures
        self.open_s = open_s
        self.state: State = "closed"
        self.failures = 0
        self._opened_at = 0.0
        self._probe_since: float | None = None

    def allow(self, now: float) -> tuple[bool, Transition | None]:
        """May a request be sent at ``now``? (and the transition this caused, if any)."""
        if self.state == "closed":
            return True, None
        if self.state == "open":
            if now - self._opened_at < self.open_s:
                return False, None
            self._probe_since = now
            return True, self._move("half_open")
        # half open: one probe at a time; a probe lost without a report frees its slot
        if self._probe_since is not None and now - self._probe_since < self.open_s:
            return False, None
        self._probe_since = now
        return True, None

    def success(self) -> Transition | None:
        self.failures = 0
        self._probe_since = None
        if self.state != "closed":
            return self._move("closed")
        return None

    def failure(self, now: float) -> Transition | None:
        self.failures += 1
        self._probe_since = None
        if self.state == "half_open" or (
            self.state == "closed" and self.failures >= self.threshold
        ):
            self._opened_at = now
            return self._move("open")
        return None

    def _move(self, state: State) -> Transition:
        t = Transition(self.state, state, self.failures)
        self.state = state
        return t


__all__ = ["DEFAULT_FAILURES", "DEFAULT_OPEN_S", "STATES", "CircuitBreaker", "State", "Transition"]
