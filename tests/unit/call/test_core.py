"""The call core with fake speech engines (no models) and the real orchestrator on SQLite."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import replace
from typing import Any

import pytest

from tests.unit.call.fakes import FakeSpeech, Harness, silence, tone
from voice_agent.call import events as ev
from voice_agent.call.core import CallLimits
from voice_agent.call.events import CallError, EndReason
from voice_agent.core.conversation import Conversation
from voice_agent.orchestrator import Orchestrator
from voice_agent.speech.stt import SpeechError
from voice_agent.store.sqlite import SQLiteStore


async def stored(store: SQLiteStore, h: Harness) -> list[tuple[str, str, bool]]:
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None
    return [(t.role, t.text, t.truncated) for t in conv.turns]


async def one_turn(h: Harness, speech_ms: float = 900.0) -> ev.ResponseDone:
    await h.send(tone(speech_ms) + silence(700))
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    return done


async def test_a_turn_is_transcribed_stored_and_answered(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(orch, FakeSpeech(deque(["I have no energy in the afternoons"])))
    await h.start()
    done = await one_turn(h)
    assert done.status == "completed" and done.reason is None
    kinds = [type(e).__name__ for e in h.events]
    for a, b in [
        ("SpeechStarted", "SpeechStopped"),
        ("SpeechStopped", "InputCommitted"),
        ("InputCommitted", "TranscriptionCompleted"),
        ("TranscriptionCompleted", "TurnInsights"),
        ("TurnInsights", "ResponseStarted"),
        ("ResponseStarted", "ResponseAudio"),
        ("ResponseAudio", "ResponseDone"),
    ]:
        assert kinds.index(a) < kinds.index(b), kinds
    insights = h.of(ev.TurnInsights)[0]
    assert insights.transcript == "I have no energy in the afternoons"
    assert "energy" in [s.label for s in insights.insights.needs]
    audio = h.of(ev.ResponseAudio)
    assert audio[-1].end_ms == pytest.approx(sum(a.samples.size for a in audio) / 24.0)
    await h.call.close(EndReason.CALLER_HUNG_UP)
    turns = await stored(store, h)
    assert turns[0] == ("customer", "I have no energy in the afternoons", False)
    assert turns[1][0] == "agent" and turns[1][1] == done.heard and not turns[1][2]
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "caller_hung_up" and conv.ended


async def test_barge_in_stops_the_reply_and_stores_what_was_heard(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    speech = FakeSpeech(deque(["I want more energy", "wait, how much does it cost?"]))
    h = Harness(orch, speech)
    await h.start()
    await h.send(tone(900) + silence(700))
    await h.next(ev.ResponseAudio)
    await asyncio.sleep(0.3)  # the caller hears a little of the reply
    await h.send(tone(900), pace=1.0)  # and talks over it for real
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "cancelled" and done.reason == "turn_detected"
    full = " ".join(h.speech.synthesized)
    assert done.heard != full and full.startswith(done.heard.split(",")[0])
    await h.send(silence(700))
    second: ev.TurnInsights = await h.next(ev.TurnInsights)
    assert second.transcript == "wait, how much does it cost?"
    await h.next(ev.ResponseDone)
    await h.call.close(EndReason.CALLER_HUNG_UP)
    turns = await stored(store, h)
    assert [r for r, _, _ in turns] == ["customer", "agent", "customer", "agent"]
    assert turns[1][2] is True and turns[1][1] == done.heard


async def agent_replying(
    orch: Orchestrator, speech: FakeSpeech, heard_s: float
) -> tuple[Harness, int]:
    """A call whose agent is answering a first turn, ``heard_s`` into its reply; and how
    many transcriptions were made by then."""
    h = Harness(orch, speech)
    await h.start()
    await h.send(tone(900) + silence(700))
    await h.next(ev.ResponseAudio)
    await asyncio.sleep(heard_s)
    return h, len(speech.transcribed)


async def test_an_interruption_stops_the_agent_before_the_caller_finishes(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    speech = FakeSpeech(deque(["I want more energy", "wait"]))
    h, judged_from = await agent_replying(orch, speech, 0.3)
    await h.send(tone(320), pace=1.0)  # the first 320 ms of a longer "wait, ..."
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "cancelled" and done.reason == "turn_detected"
    # judged on what was heard so far: 224 ms of speech (when it is confirmed) and the
    # 500 ms before it
    assert speech.transcribed[judged_from] == pytest.approx(224 + 500, abs=40)
    await h.send(tone(400) + silence(700), pace=1.0)
    second: ev.TurnInsights = await h.next(ev.TurnInsights)
    assert second.transcript == "wait"
    await h.call.close(EndReason.CALLER_HUNG_UP)


@pytest.mark.parametrize("said", ["yeah yeah sure", "mm-hm", "okay, got it", ""])
async def test_a_backchannel_of_any_length_does_not_stop_the_agent(
    orch: Orchestrator, store: SQLiteStore, said: str
) -> None:
    speech = FakeSpeech(deque(["I want more energy", said]))
    h, judged_from = await agent_replying(orch, speech, 0.2)
    # 2.4 s of "yeah yeah sure, mm-hm, ..." over the agent, then quiet
    await h.send(tone(2400) + silence(700), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "completed", done
    # (a second reply may follow: the speech outlasted the first one)
    assert " ".join(speech.synthesized).startswith(done.heard)
    # judged again while it went on (as long as the reply lasted)
    assert len(speech.transcribed[judged_from:]) >= 2
    # not announced while the agent spoke (once it has finished, speech still going on
    # becomes an ordinary turn)
    during = h.events[: h.events.index(done)]
    assert [type(e) for e in during].count(ev.SpeechStarted) == 1, "announced over the agent"
    await h.call.close(EndReason.CALLER_HUNG_UP)
    turns = await stored(store, h)
    # the reply was stored whole; on a loaded machine the speech may outlast it and be
    # answered as a turn of its own
    assert [r for r, _, _ in turns[:2]] == ["customer", "agent"] and not turns[1][2]
    assert turns[1][1] == done.heard


async def test_speech_over_the_agent_is_judged_again_as_it_grows(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # one word of content is not enough to cut the agent off while it goes on; what
    # follows is
    said = ["I want more energy", "Tengo", "Tengo", "Tengo", "Tengo una pregunta"]
    speech = FakeSpeech(deque(said))
    h, judged_from = await agent_replying(orch, speech, 0.2)
    await h.send(tone(2000), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "cancelled" and done.reason == "turn_detected"
    assert len(speech.transcribed) - judged_from == 4  # stopped at the fourth judgement
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_long_speech_over_the_agent_with_no_judgement_back_stops_it(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # a loaded machine: every transcription takes longer than a judgement may wait
    speech = FakeSpeech(deque(["I want more energy", "mm-hm"]), transcribe_delay_s=2.5)
    h, _ = await agent_replying(orch, speech, 0.2)
    await h.send(tone(2000), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone, wait_s=30)
    assert done.status == "cancelled" and done.reason == "turn_detected"
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_truncate_keeps_only_what_the_client_played(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(orch, FakeSpeech(deque(["tell me about the program"])))
    await h.start()
    done = await one_turn(h)
    assert len(done.heard.split()) >= 4
    with pytest.raises(CallError) as bad:
        await h.call.truncate("item_nope", 0, 10)
    assert bad.value.code == "item_not_found"
    with pytest.raises(CallError) as past:
        await h.call.truncate(done.item_id, 0, 10_000_000)
    assert past.value.code == "invalid_value"
    await h.call.truncate(done.item_id, 0, 240)  # three words at 80 ms each
    assert h.of(ev.ItemTruncated) == [ev.ItemTruncated(done.item_id, 240)]
    await h.call.close(EndReason.CALLER_HUNG_UP)
    turns = await stored(store, h)
    assert turns[1][2] is True
    assert turns[1][1] and turns[1][1] != done.heard
    assert done.heard.startswith(turns[1][1])


async def test_hang_up_in_the_middle_of_a_reply(orch: Orchestrator, store: SQLiteStore) -> None:
    h = Harness(orch, FakeSpeech(deque(["I am always stressed at work"])))
    await h.start()
    await h.send(tone(900) + silence(700))
    await h.next(ev.ResponseAudio)
    await asyncio.sleep(0.25)
    await h.call.close(EndReason.CALLER_HUNG_UP)
    done = h.of(ev.ResponseDone)[-1]
    assert done.status == "cancelled" and done.reason == "client_disconnected"
    turns = await stored(store, h)
    assert turns[0][:2] == ("customer", "I am always stressed at work")
    assert turns[1][0] == "agent" and turns[1][2] is True
    assert turns[1][1] == done.heard
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "caller_hung_up"
    assert not [t for t in h.call.tasks if not t.done()]
    await h.call.close(EndReason.CALLER_HUNG_UP)  # idempotent


async def test_a_reply_cut_before_its_next_sentence_is_stored_as_truncated(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # the first sentence ("Got it.") is short and fully heard; the next one is still being
    # synthesized when the caller hangs up: the reply was cut short all the same
    speech = FakeSpeech(deque(["hello there"]), tts_delay_s=1.5)
    h = Harness(orch, speech)
    await h.start()
    await h.send(tone(900) + silence(700))
    await h.next(ev.ResponseAudio)
    await asyncio.sleep(1.0)  # past the first sentence's audio, before the second's
    await h.call.close(EndReason.CALLER_HUNG_UP)
    done = h.of(ev.ResponseDone)[-1]
    assert done.status == "cancelled"
    turns = await stored(store, h)
    assert turns[1][0] == "agent" and turns[1][1] == done.heard
    assert len(speech.synthesized) >= 2 and turns[1][1] == speech.synthesized[0]
    assert turns[1][2] is True


async def test_hang_up_mid_sentence_still_stores_what_was_said(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(orch, FakeSpeech(deque(["I need help sleeping"])))
    await h.start()
    await h.send(tone(800))  # no end-of-turn silence: the caller hangs up talking
    await h.call.close(EndReason.CALLER_HUNG_UP)
    turns = await stored(store, h)
    assert turns == [("customer", "I need help sleeping", False)]
    assert not h.of(ev.ResponseStarted)  # no reply to a caller who is gone


async def test_a_connection_without_a_customer_turn_is_recorded_as_such(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(orch, FakeSpeech())
    await h.start()
    await h.send(silence(300))
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.ended and conv.end_reason == "no_customer_turn"


async def test_a_call_closed_at_once_is_still_recorded(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    """Closed while its conversation is being set up (the realtime session waits for a first
    session.update): the conversation is created and ended, and no greeting starts."""
    from voice_agent.audio.codec import AudioFormat
    from voice_agent.call.config import CallConfig
    from voice_agent.call.core import Call

    emitted: list[ev.CallEvent] = []
    cfg = CallConfig(channel="test", input_format=AudioFormat.PCM24K, greeting=True)
    call = Call(orch, FakeSpeech(), cfg, emitted.append, wait_for_config=True)
    call.start()
    await asyncio.sleep(0)
    await call.close(EndReason.CALLER_HUNG_UP)
    assert call.conv is not None
    conv = await store.get_conversation(call.conv.id)
    assert conv is not None and conv.end_reason == "no_customer_turn" and conv.turns == []
    assert not [e for e in emitted if isinstance(e, ev.ResponseStarted)]


async def test_speech_resuming_during_speculation_drops_it(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    speech = FakeSpeech(deque(["I have", "I have no time to cook healthy food"]))
    speech.transcribe_delay_s = 0.05
    h = Harness(orch, speech)
    await h.start()
    # a 250 ms pause: past the speculation hangover (160 ms), short of the 500 ms silence
    await h.send(tone(700) + silence(250), pace=1.0)
    await h.send(tone(700) + silence(700))
    insights: ev.TurnInsights = await h.next(ev.TurnInsights)
    assert insights.transcript == "I have no time to cook healthy food"
    assert len(speech.transcribed) == 2 and speech.transcribed[1] > speech.transcribed[0]
    assert len(h.of(ev.InputCommitted)) == 1
    await h.next(ev.ResponseDone)
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert [r for r, _, _ in await stored(store, h)] == ["customer", "agent"]


async def test_marks_decide_what_was_heard(orch: Orchestrator, store: SQLiteStore) -> None:
    """A transport that reports playback (Twilio marks): a slow listener heard less than
    was sent, and truncation follows the reports, not the estimate."""
    speech = FakeSpeech(deque(["tell me about the program", "wait, how much?"]))
    h = Harness(orch, speech, playback_reports=True)
    await h.start()
    await h.send(tone(900) + silence(700))
    first: ev.ResponseAudio = await h.next(ev.ResponseAudio)
    h.call.played(first.item_id, 160.0)  # two words played, whatever was sent
    await asyncio.sleep(0.4)
    await h.send(tone(900), pace=1.0)
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "cancelled"
    assert len(done.heard.split()) == 2
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_a_failing_transcriber_reports_and_the_call_goes_on(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    broken = SpeechError("stt_failed", "decoder broke")
    speech = FakeSpeech(deque([broken, "I want to lose weight"]))
    h = Harness(orch, speech)
    await h.start()
    await h.send(tone(900) + silence(700))
    failed: ev.TranscriptionFailed = await h.next(ev.TranscriptionFailed)
    assert "decoder broke" in failed.message
    await h.send(tone(900) + silence(700))
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "completed"
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert [r for r, _, _ in await stored(store, h)] == ["customer", "agent"]


async def test_audio_that_waits_long_for_the_audio_worker_is_late_not_lost(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    # an overloaded machine: the audio worker takes the first chunks of the turn in 2.5 s
    # late (past AUDIO_LATE_S); they are counted, and all of the turn is still heard
    from prometheus_client import REGISTRY

    from voice_agent.call.core import AUDIO_LATE_S

    def late_total() -> float:
        return REGISTRY.get_sample_value("voice_agent_audio_late_chunks_total") or 0.0

    speech = FakeSpeech(deque(["I have no energy in the afternoons"]))
    h = Harness(orch, speech)
    await h.start()
    before = late_total()
    speech.audio_delays = deque([AUDIO_LATE_S + 0.5, 0.0, AUDIO_LATE_S + 0.1])
    done = await one_turn(h)
    assert done.status == "completed"
    assert not h.of(ev.ErrorRaised), h.of(ev.ErrorRaised)
    assert late_total() - before == 2
    committed: ev.InputCommitted = h.of(ev.InputCommitted)[0]
    stopped: ev.SpeechStopped = h.of(ev.SpeechStopped)[0]
    assert committed.item_id == stopped.item_id
    # every chunk was taken in: none was dropped for being late
    assert h.call.caller.now_ms == pytest.approx(900 + 700, abs=10)  # resampler lag
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert (await stored(store, h))[0] == ("customer", "I have no energy in the afternoons", False)


async def test_a_stuck_audio_worker_ends_the_call_and_keeps_what_was_said(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    speech = FakeSpeech(deque(["I have no energy in the afternoons"]))
    h = Harness(orch, speech)
    await h.start()
    done = await one_turn(h)
    # past the deadline, chunk after chunk: the engine gives up on each
    speech.audio_delays = deque([float("inf")] * 3)
    await h.send(tone(120))
    failed: ev.ErrorRaised = await h.next(ev.ErrorRaised)
    assert failed.error.code == "audio_processing_stuck"
    assert failed.error.error_type == "server_error"
    ended: ev.CallEnded = await h.next(ev.CallEnded)
    assert ended.reason == EndReason.ERROR
    await h.call.audio_in.join()
    assert h.of(ev.ErrorRaised) == [failed]  # said once
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert await stored(store, h) == [
        ("customer", "I have no energy in the afternoons", False),
        ("agent", done.heard, False),
    ]
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "error"


async def test_a_failing_synthesizer_fails_the_response_not_the_call(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    speech = FakeSpeech(deque(["I want more energy"]), tts_fail=True)
    h = Harness(orch, speech)
    await h.start()
    await h.send(tone(900) + silence(700))
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "failed" and done.heard == ""
    speech.tts_fail = False
    await h.send(tone(900) + silence(700))
    again: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert again.status == "completed"
    await h.call.close(EndReason.CALLER_HUNG_UP)
    turns = await stored(store, h)
    assert [r for r, _, _ in turns] == ["customer", "agent", "customer", "agent"]


async def test_zero_asks_for_a_person(orch: Orchestrator, store: SQLiteStore) -> None:
    h = Harness(orch, FakeSpeech(deque(["hello"])), hand_off_ends_call=True)
    await h.start()
    h.call.dtmf("5")
    h.call.dtmf("0")
    insights: ev.TurnInsights = await h.next(ev.TurnInsights)
    assert insights.insights.next_action is not None
    assert insights.insights.next_action.name == "hand_off"
    ended: ev.CallEnded = await h.next(ev.CallEnded)
    assert ended.reason is EndReason.AGENT_HAND_OFF
    assert await asyncio.wait_for(h.call.end_requested(), 1.0) is EndReason.AGENT_HAND_OFF
    await h.call.close(EndReason.CALLER_HUNG_UP)  # the transport's close keeps the reason
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "agent_hand_off"
    assert conv.turns[0].dtmf == "50" and conv.turns[1].action == "hand_off"


async def test_keys_pressed_while_speaking_are_kept_on_the_turn(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(orch, FakeSpeech(deque(["my account number is"])))
    await h.start()
    await h.send(tone(600))
    h.call.dtmf("4")
    h.call.dtmf("2")
    await h.send(tone(300) + silence(700))
    await h.next(ev.ResponseDone)
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.turns[0].dtmf == "42"
    assert conv.turns[0].text == "my account number is"


async def test_keys_pressed_at_the_end_are_stored_on_hang_up(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    h = Harness(orch, FakeSpeech(deque(["I want more energy"])))
    await h.start()
    await one_turn(h)
    h.call.dtmf("7")
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None
    assert [(t.role, t.text, t.dtmf) for t in conv.turns][2:] == [("customer", "", "7")]


async def test_an_idle_call_times_out(orch: Orchestrator, store: SQLiteStore) -> None:
    h = Harness(orch, FakeSpeech(), limits=CallLimits(idle_s=0.3, watchdog_period_s=0.05))
    await h.start()
    reason = await asyncio.wait_for(h.call.end_requested(), 3.0)
    assert reason is EndReason.TIMEOUT
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert h.call.conv is not None
    conv = await store.get_conversation(h.call.conv.id)
    assert conv is not None and conv.end_reason == "timeout"


async def test_bad_audio_and_overflow_are_errors(orch: Orchestrator) -> None:
    h = Harness(orch, FakeSpeech())
    await h.start()
    with pytest.raises(CallError) as odd:
        h.call.audio(b"\x00\x01\x02")
    assert odd.value.code == "invalid_audio_length"
    with pytest.raises(CallError) as flood:
        for _ in range(1000):
            h.call.audio(silence(500))
    assert flood.value.code == "input_audio_buffer_overflow"
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_a_format_switch_does_not_widen_the_input_bound(orch: Orchestrator) -> None:
    """Finding 3: pending input is counted per chunk in the format it arrived in, so
    switching formats between appends lets no more audio (duration or bytes) in."""
    import dataclasses

    from voice_agent.audio.codec import AudioFormat, bytes_per_ms
    from voice_agent.call.core import IN_QUEUE_MAX_BYTES, IN_QUEUE_MAX_MS

    gate = asyncio.Event()  # the audio worker is held: nothing is dequeued
    h = Harness(orch, FakeSpeech(audio_gate=gate))
    await h.start()
    formats = [AudioFormat.PCMU8K, AudioFormat.PCM24K, AudioFormat.PCM8K]
    accepted_ms = 0.0
    accepted_bytes = 0
    refused = 0
    for i in range(300):
        fmt = formats[i % 3]
        if h.call.config.input_format != fmt:
            h.call.reconfigure(dataclasses.replace(h.call.config, input_format=fmt))
        chunk = bytes(bytes_per_ms(fmt) * 250)  # 250 ms of silence
        try:
            h.call.audio(chunk)
        except CallError as exc:
            assert exc.code == "input_audio_buffer_overflow"
            refused += 1
            continue
        accepted_ms += 250
        accepted_bytes += len(chunk)
    assert refused > 0
    assert accepted_ms <= IN_QUEUE_MAX_MS and accepted_bytes <= IN_QUEUE_MAX_BYTES
    assert h.call.pending_in_ms == accepted_ms
    assert h.call.pending_in_bytes == accepted_bytes
    assert h.call.audio_in.maxsize > 0  # the queue itself is bounded
    # dequeued in another format than queued: discounted exactly as counted
    h.call.reconfigure(dataclasses.replace(h.call.config, input_format=AudioFormat.PCM24K))
    gate.set()
    await h.settle()
    assert h.call.pending_in_ms == 0 and h.call.pending_in_bytes == 0
    await h.call.close(EndReason.CALLER_HUNG_UP)


async def test_greeting_then_manual_turns(orch: Orchestrator, store: SQLiteStore) -> None:
    from voice_agent.audio.codec import AudioFormat
    from voice_agent.call.config import CallConfig

    cfg = CallConfig(
        channel="test",
        input_format=AudioFormat.PCM24K,
        output_format=AudioFormat.PCM24K,
        turn_detection=None,
        greeting=True,
    )
    h = Harness(orch, FakeSpeech(deque(["what does it cost"])), config=cfg)
    await h.start()
    greeting: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert greeting.status == "completed" and greeting.heard
    await h.send(tone(600))
    await h.call.commit_input()
    await h.next(ev.TurnInsights)
    await asyncio.sleep(0.1)
    assert not [e for e in h.events if isinstance(e, ev.ResponseStarted)][1:]  # held
    await h.call.create_response()
    done: ev.ResponseDone = await h.next(ev.ResponseDone)
    assert done.status == "completed"
    with pytest.raises(CallError) as nothing:
        await h.call.create_response()
    assert nothing.value.code == "no_pending_turn"
    await h.call.close(EndReason.CALLER_HUNG_UP)
    assert [r for r, _, _ in await stored(store, h)] == ["agent", "customer", "agent"]


async def test_the_calls_conversation_belongs_to_its_tenant(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    """A call opened with a key (or a client secret it minted) stores that key's tenant."""
    from voice_agent.audio.codec import AudioFormat
    from voice_agent.call.config import CallConfig
    from voice_agent.call.core import Call

    cfg = CallConfig(channel="realtime", input_format=AudioFormat.PCM24K, greeting=False)
    call = Call(orch, FakeSpeech(), cfg, lambda e: None, tenant="acme")
    call.start()
    await asyncio.wait_for(call.conv_ready.wait(), 5)
    await call.close(EndReason.CALLER_HUNG_UP)
    assert call.conv is not None
    conv = await store.get_conversation(call.conv.id)
    assert conv is not None and conv.tenant == "acme"
    assert [c.id for c in await store.list_conversations(tenant="acme")] == [conv.id]


