"""The agent's reply as audio: sentences from the generator, synthesized just in time.

* :class:`ReplyStream` pulls the reply's sentences from a prepared turn and synthesizes them
  chunk by chunk, each only when playback needs it (about ``JIT_AHEAD_MS`` ahead of the
  caller's ear), so replies do not crowd the shared TTS workers in bursts and a barge-in
  wastes little synthesis;
* :func:`split_first_clause` cuts the first sentence after a short first clause: a short
  first chunk means the caller hears the agent sooner.

Each chunk is asked for with the audio its caller still has to hear before needing it
(``slack_ms``: 0 for the first chunk of a reply), so the shared synthesis workers make every
waiting caller's first words before the rest of other callers' long replies
(:mod:`voice_agent.speech.scheduler`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import structlog

from voice_agent.call.ports import Speech
from voice_agent.orchestrator import PreparedTurn

log = structlog.get_logger("voice_agent.call")

Int16Array = npt.NDArray[np.int16]

#: A reply's next chunk is synthesized when less than this much audio is ready ahead of
#: the caller's ear (synthesis of one chunk takes ~0.1-0.6 s on a busy 2-core machine).
JIT_AHEAD_MS: Final = 1500.0
#: The longest wait for the next chunk of a reply before the reply is cut short.
TTS_TIMEOUT_S: Final = 10.0

#: ``(sentence, chunk)``: audio of a sentence; ``(sentence, None)``: the sentence ended.
ReplyItem = tuple[str, Int16Array | None]
#: Starts a task owned by someone (a call) who cancels and awaits it when it ends.
Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[Any]"]


def split_first_clause(sentence: str, min_words: int = 2, max_chars: int = 60) -> list[str]:
    """Split a sentence after its first clause (a comma, semicolon or colon) when that
    clause is short; otherwise return it whole."""
    for i, ch in enumerate(sentence):
        if i > max_chars:
            break
        if ch in ",;:" and i + 1 < len(sentence) and sentence[i + 1] == " ":
            head, tail = sentence[: i + 1].strip(), sentence[i + 1 :].strip()
            if len(head.split()) >= min_words and len(tail.split()) >= min_words:
                return [head, tail]
    return [sentence]


class ReplyStream:
    """Generates the reply's sentences and synthesizes them ahead of playback (bounded).

    Started at once (a task, started with ``spawn`` so that its call owns it and cancels
    and awaits it when the call ends): the first sentence's audio is being made while the
    caller's turn is still being stored. :meth:`cancel` stops it; :meth:`next_chunk` raises
    ``TimeoutError`` when synthesis stalls.
    """

    def __init__(
        self,
        prepared: PreparedTurn,
        speech: Speech,
        out_rate: int,
        language: str,
        spawn: Spawn | None = None,
    ) -> None:
        self.prepared = prepared
        self.language = language
        self.speech = speech
        self.out_rate = out_rate
        self.queue: asyncio.Queue[ReplyItem | None] = asyncio.Queue(maxsize=2)
        self.tts_first_ms: float | None = None
        self.error: str | None = None
        #: set when playback wants the next chunk synthesized (initially: the first one)
        self.demand = asyncio.Event()
        self.demand.set()
        self.queued_ms = 0.0
        #: audio playback had ahead of the caller's ear besides the queue (``wants_more``)
        self.ahead_ms = 0.0
        if spawn is None:
            self.task: asyncio.Task[Any] = asyncio.create_task(self._produce(), name="call-reply")
        else:
            self.task = spawn(self._produce(), "call-reply")

    async def _produce(self) -> None:
        try:
            first = True
            async for sentence in self.prepared.sentences():
                sentence = sentence.strip()
                if not sentence:
                    continue
                pieces = split_first_clause(sentence) if first else [sentence]
                first = False
                for piece in pieces:
                    await self._synthesize(sentence, piece)
                await self.queue.put((sentence, None))  # end of sentence
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the reply ends early; the call goes on
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("reply_stream_failed", error=self.error)
        await self.queue.put(None)

    async def _synthesize(self, sentence: str, piece: str) -> None:
        """Pull the synthesis of ``piece`` chunk by chunk, each only when playback needs it
        (see :attr:`demand`)."""
        await self.demand.wait()
        # the first chunk of the reply: the caller is waiting; later ones: what it has ahead
        slack_ms = 0.0 if self.tts_first_ms is None else self.queued_ms + self.ahead_ms
        stream = self.speech.synthesize_stream(
            piece, self.out_rate, language=self.language, slack_ms=slack_ms
        )
        chunks = aiter(stream)
        try:
            while True:
                await self.demand.wait()
                first = self.tts_first_ms is None
                t0 = time.perf_counter()
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    return
                if first:
                    self.tts_first_ms = (time.perf_counter() - t0) * 1000
                self.demand.clear()
                self.queued_ms += chunk.size * 1000.0 / self.out_rate
                await self.queue.put((sentence, chunk))
        finally:
            closer = getattr(stream, "aclose", None)
            if closer is not None:
                await closer()

    async def next_chunk(self) -> ReplyItem | None:
        """The next item for playback: ``(sentence, chunk)``, ``(sentence, None)`` at the end
        of a sentence, ``None`` at the end of the reply."""
        if self.queue.empty():
            self.demand.set()
        got = await asyncio.wait_for(self.queue.get(), TTS_TIMEOUT_S)
        if got is not None and got[1] is not None:
            self.queued_ms -= got[1].size * 1000.0 / self.out_rate
        return got

    def wants_more(self, ahead_ms: float) -> None:
        """Playback has ``ahead_ms`` of audio besides what is queued: ask for the next chunk
        when that gets short."""
        self.ahead_ms = ahead_ms
        if ahead_ms + self.queued_ms < JIT_AHEAD_MS:
            self.demand.set()

    def cancel(self) -> None:
        self.task.cancel()
