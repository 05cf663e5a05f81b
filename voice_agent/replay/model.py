"""What one replayed call produced: the per-call JSON written by ``voice-agent replay``.

A call's record is built by the replay runner and read back by the reports and by
``replay --compare``; both sides go through :meth:`CallRecord.to_json` and
:meth:`CallRecord.from_json`, so the file format is defined here and only here. Times on
the call's timeline are seconds from the moment the call connected, in *recording* time
(a replay at ``--speed 2`` still reports the caller's words where they are in the file).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

#: Version of the per-call JSON; bumped on any incompatible change.
SCHEMA_VERSION: Final = 1
#: Name of the per-call JSON inside a call's output folder.
CALL_JSON: Final = "call.json"
#: The agent's audio alone, and the call as a listener hears it (caller left, agent right).
AGENT_WAV: Final = "agent.wav"
STEREO_WAV: Final = "call.wav"
#: A call's HTML report, and the summary page of an output folder.
CALL_HTML: Final = "report.html"
SUMMARY_HTML: Final = "index.html"

Via = Literal["realtime", "twilio"]
VIAS: Final[tuple[Via, ...]] = ("realtime", "twilio")
Channel = Literal["mono", "left", "right"]


class RecordError(ValueError):
    """A per-call JSON that is not a replay record (names the file and the field)."""


@dataclass(frozen=True, slots=True)
class Span:
    """An interval on the call's timeline, in seconds."""

    start_s: float
    end_s: float

    def to_json(self) -> dict[str, float]:
        return {"start_s": round(self.start_s, 3), "end_s": round(self.end_s, 3)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Span:
        return cls(float(data["start_s"]), float(data["end_s"]))


@dataclass(frozen=True, slots=True)
class Label:
    label: str
    p: float

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "p": round(self.p, 4)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Label:
        return cls(str(data["label"]), float(data["p"]))


@dataclass(frozen=True, slots=True)
class TurnRecord:
    """One customer turn and the agent's answer to it."""

    #: 1-based number of the customer turn in the call.
    index: int
    #: What the server transcribed.
    transcript: str
    #: What the agent answered, as stored (only the words heard when cut short).
    reply: str
    #: The caller talked over the reply and stopped it.
    barge_in: bool
    objections: tuple[Label, ...]
    needs: tuple[Label, ...]
    buying_signal: bool
    buying_signal_p: float
    conversion_probability: float
    action: str
    action_reason: str
    phase: str
    #: Analysers answered by the rule fallback on this turn.
    fallbacks: tuple[str, ...] = ()
    #: Per-stage server timings (``response.timings`` / the stored turn's ``timings_ms``).
    timings_ms: Mapping[str, float] = field(default_factory=dict)
    #: End of the caller's speech to the first agent audio heard, measured by the replay
    #: client; ``None`` when the agent did not answer with audio.
    latency_ms: float | None = None
    #: When the caller spoke this turn, and when its reply was heard (``None``: not heard).
    caller: Span | None = None
    agent: Span | None = None
    #: Phone keys pressed during the turn.
    dtmf: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "transcript": self.transcript,
            "reply": self.reply,
            "barge_in": self.barge_in,
            "insights": {
                "objections": [x.to_json() for x in self.objections],
                "needs": [x.to_json() for x in self.needs],
                "buying_signal": {
                    "value": self.buying_signal,
                    "p": round(self.buying_signal_p, 4),
                },
                "conversion_probability": round(self.conversion_probability, 4),
                "next_action": {"name": self.action, "reason": self.action_reason},
                "phase": self.phase,
                "fallbacks": list(self.fallbacks),
            },
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "caller": self.caller.to_json() if self.caller else None,
            "agent": self.agent.to_json() if self.agent else None,
            "dtmf": self.dtmf,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> TurnRecord:
        ins = data["insights"]
        action = ins.get("next_action") or {}
        return cls(
            index=int(data["index"]),
            transcript=str(data["transcript"]),
            reply=str(data["reply"]),
            barge_in=bool(data["barge_in"]),
            objections=tuple(Label.from_json(x) for x in ins["objections"]),
            needs=tuple(Label.from_json(x) for x in ins["needs"]),
            buying_signal=bool(ins["buying_signal"]["value"]),
            buying_signal_p=float(ins["buying_signal"]["p"]),
            conversion_probability=float(ins["conversion_probability"]),
            action=str(action.get("name", "")),
            action_reason=str(action.get("reason", "")),
            phase=str(ins.get("phase", "")),
            fallbacks=tuple(str(x) for x in ins.get("fallbacks", ())),
            timings_ms={str(k): float(v) for k, v in (data.get("timings_ms") or {}).items()},
            latency_ms=None if data.get("latency_ms") is None else float(data["latency_ms"]),
            caller=Span.from_json(data["caller"]) if data.get("caller") else None,
            agent=Span.from_json(data["agent"]) if data.get("agent") else None,
            dtmf=str(data.get("dtmf", "")),
        )


@dataclass(frozen=True, slots=True)
class ExpectationFailure:
    """One expectation of the recording's journey file that did not hold."""

    #: The 1-based customer turn it is about; ``None`` for the whole call.
    turn: int | None
    #: The journey key, e.g. ``expect.action``, ``checks.no_repeated_reply``; ``turns`` when
    #: the call had another number of customer turns than the journey.
    key: str
    expected: str
    actual: str

    @property
    def where(self) -> str:
        return "whole call" if self.turn is None else f"turn {self.turn}"

    @property
    def message(self) -> str:
        return f"{self.key}: expected {self.expected}; got {self.actual}"

    def to_json(self) -> dict[str, Any]:
        return {
            "turn": self.turn,
            "key": self.key,
            "expected": self.expected,
            "actual": self.actual,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ExpectationFailure:
        turn = data["turn"]
        return cls(
            turn=None if turn is None else int(turn),
            key=str(data["key"]),
            expected=str(data["expected"]),
            actual=str(data["actual"]),
        )


@dataclass(frozen=True, slots=True)
class Expectations:
    """A call judged against the journey file beside its recording (README, "Replay")."""

    #: The journey file, as it was named.
    journey: str
    #: How many expectations were judged (each ``expect``/``end`` key of a turn that
    #: exists, each check, and the number of turns).
    judged: int
    #: Every one that did not hold, by turn (whole-call ones last).
    failures: tuple[ExpectationFailure, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.failures

    def summary(self) -> str:
        """``12/12 held`` or ``2 failed`` (of the judged)."""
        if self.passed:
            return f"{self.judged}/{self.judged} held"
        return f"{len(self.failures)} failed"

    def to_json(self) -> dict[str, Any]:
        return {
            "journey": self.journey,
            "judged": self.judged,
            "failures": [f.to_json() for f in self.failures],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Expectations:
        return cls(
            journey=str(data["journey"]),
            judged=int(data["judged"]),
            failures=tuple(ExpectationFailure.from_json(f) for f in data["failures"]),
        )


@dataclass(frozen=True, slots=True)
class CallRecord:
    """One recording replayed as a call."""

    #: The recording's file name (as given on the command line).
    recording: str
    via: Via
    #: ``mono``, or the stereo channel taken as the caller.
    caller_channel: Channel
    #: Replay pace: 1.0 is real time.
    speed: float
    lang: str
    #: Seconds of caller audio played (the whole recording).
    recording_s: float
    #: Seconds from connecting to hanging up, in recording time.
    duration_s: float
    #: ISO 8601 UTC time the call started.
    started_at: str
    conversation_id: str | None
    #: The transport's call id (realtime session id, Twilio CallSid).
    call_id: str | None
    #: The stored conversation's end reason, when the server recorded one.
    end_reason: str | None
    #: What the agent said before the caller's first turn (``None``: no greeting).
    greeting: str | None
    turns: tuple[TurnRecord, ...]
    #: Every stretch of agent audio the caller heard, and of caller speech sent.
    agent_speech: tuple[Span, ...] = ()
    caller_speech: tuple[Span, ...] = ()
    #: Error codes the server reported (``error`` events, refused connections, timeouts).
    errors: tuple[str, ...] = ()
    #: The call judged against the journey file beside the recording (``None``: none).
    expectations: Expectations | None = None

    # -- derived figures, used by the summary and the compare reports -------------------

    def latencies_ms(self) -> list[float]:
        return [t.latency_ms for t in self.turns if t.latency_ms is not None]

    def latency_percentile(self, q: float) -> float | None:
        """The ``q`` quantile (0-1) of the turns' latencies."""
        return percentile(self.latencies_ms(), q)

    def fallbacks(self) -> int:
        return sum(len(t.fallbacks) for t in self.turns)

    def barge_ins(self) -> int:
        return sum(t.barge_in for t in self.turns)

    def final_conversion(self) -> float | None:
        return self.turns[-1].conversion_probability if self.turns else None

    def expectations_failed(self) -> int | None:
        """How many expectations failed (``None``: the recording has no journey file)."""
        return None if self.expectations is None else len(self.expectations.failures)

    def expectation_failures(self, turn: int | None) -> tuple[ExpectationFailure, ...]:
        """The failures about one turn (``None``: about the whole call)."""
        if self.expectations is None:
            return ()
        return tuple(f for f in self.expectations.failures if f.turn == turn)

    # -- file format ----------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_VERSION,
            "recording": self.recording,
            "via": self.via,
            "caller_channel": self.caller_channel,
            "speed": self.speed,
            "lang": self.lang,
            "recording_s": round(self.recording_s, 3),
            "duration_s": round(self.duration_s, 3),
            "started_at": self.started_at,
            "conversation_id": self.conversation_id,
            "call_id": self.call_id,
            "end_reason": self.end_reason,
            "greeting": self.greeting,
            "turns": [t.to_json() for t in self.turns],
            "agent_speech": [s.to_json() for s in self.agent_speech],
            "caller_speech": [s.to_json() for s in self.caller_speech],
            "errors": list(self.errors),
            "expectations": None if self.expectations is None else self.expectations.to_json(),
            "summary": {
                "turns": len(self.turns),
                "latency_p50_ms": _round(self.latency_percentile(0.5)),
                "latency_p95_ms": _round(self.latency_percentile(0.95)),
                "barge_ins": self.barge_ins(),
                "fallbacks": self.fallbacks(),
                "final_conversion_probability": self.final_conversion(),
                "expectations_failed": self.expectations_failed(),
            },
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CallRecord:
        if data.get("schema") != SCHEMA_VERSION:
            raise RecordError(f"schema {data.get('schema')!r}, expected {SCHEMA_VERSION}")
        via = data["via"]
        if via not in VIAS:
            raise RecordError(f"via {via!r} is not one of {', '.join(VIAS)}")
        channel = data["caller_channel"]
        if channel not in ("mono", "left", "right"):
            raise RecordError(f"caller_channel {channel!r} is not mono, left or right")
        return cls(
            recording=str(data["recording"]),
            via=via,
            caller_channel=channel,
            speed=float(data["speed"]),
            lang=str(data["lang"]),
            recording_s=float(data["recording_s"]),
            duration_s=float(data["duration_s"]),
            started_at=str(data["started_at"]),
            conversation_id=data.get("conversation_id"),
            call_id=data.get("call_id"),
            end_reason=data.get("end_reason"),
            greeting=data.get("greeting"),
            turns=tuple(TurnRecord.from_json(t) for t in data["turns"]),
            agent_speech=tuple(Span.from_json(s) for s in data.get("agent_speech", ())),
            caller_speech=tuple(Span.from_json(s) for s in data.get("caller_speech", ())),
            errors=tuple(str(e) for e in data.get("errors", ())),
            expectations=(
                Expectations.from_json(data["expectations"])
                if data.get("expectations") is not None
                else None
            ),
        )

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / CALL_JSON
        path.write_text(json.dumps(self.to_json(), indent=2, ensure_ascii=False) + "\n")
        return path

    @classmethod
    def read(cls, path: Path) -> CallRecord:
        """Read a call's JSON (``path`` may be the file or its folder)."""
        if path.is_dir():
            path = path / CALL_JSON
        try:
            data = json.loads(path.read_text())
            return cls.from_json(data)
        except FileNotFoundError as exc:
            raise RecordError(f"{path}: no such file") from exc
        except json.JSONDecodeError as exc:
            raise RecordError(f"{path}: not JSON ({exc.msg}, line {exc.lineno})") from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise RecordError(f"{path}: not a replay record ({exc})") from exc


def read_calls(folder: Path) -> list[CallRecord]:
    """Every call record under an output folder, sorted by recording name."""
    records = [CallRecord.read(p) for p in sorted(folder.glob(f"*/{CALL_JSON}"))]
    return sorted(records, key=lambda r: r.recording)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0-1), interpolated between the closest ranks."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return float(statistics.quantiles(ordered, n=100, method="inclusive")[round(q * 100) - 1])


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
