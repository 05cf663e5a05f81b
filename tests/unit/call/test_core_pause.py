"""The agent pauses while speech over it is judged, and resumes when it was no interruption."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from tests.unit.call.fakes import FakeSpeech, Harness, silence, tone
from voice_agent.audio.codec import AudioFormat
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig, TurnDetection
from voice_agent.call.events import EndReason
from voice_agent.call.session import played_text
from voice_agent.orchestrator import Orchestrator
from voice_agent.store.sqlite import SQLiteStore

RATE = 24000
#: a slow talker: the reply lasts long enough for a judgement on a loaded machine
SLOW_MS = 160.0


async def replying(h: Harness) -> ev.ResponseStarted:
    """The first turn is said and the agent has begun its answer (0.3 s of it sent)."""
    await h.start()
    await h.send(tone(900) + silence(700))
    started: ev.ResponseStarted = await h.next(ev.ResponseStarted)
    await h.next(ev.ResponseAudio)
    await asyncio.sleep(0.3)
    return started


def audio_of(h: Harness, item_id: str) -> list[ev.ResponseAudio]:
    return [e for e in h.events if isinstance(e, ev.ResponseAudio) and e.item_id == item_id]


async def agent_turn(store: SQLiteStore, h: Harness) -> tuple[str, bool]:
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None
    agent = next(t for t in conv.turns if t.role == "agent")
    return agent.text, agent.truncated


def call_config(**changes: Any) -> CallConfig:
    """A test call's configuration (24 kHz PCM, no greeting) with ``changes``."""
    base = CallConfig(
        channel="test",
        input_format=AudioFormat.PCM24K,
        output_format=AudioFormat.PCM24K,
        greeting=False,
    )
    return replace(base, **changes)


async def sent_once_and_heard_whole(h: Harness, store: SQLiteStore, done: ev.ResponseDone) -> None:
    """The reply's audio went out in order, none of it twice, and all of it was heard and
    stored as heard when the caller hangs up."""
    audio = audio_of(h, done.item_id)
    ends = [a.end_ms for a in audio]
    assert ends == sorted(ends) and len(set(ends)) == len(ends), "audio sent twice"
    assert ends[-1] == pytest.approx(sum(a.samples.size for a in audio) * 1000 / RATE)
    whole = " ".join(text for text, _ in h.call.agent_items[done.item_id].segments)
    assert done.heard == whole
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert await agent_turn(store, h) == (whole, False)


