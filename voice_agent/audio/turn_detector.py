"""Turn-taking from VAD probabilities: a pure state machine (no I/O, no models, no clock).

Feed it one speech probability per VAD frame together with the stream time of that frame
and it returns what happened::

    det = TurnDetector(TurnConfig(silence_ms=500))
    for prob in vad.process(chunk):
        for event in det.feed(prob, t_ms):  # t_ms: stream time at the START of the frame
            ...
        t_ms += det.config.frame_ms

Events (all times are stream times in ms):

* :class:`SpeechOnset` - ``onset_ms`` of continuous speech, not yet confirmed as speech: if
  the agent is talking it pauses to listen. :class:`OnsetDropped` follows when it stopped
  before ``min_speech_ms`` (a click: the agent goes on); :class:`SpeechStarted` when it
  did not.
* :class:`SpeechStarted` - ``min_speech_ms`` of continuous speech were heard; ``t_ms`` is
  when that speech began. Clicks shorter than ``min_speech_ms`` produce nothing else.
* :class:`BargeIn` - the current turn has ``barge_in_min_ms`` of voiced speech, then again
  every ``barge_in_step_ms`` more, up to ``barge_in_max_ms``: if the agent is talking, the
  moments to judge what the caller has said over it so far (an interruption stops the
  agent, a backchannel does not: :mod:`voice_agent.call.interruption`). ``voiced_ms`` says
  how much was heard; the last one has ``last=True``.
* :class:`SpeechStopped` - ``stop_hangover_ms`` of silence after speech; ``t_ms`` is the end
  of speech. The moment to START transcribing speculatively.
* :class:`SpeechResumed` - speech came back (for ``resume_min_ms``) after
  :class:`SpeechStopped` but before the end of turn: drop the speculative transcription.
* :class:`TurnCheck` - only with ``semantic`` settings (:class:`SemanticConfig`):
  ``semantic.check_ms`` of silence after speech; the detector asks whether the turn is
  complete. The caller runs a model (Smart Turn, :mod:`~voice_agent.audio.smart_turn`) on
  the turn's audio and answers with :meth:`TurnDetector.verdict`; a probability at or above
  ``semantic.threshold`` ends the turn at once, a lower one waits for more speech or for
  the silence fallback. A verdict that arrives after the caller spoke again is ignored.
* :class:`EndOfTurn` - ``silence_ms`` of silence since the end of speech (with ``semantic``:
  the fallback when the model says "not finished" or does not answer), or a "complete"
  verdict: the caller is done.

Semantic settings per OpenAI ``eagerness`` (``low|medium|high|auto``) are in
:data:`SEMANTIC_EAGERNESS`, the one place they are defined (:func:`semantic_config`).

Thresholds have hysteresis: a frame starts (or resumes) speech at ``prob >= start_threshold``
and speech continues while ``prob >= stop_threshold``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final, TypeAlias

__all__ = [
    "SEMANTIC_EAGERNESS",
    "BargeIn",
    "Eagerness",
    "EndOfTurn",
    "OnsetDropped",
    "SemanticConfig",
    "SpeechOnset",
    "SpeechResumed",
    "SpeechStarted",
    "SpeechStopped",
    "TurnCheck",
    "TurnConfig",
    "TurnDetector",
    "TurnEvent",
    "TurnState",
    "semantic_config",
]


class Eagerness(StrEnum):
    """How soon a semantic end of turn is taken (OpenAI ``semantic_vad.eagerness``)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    AUTO = "auto"


@dataclass(frozen=True, slots=True)
class SemanticConfig:
    """The semantic step: after ``check_ms`` of silence ask for a verdict; the turn is
    complete when the model's probability is ``>= threshold``. ``fallback_ms`` is the
    silence that ends the turn whatever the model says (it becomes ``silence_ms``)."""

    threshold: float
    check_ms: float
    fallback_ms: float

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"semantic threshold must be within (0, 1], got {self.threshold}")
        if not 0.0 <= self.check_ms < self.fallback_ms:
            raise ValueError("need 0 <= check_ms < fallback_ms")


