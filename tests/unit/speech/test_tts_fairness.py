"""The shared synthesis workers with the real Piper voice: other calls' first sentences are
not queued behind the rest of a long reply (order of synthesis, never timings)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator

import numpy as np
import numpy.typing as npt
import pytest

from voice_agent.audio.vad import SileroModel
from voice_agent.speech.engines import SpeechConfig, SpeechEngines
from voice_agent.speech.stt import WhisperTranscriber
from voice_agent.speech.tts import PiperSynthesizer

pytestmark = pytest.mark.slow

LONG = "This is the first sentence. This is the second one. And this is the third."
HOLD = "Please hold."
FIRST_B = "Good morning."
FIRST_C = "How can I help?"


class GatedSynthesizer:
    """The real voice, recording the order chunks are made in; the first chunk of ``LONG``
    and the chunk of ``HOLD`` wait for the test to let them finish."""

    def __init__(self, inner: PiperSynthesizer) -> None:
        self.inner = inner
        self.made: list[str] = []
        self.started = {LONG: threading.Event(), HOLD: threading.Event()}
        self.release = {LONG: threading.Event(), HOLD: threading.Event()}

    @property
    def sample_rate(self) -> int:
        return self.inner.sample_rate

    def synthesize(self, text: str) -> Iterator[npt.NDArray[np.int16]]:
        for i, chunk in enumerate(self.inner.synthesize(text)):
            if text in self.started and i == 0:
                self.started[text].set()
                if not self.release[text].wait(30):
                    raise TimeoutError("the test never released the gate")
            self.made.append(f"{text.split()[0].lower()}:{i}")
            yield chunk

    def synthesize_all(self, text: str) -> npt.NDArray[np.int16]:
        return self.inner.synthesize_all(text)


async def _until(cond: object, what: str) -> None:
    """Wait (10 s at most) until ``cond()`` holds."""
    assert callable(cond)
    for _ in range(1000):
        if cond():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def _drain(stream: AsyncIterator[npt.NDArray[np.int16]]) -> int:
    return sum([1 async for _ in stream])


@pytest.fixture
def gated(
    silero_model: SileroModel, whisper_en: WhisperTranscriber, piper_joe: PiperSynthesizer
) -> Iterator[tuple[GatedSynthesizer, SpeechEngines]]:
    """The real voice behind gates, with one synthesis worker; gates opened and the engines
    closed afterwards whatever happened."""
    synth = GatedSynthesizer(piper_joe)
    engines = SpeechEngines(SpeechConfig(tts_workers=1), silero_model, whisper_en, synth)
    try:
        yield synth, engines
    finally:
        for gate in synth.release.values():
            gate.set()
        engines.close(wait=True)


async def test_first_sentences_are_not_queued_behind_a_long_reply(
    gated: tuple[GatedSynthesizer, SpeechEngines],
) -> None:
    synth, engines = gated
    pool, rate = engines._tts_pool, synth.sample_rate
    # a long reply starts (its caller waits: slack 0); its first sentence is being made
    long_reply = asyncio.create_task(_drain(engines.synthesize_stream(LONG, rate)))
    assert await asyncio.to_thread(synth.started[LONG].wait, 10)
    # another job takes the only worker next (it waits to finish while calls arrive)
    hold = asyncio.create_task(_drain(engines.synthesize_stream(HOLD, rate)))
    await _until(lambda: pool.pending() == 1, "the hold job queued")
    synth.release[LONG].set()
    assert await asyncio.to_thread(synth.started[HOLD].wait, 10)
    # the long reply's second sentence is queued behind it (asked for while its first
    # sentence plays) ...
    await _until(lambda: pool.pending() == 1, "the long reply's next sentence queued")
    # ... when two other calls need their first sentences
    b = asyncio.create_task(_drain(engines.synthesize_stream(FIRST_B, rate)))
    await _until(lambda: pool.pending() == 2, "call B queued")
    c = asyncio.create_task(_drain(engines.synthesize_stream(FIRST_C, rate)))
    await _until(lambda: pool.pending() == 3, "call C queued")
    synth.release[HOLD].set()
    counts = await asyncio.wait_for(asyncio.gather(long_reply, hold, b, c), 60)
    assert list(counts) == [3, 1, 1, 1]
    # (first come first served: "this:0", "please:0", "this:1", "good:0", "how:0", "this:2")
    assert synth.made[:4] == ["this:0", "please:0", "good:0", "how:0"]
    assert sorted(synth.made[4:]) == ["this:1", "this:2"]


async def test_a_caller_who_hangs_up_leaves_nothing_queued(
    gated: tuple[GatedSynthesizer, SpeechEngines],
) -> None:
    """A reply whose caller hangs up while its chunk waits for a worker is dropped from the
    queue: it is never synthesized, and the calls after it are served."""
    synth, engines = gated
    pool, rate = engines._tts_pool, synth.sample_rate
    hold = asyncio.create_task(_drain(engines.synthesize_stream(HOLD, rate)))
    assert await asyncio.to_thread(synth.started[HOLD].wait, 10)
    gone = asyncio.create_task(_drain(engines.synthesize_stream(FIRST_B, rate)))
    await _until(lambda: pool.pending() == 1, "the reply queued behind the hold job")
    gone.cancel()  # the caller hangs up: the call cancels its reply
    with pytest.raises(asyncio.CancelledError):
        await gone
    await _until(lambda: pool.pending() == 0, "the hung-up reply dropped")
    after = asyncio.create_task(_drain(engines.synthesize_stream(FIRST_C, rate)))
    await _until(lambda: pool.pending() == 1, "the next call queued")
    synth.release[HOLD].set()
    counts = await asyncio.wait_for(asyncio.gather(hold, after), 60)
    await _until(lambda: pool.pending() == 0, "the queue empty")
    assert list(counts) == [1, 1]
    assert synth.made == ["please:0", "how:0"]  # the hung-up reply was never made
