"""``semantic_vad`` in the call core: the end-of-turn model is asked after a short silence
and its verdict ends the turn (fake speech engines and model; real orchestrator)."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.unit.call.fakes import (
    FakeSpeech,
    FixedTurnModel,
    Harness,
    open_store,
    orchestrator,
    silence,
    tone,
)
from voice_agent.audio.codec import AudioFormat
from voice_agent.audio.turn_detector import Eagerness
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig, TurnDetection
from voice_agent.call.events import EndReason
from voice_agent.orchestrator import Orchestrator


@pytest.fixture
async def orch(tmp_path: Path) -> AsyncIterator[Orchestrator]:
    store = await open_store(tmp_path / "calls.sqlite3")
    yield orchestrator(store, ThreadPoolExecutor(2))
    await store.close()


def semantic(eagerness: Eagerness = Eagerness.HIGH) -> CallConfig:
    return CallConfig(
        channel="test",
        input_format=AudioFormat.PCM24K,
        output_format=AudioFormat.PCM24K,
        greeting=False,
        turn_detection=TurnDetection(type="semantic_vad", eagerness=eagerness),
    )


async def two_phrases(h: Harness) -> None:
    # 400 ms pauses: shorter than any fallback, longer than the semantic check
    await h.send(tone(900) + silence(400) + tone(900) + silence(400))


async def test_complete_verdict_ends_each_phrase_as_a_turn(orch: Orchestrator) -> None:
    model = FixedTurnModel(0.9)
    h = Harness(orch, FakeSpeech(deque(["one", "two"]), turn_model=model), config=semantic())
    await h.start()
    await two_phrases(h)
    first = await h.next(ev.InputCommitted)
    second = await h.next(ev.InputCommitted)
    assert first.item_id != second.item_id
    # the model saw each turn: its speech plus up to 500 ms before it and the short silence
    assert len(model.seen_ms) == 2
    assert all(900 <= ms <= 900 + 500 + 300 for ms in model.seen_ms), model.seen_ms
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_incomplete_verdict_waits_for_the_silence_fallback(orch: Orchestrator) -> None:
    model = FixedTurnModel(0.1)
    h = Harness(orch, FakeSpeech(deque(["one two"]), turn_model=model), config=semantic())
    await h.start()
    await two_phrases(h)
    await h.send(silence(1200))  # past the fallback (1000 ms at "high")
    committed = await h.next(ev.InputCommitted)
    tr = await h.next(ev.TranscriptionCompleted)
    assert tr.item_id == committed.item_id
    assert len(model.seen_ms) == 2  # asked at both pauses, said "not finished" twice
    assert not [e for e in h.events if isinstance(e, ev.InputCommitted)][1:]
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_without_a_model_the_fallback_ends_the_turn(orch: Orchestrator) -> None:
    h = Harness(orch, FakeSpeech(deque(["one two"])), config=semantic())
    await h.start()
    await two_phrases(h)
    await h.send(silence(1200))
    await h.next(ev.InputCommitted)
    assert len(h.of(ev.InputCommitted)) == 1
    await h.call.close(EndReason.CALLER_HUNG_UP)
