"""``voice-agent bench barge-in``: does speech over the agent stop it when it should, and how
soon? As JSON (``--json``) or a short summary.

While the agent says its greeting, the caller says something over it:

* a **backchannel** ("mhm", "yeah", "okay got it", "ajá", "sí, sí", "de acuerdo"...) must
  not stop the agent;
* a **real interruption** ("wait", "hold on", "sorry, can I ask something", "espera",
  "pero cuánto cuesta"...) must stop it, at once.

The caller audio comes from human recordings where some fit (Debian's
``asterisk-core-sounds-{en,es}-wav``, 8 kHz: "oh", "please wait", "please hold",
"one moment, please", "no, no", "I'm sorry, I did not understand your response", "ah", "por
favor, espere", "no, no", "lo siento, no comprendí su respuesta": cut or joined from the
prompts by the times in :data:`HUMAN`), the rest is synthesized and shipped in
``audio_assets/bargein`` (English: the server's Piper voice at several speeds; Spanish:
espeak-ng voices; ``audio_assets/bargein/make_clips.py`` makes them). Each case then gets a
seeded speed change (+-6 %), level (-3 to -12 dB below full scale at its peak), leading
silence and place in the greeting, so runs with the same ``--seed`` play the same audio.

Each case is one call through ``/v1/realtime`` on a server started here (or ``--url``), in
the case's language: the caller's microphone streams 24 kHz PCM at real-time pace, 20 ms a
message, silence until the clip, whose first voiced 10 ms frame is placed 2-3 s into the
greeting's audio (counted from the first ``response.output_audio.delta``), then silence
until the greeting has ended and the clip has been over for a second (up to 3 s, for the
transcript of the speech the server announced). Measured per case:

* ``cut_off``: the agent was stopped: an ``input_audio_buffer.speech_started`` for speech
  that starts inside the clip arrived before the greeting's ``response.done`` (an OpenAI
  client stops playback on it), or the greeting's ``response.done`` says ``cancelled``;
* ``paused``: the greeting paused while the clip's speech was judged
  (``response.output_audio.paused``; the bench acts as a client that stops its player
  then and says where with ``conversation.item.truncate``), and ``pause_ms``, how long
  until it resumed (``response.output_audio.resumed``; the gap a caller hears after a
  backchannel);
* ``time_to_silence_ms``: from the moment the message holding the clip's first voiced
  sample was sent to the first of those events (a pause, a ``speech_started``, a cancelled
  ``response.done``), for the cases cut off;
* ``replied_to_end``: the greeting's ``response.done`` says ``completed``.

Reported per language and overall: interruptions caught, caught within 300 ms, time to
silence p50/p95 (caught interruptions); backchannels that cut the agent off; errors (a
case that fails is reported as an error, never dropped); and one row per case.

Calls run one at a time by default (``--concurrency``): two at a time on a 2-core machine
halve the run but share the CPU, which shows in the tail (measured: same medians, the
Spanish p95 time to silence 725 -> 1142 ms, 3 of 40 backchannel outcomes changed).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import sys
import time
import wave
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

import numpy as np
import numpy.typing as npt

Int16Array = npt.NDArray[np.int16]
Kind = Literal["backchannel", "interruption"]

REPO: Final = Path(__file__).resolve().parent.parent
CLIPS_DIR: Final = REPO / "audio_assets" / "bargein"
LANGS: Final = ("en", "es")
KINDS: Final[tuple[Kind, Kind]] = ("backchannel", "interruption")
RATE: Final = 16_000  # the cases' audio
WIRE_RATE: Final = 24_000  # audio/pcm on /v1/realtime
CHUNK_MS: Final = 20
#: cases per kind per language by default: every phrase once, 80 cases, about 8 minutes
#: on 2 cores
DEFAULT_PER_KIND: Final = 20
#: "caught within" this many ms
FAST_MS: Final = 300.0
#: onset: the first 10 ms frame louder than this (and within ONSET_RANGE_DB of the loudest)
ONSET_FLOOR_DBFS: Final = -40.0
ONSET_RANGE_DB: Final = 35.0
#: where the clip's speech starts in the greeting's audio (s), seeded per case
OFFSET_S: Final = (2.0, 3.0)
SPEED: Final = (0.94, 1.06)
PEAK_DBFS: Final = -3.0
GAIN_DB: Final = (-9.0, 0.0)
LEAD_MS: Final = (150.0, 400.0)
TAIL_MS: Final = 200.0
#: a speech_started counts for the clip when its audio starts this close to the clip
WINDOW_BEFORE_MS: Final = 200.0
WINDOW_AFTER_MS: Final = 100.0
#: after the clip, the call goes on this long (and until the greeting has ended) ...
SETTLE_S: Final = 1.0
#: ... and, when the clip's speech was announced, until its transcript came or this long
TRANSCRIPT_WAIT_S: Final = 3.0
FIRST_AUDIO_TIMEOUT_S: Final = 20.0
CASE_TIMEOUT_S: Final = 60.0

#: Human recordings (asterisk-core-sounds): (id, lang, kind, text, parts, gap ms). A part
#: is (prompt, start ms, end ms or None for its end); parts are trimmed to their speech
#: and joined with ``gap`` ms of silence. Cut points: in the pause after the last word kept
#: (from Whisper's word times and the 10 ms energy envelope), checked by transcribing the
#: cut. "oh" is the digit 0 read as "oh", "ah" the Spanish letter "a".
HUMAN: Final[
    tuple[tuple[str, str, Kind, str, tuple[tuple[str, float, float | None], ...], float], ...]
] = (
    ("en-hb1", "en", "backchannel", "oh", (("digits/oh", 0, None),), 0),
    ("en-hi1", "en", "interruption", "please wait", (("vm-dialout", 0, 660),), 0),
    (
        "en-hi2",
        "en",
        "interruption",
        "please hold",
        (("followme/pls-hold-while-try", 0, 680),),
        0,
    ),
    ("en-hi3", "en", "interruption", "one moment, please", (("one-moment-please", 0, None),), 0),
    ("en-hi4", "en", "interruption", "no, no", (("vm-no", 0, None), ("vm-no", 0, None)), 120),
    (
        "en-hi5",
        "en",
        "interruption",
        "I'm sorry, I did not understand your response",
        (("vm-sorry", 0, None),),
        0,
    ),
    ("es-hb1", "es", "backchannel", "ah", (("letters/a", 0, None),), 0),
    (
        "es-hi1",
        "es",
        "interruption",
        "por favor, espere",
        (("followme/pls-hold-while-try", 0, 660),),
        0,
    ),
    ("es-hi2", "es", "interruption", "por favor espere", (("vm-dialout", 0, 610),), 0),
    ("es-hi3", "es", "interruption", "no, no", (("vm-no", 0, None), ("vm-no", 0, None)), 120),
    (
        "es-hi4",
        "es",
        "interruption",
        "lo siento, no comprendí su respuesta",
        (("vm-sorry", 0, None),),
        0,
    ),
)


# --------------------------------------------------------------------------- the cases


@dataclass(frozen=True, slots=True)
class Source:
    """A caller phrase before the per-case changes: its speech, trimmed, at 16 kHz."""

    id: str
    lang: str
    kind: Kind
    text: str
    origin: str  # human (asterisk) | piper | espeak-ng
    samples: Int16Array


@dataclass(frozen=True, slots=True)
class Case:
    """One barge-in attempt: ``samples`` (16 kHz, 16-bit) with leading silence; its speech
    starts at ``onset_ms`` (found in the audio); it is placed so that this onset comes
    ``offset_s`` into the greeting's audio."""

    id: str
    lang: str
    kind: Kind
    text: str
    origin: str
    samples: Int16Array
    onset_ms: float
    offset_s: float
    speed: float
    gain_db: float

    @property
    def duration_ms(self) -> float:
        return self.samples.size * 1000.0 / RATE


