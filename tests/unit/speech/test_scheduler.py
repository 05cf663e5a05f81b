"""The synthesis scheduler: deadline order (pure), its executor, the worker count."""

from __future__ import annotations

import threading
import time

import pytest

from voice_agent.speech.scheduler import (
    DeadlineExecutor,
    DeadlineQueue,
    tts_worker_count,
    usable_cpus,
)


def test_first_chunks_go_before_continuations_of_long_replies() -> None:
    q: DeadlineQueue[str] = DeadlineQueue()
    now = 100.0
    # a long reply's next sentences: its caller still has 1.2 s and 2.5 s of audio to hear
    q.push("long:2", now + 1.2)
    q.push("long:3", now + 2.5)
    # then two other calls' first sentences: their callers are waiting now
    q.push("b:1", now + 0.01)
    q.push("c:1", now + 0.02)
    assert [q.pop() for _ in range(4)] == ["b:1", "c:1", "long:2", "long:3"]
    assert len(q) == 0


def test_equal_deadlines_are_first_come_first_served() -> None:
    q: DeadlineQueue[int] = DeadlineQueue()
    for i in range(5):
        q.push(i, 7.0)
    assert [q.pop() for _ in range(5)] == [0, 1, 2, 3, 4]


def test_a_continuation_out_of_slack_goes_before_later_first_chunks() -> None:
    q: DeadlineQueue[str] = DeadlineQueue()
    q.push("long:2", 10.5)  # due at 10.5 s: its caller hears silence after that
    q.push("d:1", 10.8)  # a first chunk asked for at 10.8 s, after that deadline
    q.push("e:1", 10.2)
    assert [q.pop() for _ in range(3)] == ["e:1", "long:2", "d:1"]


def test_empty_queue_and_drain() -> None:
    q: DeadlineQueue[str] = DeadlineQueue()
    with pytest.raises(IndexError):
        q.pop()
    q.push("late", 3.0)
    q.push("early", 1.0)
    q.push("mid", 2.0)
    assert q.drain() == ["early", "mid", "late"]
    assert len(q) == 0


def test_worker_count_from_the_machine_unless_set() -> None:
    assert usable_cpus() >= 1
    assert tts_worker_count(0) == usable_cpus()
    assert tts_worker_count(3) == 3
    with pytest.raises(ValueError, match="tts workers"):
        tts_worker_count(-1)


def test_executor_serves_queued_jobs_earliest_deadline_first() -> None:
    pool = DeadlineExecutor("ttstest", 1)
    started, release = threading.Event(), threading.Event()
    order: list[str] = []

    def block() -> str:
        started.set()
        assert release.wait(10)
        return "block"

    try:
        busy = pool.submit(block)
        assert started.wait(10)  # the only worker is busy: the next jobs queue
        now = time.monotonic()
        jobs = [
            pool.submit_by(now + 2.0, order.append, "long:2"),
            pool.submit_by(now + 3.0, order.append, "long:3"),
            pool.submit_by(now, order.append, "b:1"),
            pool.submit(order.append, "c:1"),
        ]
        assert pool.pending() == 4
        release.set()
        assert busy.result(10) == "block"
        for job in jobs:
            job.result(10)
        assert order == ["b:1", "c:1", "long:2", "long:3"]
    finally:
        release.set()
        pool.shutdown(wait=True)


def test_executor_cancel_errors_threads_and_shutdown() -> None:
    pool = DeadlineExecutor("ttstest", 2)
    started, release = threading.Event(), threading.Event()
    ran: list[str] = []
    names: set[str] = set()

    def block() -> None:
        names.add(threading.current_thread().name)
        started.set()
        assert release.wait(10)

    def boom() -> None:
        raise RuntimeError("synthesis broke")

    try:
        with pytest.raises(RuntimeError, match="synthesis broke"):
            pool.submit(boom).result(10)
        blockers = [pool.submit(block), pool.submit(block)]
        assert started.wait(10)
        wait_until = time.monotonic() + 10
        while pool.pending() and time.monotonic() < wait_until:  # both workers take one
            time.sleep(0.01)
        dropped = pool.submit(ran.append, "cancelled")
        assert pool.pending() == 1
        assert dropped.cancel()
        assert pool.pending() == 0  # a cancelled job no longer counts as waiting
        kept = pool.submit(ran.append, "kept")
        assert pool.pending() == 1
        release.set()
        for fut in blockers:
            fut.result(10)
        kept.result(10)
        assert ran == ["kept"]
        assert names <= {"ttstest_0", "ttstest_1"}
        queued_at_shutdown = []
        gate = threading.Event()
        blocker = pool.submit(gate.wait, 10)
        blocker2 = pool.submit(gate.wait, 10)
        wait_until = time.monotonic() + 10
        while pool.pending() and time.monotonic() < wait_until:  # both workers busy again
            time.sleep(0.01)
        queued_at_shutdown.append(pool.submit(ran.append, "never"))
    finally:
        release.set()
        pool.shutdown(wait=False, cancel_futures=True)
    assert queued_at_shutdown[0].cancelled()
    gate.set()
    assert blocker.result(10) and blocker2.result(10)
    with pytest.raises(RuntimeError, match="after shutdown"):
        pool.submit(ran.append, "late")
    pool.shutdown(wait=True)
    assert ran == ["kept"]


def test_the_setting_sizes_the_servers_synthesis_workers() -> None:
    from voice_agent.services import worker_sizes
    from voice_agent.settings import Settings
    from voice_agent.workers import Workers

    for setting, threads in ((0, usable_cpus()), (3, 3)):
        workers = Workers.create(worker_sizes(Settings(tts_workers=setting)))
        try:
            assert isinstance(workers.tts, DeadlineExecutor)
            assert workers.tts.workers == threads
        finally:
            workers.shutdown()
