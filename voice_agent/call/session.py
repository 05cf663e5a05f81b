"""The pure core of a call: turn-taking, the reply lifecycle, barge-in, playback accounting.

Nothing here does I/O, sleeps or reads a clock: callers pass the stream time (``t_ms``, the
position in the caller's audio) or the wall time (``now``, seconds) and get back values or
actions to carry out. The call driver (``core.py``) feeds these classes and performs what
they return, whatever transport carries the call.

* :class:`CallSession` is the state of the call's floor: who may speak, and where the
  agent's reply is in its life (:class:`Floor`: listening, preparing, held, speaking,
  stopping, dropped, ended), with the transitions the driver may ask for. It owns the
  :class:`TurnTaking` below and keeps its idea of "the agent holds the floor" in step.

* :class:`TurnTaking` turns voice-activity events into protocol actions: when to announce
  speech, when to start the speculative transcription (at end of speech, before the
  end-of-turn silence), when to drop it, when the caller barges in over the agent and when
  a short interjection ("mm-hm") must be checked before it may cut the agent off.
* :class:`PlaybackClock` paces the agent's audio and tells how much of it the caller has
  really heard; :func:`played_text` maps that to the words heard.
* :class:`StreamClock` maps stream time to wall time, to anchor latency at end of speech.
"""

from __future__ import annotations

import bisect
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from voice_agent.call.events import new_id

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
class JudgeSpeech:
    """The caller has talked over the agent from ``audio_start_ms`` to ``t_ms``: transcribe
    that and judge it (:func:`voice_agent.call.interruption.judge`, ``final`` as given);
    an interruption is confirmed with :meth:`TurnTaking.confirm_interruption`."""

    item_id: str
    audio_start_ms: float
    t_ms: float
    final: bool


@dataclass(frozen=True, slots=True)
class BargeIn:
    """The caller really talks over the agent: stop the response now and announce speech."""

    item_id: str
    audio_start_ms: float


@dataclass(frozen=True, slots=True)
class PauseReply:
    """Speech over the agent is being judged: the agent's audio stops now (and resumes if it
    is not an interruption, :class:`ResumeReply`), so an interruption is heard to silence
    the agent as soon as it is noticed, not once its words are known."""

    item_id: str


@dataclass(frozen=True, slots=True)
class ResumeReply:
    """The speech that paused the agent was not an interruption (a backchannel, noise, the
    agent's own echo): the agent goes on from where the caller stopped hearing it."""

    item_id: str


@dataclass(frozen=True, slots=True)
class FinishTurn:
    """End of turn. If ``interjection``, the speech was short and came while the agent spoke:
    the endpoint must check its transcript and only barge in if it is not a backchannel."""

    item_id: str
    audio_start_ms: float
    audio_end_ms: float
    interjection: bool
    #: it began while the agent was talking (its transcript may be the agent's own echo)
    over_agent: bool = False


TurnAction = (
    EmitSpeechStarted
    | StartSpeculation
    | CancelSpeculation
    | JudgeSpeech
    | PauseReply
    | ResumeReply
    | BargeIn
    | FinishTurn
)


@dataclass(slots=True)
class _Speech:
    item_id: str
    start_ms: float
    end_ms: float | None = None
    active: bool = True
    #: Came while the agent was talking and is not (yet) confirmed as a barge-in.
    interjection: bool = False
    speculating: bool = False
    #: began while the agent was talking
    over_agent: bool = False
    #: it paused the agent (once: after it was dismissed, the agent is not paused again)
    paused: bool = False


#: :attr:`TurnTaking.paused_for` while the speech that paused the agent is not confirmed.
ONSET: Final = "onset"


