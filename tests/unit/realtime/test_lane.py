"""The control lane of a realtime session: order, bounds, deadlines, failures, ownership.

The lane is given its handler (what the session does with an event): these tests give it
handlers that wait on an :class:`asyncio.Event` they control, raise a :class:`CallError`, or
raise a bug's exception, and read what the lane reports.
"""

from __future__ import annotations

import asyncio
import gc

import pytest
import structlog.testing

from voice_agent.call.events import CallError
from voice_agent.realtime.events import (
    ClientEvent,
    InputAudioAppend,
    InputAudioCommit,
    ResponseCancel,
    ResponseCreate,
    SessionUpdate,
)
from voice_agent.realtime.lane import ControlLane


def create(event_id: str) -> ResponseCreate:
    return ResponseCreate(event_id, {})


def cancel(event_id: str) -> ResponseCancel:
    return ResponseCancel(event_id, None)


class Recorder:
    """A session's side of the lane: what was handled, what was reported; ``gate`` holds
    the handling of the events whose id is in ``held`` until it is set."""

    def __init__(self, held: frozenset[str] = frozenset()) -> None:
        self.handled: list[str | None] = []
        self.reported: list[tuple[str, str | None, str]] = []
        self.held = held
        self.gate = asyncio.Event()
        self.started = asyncio.Event()

    async def handle(self, event: ClientEvent) -> None:
        if event.event_id in self.held:
            self.started.set()
            await self.gate.wait()
        if event.event_id is not None and event.event_id.startswith("bad"):
            raise CallError("invalid_value", "refused")
        if event.event_id is not None and event.event_id.startswith("bug"):
            raise KeyError("a bug")
        self.handled.append(event.event_id)

    def report(self, exc: CallError) -> None:
        self.reported.append((exc.code, exc.event_id, exc.error_type))


async def test_events_run_in_order_one_at_a_time() -> None:
    rec = Recorder(held=frozenset({"c1"}))
    lane = ControlLane(rec.handle, rec.report, session_id="s")
    lane.start()
    lane.put(create("c1"), 10)
    lane.put(cancel("x1"), 10)
    lane.put(CallError("unknown_event_type", "no such event", event_id="p1"), 10)
    await asyncio.wait_for(rec.started.wait(), 5)
    for _ in range(5):  # the lane's task gets every chance to run ahead: it must not
        await asyncio.sleep(0)
    assert rec.handled == [] and rec.reported == []
    assert lane.events == 3 and lane.bytes == 30
    rec.gate.set()
    assert await lane.drain(5)
    assert rec.handled == ["c1", "x1"]
    assert rec.reported == [("unknown_event_type", "p1", "invalid_request_error")]
    assert lane.events == 0 and lane.bytes == 0
    await lane.stop()


async def test_a_refused_event_gets_its_event_id_and_the_lane_goes_on() -> None:
    rec = Recorder()
    lane = ControlLane(rec.handle, rec.report, session_id="s")
    lane.start()
    lane.put(create("bad-1"), 1)
    lane.put(create("c2"), 1)
    assert await lane.drain(5)
    assert rec.reported == [("invalid_value", "bad-1", "invalid_request_error")]
    assert rec.handled == ["c2"]
    await lane.stop()


async def test_a_bug_is_an_internal_error_and_the_lane_goes_on() -> None:
    rec = Recorder()
    lane = ControlLane(rec.handle, rec.report, session_id="sess_x")
    task = lane.start()
    with structlog.testing.capture_logs() as logs:
        lane.put(create("bug-1"), 1)
        lane.put(create("c2"), 1)
        assert await lane.drain(5)
    assert rec.reported == [("internal_error", "bug-1", "server_error")]
    failed = [e for e in logs if e["event"] == "realtime_event_failed"]
    assert len(failed) == 1, logs
    assert failed[0]["session"] == "sess_x" and failed[0]["event_id"] == "bug-1"
    assert failed[0]["log_level"] == "error" and failed[0].get("exc_info")
    assert rec.handled == ["c2"]
    assert not task.done()
    await lane.stop()


