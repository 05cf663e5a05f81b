"""Stopping a server with live calls: new calls refused, live ones wound down (the sentence
finished, the playbook's goodbye said) and stored."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.unit.call.fakes import FakeSpeech, Harness, orchestrator, silence, tone
from voice_agent.audio.codec import AudioFormat
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig
from voice_agent.call.events import CallError, EndReason
from voice_agent.call.live import GOODBYE_MIN_S, STORE_S, LiveCalls, Phase, WindDown
from voice_agent.call.pump import pump
from voice_agent.core.labels import Lang
from voice_agent.errors import ShuttingDown
from voice_agent.generation.sentences import split_sentences
from voice_agent.playbook import load_playbook
from voice_agent.playbook.shutdown import shutdown_line
from voice_agent.store.sqlite import SQLiteStore


def goodbye(lang: Lang) -> str:
    """The bundled playbook's goodbye, as the call says it (sentence by sentence)."""
    return " ".join(split_sentences(shutdown_line(load_playbook(), lang)))


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
    cut_reply, said_goodbye = h.of(ev.ResponseDone)
    reply_id = cut_reply.item_id
    sentences = [e.delta.strip() for e in h.of(ev.ResponseText) if e.item_id == reply_id]
    assert cut_reply.status == "incomplete" and cut_reply.reason == "server_shutdown"
    assert len(speech.synthesized) > len(sentences) + 2  # the reply had more to say
    assert cut_reply.heard == " ".join(sentences)  # every sentence begun was finished
    # then the goodbye, whole, before the call ends
    assert said_goodbye.status == "completed" and said_goodbye.heard == goodbye("en")
    ended = h.of(ev.CallEnded)
    assert ended and h.events.index(ended[0]) > h.events.index(said_goodbye)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "server_shutdown"
    agent = [t for t in conv.turns if t.role == "agent"]
    assert [t.text for t in agent] == [cut_reply.heard, goodbye("en")]
    assert [t.truncated for t in agent] == [True, False]
    assert not [t for t in h.call.tasks if not t.done()]


@pytest.mark.parametrize("lang", ["en", "es"])
async def test_a_silent_call_hears_the_goodbye_in_its_language(
    store: SQLiteStore, lang: Lang
) -> None:
    config = CallConfig(
        channel="test",
        language=lang,
        input_format=AudioFormat.PCM24K,
        output_format=AudioFormat.PCM24K,
        greeting=False,
    )
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), FakeSpeech(), config=config)
    await h.start()
    live = LiveCalls()
    running = await run_call(h, live)
    assert await asyncio.wait_for(live.drain(grace_s=0.0), 15.0) == 1
    assert await asyncio.wait_for(running, 5.0) is EndReason.SERVER_SHUTDOWN
    (done,) = h.of(ev.ResponseDone)
    assert done.status == "completed" and done.heard == goodbye(lang)
    assert h.of(ev.ResponseAudio)  # heard, not only stored
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "server_shutdown"
    assert [(t.role, t.text, t.truncated) for t in conv.turns] == [("agent", goodbye(lang), False)]


async def test_a_goodbye_cut_by_the_deadline_is_stored_as_heard(store: SQLiteStore) -> None:
    # each sentence takes 1 s to synthesize: the second cannot be heard whole in 2.5 s
    speech = FakeSpeech(tts_delay_s=1.0)
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), speech)
    await h.start()
    live = LiveCalls()
    running = await run_call(h, live)
    h.call.wind_down(WindDown(EndReason.SERVER_SHUTDOWN, time.monotonic() + STORE_S + 2.5))
    assert await asyncio.wait_for(running, 10.0) is EndReason.SERVER_SHUTDOWN
    (done,) = h.of(ev.ResponseDone)
    assert done.status == "incomplete" and done.reason == "server_shutdown"
    assert done.heard != goodbye("en") and goodbye("en").startswith(done.heard)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "server_shutdown"
    (turn,) = conv.turns
    assert turn.text == done.heard and turn.truncated is True


async def test_a_response_asked_for_during_the_wind_down_is_refused(store: SQLiteStore) -> None:
    # a client's response.create while the goodbye is said: refused, the goodbye goes on
    config = CallConfig(
        channel="test",
        input_format=AudioFormat.PCM24K,
        output_format=AudioFormat.PCM24K,
        greeting=False,
    )
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), FakeSpeech(), config=config)
    await h.start()
    live = LiveCalls()
    running = await run_call(h, live)
    h.call.wind_down(WindDown(EndReason.SERVER_SHUTDOWN, time.monotonic() + 10.0))
    with pytest.raises(CallError) as refused:
        await h.call.create_response("evt_1")
    assert refused.value.code == "shutting_down" and refused.value.event_id == "evt_1"
    assert await asyncio.wait_for(running, 10.0) is EndReason.SERVER_SHUTDOWN
    (done,) = h.of(ev.ResponseDone)
    assert done.status == "completed" and done.heard == goodbye("en")


async def test_no_goodbye_is_begun_without_time_for_it(store: SQLiteStore) -> None:
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), FakeSpeech())
    await h.start()
    live = LiveCalls()
    running = await run_call(h, live)
    h.call.wind_down(WindDown(EndReason.SERVER_SHUTDOWN, time.monotonic() + STORE_S))
    assert await asyncio.wait_for(running, 5.0) is EndReason.SERVER_SHUTDOWN
    assert not h.of(ev.ResponseStarted)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "server_shutdown" and not conv.turns


def test_the_wind_down_keeps_time_to_store_the_call() -> None:
    plan = WindDown(EndReason.SERVER_SHUTDOWN, deadline=100.0)
    assert plan.speech_s(90.0) == 10.0 - STORE_S
    assert plan.speech_s(99.0) == 0.0
    assert plan.goodbye_fits(100.0 - STORE_S - GOODBYE_MIN_S)
    assert not plan.goodbye_fits(100.0 - STORE_S - GOODBYE_MIN_S + 0.01)


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
