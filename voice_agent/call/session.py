"""The pure core of a realtime voice session: turn-taking, barge-in, playback accounting.

Nothing here does I/O, sleeps or reads a clock: callers pass the stream time (``t_ms``, the
position in the caller's audio) or the wall time (``now``, seconds) and get back values or
actions to carry out. The endpoint (``endpoint.py``) feeds these classes and performs what
they return.

* :class:`TurnTaking` turns voice-activity events into protocol actions: when to announce
  speech, when to start the speculative transcription (at end of speech, before the
  end-of-turn silence), when to drop it, when the caller barges in over the agent and when
  a short interjection ("mm-hm") must be checked before it may cut the agent off.
* :class:`PlaybackClock` paces the agent's audio and tells how much of it the caller has
  really heard; :func:`played_text` maps that to the words heard.
* :class:`UtteranceBuffer` keeps the caller's recent 16 kHz audio, bounded.
* :class:`StreamClock` maps stream time to wall time, to anchor latency at end of speech.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from voice_agent.realtime.events import new_id

# --------------------------------------------------------------------------- turn taking


@dataclass(frozen=True, slots=True)
class EmitSpeechStarted:
    """Announce ``input_audio_buffer.speech_started`` for a new caller item."""

    item_id: str
    audio_start_ms: float


@dataclass(frozen=True, slots=True)
class StartSpeculation:
    """Speech stopped: transcribe ``[audio_start_ms, audio_end_ms]`` and prepare the reply now."""

    item_id: str
    audio_start_ms: float
    audio_end_ms: float


@dataclass(frozen=True, slots=True)
class CancelSpeculation:
    """The caller went on (or the buffer was cleared): drop the speculative work."""

    item_id: str


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The caller really talks over the agent: stop the response now and announce speech."""

    item_id: str
    audio_start_ms: float


@dataclass(frozen=True, slots=True)
class FinishTurn:
    """End of turn. If ``interjection``, the speech was short and came while the agent spoke:
    the endpoint must check its transcript and only barge in if it is not a backchannel."""

    item_id: str
    audio_start_ms: float
    audio_end_ms: float
    interjection: bool


TurnAction = EmitSpeechStarted | StartSpeculation | CancelSpeculation | BargeIn | FinishTurn


@dataclass(slots=True)
class _Speech:
    item_id: str
    start_ms: float
    end_ms: float | None = None
    active: bool = True
    #: Came while the agent was talking and is not (yet) confirmed as a barge-in.
    interjection: bool = False
    speculating: bool = False