#: The semantic settings of each eagerness, the one place they are defined. ``check_ms``:
#: the short silence after which Smart Turn is asked (160 ms: with the live path's
#: ``stop_hangover_ms``, at the same frame as ``SpeechStopped``, when the speculative
#: transcription starts); ``threshold``: its "complete" probability that ends the turn;
#: ``fallback_ms``: the silence that ends it anyway. Chosen with ``voice-agent bench turns``
#: (60 complete and 60 paused turns from the asterisk recordings, en + es): a higher
#: threshold cuts fewer paused turns off and sends more complete ones to the fallback
#: (two runs: high 22-25 % of 300-900 ms pauses cut off, 5-7 % of complete turns to the
#: fallback; medium 10-13 % / 10-13 %; low 2-3 % / 18-28 %; server_vad at 500 ms: 65 %).
SEMANTIC_EAGERNESS: Final[dict[Eagerness, SemanticConfig]] = {
    Eagerness.HIGH: SemanticConfig(threshold=0.5, check_ms=160.0, fallback_ms=1000.0),
    Eagerness.MEDIUM: SemanticConfig(threshold=0.7, check_ms=160.0, fallback_ms=1500.0),
    Eagerness.LOW: SemanticConfig(threshold=0.9, check_ms=160.0, fallback_ms=2500.0),
}
SEMANTIC_EAGERNESS[Eagerness.AUTO] = SEMANTIC_EAGERNESS[Eagerness.MEDIUM]


def semantic_config(eagerness: Eagerness | str) -> SemanticConfig:
    """The semantic settings of an eagerness (``ValueError`` for an unknown name)."""
    return SEMANTIC_EAGERNESS[Eagerness(eagerness)]


#: A speech run announced as a possible start of speech (the agent pauses to listen): 96 ms,
#: three VAD frames, about half of what confirms it. Measured with ``bench barge-in``: the
#: pause at the first judgement (200 ms of speech) silenced the agent within 300 ms of the
#: caller's first voiced sample in 80 % of English interruptions (p50 258 ms).
ONSET_MS: Final = 96.0

#: Silence (ms) after speech that ends the caller's turn (``server_vad``), unless set.
SILENCE_MS: Final = 500.0
#: Voiced speech over the agent (ms) before what was said is first judged: speech is only
#: confirmed after ``min_speech_ms`` (200), so the first judgement comes with it.
BARGE_IN_MIN_MS: Final = 200.0
#: Judged again after every this much more voiced speech while the caller goes on.
BARGE_IN_STEP_MS: Final = 160.0
#: The last judgement (``BargeIn.last``): anything with content stops the agent then.
BARGE_IN_MAX_MS: Final = 1600.0


