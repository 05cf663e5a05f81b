"""``voice-agent bench turns``: turn taking on real speech, ``server_vad`` against
``semantic_vad`` at each eagerness, as JSON.

Caller turns are built from human recordings (Debian ``asterisk-core-sounds-en-wav`` and
``-es-wav``, with their transcripts): prompts that are one or more whole sentences.

* **complete** turns: the recording, then silence;
* **paused** turns: the same recording with 300-900 ms of silence inserted at a word boundary
  inside the last sentence, after a word that cannot end it ("followed by the ... pound
  key", "ingrese su ... contraseña"); word boundaries come from Whisper word timestamps.

Each turn is played in 20 ms chunks through the server's own input path
(:class:`~voice_agent.audio.caller.CallerAudio`: resampling, Silero VAD, the
:class:`~voice_agent.audio.turn_detector.TurnDetector`); a ``TurnCheck`` is answered by
Smart Turn on the same audio the live path gives it. Reported per setting:

* ``turn_end_ms`` p50/p95 on complete turns: end of speech (last sample above 2 % of the
  clip's peak) -> the turn is decided, in stream time, plus the measured wall time of the
  Smart Turn inference that decided it (the live path waits for it);
* ``false_cutoff_rate`` on paused turns: the turn ended inside the inserted pause;
* ``fallback_rate`` on complete turns: ended by the silence fallback, not by the model.

With ``--live-turns N`` it also starts a server and measures end of speech -> first agent
audio through ``/v1/realtime`` for each setting (one caller, ``N`` turns of the ``bench
voice`` recordings: complete turns only).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from voice_agent.audio.caller import CallerAudio
from voice_agent.audio.codec import AudioFormat
from voice_agent.audio.resample import resample
from voice_agent.audio.smart_turn import SmartTurnModel
from voice_agent.audio.turn_detector import (
    SEMANTIC_EAGERNESS,
    SILENCE_MS,
    Eagerness,
    EndOfTurn,
    TurnCheck,
    TurnConfig,
    TurnDetector,
)
from voice_agent.audio.vad import SileroModel, SileroVAD
from voice_agent.speech import asterisk

SOUNDS: Final = asterisk.SOUNDS
#: words after which a sentence cannot end: the pause goes right after one of them
UNFINISHED_AFTER: Final = {
    "en": frozenset(
        [
            "the",
            "a",
            "an",
            "to",
            "your",
            "you",
            "of",
            "for",
            "by",
            "and",
            "or",
            "with",
            "in",
            "on",
            "at",
            "is",
            "are",
            "will",
            "be",
            "please",
            "my",
            "this",
            "that",
            "followed",
            "enter",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "un",
            "una",
            "su",
            "sus",
            "de",
            "del",
            "para",
            "por",
            "y",
            "o",
            "con",
            "en",
            "que",
            "al",
            "seguido",
            "seguida",
            "ingrese",
            "favor",
            "es",
        ]
    ),
}
LEAD_MS: Final = 300.0
TAIL_MS: Final = 3000.0
CHUNK_MS: Final = 20.0
SERVER_VAD_SILENCE_MS: Final = SILENCE_MS
SPECULATION_HANGOVER_MS: Final = 160.0  # as the live path (voice_agent.call.core)
SMART_TURN_BEFORE_MS: Final = 500.0
Int16Array = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True)
class Turn:
    name: str
    lang: str
    kind: str  # complete | paused
    samples: Int16Array  # 16 kHz
    speech_end_ms: float  # end of the caller's speech in the turn (stream time)
    pause: tuple[float, float] | None = None  # inserted silence (stream time)


@dataclass(frozen=True, slots=True)
class Outcome:
    end_ms: float | None  # end of speech -> turn decided (with inference time)
    cut_off: bool
    by_model: bool
    infer_ms: list[float]


def _transcripts(lang: str) -> dict[str, str]:
    texts = asterisk.transcripts(lang)
    if not texts:
        raise SystemExit(f"bench turns {asterisk.install_hint(lang)}")
    return texts


def _read(path: Path) -> Int16Array:
    import wave

    with wave.open(str(path), "rb") as w:
        raw = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
        rate = w.getframerate()
    return raw if rate == 16000 else resample(raw, rate, 16000)


def _speech_bounds(x: Int16Array) -> tuple[int, int]:
    loud = np.flatnonzero(np.abs(x.astype(np.int32)) > 0.02 * max(1, int(np.abs(x).max())))
    return int(loud[0]), int(loud[-1]) + 1


def _quietest(x: Int16Array, around: int, reach_ms: int = 80) -> int:
    """The centre of the quietest 10 ms within ``reach_ms`` of ``around``: Whisper's word
    times are coarse, the gap (or closure) between two words is the quiet part."""
    hop = 160
    lo = max(0, around - 16 * reach_ms)
    hi = min(x.size - hop, around + 16 * reach_ms)
    starts = np.arange(lo, max(lo + 1, hi), hop)
    energy = [float(np.mean(x[a : a + hop].astype(np.float64) ** 2)) for a in starts]
    return int(starts[int(np.argmin(energy))]) + hop // 2


def _norm(word: str) -> str:
    import unicodedata

    w = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in w if c.isalpha())


def build_turns(per_lang: int, seed: int = 0) -> list[Turn]:
    """``per_lang`` recordings per language -> a complete and a paused turn each."""
    from voice_agent.speech.stt import MultilingualModel, WhisperTranscriber

    rng = np.random.default_rng(seed)
    turns: list[Turn] = []
    # word times from the multilingual base model (better than tiny.en's)
    from voice_agent.settings import Settings

    cache = Settings().data_dir / "models"  # where the server assembles the model too
    stt = WhisperTranscriber(str(MultilingualModel.ensure(cache)))
    for lang in ("en", "es"):
        texts = _transcripts(lang)
        names = sorted(
            n
            for n, t in texts.items()
            if (SOUNDS / lang / f"{n}.wav").is_file()
            and len(t.split()) >= 5
            and t.rstrip().endswith((".", "?"))
            and not t.rstrip().endswith("..")
        )
        picked = 0
        for name in names:
            if picked >= per_lang:
                break
            x = _read(SOUNDS / lang / f"{name}.wav")
            first, last = _speech_bounds(x)
            x = x[max(0, first - 1600) : last + 1600]  # 100 ms of the recording each side
            if not 1.5 <= x.size / 16000 <= 7.0:
                continue
            segments, _ = stt._model.transcribe(  # word timestamps: not used by the server
                x.astype(np.float32) / 32768.0,
                language=lang,
                word_timestamps=True,
                beam_size=1,
                condition_on_previous_text=False,
                vad_filter=False,
            )
            words = [w for s in segments for w in (s.words or [])]
            if len(words) < 4:
                continue
            # a boundary after a word that cannot end a sentence, not before the last 2 words
            cuts = [
                i
                for i in range(1, len(words) - 2)
                if _norm(words[i].word) in UNFINISHED_AFTER[lang]
                and words[i + 1].start - words[i].end < 0.25
            ]
            if not cuts:
                continue
            i = cuts[-1]
            cut = _quietest(x, int(16000 * (words[i].end + words[i + 1].start) / 2))
            lead = np.zeros(int(16 * LEAD_MS), dtype=np.int16)
            tail = np.zeros(int(16 * TAIL_MS), dtype=np.int16)
            _, end = _speech_bounds(x)
            complete = np.concatenate([lead, x, tail])
            turns.append(Turn(name, lang, "complete", complete, LEAD_MS + end / 16))
            pause_ms = float(rng.uniform(300.0, 900.0))
            gap = np.zeros(int(16 * pause_ms), dtype=np.int16)
            paused = np.concatenate([lead, x[:cut], gap, x[cut:], tail])
            start = LEAD_MS + cut / 16
            turns.append(
                Turn(
                    name,
                    lang,
                    "paused",
                    paused,
                    LEAD_MS + (end + gap.size) / 16,
                    (start, start + pause_ms),
                )
            )
            picked += 1
    return turns


def _config(setting: str) -> TurnConfig:
    if setting == "server_vad":
        return TurnConfig(
            silence_ms=SERVER_VAD_SILENCE_MS, stop_hangover_ms=SPECULATION_HANGOVER_MS
        )
    sem = SEMANTIC_EAGERNESS[Eagerness(setting.split(":", 1)[1])]
    return TurnConfig(
        silence_ms=sem.fallback_ms, stop_hangover_ms=SPECULATION_HANGOVER_MS, semantic=sem
    )


def play(turn: Turn, config: TurnConfig, vad_model: SileroModel, smart: SmartTurnModel) -> Outcome:
    """One turn through the input path; the first end of turn decides."""
    caller = CallerAudio(AudioFormat.PCM24K, SileroVAD(vad_model), TurnDetector(config))
    wire = resample(turn.samples, 16000, 24000)  # as a realtime client sends it
    step = int(24 * CHUNK_MS)
    infer: list[float] = []
    for i in range(0, wire.size, step):
        events = caller.push_samples(wire[i : i + step])
        extra_ms = 0.0
        for check in [e for e in events if isinstance(e, TurnCheck)]:
            t0 = time.perf_counter()
            audio = caller.utterance(
                check.speech_start_ms, check.t_ms, before_ms=SMART_TURN_BEFORE_MS, after_ms=0.0
            )
            p = smart.complete_probability(audio)
            extra_ms = (time.perf_counter() - t0) * 1000
            infer.append(extra_ms)
            events += caller.detector.verdict(check, p)
        for e in events:
            if isinstance(e, EndOfTurn):
                by_model = config.semantic is not None and e.t_ms - e.speech_end_ms < (
                    config.silence_ms
                )
                decided = e.t_ms + (extra_ms if by_model else 0.0)
                pause = turn.pause
                if pause is not None and pause[0] - 400.0 <= e.speech_end_ms <= pause[0] + 100.0:
                    return Outcome(None, True, by_model, infer)  # ended inside the pause
                if e.speech_end_ms < turn.speech_end_ms - 300.0:
                    continue  # an earlier sentence ended (multi-sentence prompt): go on
                return Outcome(decided - turn.speech_end_ms, False, by_model, infer)
    return Outcome(None, False, False, infer)


def _pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, round(q * (len(s) - 1)))], 1)


def run(per_lang: int, settings: list[str]) -> dict[str, Any]:
    from loadtest.progress import bar

    turns = build_turns(per_lang)
    vad_model = SileroModel.load()
    smart = SmartTurnModel.load()
    smart.complete_probability(np.zeros(16000, dtype=np.float32))  # warm up
    results: dict[str, Any] = {}
    with bar(len(turns) * len(settings), "turns", unit="turn") as advance:
        for setting in settings:
            cfg = _config(setting)
            by_kind: dict[str, list[Outcome]] = {"complete": [], "paused": []}
            per_lang_cut: dict[str, list[bool]] = {"en": [], "es": []}
            for turn in turns:
                out = play(turn, cfg, vad_model, smart)
                by_kind[turn.kind].append(out)
                if turn.kind == "paused":
                    per_lang_cut[turn.lang].append(out.cut_off)
                advance(1)
            done = [o.end_ms for o in by_kind["complete"] if o.end_ms is not None]
            paused = by_kind["paused"]
            infer = [ms for o in by_kind["complete"] + paused for ms in o.infer_ms]
            results[setting] = {
                "config": {
                    "silence_ms": cfg.silence_ms,
                    "check_ms": cfg.semantic.check_ms if cfg.semantic else None,
                    "threshold": cfg.semantic.threshold if cfg.semantic else None,
                },
                "complete_turns": len(by_kind["complete"]),
                "turn_end_ms": {"p50": _pct(done, 0.5), "p95": _pct(done, 0.95)},
                "complete_not_ended_or_cut": len(by_kind["complete"]) - len(done),
                "fallback_rate": round(
                    sum(1 for o in by_kind["complete"] if o.end_ms is not None and not o.by_model)
                    / max(1, len(done)),
                    3,
                )
                if cfg.semantic
                else None,
                "paused_turns": len(paused),
                "false_cutoff_rate": round(sum(o.cut_off for o in paused) / max(1, len(paused)), 3),
                "false_cutoff_rate_by_lang": {
                    k: round(sum(v) / max(1, len(v)), 3) for k, v in per_lang_cut.items()
                },
                "smart_turn_ms": {"p50": _pct(infer, 0.5), "p95": _pct(infer, 0.95)}
                if infer
                else None,
            }
    return {
        "bench": "turns",
        "turns": len(turns),
        "by_lang": {lang: sum(1 for t in turns if t.lang == lang) for lang in ("en", "es")},
        "anchor": "end of speech -> turn decided (stream time + Smart Turn wall time)",
        "results": results,
    }


def live(turns: int, settings: list[str]) -> dict[str, Any]:
    """End of speech -> first agent audio through ``/v1/realtime`` (a server started here,
    one caller, the recordings of ``bench voice``), once per setting."""
    import asyncio
    import sys

    from loadtest.progress import bar, on_terminal
    from loadtest.server import API_KEY
    from loadtest.voice import run_load, start_server

    if on_terminal():
        print("starting a server (loading the speech models)...", file=sys.stderr)
    server = start_server()
    out: dict[str, Any] = {}
    try:
        for setting in settings:
            td: dict[str, Any] = {"type": "server_vad"}
            if setting != "server_vad":
                td = {"type": "semantic_vad", "eagerness": setting.split(":", 1)[1]}
            with bar(turns, f"live {setting}", unit="turn") as advance:
                report = asyncio.run(
                    run_load(server.url, API_KEY, 1, turns, "audio/pcm", advance, td)
                )
            out[setting] = {
                k: report.get(k)
                for k in ("turns_measured", "p50_ms", "p95_ms", "errors", "error_samples")
            } | {"stage_medians": report.get("stage_medians")}
    finally:
        server.stop()
    return out


def bench_turns(args: argparse.Namespace) -> dict[str, Any]:
    per_lang = int(getattr(args, "per_lang", 30) or 30)
    settings = ["server_vad"] + [f"semantic_vad:{e.value}" for e in Eagerness]
    result = run(per_lang, settings)
    live_turns = int(getattr(args, "live_turns", 0) or 0)
    if live_turns:
        result["live_first_audio_ms"] = live(live_turns, settings)
    return result