async def test_a_commit_waits_for_the_chunk_being_processed(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    """``commit_input`` (manual turns) commits the audio appended before it, the chunk the
    audio worker is still processing included."""
    from voice_agent.audio.codec import AudioFormat
    from voice_agent.call.config import CallConfig

    cfg = CallConfig(
        channel="test",
        input_format=AudioFormat.PCM24K,
        output_format=AudioFormat.PCM24K,
        turn_detection=None,
        greeting=False,
    )
    gate = asyncio.Event()
    h = Harness(orch, FakeSpeech(deque(["what does it cost"]), audio_gate=gate), config=cfg)
    await h.start()
    h.call.audio(tone(600))
    for _ in range(100):  # the worker takes the chunk off the queue, then waits at the gate
        if h.call.audio_in.empty():
            break
        await asyncio.sleep(0.01)
    commit = asyncio.create_task(h.call.commit_input())
    for _ in range(10):
        await asyncio.sleep(0)
    assert not commit.done()  # not before the chunk is processed
    gate.set()
    await asyncio.wait_for(commit, 5)  # raises input_audio_buffer_commit_empty if it missed it
    committed: ev.InputCommitted = await h.next(ev.InputCommitted)
    assert committed.item_id
    await h.call.close(EndReason.CALLER_HUNG_UP)


class _SlowCreate(Orchestrator):
    """The orchestrator with a conversation store that is slow to create: ``create`` waits
    until the test lets it go."""

    def __init__(self, inner: Orchestrator, gate: asyncio.Event, entered: asyncio.Event) -> None:
        self.__dict__.update(inner.__dict__)
        self._gate = gate
        self._entered = entered

    async def create(self, **kwargs: Any) -> Conversation:  # type: ignore[override]
        self._entered.set()
        await asyncio.wait_for(self._gate.wait(), 5.0)
        return await super().create(**kwargs)


async def test_a_profile_sent_while_the_conversation_is_created_is_stored(
    orch: Orchestrator, store: SQLiteStore
) -> None:
    """A session.update that lands after the core stopped waiting for one, while the
    conversation is being stored, is not lost: the stored profile is the later one."""
    gate, entered = asyncio.Event(), asyncio.Event()
    h = Harness(_SlowCreate(orch, gate, entered), FakeSpeech(deque()))
    h.call.start()
    await asyncio.wait_for(entered.wait(), 5.0)
    h.call.reconfigure(replace(h.call.config, customer={"name": "Dana", "role": "CFO"}))
    gate.set()
    await asyncio.wait_for(h.call.conv_ready.wait(), 5.0)
    assert h.call.conv is not None
    for _ in range(200):  # the profile is written by a task of its own
        conv = await store.get_conversation(h.call.conv.id)
        if conv is not None and conv.customer:
            break
        await asyncio.sleep(0.01)
    assert conv is not None and dict(conv.customer) == {"name": "Dana", "role": "CFO"}
    h.call.request_end(EndReason.CALLER_HUNG_UP)
