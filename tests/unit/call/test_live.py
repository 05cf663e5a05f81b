"""Stopping a server with live calls: new calls refused, live ones wound down and stored."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.unit.call.fakes import FakeSpeech, Harness, open_store, orchestrator, silence, tone
from voice_agent.call import events as ev
from voice_agent.call.events import EndReason
from voice_agent.call.live import LiveCalls, Phase
from voice_agent.call.pump import pump
from voice_agent.errors import ShuttingDown
from voice_agent.store.sqlite import SQLiteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = await open_store(tmp_path / "live.sqlite3")
    yield s
    await s.close()


async def run_call(h: Harness, live: LiveCalls) -> asyncio.Task[EndReason]:
    async def reader() -> EndReason:
        await asyncio.sleep(3600)
        return EndReason.CALLER_HUNG_UP

    sender = asyncio.create_task(asyncio.sleep(3600, EndReason.CALLER_HUNG_UP))
    running = asyncio.create_task(pump(h.call, reader(), sender, live=live))
    running.add_done_callback(lambda _: sender.cancel())
    await asyncio.sleep(0)
    return running


async def test_a_reply_in_progress_finishes_its_sentence_then_the_call_ends(
    store: SQLiteStore,
) -> None:
    # a reply of several sentences, each about a second of audio
    speech = FakeSpeech(deque(["I am always stressed at work"]))
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), speech)
    await h.start()
    live = LiveCalls()
    running = await run_call(h, live)
    assert live.calls == {h.call}
    await h.send(tone(900) + silence(700))
    await h.next(ev.ResponseAudio)
    cut = await asyncio.wait_for(live.drain(grace_s=0.0), 15.0)
    assert cut == 1 and live.phase is Phase.CUTTING
    with pytest.raises(ShuttingDown) as refused:
        live.admit()
    assert refused.value.status == 503 and refused.value.code == "shutting_down"
    assert await asyncio.wait_for(running, 5.0) is EndReason.SERVER_SHUTDOWN
    assert not live.calls
    done = h.of(ev.ResponseDone)[-1]
    sentences = [e.delta.strip() for e in h.of(ev.ResponseText)]
    assert done.status == "incomplete" and done.reason == "server_shutdown"
    assert len(speech.synthesized) > len(sentences)  # the reply had more to say
    assert done.heard == " ".join(sentences)  # every sentence begun was finished
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "server_shutdown"
    agent = [t for t in conv.turns if t.role == "agent"]
    assert agent[0].text == done.heard
    assert agent[0].truncated is True
    assert not [t for t in h.call.tasks if not t.done()]


async def test_a_silent_call_ends_at_once_and_calls_may_end_before_the_grace(
    store: SQLiteStore,
) -> None:
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), FakeSpeech())
    await h.start()
    live = LiveCalls()
    running = await run_call(h, live)
    draining = asyncio.create_task(live.drain(grace_s=30.0))  # 20 s for calls to end
    await asyncio.sleep(0.05)
    assert live.phase is Phase.DRAINING
    with pytest.raises(ShuttingDown):
        live.admit()
    h.call.request_end(EndReason.CALLER_HUNG_UP)  # the caller leaves on their own
    assert await asyncio.wait_for(running, 5.0) is EndReason.CALLER_HUNG_UP
    assert await asyncio.wait_for(draining, 2.0) == 0