async def test_a_backchannel_pauses_the_agent_which_then_goes_on(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # a player that plays out what it holds (a realtime client): nothing is sent while
    # paused, and the reply goes on where it was, nothing sent twice
    h = Harness(orch, FakeSpeech(deque(["I want more energy", "mm-hm"]), word_ms=SLOW_MS))
    started = await replying(h)
    await h.send(tone(400) + silence(700), pace=1.0)
    paused: ev.ResponsePaused = await h.next(ev.ResponsePaused)
    resumed: ev.ResponseResumed = await h.next(ev.ResponseResumed)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed" and paused.item_id == started.item_id
    assert 0 < paused.audio_end_ms <= paused.sent_ms
    assert resumed.audio_start_ms == pytest.approx(paused.sent_ms) and resumed.paused_ms >= 0
    i_paused, i_resumed = h.events.index(paused), h.events.index(resumed)
    between = [e for e in h.events[i_paused:i_resumed] if isinstance(e, ev.ResponseAudio)]
    assert between == [], "audio sent while paused"
    await sent_once_and_heard_whole(h, store, done)


async def test_a_flushed_player_gets_again_what_it_dropped(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # a carrier that drops what it holds at the pause (Twilio's clear) and reports what was
    # played (its marks; here: 100 ms so far): on resume the audio goes out again from
    # there, fading in
    speech = FakeSpeech(deque(["I want more energy", "yeah"]), word_ms=SLOW_MS)
    h = Harness(orch, speech, flush_on_pause=True, playback_reports=True)
    started = await replying(h)
    h.call.played(started.item_id, 100.0)
    await h.send(tone(400) + silence(700), pace=1.0)
    paused: ev.ResponsePaused = await h.next(ev.ResponsePaused)
    resumed: ev.ResponseResumed = await h.next(ev.ResponseResumed)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed"
    assert paused.audio_end_ms == 100.0 < paused.sent_ms  # the player held audio, dropped
    assert resumed.audio_start_ms == pytest.approx(paused.audio_end_ms)
    after = [
        e
        for e in h.events[h.events.index(resumed) :]
        if isinstance(e, ev.ResponseAudio) and e.item_id == started.item_id
    ]
    first = after[0]
    first_start = first.end_ms - first.samples.size * 1000 / RATE
    assert first_start == pytest.approx(paused.audio_end_ms, abs=0.1)
    assert abs(int(first.samples[0])) <= 1  # fades in from silence
    # the same audio as the first time it was sent, from that point on
    i_paused = h.events.index(paused)
    before = np.concatenate(
        [
            e.samples
            for e in h.events[:i_paused]
            if isinstance(e, ev.ResponseAudio) and e.item_id == started.item_id
        ]
    )
    at = round(paused.audio_end_ms * RATE / 1000)
    n = min(first.samples.size, before.size - at)
    fade = RATE // 100
    assert n > fade
    diff = np.flatnonzero(first.samples[fade:n] != before[at + fade : at + n])
    assert diff.size == 0
    whole = " ".join(text for text, _ in h.call.agent_items[done.item_id].segments)
    assert done.heard == whole
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert await agent_turn(store, h) == (whole, False)


async def test_a_click_over_the_agent_pauses_it_for_a_moment(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # 128 ms of sound: a possible start of speech (the agent pauses), not speech
    speech = FakeSpeech(deque(["I want more energy"]), word_ms=SLOW_MS)
    h = Harness(orch, speech)
    started = await replying(h)
    n_transcribed = len(speech.transcribed)
    await h.send(tone(128) + silence(300), pace=1.0)
    paused: ev.ResponsePaused = await h.next(ev.ResponsePaused)
    resumed: ev.ResponseResumed = await h.next(ev.ResponseResumed)
    assert paused.item_id == resumed.item_id == started.item_id
    assert resumed.paused_ms < 400
    assert len(speech.transcribed) == n_transcribed  # nothing to judge
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed"
    await h.call.close(EndReason.CALLER_HUNG_UP)


@pytest.mark.parametrize(("into_reply_s", "cut"), [(1.2, False), (0.0, True)])
async def test_one_word_alone_over_a_playing_reply_is_taken_as_an_acknowledgement(
    orch: Orchestrator, store: SQLiteStore, into_reply_s: float, cut: bool
) -> None:
    # "claron" (the speech model's "claro"), said alone over the agent a while into its
    # reply: the agent goes on; said as the reply begins, the caller was going on with
    # their turn and the agent stops
    speech = FakeSpeech(deque(["I want more energy", "claron"]), word_ms=SLOW_MS)
    h = Harness(orch, speech)
    await h.start()
    await h.send(tone(900) + silence(700))
    await h.next(ev.ResponseAudio)
    await asyncio.sleep(into_reply_s)
    await h.send(tone(320) + silence(700), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == ("cancelled" if cut else "completed"), done
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_an_interruption_after_the_pause_keeps_what_was_heard_before_it(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(
        orch,
        FakeSpeech(deque(["I want more energy", "wait"]), word_ms=SLOW_MS),
        flush_on_pause=True,
    )
    await replying(h)
    await h.send(tone(600), pace=1.0)
    paused: ev.ResponsePaused = await h.next(ev.ResponsePaused)
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "cancelled" and done.reason == "turn_detected"
    assert not [e for e in h.events if isinstance(e, ev.ResponseResumed)]
    segments = h.call.agent_items[done.item_id].segments
    assert done.heard == played_text(segments, paused.audio_end_ms)[0]
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert await agent_turn(store, h) == (done.heard, True)


async def test_a_client_that_stops_its_player_at_the_pause_says_where(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # a realtime client that honours the pause stops playing and truncates the item there
    # (conversation.item.truncate): that is what was heard, and what is sent again
    speech = FakeSpeech(
        deque(["I want more energy", "wait"]), transcribe_delay_s=0.5, word_ms=SLOW_MS
    )
    h = Harness(orch, speech)
    started = await replying(h)
    talking = asyncio.create_task(h.send(tone(600), pace=1.0))
    paused: ev.ResponsePaused = await h.next(ev.ResponsePaused)
    stop_at = int(paused.audio_end_ms) - 50
    await h.call.truncate(started.item_id, 0, stop_at)  # before the judgement is back
    truncated: ev.ItemTruncated = await h.next(ev.ItemTruncated)
    assert truncated.audio_end_ms == stop_at
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    await talking
    assert done.status == "cancelled"
    segments = h.call.agent_items[done.item_id].segments
    assert done.heard == played_text(segments, stop_at)[0]
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert await agent_turn(store, h) == (done.heard, True)


async def test_no_pause_when_the_session_turns_it_off(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    config = call_config(turn_detection=replace(TurnDetection(), pause_on_speech=False))
    h = Harness(
        orch, FakeSpeech(deque(["I want more energy", "mm-hm"]), word_ms=SLOW_MS), config=config
    )
    await replying(h)
    await h.send(tone(400) + silence(700), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed"
    assert not [e for e in h.events if isinstance(e, ev.ResponsePaused | ev.ResponseResumed)]
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_a_pause_whose_judgement_does_not_come_back_ends_and_the_agent_goes_on(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # the words over the agent take longer to transcribe than a pause may last (a loaded
    # machine): past PAUSE_MAX_S the agent goes on rather than stay silent, and says so
    from voice_agent.call.core import PAUSE_MAX_S

    speech = FakeSpeech(deque(["I want more energy", "mm-hm"]), word_ms=SLOW_MS)
    h = Harness(orch, speech)
    started = await replying(h)
    speech.transcribe_delay_s = PAUSE_MAX_S + 3.0
    await h.send(tone(400) + silence(300), pace=1.0)
    paused: ev.ResponsePaused = await h.next(ev.ResponsePaused)
    resumed: ev.ResponseResumed = await h.next(ev.ResponseResumed, wait_s=PAUSE_MAX_S + 2)
    assert resumed.item_id == paused.item_id == started.item_id
    # it waited the whole while, and not for the judgement (3 s later)
    assert PAUSE_MAX_S * 1000 - 50 <= resumed.paused_ms < (PAUSE_MAX_S + 1.0) * 1000
    assert resumed.audio_start_ms == pytest.approx(paused.sent_ms)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed"
    assert [e for e in h.events if isinstance(e, ev.ResponseResumed)] == [resumed]
    await sent_once_and_heard_whole(h, store, done)


async def test_speech_over_the_agent_is_heard_with_the_words_callers_say_over_it(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    from voice_agent.call.interruption import JUDGE_PROMPTS

    config = call_config(language="es")
    speech = FakeSpeech(deque(["quiero más energía", "claro"]), word_ms=SLOW_MS)
    h = Harness(orch, speech, config=config)
    await replying(h)
    assert speech.prompts == [None]  # the caller's turn: as the transcriber hears any
    await h.send(tone(400) + silence(700), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed"
    over = speech.prompts[1:]
    assert over and all(p == JUDGE_PROMPTS["es"] for p in over), speech.prompts
    await h.call.close(EndReason.CALLER_HUNG_UP)