class TurnTaking:
    """Turn-taking state of one session, fed with the turn detector's events (stream time).

    Speech that starts while the agent holds the floor is an *interjection*: it is not
    announced and does not stop the agent unless what was said so far, judged each time the
    detector reports more voiced speech (``TurnConfig.barge_in_*``, :class:`JudgeSpeech`),
    is an interruption ("wait", "no", a question) rather than a backchannel ("mm-hm", "yeah
    yeah sure"), or, when it ends first, its whole transcript is (the endpoint checks, see
    :class:`FinishTurn`).

    With ``pause_on_speech`` the agent's audio stops (:class:`PauseReply`) as soon as a
    speech run begins over it (:meth:`onset`, before it is confirmed as speech) or, failing
    that, the first time such speech is judged, and resumes (:class:`ResumeReply`) once it
    is judged not to be an interruption (:meth:`dismiss`) or turns out to be a click
    (:meth:`onset_dropped`): the caller who interrupts hears the agent stop about 100 ms
    in, the one who says "mm-hm" or coughs hears a short pause.
    """

    def __init__(
        self,
        *,
        interrupt_response: bool = True,
        pause_on_speech: bool = True,
        id_factory: Callable[[], str] | None = None,
    ) -> None:
        self.interrupt_response = interrupt_response
        self.pause_on_speech = pause_on_speech
        self._new_id = id_factory or (lambda: new_id("item"))
        self._speech: _Speech | None = None
        self.agent_speaking = False
        #: the caller item whose speech paused the agent, until it is judged
        #: (:data:`ONSET`: a speech run not yet confirmed as speech)
        self.paused_for: str | None = None

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

    def onset(self, t_ms: float) -> list[TurnAction]:
        """A speech run began over the agent, not yet confirmed as speech: the agent pauses
        to listen (it goes on at :meth:`onset_dropped` if it was a click)."""
        if (
            self._speech is None
            and self.agent_speaking
            and self.interrupt_response
            and self.pause_on_speech
            and self.paused_for is None
        ):
            self.paused_for = ONSET
            return [PauseReply(ONSET)]
        return []

    def onset_dropped(self, t_ms: float) -> list[TurnAction]:
        """The speech run announced by :meth:`onset` stopped short: not speech."""
        if self.paused_for == ONSET:
            self.paused_for = None
            return [ResumeReply(ONSET)]
        return []

    def speech_started(self, t_ms: float) -> list[TurnAction]:
        if self._speech is not None:  # a detector glitch: keep the open item
            self._speech.active = True
            return []
        interjection = self.agent_speaking
        self._speech = _Speech(
            self._new_id(), t_ms, interjection=interjection, over_agent=interjection
        )
        if self.paused_for == ONSET:  # its onset paused the agent: the pause is its own
            if interjection:
                self.paused_for = self._speech.item_id
                self._speech.paused = True
            else:
                self.paused_for = None
        if interjection:
            # Over the agent: wait for a barge-in or a transcript before announcing.
            return []
        return [EmitSpeechStarted(self._speech.item_id, t_ms)]

    def barge_in(self, t_ms: float, last: bool = False) -> list[TurnAction]:
        """The detector heard more voiced speech in this turn: over the agent, it is time to
        judge what was said so far (``last``: for the last time before it ends)."""
        s = self._speech
        if s is not None and s.interjection and self.agent_speaking and self.interrupt_response:
            judge = JudgeSpeech(s.item_id, s.start_ms, t_ms, last)
            if self.pause_on_speech and self.paused_for is None and not s.paused:
                s.paused = True
                self.paused_for = s.item_id
                return [PauseReply(s.item_id), judge]
            return [judge]
        return []

    def dismiss(self, item_id: str) -> list[TurnAction]:
        """``item_id``'s speech was judged not to be an interruption (so far, or at its
        end): the agent resumes if that speech paused it."""
        if self.paused_for is not None and self.paused_for == item_id and self.agent_speaking:
            self.paused_for = None
            return [ResumeReply(item_id)]
        return []

    def confirm_interruption(self, item_id: str) -> list[TurnAction]:
        """``item_id``'s speech was judged an interruption: stop the agent, if that speech is
        still going on over it."""
        s = self._speech
        if (
            s is not None
            and s.item_id == item_id
            and s.interjection
            and self.agent_speaking
            and self.interrupt_response
        ):
            s.interjection = False
            self.paused_for = None
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
        return [*out, FinishTurn(s.item_id, s.start_ms, end, interjection, s.over_agent)]

    def agent_started(self) -> None:
        self.agent_speaking = True

    def agent_stopped(self) -> list[TurnAction]:
        """The agent's response ended; pending speech over it becomes an ordinary turn."""
        self.agent_speaking = False
        self.paused_for = None
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