async def test_an_event_past_its_deadline_is_abandoned() -> None:
    rec = Recorder(held=frozenset({"c1"}))  # the gate never opens
    lane = ControlLane(rec.handle, rec.report, session_id="s", event_timeout_s=0.05)
    lane.start()
    lane.put(create("c1"), 1)
    lane.put(create("c2"), 1)
    assert await lane.drain(5)
    assert rec.reported == [("event_timeout", "c1", "server_error")]
    assert rec.handled == ["c2"]
    await lane.stop()


async def test_the_lane_is_bounded_in_events_and_bytes() -> None:
    rec = Recorder(held=frozenset({"c0"}))
    lane = ControlLane(rec.handle, rec.report, session_id="s", max_events=3, max_bytes=100)
    lane.start()
    lane.put(create("c0"), 10)
    lane.put(create("c1"), 10)
    lane.put(create("c2"), 10)
    with pytest.raises(CallError) as full:
        lane.put(create("c3"), 10)
    assert full.value.code == "too_many_pending_events"
    assert full.value.event_id == "c3"
    assert full.value.error_type == "rate_limit_error"
    rec.gate.set()
    assert await lane.drain(5)
    assert rec.handled == ["c0", "c1", "c2"]  # the dropped one was never handled

    rec2 = Recorder(held=frozenset({"c0"}))
    lane2 = ControlLane(rec2.handle, rec2.report, session_id="s", max_events=10, max_bytes=100)
    lane2.start()
    lane2.put(create("c0"), 60)
    with pytest.raises(CallError) as too_big:
        lane2.put(InputAudioAppend("a1", b"\0" * 50), 50)
    assert too_big.value.code == "too_many_pending_events"
    lane2.put(create("c1"), 40)  # what fits still goes in
    rec2.gate.set()
    assert await lane2.drain(5)
    assert rec2.handled == ["c0", "c1"]
    await lane.stop()
    await lane2.stop()


async def test_audio_waits_only_behind_events_it_may_not_overtake() -> None:
    rec = Recorder(held=frozenset({"c1", "u1"}))
    lane = ControlLane(rec.handle, rec.report, session_id="s")
    lane.start()
    lane.put(create("c1"), 1)  # a response.create waiting: audio goes on
    await asyncio.wait_for(rec.started.wait(), 5)
    assert not lane.audio_must_wait
    lane.put(SessionUpdate("u1", {}), 1)  # a format change waiting: audio waits behind it
    assert lane.audio_must_wait
    rec.gate.set()
    assert await lane.drain(5)
    assert not lane.audio_must_wait
    rec.gate.clear()
    rec.held = frozenset({"m1"})
    lane.put(InputAudioCommit("m1"), 1)
    assert lane.audio_must_wait
    rec.gate.set()
    assert await lane.drain(5)
    assert not lane.audio_must_wait
    await lane.stop()


async def test_stop_cancels_what_runs_and_leaves_no_task_behind() -> None:
    rec = Recorder(held=frozenset({"c1"}))
    lane = ControlLane(rec.handle, rec.report, session_id="s")
    task = lane.start()
    lane.put(create("c1"), 1)
    lane.put(create("c2"), 1)
    await asyncio.wait_for(rec.started.wait(), 5)
    assert not await lane.drain(0.05)  # bounded: c1 holds the lane
    await lane.stop()
    assert task.cancelled()
    assert not lane.running
    assert rec.handled == [] and rec.reported == []
    del task
    gc.collect()  # a destroyed pending task would warn here


async def test_a_failure_of_the_lane_itself_is_logged_and_reported() -> None:
    failed: list[bool] = []
    rec = Recorder()

    def broken_report(exc: CallError) -> None:  # the session's side fails while reporting
        raise RuntimeError("cannot report")

    lane = ControlLane(
        rec.handle, broken_report, session_id="s", on_failure=lambda: failed.append(True)
    )
    task = lane.start()
    lane.put(CallError("unknown_event_type", "x", event_id="p1"), 1)
    await asyncio.wait({task}, timeout=5)
    assert task.done() and not task.cancelled()
    assert failed == [True]
    await lane.stop()
