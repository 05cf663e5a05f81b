"""Synthesized sentences kept for the next call that says them (bounded, least recently used).

An agent says the same sentences again and again: the greeting, "Let me check that for
you.", the playbook's answers. Synthesis is most of a call's CPU (Piper: about 0.1 s of CPU
per second of speech, against ~4 ms for the VAD), so a sentence said before is served from
memory instead::

    cache = SynthesisCache(max_bytes=32 * 2**20)
    voice = CachedSynthesizer(PiperSynthesizer(), cache, key="joe")
    list(voice.synthesize("Hello there."))   # synthesized, then kept
    list(voice.synthesize("Hello there."))   # the same chunks, no synthesis

Only a text synthesized to its end is kept (a reply cut by a barge-in leaves nothing).
Thread-safe: the synthesis workers share one cache.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator

import numpy as np
import numpy.typing as npt

from voice_agent.speech.tts import Synthesizer, join_chunks

__all__ = ["CachedSynthesizer", "SynthesisCache"]

Int16Array = npt.NDArray[np.int16]
Chunks = tuple[Int16Array, ...]


class SynthesisCache:
    """``(voice, text) -> chunks``, at most ``max_bytes`` of audio, least recently used
    evicted first. ``max_bytes`` 0 keeps nothing."""

    def __init__(self, max_bytes: int) -> None:
        if max_bytes < 0:
            raise ValueError(f"max_bytes must be >= 0, got {max_bytes}")
        self.max_bytes = max_bytes
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self._items: OrderedDict[tuple[str, str], Chunks] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, voice: str, text: str) -> Chunks | None:
        with self._lock:
            chunks = self._items.get((voice, text))
            if chunks is None:
                self.misses += 1
                return None
            self._items.move_to_end((voice, text))
            self.hits += 1
            return chunks

    def put(self, voice: str, text: str, chunks: Chunks) -> bool:
        """Keep ``chunks`` (read-only from now on); ``False`` if larger than the cache."""
        size = sum(int(c.nbytes) for c in chunks)
        if size > self.max_bytes:
            return False
        for c in chunks:
            c.setflags(write=False)  # shared by every call that says it
        with self._lock:
            old = self._items.pop((voice, text), None)
            if old is not None:
                self.bytes -= sum(int(c.nbytes) for c in old)
            self._items[(voice, text)] = chunks
            self.bytes += size
            while self.bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.bytes -= sum(int(c.nbytes) for c in evicted)
        return True

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def stats(self) -> dict[str, int]:
        with self._lock:
            return {
                "entries": len(self._items),
                "bytes": self.bytes,
                "hits": self.hits,
                "misses": self.misses,
            }


class CachedSynthesizer:
    """``inner`` with its finished texts kept in ``cache`` under ``key`` (the voice)."""

    def __init__(self, inner: Synthesizer, cache: SynthesisCache, key: str) -> None:
        self.inner = inner
        self.cache = cache
        self.key = key

    @property
    def sample_rate(self) -> int:
        return self.inner.sample_rate

    def synthesize(self, text: str) -> Iterator[Int16Array]:
        norm = " ".join(text.split()) if isinstance(text, str) else text
        if not isinstance(norm, str) or self.cache.max_bytes == 0:
            yield from self.inner.synthesize(text)
            return
        kept = self.cache.get(self.key, norm)
        if kept is not None:
            yield from kept
            return
        made: list[Int16Array] = []
        for chunk in self.inner.synthesize(text):
            made.append(chunk)
            yield chunk
        self.cache.put(self.key, norm, tuple(made))  # reached only when consumed to the end

    def synthesize_all(self, text: str) -> Int16Array:
        return join_chunks(self.synthesize(text))