def _frames_db(x: Int16Array, rate: int) -> npt.NDArray[np.float64]:
    hop = rate // 100
    n = x.size // hop
    if n == 0:
        return np.zeros(0)
    frames = x[: n * hop].astype(np.float64).reshape(n, hop) / 32768.0
    db: npt.NDArray[np.float64] = 20 * np.log10(np.sqrt((frames * frames).mean(axis=1)) + 1e-12)
    return db


def _voiced(db: npt.NDArray[np.float64], floor_dbfs: float) -> npt.NDArray[np.intp]:
    if db.size == 0:
        return np.zeros(0, dtype=np.intp)
    threshold = max(floor_dbfs, float(db.max()) - ONSET_RANGE_DB)
    return np.flatnonzero(db > threshold)


def speech_onset_ms(
    x: Int16Array, rate: int = RATE, floor_dbfs: float = ONSET_FLOOR_DBFS
) -> float | None:
    """Start of the first 10 ms frame whose level is above ``floor_dbfs`` and within 35 dB
    of the loudest frame; None for a clip with no such frame."""
    loud = _voiced(_frames_db(x, rate), floor_dbfs)
    return float(loud[0] * 10) if loud.size else None


def _trim(x: Int16Array, margin_ms: float = 20.0) -> Int16Array:
    """``x`` from its first to its last voiced frame, ``margin_ms`` either side."""
    loud = _voiced(_frames_db(x, RATE), ONSET_FLOOR_DBFS)
    if loud.size == 0:
        return x
    pad = int(RATE * margin_ms / 1000)
    hop = RATE // 100
    return x[max(0, int(loud[0]) * hop - pad) : min(x.size, (int(loud[-1]) + 1) * hop + pad)]


