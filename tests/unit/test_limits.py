"""Limits with a hand-driven clock: buckets, the call counter, the daily quota."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from voice_agent.limits import (
    AUDIO_BURST_MS,
    DAY_S,
    MAX_BUCKETS,
    CallSlots,
    DailyQuota,
    Limits,
    LimitSettings,
    RateLimiter,
    TokenBucket,
    key_id,
    retry_after_header,
)


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def settings(**overrides: float) -> LimitSettings:
    values: dict[str, float] = {
        "rest_rps": 200.0,
        "rest_burst": 400,
        "realtime_events_per_s": 50.0,
        "realtime_events_burst": 200,
        "realtime_audio_speed": 20.0,
        "max_calls": 16,
        "daily_conversations_per_key": 20_000,
    }
    values.update(overrides)
    return LimitSettings(
        rest_rps=values["rest_rps"],
        rest_burst=values["rest_burst"],
        realtime_events_per_s=values["realtime_events_per_s"],
        realtime_events_burst=values["realtime_events_burst"],
        realtime_audio_speed=values["realtime_audio_speed"],
        max_calls=int(values["max_calls"]),
        daily_conversations_per_key=int(values["daily_conversations_per_key"]),
    )


# -- before: nothing was limited ------------------------------------------------------------
def test_reproduce_15007_creates_in_69_s_are_refused_by_the_default_quota() -> None:
    """The probe created 15,007 conversations in 69 s with one key: with the defaults the
    REST bucket slows that to 200/s and the day's quota of 20,000 stops a runaway client."""
    clock = FakeClock(1_700_000_000.0)
    limits = Limits(settings(), clock, clock)
    kid = key_id("probe-key")
    created = refused_rate = 0
    for _ in range(69 * 1000):  # 1,000 attempts per second for 69 s
        clock.advance(0.001)
        if limits.rest.take(kid) is not None:
            refused_rate += 1
            continue
        if limits.conversations.take(kid) is None:
            created += 1
    assert refused_rate > 0
    assert created <= 400 + 200 * 69 + 1  # the burst plus the rate, never more


# -- token buckets --------------------------------------------------------------------------
def test_bucket_allows_burst_then_rate_and_says_how_long_to_wait() -> None:
    clock = FakeClock()
    bucket = TokenBucket.full(rate=2.0, burst=3.0, now=clock())
    assert [bucket.take(clock()) for _ in range(3)] == [None, None, None]
    wait = bucket.take(clock())
    assert wait == pytest.approx(0.5)
    clock.advance(0.5)
    assert bucket.take(clock()) is None
    assert bucket.take(clock()) == pytest.approx(0.5)
    clock.advance(100)  # refills to the burst, not beyond
    assert [bucket.take(clock()) is None for _ in range(4)] == [True, True, True, False]


def test_bucket_refused_take_costs_nothing_and_cost_above_burst_is_capped() -> None:
    clock = FakeClock()
    bucket = TokenBucket.full(rate=10.0, burst=5.0, now=clock())
    assert bucket.take(clock(), 4.0) is None
    assert bucket.take(clock(), 4.0) == pytest.approx(0.3)
    assert bucket.take(clock(), 1.0) is None  # the refused 4 took nothing
    clock.advance(1.0)
    assert bucket.take(clock(), 50.0) is None  # a full bucket pays for anything (capped)
    with pytest.raises(ValueError):
        TokenBucket.full(0.0, 1.0, 0.0)


def test_rate_limiter_keeps_one_bucket_per_key() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=1.0, burst=2.0, clock=clock)
    a, b = key_id("a"), key_id("b")
    assert limiter.take(a) is None and limiter.take(a) is None
    assert limiter.take(a) == pytest.approx(1.0)
    assert limiter.take(b) is None  # another key is not slowed down
    assert len(limiter) == 2


def test_rate_limiter_drops_full_buckets_when_it_holds_too_many() -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate=1.0, burst=1.0, clock=clock)
    for i in range(MAX_BUCKETS):
        limiter.take(f"k{i}")
    clock.advance(5.0)  # every bucket is full again
    limiter.take("busy")
    assert len(limiter) == 1


