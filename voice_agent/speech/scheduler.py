"""Synthesis jobs served by when a caller would otherwise hear silence.

Every call's reply is synthesized chunk by chunk on a few shared worker threads. A chunk is
worth computing first when the caller it is for would hear nothing sooner without it:

* the first chunk of a reply: the caller is already waiting (its deadline is *now*);
* a continuation chunk: the caller still has the audio already made ahead of it to hear
  (its deadline is *now + that audio*).

So a queue ordered by deadline (earliest first, first come first served among equals) serves
the first sentence of every waiting reply before the continuation sentences of long replies,
yet a continuation whose slack has run out goes before first chunks that arrived after its
deadline: a long reply is never cut by a gap either.

* :class:`DeadlineQueue` - the pure ordering (no threads, no clock);
* :class:`DeadlineExecutor` - ``n`` worker threads serving a :class:`DeadlineQueue`, an
  ``Executor`` whose :meth:`~DeadlineExecutor.submit_by` takes the deadline;
* :func:`usable_cpus` / :func:`tts_worker_count` - how many synthesis workers this machine
  gets (one per CPU core the process may run on, unless set).
"""

from __future__ import annotations

import concurrent.futures
import heapq
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, ParamSpec, TypeVar

__all__ = ["DeadlineExecutor", "DeadlineQueue", "tts_worker_count", "usable_cpus"]

T = TypeVar("T")
R = TypeVar("R")
P = ParamSpec("P")


@dataclass(order=True, slots=True)
class _Entry(Generic[T]):
    deadline: float
    seq: int
    item: T = field(compare=False)


class DeadlineQueue(Generic[T]):
    """Items popped earliest deadline first; equal deadlines in the order they were pushed."""

    def __init__(self) -> None:
        self._heap: list[_Entry[T]] = []
        self._seq = itertools.count()

    def push(self, item: T, deadline: float) -> None:
        heapq.heappush(self._heap, _Entry(deadline, next(self._seq), item))

    def pop(self) -> T:
        """The item with the earliest deadline. Raises ``IndexError`` when empty."""
        if not self._heap:
            raise IndexError("pop from an empty DeadlineQueue")
        return heapq.heappop(self._heap).item

    def drain(self) -> list[T]:
        """Every item, in serving order; the queue is left empty."""
        out = [e.item for e in sorted(self._heap)]
        self._heap.clear()
        return out

    def __len__(self) -> int:
        return len(self._heap)

    def __iter__(self) -> Iterator[T]:
        """The items in no particular order (the queue is not changed)."""
        return (e.item for e in self._heap)


def usable_cpus() -> int:
    """CPU cores this process may run on (its affinity mask, else ``os.cpu_count``)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not Linux
        return max(1, os.cpu_count() or 1)


def tts_worker_count(requested: int = 0) -> int:
    """Synthesis worker threads: ``requested``, or with 0 one per usable core. Each Piper
    run uses one core (``intra_op_threads=1``), so more workers than cores only queue in the
    OS instead of in the :class:`DeadlineQueue`, where first chunks go first."""
    if requested < 0:
        raise ValueError(f"tts workers must be 0 (one per core) or more, got {requested}")
    return requested or usable_cpus()


#: a queued job: its future (of any result type) and the call that makes the result
_Job = tuple["concurrent.futures.Future[Any]", Callable[[], object]]


class DeadlineExecutor(concurrent.futures.Executor):
    """``workers`` threads (named ``<name>_<i>``) running jobs earliest deadline first.

    :meth:`submit` is due now; :meth:`submit_by` takes a ``time.monotonic()`` deadline.
    Cancelling a queued job's future drops it. :meth:`shutdown` as ``ThreadPoolExecutor``'s
    (``cancel_futures`` drops the queued jobs)."""

    def __init__(self, name: str, workers: int) -> None:
        self.name = name
        self.workers = max(1, workers)
        self._queue: DeadlineQueue[_Job] = DeadlineQueue()
        self._cond = threading.Condition()
        self._closed = False
        self._threads: list[threading.Thread] = []  # started with the first job

    def submit(
        self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> concurrent.futures.Future[R]:
        return self.submit_by(time.monotonic(), fn, *args, **kwargs)

    def submit_by(
        self, deadline: float, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs
    ) -> concurrent.futures.Future[R]:
        """Run ``fn(*args, **kwargs)`` before jobs with later deadlines."""
        fut: concurrent.futures.Future[R] = concurrent.futures.Future()

        def call() -> object:
            return fn(*args, **kwargs)

        with self._cond:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._queue.push((fut, call), deadline)
            if not self._threads:
                self._threads = [
                    threading.Thread(target=self._work, name=f"{self.name}_{i}", daemon=True)
                    for i in range(self.workers)
                ]
                for thread in self._threads:
                    thread.start()
            self._cond.notify()
        return fut

    def pending(self) -> int:
        """Jobs waiting for a worker (not the ones running, nor the cancelled ones a worker
        will skip)."""
        with self._cond:
            return sum(1 for fut, _ in self._queue if not fut.cancelled())

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._queue and not self._closed:
                    self._cond.wait()
                if not self._queue:
                    return
                fut, call = self._queue.pop()
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                result = call()
            except BaseException as exc:  # handed to the waiter, like ThreadPoolExecutor
                fut.set_exception(exc)
            else:
                fut.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._cond:
            self._closed = True
            dropped = self._queue.drain() if cancel_futures else []
            self._cond.notify_all()
        for fut, _ in dropped:
            fut.cancel()
        if wait:
            for thread in list(self._threads):
                if thread is not threading.current_thread():
                    thread.join()