def _read_wav(path: Path) -> Int16Array:
    from voice_agent.audio.resample import resample

    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        rate = w.getframerate()
        raw = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
    return raw if rate == RATE else resample(raw, rate, RATE)


def human_sources(langs: Sequence[str]) -> list[Source]:
    """The human recordings of :data:`HUMAN` for ``langs`` (none for a language whose
    recordings are not installed)."""
    from voice_agent.speech import asterisk

    out: list[Source] = []
    for clip_id, lang, kind, text, parts, gap_ms in HUMAN:
        if lang not in langs:
            continue
        paths = [asterisk.SOUNDS / lang / f"{name}.wav" for name, _, _ in parts]
        if not all(p.is_file() for p in paths):
            continue
        pieces: list[Int16Array] = []
        for path, (_, start_ms, end_ms) in zip(paths, parts, strict=True):
            x = _read_wav(path)
            end = x.size if end_ms is None else int(RATE * end_ms / 1000)
            piece = _trim(x[int(RATE * start_ms / 1000) : end])
            if pieces:
                pieces.append(np.zeros(int(RATE * gap_ms / 1000), dtype=np.int16))
            pieces.append(piece)
        out.append(Source(clip_id, lang, kind, text, "human", np.concatenate(pieces)))
    return out


def synthesized_sources(langs: Sequence[str], clips_dir: Path = CLIPS_DIR) -> list[Source]:
    """The shipped synthesized clips (``audio_assets/bargein/manifest.json``) for ``langs``."""
    manifest = json.loads((clips_dir / "manifest.json").read_text(encoding="utf-8"))
    out: list[Source] = []
    for item in manifest:
        if item["lang"] not in langs:
            continue
        kind: Kind = "backchannel" if item["kind"] == "backchannel" else "interruption"
        samples = _read_wav(clips_dir / f"{item['id']}.wav")
        out.append(
            Source(item["id"], item["lang"], kind, item["text"], str(item["engine"]), samples)
        )
    return out


def _perturb(src: Source, case_id: str, rng: np.random.Generator) -> Case:
    """``src`` at a seeded speed and level, after seeded leading silence."""
    from voice_agent.audio.resample import resample

    speed = float(rng.uniform(*SPEED))
    gain_db = float(rng.uniform(*GAIN_DB))
    lead_ms = float(rng.uniform(*LEAD_MS))
    offset_s = float(rng.uniform(*OFFSET_S))
    x = resample(src.samples, RATE, round(RATE / speed))  # played back at RATE: faster
    peak = max(1, int(np.abs(x.astype(np.int32)).max()))
    scale = 32767.0 * 10 ** ((PEAK_DBFS + gain_db) / 20) / peak
    x = np.clip(np.round(x.astype(np.float64) * scale), -32768, 32767).astype(np.int16)
    lead = np.zeros(int(RATE * lead_ms / 1000), dtype=np.int16)
    tail = np.zeros(int(RATE * TAIL_MS / 1000), dtype=np.int16)
    samples = np.concatenate([lead, x, tail])
    onset = speech_onset_ms(samples)
    if onset is None:
        raise ValueError(f"{src.id}: no speech found in the clip")
    return Case(
        case_id,
        src.lang,
        src.kind,
        src.text,
        src.origin,
        samples,
        onset,
        round(offset_s, 3),
        round(speed, 3),
        round(PEAK_DBFS + gain_db, 1),
    )