# --------------------------------------------------------------------------- the floor


class Floor(StrEnum):
    """Where the agent's reply is in its life. One reply at a time."""

    #: No reply under way: the caller has the floor.
    LISTENING = "listening"
    #: A caller turn ended and the agent will answer it: transcription, analysis, storage.
    PREPARING = "preparing"
    #: The caller talked over the agent while its answer was being prepared: the answer
    #: is moot, the turn is still stored when ready.
    DROPPED = "dropped"
    #: A prepared answer waits for the client to ask for it (``response.create``), as with
    #: manual turns or ``create_response: false``.
    HELD = "held"
    #: The agent's reply is streaming.
    SPEAKING = "speaking"
    #: The caller barged in: the reply is being stopped and what was heard recorded.
    STOPPING = "stopping"
    #: The call is over.
    ENDED = "ended"


@dataclass(frozen=True, slots=True)
class CancelResponse:
    """Stop the streaming reply now (the caller barged in)."""


@dataclass(frozen=True, slots=True)
class SpeakReply:
    """The prepared answer goes out now."""


@dataclass(frozen=True, slots=True)
class HoldReply:
    """Keep the prepared answer until the client asks for it."""


@dataclass(frozen=True, slots=True)
class DropReply:
    """Discard the prepared answer (the caller talked over it)."""


FloorAction = CancelResponse | SpeakReply | HoldReply | DropReply


