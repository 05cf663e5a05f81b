"""The synthesized-sentence cache: bounded LRU (pure), and the real voice behind it."""

from __future__ import annotations

from collections.abc import Generator, Iterator

import numpy as np
import numpy.typing as npt
import pytest

from voice_agent.speech.tts import PiperSynthesizer
from voice_agent.speech.tts_cache import CachedSynthesizer, SynthesisCache


def audio(n: int, value: int = 1) -> npt.NDArray[np.int16]:
    return np.full(n, value, dtype=np.int16)


def test_cache_keeps_at_most_max_bytes_least_recently_used_out_first() -> None:
    cache = SynthesisCache(max_bytes=300)  # 150 samples of int16
    assert cache.put("v", "a", (audio(50),))
    assert cache.put("v", "b", (audio(25), audio(25)))
    assert cache.get("v", "a") is not None  # "a" used last: "b" is the oldest now
    assert cache.put("v", "c", (audio(60),))
    assert cache.get("v", "b") is None
    assert cache.get("v", "a") is not None and cache.get("v", "c") is not None
    assert cache.bytes == 220 and len(cache) == 2
    assert not cache.put("v", "huge", (audio(151),))  # larger than the whole cache
    assert cache.get("w", "a") is None  # another voice's "a"
    stats = cache.stats()
    assert stats["hits"] == 3 and stats["misses"] == 2 and stats["entries"] == 2


def test_replacing_an_entry_counts_its_bytes_once() -> None:
    cache = SynthesisCache(max_bytes=1000)
    cache.put("v", "a", (audio(100),))
    cache.put("v", "a", (audio(200),))
    assert cache.bytes == 400 and len(cache) == 1
    with pytest.raises(ValueError, match="max_bytes"):
        SynthesisCache(-1)


class CountingVoice:
    """The real voice, counting the texts it synthesizes."""

    def __init__(self, inner: PiperSynthesizer) -> None:
        self.inner = inner
        self.texts: list[str] = []

    @property
    def sample_rate(self) -> int:
        return self.inner.sample_rate

    def synthesize(self, text: str) -> Iterator[npt.NDArray[np.int16]]:
        self.texts.append(text)
        yield from self.inner.synthesize(text)

    def synthesize_all(self, text: str) -> npt.NDArray[np.int16]:
        return self.inner.synthesize_all(text)


@pytest.mark.slow
def test_a_sentence_said_again_is_not_synthesized_again(piper_joe: PiperSynthesizer) -> None:
    voice = CountingVoice(piper_joe)
    cached = CachedSynthesizer(voice, SynthesisCache(8 * 2**20), key="joe")
    text = "Thanks for calling. How can I help you today?"
    first = list(cached.synthesize(text))
    again = list(cached.synthesize("  Thanks for calling.  How can I help you today? "))
    assert voice.texts == [text]  # the second came from the cache (same text, spaces aside)
    assert len(first) == len(again) == 2
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not again[0].flags.writeable  # shared by every call: nobody may change it
    assert cached.sample_rate == piper_joe.sample_rate
    # a synthesis left half way (a barge-in) is not kept
    partial = cached.synthesize("First part. Second part.")
    next(partial)
    assert isinstance(partial, Generator)
    partial.close()
    list(cached.synthesize("First part. Second part."))
    assert voice.texts[-2:] == ["First part. Second part."] * 2
    # size 0: a pass-through
    off = CachedSynthesizer(voice, SynthesisCache(0), key="joe")
    off.synthesize_all("Hello.")
    off.synthesize_all("Hello.")
    assert voice.texts[-2:] == ["Hello.", "Hello."]


def test_settings_reach_the_speech_config() -> None:
    from voice_agent.settings import Settings
    from voice_agent.speech_runtime import speech_config

    cfg = speech_config(Settings(tts_cache_mb=0, tts_workers=3))
    assert cfg.tts_cache_mb == 0 and cfg.tts_workers == 3
    assert speech_config(Settings()).tts_cache_mb == 32