def build_cases(
    langs: Sequence[str],
    per_kind: int,
    seed: int = 0,
    *,
    sources: Sequence[Source] | None = None,
) -> list[Case]:
    """``per_kind`` cases of each kind in each language of ``langs``, in a seeded running
    order. Per language and kind the human recordings come first, then the synthesized
    clips in a seeded order; past the end of that list it starts again (new speed, level
    and place: ids get ``~2``, ``~3``...)."""
    if sources is None:
        sources = [*human_sources(langs), *synthesized_sources(langs)]
    rng = np.random.default_rng(seed)
    cases: list[Case] = []
    for lang in langs:
        for kind in KINDS:
            pool = [s for s in sources if s.lang == lang and s.kind == kind]
            if not pool and per_kind > 0:
                raise ValueError(f"no {kind} clips for {lang!r}")
            human = [s for s in pool if s.origin == "human"]
            synth = [s for s in pool if s.origin != "human"]
            order = human + [synth[int(i)] for i in rng.permutation(len(synth))]
            for k in range(per_kind):
                src = order[k % len(order)]
                rep = k // len(order)
                cases.append(_perturb(src, src.id if rep == 0 else f"{src.id}~{rep + 1}", rng))
    return [cases[int(i)] for i in rng.permutation(len(cases))]


# --------------------------------------------------------------------------- scoring

SPEECH_STARTED: Final = "input_audio_buffer.speech_started"
PAUSED: Final = "response.output_audio.paused"
RESUMED: Final = "response.output_audio.resumed"
TRANSCRIBED: Final = "conversation.item.input_audio_transcription.completed"
NOT_TRANSCRIBED: Final = "conversation.item.input_audio_transcription.failed"


@dataclass(frozen=True, slots=True)
class Event:
    """A server event as the bench keeps it: its type, arrival (wall s) and fields."""

    type: str
    t: float
    item_id: str | None = None
    response_id: str | None = None
    audio_start_ms: float | None = None
    audio_end_ms: float | None = None
    status: str | None = None
    reason: str | None = None
    transcript: str | None = None


@dataclass(slots=True)
class Trace:
    """What one call saw. Stream times are ms of caller audio sent; wall times are s."""

    case_id: str
    events: list[Event] = field(default_factory=list)
    greeting_id: str | None = None
    first_audio: float | None = None  # first audio delta of the greeting
    onset_sent: float | None = None  # the message with the clip's first voiced sample
    clip_start_ms: float | None = None
    clip_end_ms: float | None = None
    turn_detection: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    cut_off: bool | None
    time_to_silence_ms: float | None
    paused: bool | None
    pause_ms: float | None
    replied_to_end: bool | None
    greeting_status: str | None
    greeting_reason: str | None
    heard: str | None
    error: str | None


def _clip_speech(trace: Trace) -> list[Event]:
    """The ``speech_started`` events for speech that starts inside the clip."""
    if trace.clip_start_ms is None or trace.clip_end_ms is None:
        return []
    lo = trace.clip_start_ms - WINDOW_BEFORE_MS
    hi = trace.clip_end_ms + WINDOW_AFTER_MS
    return [
        e
        for e in trace.events
        if e.type == SPEECH_STARTED
        and e.audio_start_ms is not None
        and lo <= e.audio_start_ms <= hi
    ]


def _heard(trace: Trace, items: set[str | None]) -> str | None:
    """What the server transcribed of ``items`` (``[code]`` when it failed to), if told."""
    for e in trace.events:
        if e.item_id in items and e.type == TRANSCRIBED:
            return e.transcript
        if e.item_id in items and e.type == NOT_TRANSCRIBED:
            return f"[{e.reason}]"
    return None


def score(trace: Trace) -> Outcome:
    """The outcome of one call (see the module docstring); an unusable trace is an error."""

    def failed(why: str) -> Outcome:
        return Outcome(None, None, None, None, None, None, None, None, why)

    if trace.error is not None:
        return failed(trace.error)
    if trace.onset_sent is None or trace.clip_start_ms is None or trace.clip_end_ms is None:
        return failed("the clip was not played")
    done = next(
        (
            e
            for e in trace.events
            if e.type == "response.done" and e.response_id == trace.greeting_id
        ),
        None,
    )
    if done is None:
        return failed("the greeting did not end")
    if done.t < trace.onset_sent:
        return failed("the greeting ended before the clip's speech")
    ours = _clip_speech(trace)
    stopped_at = [e.t for e in ours if e.t <= done.t]
    if done.status == "cancelled":
        stopped_at.append(done.t)
    heard = _heard(trace, {e.item_id for e in ours})
    cut = bool(stopped_at)
    # the greeting's pauses from the clip's speech on (its first one is the clip's)
    pauses = [
        e
        for e in trace.events
        if e.type in (PAUSED, RESUMED)
        and e.response_id == trace.greeting_id
        and e.t >= trace.onset_sent
    ]
    paused = next((e for e in pauses if e.type == PAUSED), None)
    resumed = next((e for e in pauses if e.type == RESUMED and paused and e.t >= paused.t), None)
    if cut and paused is not None:
        stopped_at.append(paused.t)
    return Outcome(
        cut_off=cut,
        time_to_silence_ms=round((min(stopped_at) - trace.onset_sent) * 1000, 1) if cut else None,
        paused=paused is not None,
        pause_ms=(
            round((resumed.t - paused.t) * 1000, 1)
            if paused is not None and resumed is not None
            else None
        ),
        replied_to_end=done.status == "completed",
        greeting_status=done.status,
        greeting_reason=done.reason,
        heard=heard,
        error=None,
    )