class FloorError(Exception):
    """A transition the current :class:`Floor` does not allow; ``code`` names it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class CallSession:
    """The floor of one call: the reply lifecycle plus turn-taking, kept consistent.

    The agent *holds the floor* (speech over it is an interjection, see
    :class:`TurnTaking`) while a reply is being prepared or spoken, and while ended turns
    that it will answer wait in line (``queued``). Every transition returns the
    turn-taking actions it caused (a pending interjection becoming an ordinary turn when
    the agent lets go) together with what to do with the reply.
    """

    def __init__(self, turns: TurnTaking | None = None) -> None:
        self.turns = turns or TurnTaking()
        self.floor = Floor.LISTENING
        #: Ended caller turns the agent will answer, not yet started.
        self.queued = 0

    @property
    def agent_has_floor(self) -> bool:
        return self.queued > 0 or self.floor in (Floor.PREPARING, Floor.SPEAKING)

    @property
    def responding(self) -> bool:
        """A reply is streaming or being stopped."""
        return self.floor in (Floor.SPEAKING, Floor.STOPPING)

    def replace_turn_taking(self, turns: TurnTaking) -> None:
        """New turn-detection settings: a fresh :class:`TurnTaking`, same floor."""
        self.turns = turns
        self._sync()

    def _sync(self) -> list[TurnAction]:
        if self.agent_has_floor and not self.turns.agent_speaking:
            self.turns.agent_started()
            return []
        if not self.agent_has_floor and self.turns.agent_speaking:
            return self.turns.agent_stopped()
        return []

    def _check_open(self) -> None:
        if self.floor is Floor.ENDED:
            raise FloorError("call_ended", "the call is over")

    # -- caller turns -----------------------------------------------------------------------
    def turn_queued(self, auto: bool) -> list[TurnAction]:
        """A caller turn ended and waits for the turn worker; ``auto``: the agent will
        answer it by itself (it holds the floor from now on)."""
        self._check_open()
        if auto:
            self.queued += 1
        return self._sync()

    def turn_started(self, auto: bool) -> list[TurnAction]:
        """The turn worker takes the next ended turn (no reply is streaming then)."""
        self._check_open()
        if auto:
            self.queued = max(0, self.queued - 1)
        if self.responding:
            raise FloorError("response_active", "a reply is still streaming")
        # a held answer is superseded by the new turn
        self.floor = Floor.PREPARING if auto else Floor.LISTENING
        return self._sync()

    def turn_ready(self, auto: bool) -> tuple[FloorAction, list[TurnAction]]:
        """The turn is stored and its answer prepared: what to do with the answer."""
        self._check_open()
        action: FloorAction
        if self.floor is Floor.DROPPED:
            self.floor, action = Floor.LISTENING, DropReply()
        elif auto and self.floor is Floor.PREPARING:
            self.floor, action = Floor.SPEAKING, SpeakReply()
        else:
            self.floor, action = Floor.HELD, HoldReply()
        return action, self._sync()

    def turn_failed(self) -> list[TurnAction]:
        """Nothing to answer (no transcript, an engine failed)."""
        if self.floor in (Floor.PREPARING, Floor.DROPPED):
            self.floor = Floor.LISTENING
        return self._sync()

    def barge_in(self) -> tuple[FloorAction | None, list[TurnAction]]:
        """The caller really talks over the agent."""
        action: FloorAction | None = None
        if self.floor is Floor.SPEAKING:
            self.floor, action = Floor.STOPPING, CancelResponse()
        elif self.floor is Floor.PREPARING:
            self.floor = Floor.DROPPED
        turn_actions = self.turns.agent_stopped() if self.turns.agent_speaking else []
        return action, turn_actions + self._sync()

    # -- agent replies ----------------------------------------------------------------------
    def response_requested(self) -> list[TurnAction]:
        """A reply starts that no ended turn asked for: the greeting, ``response.create``."""
        self._check_open()
        if self.responding:
            raise FloorError(
                "conversation_already_has_active_response",
                "a response is in progress; cancel it first",
            )
        self.floor = Floor.SPEAKING
        return self._sync()

    def response_cancelled(self) -> FloorAction | None:
        """The client cancels the streaming reply (not a barge-in)."""
        if self.floor is Floor.SPEAKING:
            self.floor = Floor.STOPPING
            return CancelResponse()
        return None

    def response_ended(self) -> list[TurnAction]:
        if self.responding:
            self.floor = Floor.LISTENING
        return self._sync()

    def end(self) -> None:
        self.floor = Floor.ENDED
        self.queued = 0


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

    def flush(self, now: float, at_ms: float | None = None) -> float:
        """The player dropped what it held beyond ``at_ms`` (default: what it has played by
        ``now``): that audio was not heard and is sent again. Returns the position."""
        at = self.played_ms(now) if at_ms is None else max(0.0, min(at_ms, self.sent_ms))
        self.sent_ms = at
        return at

    def restart(self, now: float) -> None:
        """Sending goes on after a pause: the player, idle once it ran out (or was flushed),
        plays what comes next from ``now``."""
        if self.start is not None:
            self.start = now - self.played_ms(now) / 1000.0


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


# --------------------------------------------------------------------------- clocks


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

    def stream_at(self, wall: float, recent: int = 250) -> float | None:
        """The stream time (ms) of the caller's audio at wall time ``wall`` (negative before
        the stream began); ``None`` before any chunk. The stream runs in real time; its
        offset to the wall clock is the least delay over the ``recent`` chunks (a chunk that
        came late, in a burst, says less about when its audio was captured than the most
        prompt one)."""
        if not self._ends:
            return None
        n = min(recent, len(self._ends))
        offset = min(self._arrivals[-i] - self._ends[-i] / 1000.0 for i in range(1, n + 1))
        return (wall - offset) * 1000.0  # before the first chunk: negative

    def wall_at(self, t_ms: float) -> float | None:
        if not self._ends:
            return None
        ends = list(self._ends)
        i = bisect.bisect_left(ends, t_ms)
        if i >= len(ends):
            i = len(ends) - 1
        return self._arrivals[i] - max(0.0, ends[i] - t_ms) / 1000.0