def test_key_id_is_a_short_hash_never_the_key() -> None:
    key = "va_secret-key-material"
    kid = key_id(key)
    assert kid.startswith("k_") and len(kid) == 14
    assert "secret" not in kid and kid == key_id(key) and kid != key_id(key + "x")


def test_retry_after_is_whole_seconds_at_least_one() -> None:
    assert retry_after_header(0.01) == "1"
    assert retry_after_header(1.2) == "2"
    assert retry_after_header(30.0) == "30"


# -- realtime sessions ----------------------------------------------------------------------
def test_audio_at_real_time_or_ten_times_is_never_limited() -> None:
    clock = FakeClock()
    session = Limits(settings(), clock, clock).session()
    for _ in range(10 * 60 * 50):  # ten minutes of 20 ms appends at 1x
        assert session.audio_ms(20.0) is None
        clock.advance(0.02)
    for _ in range(30 * 60 * 10):  # thirty minutes of 100 ms appends replayed at 10x
        assert session.audio_ms(100.0) is None
        clock.advance(0.01)


def test_audio_sent_at_once_up_to_a_minute_then_limited() -> None:
    clock = FakeClock()
    session = Limits(settings(), clock, clock).session()
    for _ in range(int(AUDIO_BURST_MS // 1000)):  # a minute in 1 s appends, no pause
        assert session.audio_ms(1000.0) is None
    wait = session.audio_ms(1000.0)
    assert wait == pytest.approx(1000.0 / (20.0 * 1000.0))


def test_session_events_limited_by_their_own_bucket() -> None:
    clock = FakeClock()
    session = Limits(settings(realtime_events_burst=3, realtime_events_per_s=1), clock, clock)
    s = session.session()
    assert [s.event() is None for _ in range(4)] == [True, True, True, False]
    assert s.audio_ms(100.0) is None  # audio has its own bucket
    clock.advance(1.0)
    assert s.event() is None


# -- calls ----------------------------------------------------------------------------------
def test_reproduce_100_idle_sessions_admits_only_the_cap() -> None:
    """100 sessions at once (the probe's 72 tts_timeouts): only ``max_calls`` admitted."""
    slots = CallSlots(16)
    held = [s for s in (slots.acquire() for _ in range(100)) if s is not None]
    assert len(held) == 16 and slots.active == 16 and not slots.free()
    assert slots.to_json() == {"active": 16, "max": 16}
    for s in held:
        s.release()
    assert slots.active == 0


def test_call_slot_releases_once_and_in_a_with_block() -> None:
    slots = CallSlots(1)
    slot = slots.acquire()
    assert slot is not None and slots.acquire() is None
    slot.release()
    slot.release()  # a second release does not free someone else's slot
    assert slots.active == 0
    with pytest.raises(RuntimeError), slots.acquire() or pytest.fail("no slot"):
        assert slots.active == 1
        raise RuntimeError("the call failed")
    assert slots.active == 0 and slots.free()


def test_zero_calls_admits_none() -> None:
    slots = CallSlots(0)
    assert slots.acquire() is None and not slots.free()
    with pytest.raises(ValueError):
        CallSlots(-1)


# -- quota ----------------------------------------------------------------------------------
def test_daily_quota_until_midnight_utc_then_reset() -> None:
    clock = FakeClock(100 * DAY_S + 3600.0)  # 01:00 UTC
    quota = DailyQuota(2, clock)
    assert quota.take("k") is None and quota.take("k") is None
    assert quota.take("k") == pytest.approx(DAY_S - 3600.0)
    assert quota.take("other") is None
    quota.refund("k")
    assert quota.used("k") == 1 and quota.take("k") is None
    clock.now = 101 * DAY_S  # midnight UTC
    assert quota.used("k") == 0 and quota.take("k") is None


def test_daily_quota_zero_is_unlimited() -> None:
    quota = DailyQuota(0, FakeClock())
    assert all(quota.take("k") is None for _ in range(1000))
