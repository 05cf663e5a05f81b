"""Limits of one server process: per-key rate limits, the call admission counter, quotas.

Pure: no I/O, no event loop; every clock is injected (``monotonic`` for rates, ``wall``, in
seconds since the epoch, for the UTC day of quotas), so tests drive time by hand.

* :class:`TokenBucket` - ``rate`` tokens per second, at most ``burst`` saved up.
* :class:`RateLimiter` - one bucket per API key, the key known by :func:`key_id` only.
* :class:`SessionLimiter` - a realtime session's client events: one bucket for events, one
  for input audio counted in milliseconds of audio (so any format costs the same and a
  client streaming at real time, or replaying a recording at up to
  :data:`DEFAULT_AUDIO_SPEED` times real time, is never limited).
* :class:`CallSlots` - the concurrent calls of the instance, all transports together; a
  :class:`CallSlot` is released once, however often ``release`` is called.
* :class:`DailyQuota` - things (conversations) per key per UTC day, per instance.

The decisions are values: ``None`` when allowed, else the seconds to wait before retrying.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

Clock = Callable[[], float]

#: Seconds in a UTC day (quotas reset at midnight UTC).
DAY_S: Final = 86_400
#: ``Retry-After`` for a call refused because every slot is taken.
CAPACITY_RETRY_AFTER_S: Final = 5
#: Input audio a realtime session may send per second, in times real time.
DEFAULT_AUDIO_SPEED: Final = 20.0
#: Input audio a realtime session may send at once, in milliseconds of audio (covers a whole
#: recording sent in one go, up to a minute; the input-audio bound still applies after).
AUDIO_BURST_MS: Final = 60_000.0
#: Most buckets a :class:`RateLimiter` keeps (only valid keys get one; full ones are dropped).
MAX_BUCKETS: Final = 10_000


def key_id(key: str) -> str:
    """How a key is known in memory and logs: a prefix of its SHA-256, never the key."""
    return "k_" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:12]


def retry_after_header(seconds: float) -> str:
    """``Retry-After`` in whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))


@dataclass(slots=True)
class TokenBucket:
    """``rate`` tokens per second, at most ``burst``; starts full at ``now``."""

    rate: float
    burst: float
    tokens: float
    updated: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> TokenBucket:
        if rate <= 0 or burst <= 0:
            raise ValueError("a token bucket needs a positive rate and burst")
        return cls(rate, burst, burst, now)

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def take(self, now: float, cost: float = 1.0) -> float | None:
        """Take ``cost`` tokens: ``None`` if taken, else the seconds until they would be
        there (nothing taken). A cost above ``burst`` is charged as ``burst``."""
        self._refill(now)
        cost = min(cost, self.burst)
        if self.tokens >= cost:
            self.tokens -= cost
            return None
        return (cost - self.tokens) / self.rate

    def is_full(self, now: float) -> bool:
        self._refill(now)
        return self.tokens >= self.burst


@dataclass
class RateLimiter:
    """A token bucket per key id, all with the same rate and burst."""

    rate: float
    burst: float
    clock: Clock
    _buckets: dict[str, TokenBucket] = field(default_factory=dict)

    def take(self, key: str, cost: float = 1.0) -> float | None:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_BUCKETS:
                self._buckets = {k: b for k, b in self._buckets.items() if not b.is_full(now)}
            bucket = self._buckets[key] = TokenBucket.full(self.rate, self.burst, now)
        return bucket.take(now, cost)

    def __len__(self) -> int:
        return len(self._buckets)


@dataclass
class SessionLimiter:
    """One realtime session's client events: ``events`` (one token each) and ``audio``
    (milliseconds of input audio)."""

    clock: Clock
    events: TokenBucket
    audio: TokenBucket

    def event(self) -> float | None:
        return self.events.take(self.clock())

    def audio_ms(self, ms: float) -> float | None:
        return self.audio.take(self.clock(), ms)


class CallSlot:
    """One admitted call; :meth:`release` (or leaving the ``with`` block) frees it once."""

    __slots__ = ("_released", "_slots")

    def __init__(self, slots: CallSlots) -> None:
        self._slots = slots
        self._released = False

    def release(self) -> None:
        if not self._released:
            self._released = True
            self._slots._active -= 1

    def __enter__(self) -> CallSlot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class CallSlots:
    """At most ``limit`` concurrent calls; ``limit == 0`` admits none (an instance for the
    REST API only, or one being drained)."""

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError("the call limit cannot be negative")
        self.limit = limit
        self._active = 0

    @property
    def active(self) -> int:
        return self._active

    def free(self) -> bool:
        return self._active < self.limit

    def acquire(self) -> CallSlot | None:
        """A slot, or ``None`` when all are taken."""
        if not self.free():
            return None
        self._active += 1
        return CallSlot(self)

    def to_json(self) -> dict[str, int]:
        return {"active": self._active, "max": self.limit}


@dataclass
class DailyQuota:
    """At most ``per_day`` per key per UTC day (``0``: no limit); counted per instance."""

    per_day: int
    wall: Clock
    _day: int = -1
    _used: dict[str, int] = field(default_factory=dict)

    def _today(self) -> tuple[int, float]:
        now = self.wall()
        day = int(now // DAY_S)
        if day != self._day:
            self._day, self._used = day, {}
        return day, now

    def take(self, key: str) -> float | None:
        """Count one: ``None`` if within the quota, else the seconds until midnight UTC."""
        if self.per_day <= 0:
            return None
        day, now = self._today()
        used = self._used.get(key, 0)
        if used >= self.per_day:
            return (day + 1) * DAY_S - now
        self._used[key] = used + 1
        return None

    def refund(self, key: str) -> None:
        """Give back one taken today (the request it was for failed)."""
        self._today()
        used = self._used.get(key, 0)
        if used > 0:
            self._used[key] = used - 1

    def used(self, key: str) -> int:
        self._today()
        return self._used.get(key, 0)


@dataclass(frozen=True, slots=True)
class LimitSettings:
    """The numbers behind :class:`Limits` (from ``VOICE_AGENT_*`` settings)."""

    rest_rps: float
    rest_burst: float
    realtime_events_per_s: float
    realtime_events_burst: float
    realtime_audio_speed: float
    max_calls: int
    daily_conversations_per_key: int


class Limits:
    """Every limit of the process, sharing its clocks."""

    def __init__(self, cfg: LimitSettings, monotonic: Clock, wall: Clock) -> None:
        self.cfg = cfg
        self.clock = monotonic
        self.rest = RateLimiter(cfg.rest_rps, cfg.rest_burst, monotonic)
        self.calls = CallSlots(cfg.max_calls)
        self.conversations = DailyQuota(cfg.daily_conversations_per_key, wall)

    def session(self) -> SessionLimiter:
        """The event limits of one new realtime session."""
        now = self.clock()
        cfg = self.cfg
        return SessionLimiter(
            self.clock,
            TokenBucket.full(cfg.realtime_events_per_s, cfg.realtime_events_burst, now),
            TokenBucket.full(cfg.realtime_audio_speed * 1000.0, AUDIO_BURST_MS, now),
        )


__all__ = [
    "AUDIO_BURST_MS",
    "CAPACITY_RETRY_AFTER_S",
    "CallSlot",
    "CallSlots",
    "DailyQuota",
    "LimitSettings",
    "Limits",
    "RateLimiter",
    "SessionLimiter",
    "TokenBucket",
    "key_id",
    "retry_after_header",
]