class TurnTaking:
    """Turn-taking state of one session, fed with the turn detector's events (stream time).

    Speech that starts while the agent holds the floor is an *interjection*: it is not
    announced and does not stop the agent unless the detector reports a barge-in (enough
    voiced speech, see ``TurnConfig.barge_in_min_ms``) or, when it ends sooner, its
    transcript is not a backchannel such as "mm-hm" (the endpoint checks, see
    :class:`FinishTurn`).
    """

    def __init__(
        self,
        *,
        interrupt_response: bool = True,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        self.interrupt_response = interrupt_response
        self._new_id = id_factory or (lambda: new_id("item"))
        self._speech: _Speech | None = None
        self.agent_speaking = False

    @property
    def current_item_id(self) -> str | None:
        return self._speech.item_id if self._speech else None

    @property
    def speech_start_ms(self) -> float | None:
        return self._speech.start_ms if self._speech else None

    @property
    def in_speech(self) -> bool:
        """True from speech start to end of turn."""
        return self._speech is not None

    def speech_started(self, t_ms: float) -> list[TurnAction]:
        if self._speech is not None:  # a detector glitch: keep the open item
            self._speech.active = True
            return []
        interjection = self.agent_speaking
        self._speech = _Speech(self._new_id(), t_ms, interjection=interjection)
        if interjection:
            # Over the agent: wait for a barge-in or a transcript before announcing.
            return []
        return [EmitSpeechStarted(self._speech.item_id, t_ms)]

    def barge_in(self, t_ms: float) -> list[TurnAction]:
        """The detector heard enough voiced speech in this turn to be a real interruption."""
        s = self._speech
        if s is not None and s.interjection and self.agent_speaking and self.interrupt_response:
            s.interjection = False
            return [BargeIn(s.item_id, s.start_ms)]
        return []

    def speech_stopped(self, t_ms: float) -> list[TurnAction]:
        s = self._speech
        if s is None:
            return []
        s.active = False
        s.end_ms = t_ms
        s.speculating = True
        return [StartSpeculation(s.item_id, s.start_ms, t_ms)]

    def speech_resumed(self, t_ms: float) -> list[TurnAction]:
        s = self._speech
        if s is None:
            return []
        s.active = True
        s.end_ms = None
        if s.speculating:
            s.speculating = False
            return [CancelSpeculation(s.item_id)]
        return []

    def end_of_turn(self, t_ms: float, speech_end_ms: float | None = None) -> list[TurnAction]:
        s = self._speech
        if s is None:
            return []
        self._speech = None
        end = speech_end_ms if speech_end_ms is not None else (s.end_ms or t_ms)
        out: list[TurnAction] = []
        if not s.speculating or s.end_ms != end:
            if s.speculating:
                out.append(CancelSpeculation(s.item_id))
            out.append(StartSpeculation(s.item_id, s.start_ms, end))
        interjection = s.interjection and self.agent_speaking
        return [*out, FinishTurn(s.item_id, s.start_ms, end, interjection)]

    def agent_started(self) -> None:
        self.agent_speaking = True

    def agent_stopped(self) -> list[TurnAction]:
        """The agent's response ended; pending speech over it becomes an ordinary turn."""
        self.agent_speaking = False
        s = self._speech
        if s is not None and s.interjection:
            s.interjection = False
            return [EmitSpeechStarted(s.item_id, s.start_ms)]
        return []

    def clear(self) -> list[TurnAction]:
        s = self._speech
        self._speech = None
        if s is not None and s.speculating:
            return [CancelSpeculation(s.item_id)]
        return []


# --------------------------------------------------------------------------- playback


class PlaybackClock:
    """Paces one response's audio and estimates what the caller has heard.

    The caller's player starts when the first chunk is sent and plays in real time, so at
    wall time ``now`` it has heard ``min(sent, now - start)``. Audio is sent at most
    ``lead_ms`` ahead of that, so a barge-in stops the agent within ``lead_ms``.
    """

    def __init__(self, lead_ms: float = 400.0) -> None:
        self.lead_ms = lead_ms
        self.start: float | None = None
        self.sent_ms = 0.0

    def send_delay(self, now: float) -> float:
        """Seconds to wait before sending the next chunk (0 = send now)."""
        if self.start is None:
            return 0.0
        ahead = self.sent_ms - (now - self.start) * 1000.0
        return max(0.0, (ahead - self.lead_ms) / 1000.0)

    def sent(self, now: float, duration_ms: float) -> None:
        if self.start is None:
            self.start = now
        self.sent_ms += duration_ms

    def played_ms(self, now: float) -> float:
        if self.start is None:
            return 0.0
        return max(0.0, min(self.sent_ms, (now - self.start) * 1000.0))

    def remaining_ms(self, now: float) -> float:
        """Audio sent but not yet played."""
        return self.sent_ms - self.played_ms(now)


def played_text(segments: Sequence[tuple[str, float]], played_ms: float) -> tuple[str, bool]:
    """The text heard after ``played_ms`` of audio made of ``(sentence, duration_ms)`` segments.

    A partly played sentence contributes the share of its words proportional to the share of
    its audio played. Returns ``(text, truncated)``.
    """
    heard: list[str] = []
    elapsed = 0.0
    for text, dur in segments:
        if elapsed + dur <= played_ms + 1e-6:
            heard.append(text)
            elapsed += dur
            continue
        words = text.split()
        frac = (played_ms - elapsed) / dur if dur > 0 else 0.0
        n = int(len(words) * max(0.0, frac))
        if n:
            heard.append(" ".join(words[:n]))
        return " ".join(heard), True
    return " ".join(heard), False


# --------------------------------------------------------------------------- input audio


class UtteranceBuffer:
    """The caller's most recent 16 kHz audio, kept as float32 in [-1, 1], at most ``max_ms``.

    Stream time 0 is the first sample ever appended (clears keep counting).
    """

    RATE = 16000

    def __init__(self, max_ms: float = 60_000.0) -> None:
        self.max_samples = int(max_ms * self.RATE / 1000)
        self._chunks: deque[npt.NDArray[np.float32]] = deque()
        self._first = 0  # absolute index of the first kept sample
        self._total = 0  # absolute index after the last sample

    @property
    def end_ms(self) -> float:
        return self._total * 1000.0 / self.RATE

    @property
    def start_ms(self) -> float:
        return self._first * 1000.0 / self.RATE

    def append(self, samples: npt.NDArray[np.float32] | npt.NDArray[np.int16]) -> None:
        if samples.dtype == np.int16:
            chunk = samples.astype(np.float32) / 32768.0
        else:
            chunk = np.asarray(samples, dtype=np.float32)
        if chunk.size == 0:
            return
        self._chunks.append(chunk)
        self._total += chunk.size
        while self._total - self._first > self.max_samples and self._chunks:
            excess = self._total - self._first - self.max_samples
            head = self._chunks[0]
            if head.size <= excess:
                self._chunks.popleft()
                self._first += head.size
            else:
                self._chunks[0] = head[excess:]
                self._first += excess

    def slice(self, t0_ms: float, t1_ms: float) -> npt.NDArray[np.float32]:
        """Audio between two stream times (clipped to what is kept)."""
        a = max(self._first, int(t0_ms * self.RATE / 1000))
        b = min(self._total, int(t1_ms * self.RATE / 1000))
        if b <= a:
            return np.zeros(0, dtype=np.float32)
        out: list[npt.NDArray[np.float32]] = []
        pos = self._first
        for chunk in self._chunks:
            end = pos + chunk.size
            if end > a and pos < b:
                out.append(chunk[max(0, a - pos) : min(chunk.size, b - pos)])
            pos = end
            if pos >= b:
                break
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)

    def discard_before(self, t_ms: float) -> None:
        cut = min(self._total, int(t_ms * self.RATE / 1000))
        while self._chunks and self._first < cut:
            head = self._chunks[0]
            if self._first + head.size <= cut:
                self._chunks.popleft()
                self._first += head.size
            else:
                self._chunks[0] = head[cut - self._first :]
                self._first = cut

    def clear(self) -> None:
        self._chunks.clear()
        self._first = self._total


class StreamClock:
    """Maps stream time (ms of caller audio received) to the wall time it arrived.

    Each append records ``(stream_end_ms, arrival)``; the wall time of an instant inside a
    chunk is the chunk's arrival minus the audio after that instant (the sample was spoken
    that long before the chunk could be sent). Keeps the last ``keep`` chunks.
    """

    def __init__(self, keep: int = 2000) -> None:
        self._ends: deque[float] = deque(maxlen=keep)
        self._arrivals: deque[float] = deque(maxlen=keep)

    def record(self, stream_end_ms: float, arrival: float) -> None:
        self._ends.append(stream_end_ms)
        self._arrivals.append(arrival)

    def wall_at(self, t_ms: float) -> float | None:
        if not self._ends:
            return None
        ends = list(self._ends)
        i = bisect.bisect_left(ends, t_ms)
        if i >= len(ends):
            i = len(ends) - 1
        return self._arrivals[i] - max(0.0, ends[i] - t_ms) / 1000.0
