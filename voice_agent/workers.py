"""Every worker thread pool of a server process, made in one place.

The event loop never computes: model inference, rule fallbacks, speech-to-text, synthesis,
audio decoding with the VAD, and SQLite all run in these pools. Each stage has its own so
that a slow one (a Whisper decode) never queues another (the next VAD frame)::

    workers = Workers.create(WorkerSizes(stt=1, tts=1))
    orchestrator = Orchestrator(..., executor=workers.analysis, rules_executor=workers.rules)
    engines = SpeechEngines.load(config, workers=workers)
    ...
    workers.shutdown()

Parts built without a :class:`Workers` (a test's engines, a one-off store) make their own
with the same :func:`pool` helper and shut them down themselves.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, fields

from voice_agent.speech.scheduler import DeadlineExecutor, tts_worker_count


@dataclass(frozen=True, slots=True)
class WorkerSizes:
    """Threads per pool. ``analysis``: trained analysers (they hold the GIL little: numpy,
    LightGBM); ``rules``: the rule fallbacks, apart so that a hung model cannot delay them;
    ``audio``: decode + resample + VAD of caller audio; ``stt``/``tts``: Whisper and Piper
    (each decode already uses the cores it is given; ``tts`` 0: one per usable core, see
    :func:`~voice_agent.speech.scheduler.tts_worker_count`); ``store``: one, SQLite's
    thread."""

    analysis: int = 4
    rules: int = 2
    audio: int = 1
    stt: int = 1
    tts: int = 0
    store: int = 1


def pool(name: str, size: int) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=max(1, size), thread_name_prefix=name)


@dataclass(frozen=True, slots=True)
class Workers:
    analysis: ThreadPoolExecutor
    rules: ThreadPoolExecutor
    audio: ThreadPoolExecutor
    stt: ThreadPoolExecutor
    #: synthesis jobs earliest deadline first (a reply's first chunk before others' next ones)
    tts: DeadlineExecutor
    store: ThreadPoolExecutor

    @classmethod
    def create(cls, sizes: WorkerSizes | None = None) -> Workers:
        s = sizes or WorkerSizes()
        return cls(
            analysis=pool("analysis", s.analysis),
            rules=pool("rules", s.rules),
            audio=pool("audio", s.audio),
            stt=pool("stt", s.stt),
            tts=DeadlineExecutor("tts", tts_worker_count(s.tts)),
            store=pool("sqlite", s.store),
        )

    def shutdown(self, wait: bool = False) -> None:
        """Stop every pool; queued jobs are dropped (the store's last writes are awaited by
        the store's own ``close`` before this)."""
        for f in fields(self):
            executor: ThreadPoolExecutor | DeadlineExecutor = getattr(self, f.name)
            executor.shutdown(wait=wait, cancel_futures=True)
