"""A turn the VAD heard but Whisper found no words in is reported, never silently dropped
(issue 12: a short Spanish prompt produced no transcript, no reply and no event)."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor

from tests.unit.call.fakes import FakeSpeech, Harness, orchestrator, silence, tone
from voice_agent.call import events as ev
from voice_agent.call.events import EndReason
from voice_agent.store.sqlite import SQLiteStore


async def test_speech_without_words_is_reported_and_the_call_goes_on(
    store: SQLiteStore,
) -> None:
    orch = orchestrator(store, ThreadPoolExecutor(2))
    h = Harness(orch, FakeSpeech(deque(["", "I want to lose weight"])))
    await h.start()
    await h.send(tone(900) + silence(700))
    failed: ev.TranscriptionFailed = await h.next(ev.TranscriptionFailed)
    assert failed.code == "no_speech_recognized"
    assert "ms of speech" in failed.message
    await h.send(tone(900) + silence(700))
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "completed"
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None
    assert [t.role for t in conv.turns] == ["customer", "agent"]