@dataclass(frozen=True, slots=True)
class Row:
    """One case in the report."""

    id: str
    kind: Kind
    lang: str
    text: str
    origin: str
    offset_ms: float
    clip_ms: float
    outcome: Outcome

    def to_json(self) -> dict[str, Any]:
        o = self.outcome
        return {
            "id": self.id,
            "kind": self.kind,
            "lang": self.lang,
            "text": self.text,
            "origin": self.origin,
            "cut_off": o.cut_off,
            "time_to_silence_ms": o.time_to_silence_ms,
            "paused": o.paused,
            "pause_ms": o.pause_ms,
            "replied_to_end": o.replied_to_end,
            "greeting_status": o.greeting_status,
            "greeting_reason": o.greeting_reason,
            "heard": o.heard,
            "offset_ms": self.offset_ms,
            "clip_ms": self.clip_ms,
            "error": o.error,
        }


def row(case: Case, outcome: Outcome) -> Row:
    return Row(
        case.id,
        case.kind,
        case.lang,
        case.text,
        case.origin,
        round(case.offset_s * 1000, 1),
        round(case.duration_ms, 1),
        outcome,
    )


def _frac(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _pct(values: Sequence[float], q: float) -> float | None:
    from loadtest.stats import percentile

    v = percentile(values, q)
    return None if v is None else round(v, 1)


def summarize(rows: Sequence[Row]) -> dict[str, Any]:
    """Interruptions caught / caught within 300 ms / time to silence p50, p95; backchannels
    cut off; errors. Fractions are of the cases measured (errors left out, and counted)."""
    ok = [r for r in rows if r.outcome.error is None]
    inter = [r for r in ok if r.kind == "interruption"]
    back = [r for r in ok if r.kind == "backchannel"]
    caught = [r for r in inter if r.outcome.cut_off]
    tts = [t for r in caught if (t := r.outcome.time_to_silence_ms) is not None]
    pauses = [t for r in back if not r.outcome.cut_off and (t := r.outcome.pause_ms) is not None]
    return {
        "interruptions": {
            "n": len(inter),
            "caught": _frac(len(caught), len(inter)),
            "caught_within_300ms": _frac(sum(1 for t in tts if t <= FAST_MS), len(inter)),
            "time_to_silence_ms": {"p50": _pct(tts, 50), "p95": _pct(tts, 95)},
            "replied_to_end": _frac(sum(1 for r in inter if r.outcome.replied_to_end), len(inter)),
        },
        "backchannels": {
            "n": len(back),
            "cut_off": _frac(sum(1 for r in back if r.outcome.cut_off), len(back)),
            "paused": _frac(sum(1 for r in back if r.outcome.paused), len(back)),
            "pause_ms": {"p50": _pct(pauses, 50), "p95": _pct(pauses, 95)},
            "replied_to_end": _frac(sum(1 for r in back if r.outcome.replied_to_end), len(back)),
        },
        "errors": len(rows) - len(ok),
    }


def report(
    rows: Sequence[Row], langs: Sequence[str], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The JSON report: per language, overall, errors and the rows."""
    errors = [f"{r.id}: {r.outcome.error}" for r in rows if r.outcome.error is not None]
    return {
        "bench": "barge_in",
        "langs": list(langs),
        "cases": len(rows),
        "by_lang": {lang: summarize([r for r in rows if r.lang == lang]) for lang in langs},
        "overall": summarize(rows),
        "errors": len(errors),
        "error_samples": errors[:5],
        "definitions": {
            "cut_off": "speech_started for speech starting in the clip before the greeting's "
            "response.done, or that response.done cancelled",
            "time_to_silence_ms": "for the cases cut off: the first of those events or of the "
            "greeting's response.output_audio.paused minus the send time of the message "
            "holding the clip's first voiced 10 ms frame",
            "paused": "the greeting paused (response.output_audio.paused) after the clip began",
            "pause_ms": "backchannels not cut off: the pause's response.output_audio.resumed "
            "minus its paused (what the caller hears as a gap)",
            "caught_within_300ms": "interruptions cut off within 300 ms, of all interruptions",
            "replied_to_end": "the greeting's response.done says completed",
        },
        **(extra or {}),
        "rows": [r.to_json() for r in rows],
    }


def summary_text(rep: dict[str, Any]) -> str:
    """A few lines for a terminal."""

    def pct(v: float | None) -> str:
        return "-" if v is None else f"{100 * v:.0f}%"

    def ms(v: float | None) -> str:
        return "-" if v is None else f"{v:.0f} ms"

    td = (rep.get("server") or {}).get("turn_detection") or {}
    lines = [
        f"barge-in: {rep['cases']} cases, {rep['errors']} errors "
        f"(turn detection: {td.get('type', 'server default')})"
    ]
    blocks = [*((lang, rep["by_lang"][lang]) for lang in rep["langs"]), ("all", rep["overall"])]
    for name, s in blocks:
        i, b = s["interruptions"], s["backchannels"]
        t = i["time_to_silence_ms"]
        lines.append(
            f"{name:>3}  interruptions {i['n']}: caught {pct(i['caught'])}, within 300 ms "
            f"{pct(i['caught_within_300ms'])}, time to silence p50 {ms(t['p50'])} p95 "
            f"{ms(t['p95'])}  |  backchannels {b['n']}: cut off {pct(b['cut_off'])}, "
            f"paused {pct(b['paused'])} for p50 {ms(b['pause_ms']['p50'])}"
        )
    for e in rep.get("error_samples", []):
        lines.append(f"  error: {e}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- one call


class _Mic:
    """The caller's microphone: 20 ms of 24 kHz PCM a message at real-time pace, silence
    but for one scheduled clip."""

    def __init__(self, send: Callable[[str], Awaitable[None]]) -> None:
        self.send = send
        self.step = WIRE_RATE * CHUNK_MS // 1000
        self.t0 = 0.0
        self.pos = 0  # samples sent so far
        self.clip: Int16Array | None = None
        self.clip_pos = 0
        self.onset_pos = 0
        self.onset_sent: float | None = None
        self.end_sent: float | None = None

    def schedule(self, clip: Int16Array, onset: int, onset_wall: float) -> None:
        """Play ``clip`` (24 kHz) so that its sample ``onset`` is captured at ``onset_wall``
        (or as soon as possible)."""
        want = round((onset_wall - self.t0) * WIRE_RATE) - onset
        self.clip_pos = max(want, self.pos)
        self.onset_pos = self.clip_pos + onset
        self.clip = clip

    async def run(self) -> None:
        self.t0 = time.time()
        while True:
            start, end = self.pos, self.pos + self.step
            chunk = np.zeros(self.step, dtype=np.int16)
            clip = self.clip
            if clip is not None:
                a, b = max(start, self.clip_pos), min(end, self.clip_pos + clip.size)
                if a < b:
                    chunk[a - start : b - start] = clip[a - self.clip_pos : b - self.clip_pos]
            self.pos = end
            delay = self.t0 + end / WIRE_RATE - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            audio = base64.b64encode(chunk.astype("<i2").tobytes()).decode("ascii")
            await self.send(json.dumps({"type": "input_audio_buffer.append", "audio": audio}))
            now = time.time()
            if clip is not None:
                if self.onset_sent is None and self.onset_pos < end:
                    self.onset_sent = now
                if self.end_sent is None and self.clip_pos + clip.size <= end:
                    self.end_sent = now


def _event(raw: dict[str, Any], t: float) -> Event | None:
    kind = str(raw.get("type", ""))
    if kind == SPEECH_STARTED:
        return Event(kind, t, item_id=raw.get("item_id"), audio_start_ms=raw.get("audio_start_ms"))
    if kind in (PAUSED, RESUMED):
        return Event(
            kind,
            t,
            item_id=raw.get("item_id"),
            response_id=raw.get("response_id"),
            audio_end_ms=raw.get("audio_end_ms"),
        )
    if kind in ("response.created", "response.done"):
        resp = raw.get("response") or {}
        details = resp.get("status_details") or {}
        return Event(
            kind,
            t,
            response_id=resp.get("id"),
            status=resp.get("status"),
            reason=details.get("reason"),
        )
    if kind == TRANSCRIBED:
        return Event(kind, t, item_id=raw.get("item_id"), transcript=raw.get("transcript"))
    if kind == NOT_TRANSCRIBED:
        code = (raw.get("error") or {}).get("code")
        return Event(kind, t, item_id=raw.get("item_id"), reason=code)
    if kind == "input_audio_buffer.speech_stopped":
        return Event(kind, t, item_id=raw.get("item_id"))
    if kind == "error":
        err = raw.get("error") or {}
        return Event(kind, t, reason=f"{err.get('code')}: {err.get('message')}")
    return None


AUDIO_DELTAS: Final = ("response.output_audio.delta", "response.audio.delta")


async def run_case(url: str, api_key: str, case: Case) -> Trace:
    """One call: greeting, the clip over it, until the greeting ended and the clip has been
    over for :data:`SETTLE_S` (bounded by :data:`CASE_TIMEOUT_S`)."""
    from websockets.asyncio.client import connect

    from voice_agent.audio.resample import resample

    trace = Trace(case.id)
    clip = resample(case.samples, RATE, WIRE_RATE)
    onset = round(case.onset_ms * WIRE_RATE / 1000)
    ws_url = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
    fmt = {"type": "audio/pcm", "rate": WIRE_RATE}
    started = time.time()
    deadline = started + CASE_TIMEOUT_S
    async with connect(
        ws_url + "/v1/realtime?model=voice-agent",
        additional_headers={"Authorization": f"Bearer {api_key}"},
        max_size=None,
        open_timeout=10,
        close_timeout=5,
    ) as ws:
        session = {
            "type": "realtime",
            "audio": {
                "input": {"format": fmt, "transcription": {"language": case.lang}},
                "output": {"format": fmt},
            },
            "customer": {"name": "Bench Caller"},
        }
        await ws.send(json.dumps({"type": "session.update", "session": session}))
        queue: asyncio.Queue[tuple[float, dict[str, Any]]] = asyncio.Queue()

        async def reader() -> None:
            async for raw in ws:
                await queue.put((time.time(), json.loads(raw)))

        mic = _Mic(ws.send)
        tasks = [asyncio.create_task(mic.run()), asyncio.create_task(reader())]
        try:
            while True:
                now = time.time()
                if trace.first_audio is None and now > started + FIRST_AUDIO_TIMEOUT_S:
                    trace.error = "timeout: no greeting audio"
                    break
                if now > deadline:
                    trace.error = "timeout: the call went on"
                    break
                done = trace.greeting_id is not None and any(
                    e.type == "response.done" and e.response_id == trace.greeting_id
                    for e in trace.events
                )
                if done and trace.first_audio is None:
                    trace.error = "the greeting ended without audio"
                    break
                if done and mic.end_sent is not None and now >= mic.end_sent + SETTLE_S:
                    ours = {e.item_id for e in _clip_speech(trace)}
                    transcribed = _heard(trace, ours) is not None
                    if not ours or transcribed or now >= mic.end_sent + TRANSCRIPT_WAIT_S:
                        break
                if queue.empty() and any(t.done() for t in tasks):
                    trace.error = "the connection closed"
                    break
                try:
                    t, raw = await asyncio.wait_for(queue.get(), 0.1)
                except TimeoutError:
                    continue
                kind = str(raw.get("type", ""))
                if kind == "session.updated" and trace.turn_detection is None:
                    audio_in = ((raw.get("session") or {}).get("audio") or {}).get("input") or {}
                    trace.turn_detection = audio_in.get("turn_detection")
                if kind in AUDIO_DELTAS and trace.first_audio is None:
                    trace.first_audio = t
                    trace.greeting_id = raw.get("response_id")
                    mic.schedule(clip, onset, t + case.offset_s)
                    trace.clip_start_ms = mic.clip_pos * 1000 / WIRE_RATE
                    trace.clip_end_ms = (mic.clip_pos + clip.size) * 1000 / WIRE_RATE
                    continue
                ev = _event(raw, t)
                if ev is None:
                    continue
                if ev.type == "response.created" and trace.greeting_id is None:
                    trace.greeting_id = ev.response_id
                if ev.type == "error":
                    trace.error = f"server error {ev.reason}"
                    break
                if ev.type == PAUSED and ev.item_id and ev.audio_end_ms is not None:
                    # a player that stops at the pause, and says where it stopped
                    truncate = {
                        "type": "conversation.item.truncate",
                        "item_id": ev.item_id,
                        "content_index": 0,
                        "audio_end_ms": int(ev.audio_end_ms),
                    }
                    await ws.send(json.dumps(truncate))
                trace.events.append(ev)
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        trace.onset_sent = mic.onset_sent
    return trace


async def run_cases(
    url: str,
    api_key: str,
    cases: Sequence[Case],
    *,
    concurrency: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[Trace]:
    """Every case, ``concurrency`` calls at a time (starts 1 s apart), in order."""
    slots = asyncio.Semaphore(max(1, concurrency))

    async def one(i: int, case: Case) -> Trace:
        async with slots:
            if concurrency > 1 and i < concurrency:
                await asyncio.sleep(i * 1.0)
            try:
                return await asyncio.wait_for(run_case(url, api_key, case), CASE_TIMEOUT_S + 15.0)
            except Exception as exc:
                trace = Trace(case.id)
                trace.error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
                return trace
            finally:
                if progress is not None:
                    progress(1)

    return list(await asyncio.gather(*(one(i, c) for i, c in enumerate(cases))))


# --------------------------------------------------------------------------- the command


def cpu_model() -> str | None:
    """The CPU's model name (``/proc/cpuinfo``), None where it is not told."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _langs(value: str | None) -> list[str]:
    langs = [x.strip() for x in (value or ",".join(LANGS)).split(",") if x.strip()]
    if not langs or any(x not in LANGS for x in langs) or len(set(langs)) != len(langs):
        raise SystemExit(f"bench barge-in: --lang takes distinct languages of {', '.join(LANGS)}")
    return langs


def bench_bargein(args: argparse.Namespace) -> dict[str, Any]:
    """The benchmark for parsed ``args`` (see :func:`add_arguments`): the JSON report."""
    from loadtest.progress import bar, on_terminal
    from loadtest.server import API_KEY, target
    from loadtest.voice import machine

    langs = _langs(getattr(args, "lang", None))
    per_kind = int(getattr(args, "per_kind", DEFAULT_PER_KIND))
    seed = int(getattr(args, "seed", 0) or 0)
    concurrency = max(1, int(getattr(args, "concurrency", 1) or 1))
    url: str | None = getattr(args, "url", None)
    if per_kind < 1:
        raise SystemExit("bench barge-in: --per-kind must be 1 or more")
    cases = build_cases(langs, per_kind, seed)
    api_key = os.environ.get("VOICE_AGENT_API_KEY") or API_KEY
    if url is None and on_terminal():
        print("starting a server (loading the speech models)...", file=sys.stderr)
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    with (
        target(url, api_key, "bench barge-in") as tgt,
        bar(len(cases), "barge-in cases", unit="case") as advance,
    ):
        traces = asyncio.run(
            run_cases(tgt.url, tgt.api_key, cases, concurrency=concurrency, progress=advance)
        )
    wall = time.perf_counter() - t0
    rows = [row(c, score(t)) for c, t in zip(cases, traces, strict=True)]
    turn_detection = next((t.turn_detection for t in traces if t.turn_detection), None)
    origins: dict[str, int] = {}
    for c in cases:
        origins[c.origin] = origins.get(c.origin, 0) + 1
    extra: dict[str, Any] = {
        "per_kind": per_kind,
        "seed": seed,
        "concurrency": concurrency,
        "origins": origins,
        "server": {"url": url or "started here", "turn_detection": turn_detection},
        "wall_s": round(wall, 1),
        "load_avg": {
            "before": [round(x, 2) for x in load_before],
            "after": [round(x, 2) for x in os.getloadavg()],
        },
        "machine": {**machine(), "cpu_model": cpu_model()},
    }
    return report(rows, langs, extra)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """The options of ``bench barge-in``."""
    p.add_argument("--json", action="store_true", help="one-line JSON (else a summary)")
    p.add_argument("--lang", default="en,es", help="en, es or en,es (default)")
    p.add_argument(
        "--per-kind",
        type=int,
        default=DEFAULT_PER_KIND,
        help=f"cases per kind (backchannel, interruption) per language (default "
        f"{DEFAULT_PER_KIND})",
    )
    p.add_argument("--seed", type=int, default=0, help="picks, speeds, levels, placement")
    p.add_argument(
        "--concurrency",
        type=int,
        default=1,
        help="calls at a time (default 1: more share the CPU and slow the timings)",
    )
    p.add_argument("--url", help="a running server (key: VOICE_AGENT_API_KEY); default: start one")


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m voice_agent.bench_bargein", description=(__doc__ or "").split("\n\n")[0]
    )
    add_arguments(p)
    args = p.parse_args(argv)
    result = bench_bargein(args)
    print(json.dumps(result) if args.json else summary_text(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
