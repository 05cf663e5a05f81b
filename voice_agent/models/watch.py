"""Hot swap: a serving process picks up a new champion without a restart.

:class:`ModelWatcher` polls the registry's ``champion.json`` every ``VOICE_AGENT_MODEL_POLL_S``
seconds. When it names another version, the watcher loads that version beside the one
serving (in a thread of its own: unpickling computes), checks it (every kind loads, and one
prediction per analyser on :data:`PROBE` gives a well-formed answer), then swaps it in with
one assignment (:meth:`voice_agent.orchestrator.Orchestrator.swap_models`): a turn reads the
analysers once, so it runs wholly on the old version or wholly on the new one. A version
that fails its check is refused (``model_swap_refused``, one line), the old one goes on
serving, and that champion is not tried again until ``champion.json`` is written again.

The decision (:func:`decide`) and the check (:func:`check_analysers`) do no I/O; reading the
pointer and loading run in the watcher's threads, each under a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import numbers
import os
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

import structlog

from voice_agent import metrics
from voice_agent.core.types import AnalysisInput, BuyingSignal, Utterance
from voice_agent.models.registry import CHAMPION_FILE, KINDS, champion_version, load_version

log = structlog.get_logger("voice_agent.models.watch")

#: Longest a read of ``champion.json`` may take.
POLL_TIMEOUT_S: Final = 5.0
#: Longest loading and checking a version may take (the bundled champion: about a second).
LOAD_TIMEOUT_S: Final = 120.0
#: The turn every analyser of a new version must answer before it serves.
PROBE: Final = AnalysisInput(
    text="How much does it cost per month? I need to ask my wife first.",
    lang="en",
    history=(Utterance("agent", "Hi, this is Sam from Altura. How can I help you today?"),),
)


@dataclass(frozen=True, slots=True)
class Pointer:
    """What ``champion.json`` said, and which write of it: a new write is a change even when
    it names the same version (``stamp``: inode, mtime in ns, size; ``None``: no file)."""

    version: str | None
    stamp: tuple[int, int, int] | None


def read_pointer(root: Path) -> Pointer:
    """``champion.json`` of ``root`` (blocking I/O: run it in a thread)."""
    path = Path(root) / CHAMPION_FILE
    try:
        st = os.stat(path)
    except OSError:
        return Pointer(None, None)
    return Pointer(champion_version(root), (st.st_ino, st.st_mtime_ns, st.st_size))


Decision = Literal["keep", "load"]


def decide(pointer: Pointer, serving: str | None, refused: Pointer | None) -> Decision:
    """``load`` when ``champion.json`` names a version other than the one serving, unless
    that very write of it was refused already; otherwise ``keep`` (no readable champion:
    keep serving what loaded)."""
    if pointer.version is None or pointer.version == serving:
        return "keep"
    if refused is not None and pointer == refused:
        return "keep"
    return "load"


def _probability(x: object) -> bool:
    """A number in [0, 1] (numpy's too; not NaN, not a bool)."""
    return isinstance(x, numbers.Real) and not isinstance(x, bool) and 0.0 <= float(x) <= 1.0


def check_result(kind: str, result: object) -> str | None:
    """Why ``result`` is not a well-formed answer of a ``kind`` analyser (``None``: it is)."""
    if kind in ("objections", "needs"):
        if not isinstance(result, Mapping) or not result:
            return f"{kind}: answered {type(result).__name__}, not label probabilities"
        bad = sorted(str(k) for k, v in result.items() if not _probability(v))
        return f"{kind}: not a probability for {', '.join(bad[:5])}" if bad else None
    if kind == "buying_signal":
        if not isinstance(result, BuyingSignal) or not _probability(result.p):
            return f"buying_signal: answered {result!r}"
        return None
    if not _probability(result):
        return f"{kind}: answered {result!r}, not a probability"
    return None


def check_analysers(analysers: Mapping[str, Any], probe: AnalysisInput = PROBE) -> str | None:
    """Why ``analysers`` may not serve (``None``: they may): every kind present, and each
    answers ``probe`` well-formed. Computes (predictions): run it in a thread."""
    missing = [k for k in KINDS if k not in analysers]
    if missing:
        return f"no analyser for {', '.join(missing)}"
    for kind in KINDS:
        try:
            result = analysers[kind].predict(probe)
        except Exception as exc:  # a broken model is a refusal, not a crash
            return f"{kind}: prediction failed: {type(exc).__name__}: {exc}"
        why = check_result(kind, result)
        if why is not None:
            return why
    return None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A version loaded and checked beside the serving one."""

    version: str
    analysers: dict[str, Any]
    #: why it may not serve (``None``: it may)
    refusal: str | None
    load_ms: float
    check_ms: float


def load_candidate(root: Path, version: str) -> Candidate:
    """Load ``version`` of ``root`` and check it (blocking: run it in a thread)."""
    t0 = time.perf_counter()
    loaded = load_version(root, version)
    t1 = time.perf_counter()
    if loaded.errors:
        refusal: str | None = "; ".join(f"{k}: {v}" for k, v in sorted(loaded.errors.items()))
    else:
        refusal = check_analysers(loaded.analysers)
    t2 = time.perf_counter()
    return Candidate(version, dict(loaded.analysers), refusal, (t1 - t0) * 1000, (t2 - t1) * 1000)


Outcome = Literal["kept", "swapped", "refused", "failed"]
#: Swaps ``analysers`` of ``version`` in (the caller's state: orchestrator, readiness).
SwapFn = Callable[[dict[str, Any], str], None]


def publish_version(version: str | None) -> None:
    """The serving version as the ``voice_agent_model`` info metric."""
    metrics.MODEL.info({"version": version or "none"})


class ModelWatcher:
    """Polls ``root`` every ``poll_s`` seconds from :meth:`start` until :meth:`stop`
    (``root`` ``None`` or ``poll_s`` 0: no polling; the serving version is still published).
    :meth:`poll_once` is one poll, for tests and the loop alike."""

    def __init__(
        self,
        root: Path | None,
        *,
        serving: str | None,
        swap: SwapFn,
        poll_s: float,
        poll_timeout_s: float = POLL_TIMEOUT_S,
        load_timeout_s: float = LOAD_TIMEOUT_S,
    ) -> None:
        self.root = root
        self.serving = serving
        self.swap = swap
        self.poll_s = poll_s
        self.poll_timeout_s = poll_timeout_s
        self.load_timeout_s = load_timeout_s
        #: the write of ``champion.json`` whose version was refused (not tried again)
        self.refused: Pointer | None = None
        #: reading the pointer and loading: never on the event loop nor in the analysers'
        #: pools (a load must not queue turns); two threads, so that a load stuck past its
        #: deadline leaves one for the polls
        self._executor: ThreadPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def enabled(self) -> bool:
        return self.root is not None and self.poll_s > 0

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="models-watch")
        return self._executor

    async def _in_thread(self, deadline_s: float, fn: Callable[..., Any], *args: Any) -> Any:
        """``fn(*args)`` in the watcher's threads; TimeoutError after ``deadline_s`` (the
        thread finishes on its own, its result dropped)."""
        loop = asyncio.get_running_loop()
        return await asyncio.wait_for(loop.run_in_executor(self._pool(), fn, *args), deadline_s)

    async def start(self) -> None:
        publish_version(self.serving)
        if self.enabled:
            log.info("model_watch_started", registry=str(self.root), poll_s=self.poll_s)
            self._task = asyncio.create_task(self._loop(), name="model-watch")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                await self.poll_once()
            except Exception as exc:  # the next poll tries again; the server goes on
                log.warning("model_watch_failed", error=f"{type(exc).__name__}: {exc}")

    async def poll_once(self) -> Outcome:
        """Read ``champion.json``; load, check and swap in a new champion."""
        assert self.root is not None
        root = self.root
        t0 = time.perf_counter()
        try:
            pointer: Pointer = await self._in_thread(self.poll_timeout_s, read_pointer, root)
        except TimeoutError:
            log.warning("model_watch_failed", error=f"reading {root / CHAMPION_FILE} timed out")
            return "failed"
        if decide(pointer, self.serving, self.refused) == "keep":
            return "kept"
        version = pointer.version
        assert version is not None
        try:
            cand: Candidate = await self._in_thread(
                self.load_timeout_s, load_candidate, root, version
            )
        except TimeoutError:
            return self._refuse(pointer, f"loading and checking took over {self.load_timeout_s}s")
        if cand.refusal is not None:
            return self._refuse(pointer, cand.refusal)
        old = self.serving
        self.swap(cand.analysers, version)
        self.serving, self.refused = version, None
        swap_ms = (time.perf_counter() - t0) * 1000
        metrics.MODEL_SWAPS.labels("swapped").inc()
        publish_version(version)
        log.info(
            "model_swapped",
            old_version=old,
            new_version=version,
            registry=str(root),
            load_ms=round(cand.load_ms, 1),
            check_ms=round(cand.check_ms, 1),
            swap_ms=round(swap_ms, 1),
        )
        return "swapped"

    def _refuse(self, pointer: Pointer, reason: str) -> Outcome:
        self.refused = pointer
        metrics.MODEL_SWAPS.labels("refused").inc()
        log.warning(
            "model_swap_refused",
            version=pointer.version,
            serving=self.serving,
            registry=str(self.root),
            reason=reason,
        )
        return "refused"

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


__all__ = [
    "LOAD_TIMEOUT_S",
    "PROBE",
    "Candidate",
    "ModelWatcher",
    "Pointer",
    "check_analysers",
    "check_result",
    "decide",
    "load_candidate",
    "publish_version",
    "read_pointer",
]