@dataclass(frozen=True, slots=True)
class TurnConfig:
    """Turn-taking parameters. Defaults suit Silero v6 at 16 kHz (32 ms frames)."""

    start_threshold: float = 0.5
    stop_threshold: float = 0.35
    min_speech_ms: float = 200.0
    #: a new speech run is announced (:class:`SpeechOnset`) after this much, before it is
    #: confirmed at ``min_speech_ms`` (three 32 ms frames; not below ``min_speech_ms``: none)
    onset_ms: float = ONSET_MS
    stop_hangover_ms: float = 200.0
    silence_ms: float = SILENCE_MS
    resume_min_ms: float = 96.0
    barge_in_min_ms: float = BARGE_IN_MIN_MS
    barge_in_step_ms: float = BARGE_IN_STEP_MS
    barge_in_max_ms: float = BARGE_IN_MAX_MS
    frame_ms: float = 32.0
    #: the semantic step (``None``: silence only, ``server_vad``)
    semantic: SemanticConfig | None = None

    def __post_init__(self) -> None:
        if not 0.0 < self.stop_threshold <= self.start_threshold < 1.0:
            raise ValueError(
                "need 0 < stop_threshold <= start_threshold < 1, got "
                f"{self.stop_threshold} / {self.start_threshold}"
            )
        for name in (
            "min_speech_ms",
            "onset_ms",
            "stop_hangover_ms",
            "resume_min_ms",
            "barge_in_min_ms",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0")
        if self.barge_in_step_ms <= 0:
            raise ValueError("barge_in_step_ms must be > 0")
        if self.frame_ms <= 0:
            raise ValueError("frame_ms must be > 0")
        if self.silence_ms < self.stop_hangover_ms:
            raise ValueError("silence_ms must be >= stop_hangover_ms")
        sem = self.semantic
        if sem is not None and not self.stop_hangover_ms <= sem.check_ms < self.silence_ms:
            raise ValueError("need stop_hangover_ms <= semantic.check_ms < silence_ms")


@dataclass(frozen=True, slots=True)
class SpeechOnset:
    """A speech run began at ``t_ms`` and has lasted ``onset_ms``: speech, perhaps."""

    t_ms: float


@dataclass(frozen=True, slots=True)
class OnsetDropped:
    """The speech run announced by :class:`SpeechOnset` ended before it was confirmed."""

    t_ms: float


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    t_ms: float


@dataclass(frozen=True, slots=True)
class BargeIn:
    """Time to judge the speech of this turn (see the module docstring)."""

    t_ms: float
    speech_start_ms: float
    voiced_ms: float = 0.0
    last: bool = False


@dataclass(frozen=True, slots=True)
class SpeechStopped:
    t_ms: float
    speech_start_ms: float


@dataclass(frozen=True, slots=True)
class SpeechResumed:
    t_ms: float


@dataclass(frozen=True, slots=True)
class TurnCheck:
    """Is the turn complete? Answer with :meth:`TurnDetector.verdict`. The turn's audio runs
    from ``speech_start_ms`` to ``t_ms`` (now, after ``t_ms - speech_end_ms`` of silence)."""

    t_ms: float
    speech_start_ms: float
    speech_end_ms: float


@dataclass(frozen=True, slots=True)
class EndOfTurn:
    """``t_ms`` is when the end of turn was decided; ``speech_end_ms`` the end of speech
    (the anchor for latency); ``speech_start_ms`` the start of the turn's first speech."""

    t_ms: float
    speech_start_ms: float
    speech_end_ms: float


TurnEvent: TypeAlias = (
    SpeechOnset
    | OnsetDropped
    | SpeechStarted
    | BargeIn
    | SpeechStopped
    | SpeechResumed
    | TurnCheck
    | EndOfTurn
)


class TurnState(StrEnum):
    IDLE = "idle"  # no turn in progress (maybe a speech candidate)
    SPEAKING = "speaking"  # speech confirmed, currently voiced or within the hangover
    STOPPED = "stopped"  # SpeechStopped emitted, waiting for EndOfTurn or resumption
    CHECKING = "checking"  # TurnCheck emitted, waiting for its verdict (or the fallback)
    UNFINISHED = "unfinished"  # verdict "not complete": waiting for speech or the fallback


class TurnDetector:
    """Pure turn-taking core; see the module docstring. Not thread-safe (one per stream)."""

    def __init__(self, config: TurnConfig | None = None) -> None:
        self.config = config or TurnConfig()
        self.reset()

    def reset(self) -> None:
        self.state = TurnState.IDLE
        self._cand_start: float | None = None  # start of an unconfirmed speech run
        self._onset = False  # that run was announced (SpeechOnset)
        self._turn_start = 0.0
        self._speech_end = 0.0  # end of the last voiced frame of the turn
        self._voiced_ms = 0.0  # voiced time in the current turn
        self._next_judge: float | None = self.config.barge_in_min_ms
        self._last_t: float | None = None

    @property
    def voiced_ms(self) -> float:
        """Voiced milliseconds in the current turn (0 when idle)."""
        return self._voiced_ms if self.state is not TurnState.IDLE else 0.0

    @property
    def in_turn(self) -> bool:
        return self.state is not TurnState.IDLE

    def feed(self, prob: float, t_ms: float) -> list[TurnEvent]:
        """One VAD frame: speech probability ``prob`` for the frame starting at ``t_ms``."""
        if not 0.0 <= prob <= 1.0 or prob != prob:
            raise ValueError(f"probability must be within [0, 1], got {prob}")
        if self._last_t is not None and t_ms < self._last_t:
            raise ValueError(f"time went backwards: {t_ms} < {self._last_t}")
        self._last_t = t_ms
        cfg = self.config
        end = t_ms + cfg.frame_ms
        events: list[TurnEvent] = []

        if self.state is TurnState.IDLE:
            if self._cand_start is None:
                if prob >= cfg.start_threshold:
                    self._cand_start = t_ms
            elif prob < cfg.stop_threshold:
                self._cand_start = None  # a click: forget it
                if self._onset:
                    self._onset = False
                    events.append(OnsetDropped(t_ms))
            if (
                self._cand_start is not None
                and not self._onset
                and cfg.onset_ms < cfg.min_speech_ms
                and end - self._cand_start >= cfg.onset_ms
            ):
                self._onset = True
                events.append(SpeechOnset(self._cand_start))
            if self._cand_start is not None and end - self._cand_start >= cfg.min_speech_ms:
                self._onset = False
                self.state = TurnState.SPEAKING
                self._turn_start = self._cand_start
                self._speech_end = end
                self._voiced_ms = end - self._cand_start
                self._next_judge = cfg.barge_in_min_ms
                self._cand_start = None
                events.append(SpeechStarted(self._turn_start))
                self._check_barge_in(end, events)
            return events

        if self.state is TurnState.SPEAKING:
            silent_ms = t_ms - self._speech_end
            voiced = prob >= (cfg.stop_threshold if silent_ms <= 0 else cfg.start_threshold)
            if voiced:
                self._voiced_ms += cfg.frame_ms
                self._speech_end = end
                self._check_barge_in(end, events)
            elif end - self._speech_end >= cfg.stop_hangover_ms:
                self.state = TurnState.STOPPED
                events.append(SpeechStopped(self._speech_end, self._turn_start))
                self._after_silence(end, events)
            return events

        # STOPPED, CHECKING, UNFINISHED: waiting for the end of turn; a resumption must
        # last resume_min_ms.
        if self._cand_start is None:
            if prob >= cfg.start_threshold:
                self._cand_start = t_ms
        elif prob < cfg.stop_threshold:
            self._cand_start = None
        if self._cand_start is not None:
            if end - self._cand_start >= cfg.resume_min_ms:
                self.state = TurnState.SPEAKING
                events.append(SpeechResumed(self._cand_start))
                self._voiced_ms += end - self._cand_start
                self._speech_end = end
                self._cand_start = None
                self._check_barge_in(end, events)
            return events  # no end of turn while a resumption is undecided
        self._after_silence(end, events)
        return events

    def verdict(self, check: TurnCheck, probability: float) -> list[TurnEvent]:
        """The answer to ``check``: the probability that the turn is complete. Returns
        ``[EndOfTurn]`` (decided at the last frame fed) when it reaches
        ``semantic.threshold``, else ``[]`` (the turn waits for speech or the fallback).
        A verdict for a check that is no longer pending (speech resumed, turn ended) is
        ignored."""
        if not 0.0 <= probability <= 1.0 or probability != probability:
            raise ValueError(f"probability must be within [0, 1], got {probability}")
        sem = self.config.semantic
        if (
            sem is None
            or self.state is not TurnState.CHECKING
            or check.speech_end_ms != self._speech_end
            or check.speech_start_ms != self._turn_start
        ):
            return []
        if probability < sem.threshold:
            self.state = TurnState.UNFINISHED
            return []
        now = self._speech_end if self._last_t is None else self._last_t + self.config.frame_ms
        events: list[TurnEvent] = [EndOfTurn(now, self._turn_start, self._speech_end)]
        self._end_turn()
        return events

    def force_end(self, t_ms: float) -> list[TurnEvent]:
        """The input ended (e.g. the client committed its buffer): close any open turn now.

        Returns ``[SpeechStopped, EndOfTurn]`` or ``[EndOfTurn]`` if a turn was open,
        ``[]`` otherwise. Unconfirmed speech candidates are dropped.
        """
        events: list[TurnEvent] = []
        if self.state is TurnState.IDLE and self._onset:
            events.append(OnsetDropped(t_ms))
        if self.state is TurnState.SPEAKING:
            events.append(SpeechStopped(self._speech_end, self._turn_start))
        if self.state is not TurnState.IDLE:
            events.append(
                EndOfTurn(max(t_ms, self._speech_end), self._turn_start, self._speech_end)
            )
        last = self._last_t
        self.reset()
        self._last_t = last
        return events

    def _check_barge_in(self, end: float, events: list[TurnEvent]) -> None:
        cfg = self.config
        due = self._next_judge
        if due is None or self._voiced_ms < due:
            return
        last = self._voiced_ms >= cfg.barge_in_max_ms
        events.append(BargeIn(end, self._turn_start, self._voiced_ms, last))
        self._next_judge = None if last else self._voiced_ms + cfg.barge_in_step_ms

    def _after_silence(self, end: float, events: list[TurnEvent]) -> None:
        silent = end - self._speech_end
        if silent >= self.config.silence_ms:
            events.append(EndOfTurn(end, self._turn_start, self._speech_end))
            self._end_turn()
            return
        sem = self.config.semantic
        if sem is not None and self.state is TurnState.STOPPED and silent >= sem.check_ms:
            self.state = TurnState.CHECKING
            events.append(TurnCheck(end, self._turn_start, self._speech_end))

    def _end_turn(self) -> None:
        last = self._last_t
        self.reset()
        self._last_t = last
