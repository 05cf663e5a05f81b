"""The echo canceller on real recorded speech: the agent's voice (reference) coming back
delayed, attenuated and coloured in the caller's audio, with and without the caller talking."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from tests.audio_fixtures import synthetic_clip
from voice_agent.audio.echo import EchoCanceller

RATE = 16_000
BLOCK = 320  # 20 ms, as phones send
Float32Array = npt.NDArray[np.float32]


def agent_speech() -> Float32Array:
    return np.concatenate(
        [synthetic_clip("piper_en_long").samples, synthetic_clip("piper_en_expensive").samples]
    ).astype(np.float32)


def caller_speech() -> Float32Array:
    """The caller, a little quieter than the recording (so that echo plus voice fit 16 bits)."""
    return (synthetic_clip("piper_en_short").samples * 0.7).round().astype(np.float32)


def run(ec: EchoCanceller, mic: Float32Array) -> Float32Array:
    out = [ec.process(mic[i : i + BLOCK].astype(np.int16)) for i in range(0, mic.size, BLOCK)]
    return np.concatenate(out).astype(np.float32)


def db(a: Float32Array, b: Float32Array) -> float:
    return float(10 * np.log10(np.dot(a, a) / max(1.0, float(np.dot(b, b)))))


def corr(a: Float32Array, b: Float32Array) -> float:
    return float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))


def echo_call(
    delay_ms: int, gain_db: float, *, colour: Float32Array | None = None, caller_at_s: float = 0
) -> tuple[EchoCanceller, Float32Array, Float32Array, Float32Array]:
    """The reference given at 0.1 s; the caller's device plays it 60 ms later than that
    (unknown to the canceller); the echo comes back ``delay_ms`` later, ``gain_db`` down,
    optionally filtered by ``colour``; the caller may speak at ``caller_at_s``."""
    agent = agent_speech()
    n = RATE * 10
    given, played_at = 1_600, 1_600 + 960
    played = np.zeros(n, np.float32)
    played[played_at : played_at + agent.size] = agent[: n - played_at]
    echo = np.zeros(n, np.float32)
    d = delay_ms * RATE // 1000
    echo[d:] = played[:-d] * np.float32(10 ** (gain_db / 20))
    if colour is not None:
        echo = np.convolve(echo, colour)[:n].astype(np.float32)
    near = np.zeros(n, np.float32)
    if caller_at_s:
        said = caller_speech()
        at = int(caller_at_s * RATE)
        near[at : at + said.size] = said
    ec = EchoCanceller()
    ec.reference(given, agent)
    return ec, echo + near, echo, near


@pytest.mark.parametrize(("delay_ms", "gain_db"), [(80, -6.0), (250, -6.0), (150, -20.0)])
def test_the_echo_is_removed(delay_ms: int, gain_db: float) -> None:
    ec, mic, echo, _ = echo_call(delay_ms, gain_db)
    out = run(ec, mic)
    later = slice(RATE * 2, RATE * 6)  # after the first second of echo
    assert db(echo[later], out[later]) >= 25.0
    stats = ec.stats()
    assert stats.delay == 960 + delay_ms * RATE // 1000
    assert stats.erle_db is not None and stats.erle_db >= 20.0


def test_a_coloured_echo_is_removed() -> None:
    line = np.array([0.5, 0.3, 0.15, 0.05], dtype=np.float32)  # a low-pass echo path
    ec, mic, echo, _ = echo_call(120, -6.0, colour=line)
    out = run(ec, mic)
    later = slice(RATE * 2, RATE * 6)
    assert db(echo[later], out[later]) >= 20.0


def test_the_callers_own_voice_over_the_echo_is_kept() -> None:
    ec, mic, _, near = echo_call(200, -6.0, caller_at_s=3.0)
    out = run(ec, mic)
    said = slice(RATE * 3, RATE * 3 + caller_speech().size)
    assert corr(out[said], near[said]) >= 0.98
    # and what is left of the echo is far below the caller's voice
    assert db(near[said], out[said] - near[said]) >= 20.0


def test_without_a_reference_the_audio_passes_untouched() -> None:
    mic = np.concatenate([np.zeros(RATE, np.float32), caller_speech()])
    out = run(EchoCanceller(), mic)
    assert np.array_equal(out, np.round(mic).astype(np.float32))


def test_a_reference_that_was_not_played_takes_nothing_away() -> None:
    ec = EchoCanceller()
    ec.reference(0, agent_speech())  # sent, but this caller's device has no echo
    mic = np.zeros(RATE * 4, np.float32)
    said = caller_speech()
    mic[RATE : RATE + said.size] = said
    out = run(ec, mic)
    assert np.array_equal(out, mic)
    assert ec.stats().delay is None


def test_after_a_cut_only_the_echo_of_what_was_played_is_cancelled() -> None:
    agent = agent_speech()
    given, played_at, delay = 1_600, 1_600 + 960, 100 * RATE // 1000
    cut = RATE * 4  # a barge-in: the server stops its audio here, the device 960 later
    n = RATE * 6
    played = np.zeros(n, np.float32)
    played[played_at : cut + 960] = agent[: cut + 960 - played_at]
    echo = np.zeros(n, np.float32)
    echo[delay:] = played[:-delay] * np.float32(0.5)
    said = np.zeros(n, np.float32)
    said[cut + 200 : cut + 200 + caller_speech().size] = caller_speech()
    mic = echo + said
    ec = EchoCanceller()
    ec.reference(given, agent)
    first = run(ec, mic[:cut])
    assert db(echo[RATE * 2 : cut], first[RATE * 2 :]) >= 25.0
    ec.stop_reference(cut)
    rest = run(ec, mic[cut:])
    tail = 960 + delay  # the echo of what was played before the device stopped
    assert db(echo[cut : cut + tail], rest[:tail] - said[cut : cut + tail]) >= 20.0
    # and after it nothing is taken away from the caller
    assert np.array_equal(rest[tail + 32 :], np.round(mic[cut + tail + 32 :]))


def test_reference_segments_replace_what_they_overlap() -> None:
    ec = EchoCanceller()
    ec.reference(0, np.ones(1_000, np.float32))
    ec.reference(500, np.full(1_000, 2.0, np.float32))
    got = ec._ref(0, 1_600)
    assert np.all(got[:500] == 1.0) and np.all(got[500:1_500] == 2.0) and np.all(got[1_500:] == 0)


def test_delay_range_is_checked() -> None:
    with pytest.raises(ValueError, match="max_delay_ms"):
        EchoCanceller(min_delay_ms=100, max_delay_ms=50)


@pytest.mark.parametrize("shift_ms", [-15, 12])
def test_the_next_reply_played_a_little_off_is_followed(shift_ms: int) -> None:
    """Each reply is placed on the caller's clock when its first chunk is sent; the device
    starts playing it a few ms earlier or later than the one before."""
    first = synthetic_clip("piper_en_long").samples.astype(np.float32)
    second = synthetic_clip("piper_en_expensive").samples.astype(np.float32)
    n = RATE * 14
    given1, given2 = 1_600, 1_600 + first.size + RATE
    played_at1, played_at2 = given1 + 960, given2 + 960 + shift_ms * RATE // 1000
    played = np.zeros(n, np.float32)
    played[played_at1 : played_at1 + first.size] = first
    played[played_at2 : played_at2 + second.size] = second
    delay = 100 * RATE // 1000
    echo = np.zeros(n, np.float32)
    echo[delay:] = played[:-delay] * np.float32(0.5)
    ec = EchoCanceller()
    ec.reference(given1, first)
    ec.reference(given2, second)
    out = run(ec, echo)
    start = played_at2 + delay  # the second reply's echo begins
    settled = slice(start + RATE // 10, start + RATE * 2)
    assert db(echo[settled], out[settled]) >= 25.0
    assert ec.stats().delay == 960 + shift_ms * RATE // 1000 + delay
