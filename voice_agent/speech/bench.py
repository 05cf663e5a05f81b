"""Latency of the speech stages on this machine, printed as JSON.

    python -m voice_agent.speech.bench [--runs 10] [--tts-runs 20] [--e2e-runs 8] [--quick]

Measures (wall clock, models loaded and warmed up first):

* ``stt``: Whisper time for a ~1.5 s and a ~3 s utterance (median / p95 of ``--runs``) under
  several settings (short or full encoder window, threads, beam size);
* ``stt_accuracy``: corpus word error rate and time, short vs full encoder window, on up to
  40 human telephone prompts per language (Debian asterisk-core-sounds-en/es-wav);
* ``tts``: Piper time to the first chunk of a sentence (median / p95 of ``--tts-runs``), for
  a short, a medium and a long (clause-cut) sentence, with 1 and 2 ONNX threads;
* ``vad``: cost per 32 ms Silero frame, and of the whole input path per 20 ms chunk
  (mu-law decode + resample + VAD + turn detection);
* ``e2e``: a simulated call in real time: audio pushed in 20 ms chunks at the real pace,
  transcription started at ``SpeechStopped`` (speculative), reply audio started at
  ``EndOfTurn``; latency = end of caller speech (last sample above 2 % of the clip's peak)
  -> first agent audio chunk ready to send. The reply text
  is fixed (the orchestrator's own cost is measured elsewhere). Also reported with the
  reply's first sentence synthesized speculatively before the end of turn.

Test utterances come from ``audio_assets/speech`` (Piper joe voice, 16 kHz).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import sys
import time
import unicodedata
import wave
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from voice_agent.audio.caller import CallerAudio
from voice_agent.audio.codec import AudioFormat, encode
from voice_agent.audio.resample import resample
from voice_agent.audio.turn_detector import (
    EndOfTurn,
    SpeechResumed,
    SpeechStopped,
    TurnConfig,
    TurnDetector,
)
from voice_agent.audio.vad import SileroModel, SileroVAD
from voice_agent.speech import asterisk
from voice_agent.speech.engines import SpeechConfig, SpeechEngines
from voice_agent.speech.stt import Transcript, WhisperTranscriber
from voice_agent.speech.tts import PiperSynthesizer

ASSETS = Path(__file__).resolve().parents[2] / "audio_assets" / "speech"
REPLY = "I understand completely. Let me tell you how the program fits into a busy week."
TTS_SENTENCES = {
    "short": "Great question.",
    "medium": "I understand, time is the hardest thing to find when you run a company.",
    "long": (
        "Our coaching program costs four hundred dollars a month, it includes weekly calls "
        "with your coach, and you can start next Monday."
    ),
}


def _load(stem: str) -> npt.NDArray[np.int16]:
    with wave.open(str(ASSETS / f"{stem}.wav"), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).copy()


def _stats(values_ms: list[float]) -> dict[str, float]:
    xs = sorted(values_ms)
    p95 = xs[min(len(xs) - 1, max(0, round(0.95 * len(xs)) - 1))]
    return {
        "median_ms": round(statistics.median(xs), 1),
        "p95_ms": round(p95, 1),
        "min_ms": round(xs[0], 1),
        "max_ms": round(xs[-1], 1),
        "n": len(xs),
    }


def bench_stt(runs: int, quick: bool) -> dict[str, Any]:
    clips = {"1.6s": _load("piper_en_short"), "3.2s": _load("piper_en_expensive")}
    settings = [
        {"short_window": True, "cpu_threads": 2, "beam_size": 1},
        {"short_window": True, "cpu_threads": 1, "beam_size": 1},
        {"short_window": False, "cpu_threads": 2, "beam_size": 1},
        {"short_window": False, "cpu_threads": 2, "beam_size": 5},
    ]
    if quick:
        settings = settings[:1]
    out: dict[str, Any] = {"model": "tiny.en int8 (bundled)", "results": []}
    for s in settings:
        stt = WhisperTranscriber(
            cpu_threads=int(s["cpu_threads"]),
            beam_size=int(s["beam_size"]),
            short_window=bool(s["short_window"]),
        )
        row: dict[str, Any] = dict(s)
        for name, audio in clips.items():
            x = audio.astype(np.float32) / np.float32(32768.0)
            stt.transcribe(x)  # warm
            times: list[float] = []
            text = ""
            for _ in range(runs):
                r: Transcript = stt.transcribe(x)
                times.append(r.elapsed_ms)
                text = r.text
            row[name] = {**_stats(times), "text": text}
        out["results"].append(row)
    return out


def _asterisk(lang: str, limit: int = 40) -> list[tuple[str, str, npt.NDArray[np.float32]]]:
    """Up to ``limit`` human prompts (name, transcript, 16 kHz float32) spread over the
    Debian asterisk-core-sounds-<lang> package; [] if it is not installed."""
    folder = asterisk.SOUNDS / lang
    texts = {k: t for k, t in asterisk.transcripts(lang).items() if "[" not in t}
    if not folder.is_dir() or not texts:
        return []
    names = sorted(n for n in texts if (folder / f"{n}.wav").is_file())
    names = names[:: max(1, len(names) // limit)][:limit]
    out = []
    for name in names:
        with wave.open(str(folder / f"{name}.wav"), "rb") as w:
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16)
            rate = w.getframerate()
        audio = resample(pcm, rate, 16000)
        if audio.size < 16000 * 15:
            out.append((name, texts[name], audio.astype(np.float32) / np.float32(32768.0)))
    return out


def _words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFD", text.lower())
    plain = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    plain = re.sub(r"\([^)]*\)", " ", plain.replace("-", " "))
    return re.sub(r"[^\w\s']", " ", plain).split()


def _edits(ref: list[str], hyp: list[str]) -> int:
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[len(hyp)]


def bench_accuracy() -> dict[str, Any]:
    """Corpus word error rate and time of the short and full encoder windows on human
    telephone prompts (English: tiny.en; Spanish: multilingual base, if installed)."""
    from voice_agent.speech.stt import MultilingualModel

    out: dict[str, Any] = {}
    plans: list[tuple[str, str | None]] = [("en", None)]
    if MultilingualModel.available():
        cache = Path(os.environ.get("VOICE_AGENT_DATA_DIR", "data")) / "models"
        plans.append(("es", str(MultilingualModel.ensure(cache))))
    for lang, model in plans:
        clips = _asterisk(lang)
        if not clips:
            out[lang] = {"skipped": f"asterisk-core-sounds-{lang}-wav not installed"}
            continue
        row: dict[str, Any] = {"clips": len(clips), "model": model or "tiny.en (bundled)"}
        for short in (True, False):
            stt = WhisperTranscriber(model, language=lang, short_window=short)
            stt.transcribe(clips[0][2])
            errors = words = 0
            times: list[float] = []
            for _name, text, audio in clips:
                r = stt.transcribe(audio)
                ref = _words(text)
                errors += _edits(ref, _words(r.text))
                words += len(ref)
                times.append(r.elapsed_ms)
            row["short_window" if short else "full_window"] = {
                "corpus_wer": round(errors / max(1, words), 3),
                **_stats(times),
            }
        out[lang] = row
    return out


def bench_tts(runs: int, quick: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"voice": "en_US-joe-medium (bundled)", "results": []}
    for threads in (1,) if quick else (1, 2):
        synth = PiperSynthesizer(intra_op_threads=threads)
        synth.synthesize_all("Warm up, please.")
        row: dict[str, Any] = {"intra_op_threads": threads}
        for name, text in TTS_SENTENCES.items():
            times: list[float] = []
            audio_s = 0.0
            for _ in range(runs):
                start = time.perf_counter()
                gen = synth.synthesize(text)
                first = next(iter(gen))
                times.append((time.perf_counter() - start) * 1000)
                audio_s = first.size / synth.sample_rate
                gen.close()  # type: ignore[attr-defined]
            row[name] = {**_stats(times), "first_chunk_audio_s": round(audio_s, 2), "text": text}
        out["results"].append(row)
    return out


def bench_vad() -> dict[str, Any]:
    model = SileroModel.load()
    audio = np.concatenate([_load("piper_en_long"), np.zeros(16000 * 4, dtype=np.int16)])
    vad = SileroVAD(model)
    vad.process(audio[:16000])
    vad.reset()
    start = time.perf_counter()
    frames = 0
    for i in range(0, len(audio), 320):
        frames += len(vad.process(audio[i : i + 320]))
    per_frame_us = (time.perf_counter() - start) / frames * 1e6
    wire = encode(resample(audio, 16000, 8000), AudioFormat.PCMU8K)
    caller = CallerAudio(AudioFormat.PCMU8K, SileroVAD(model), TurnDetector())
    start = time.perf_counter()
    chunks = 0
    for i in range(0, len(wire), 160):
        caller.push(wire[i : i + 160])
        chunks += 1
    per_chunk_us = (time.perf_counter() - start) / chunks * 1e6
    return {
        "silero_per_32ms_frame_us": round(per_frame_us, 1),
        "input_path_per_20ms_pcmu_chunk_us": round(per_chunk_us, 1),
        "frames": frames,
    }


async def _one_call(
    engines: SpeechEngines,
    audio16k: npt.NDArray[np.int16],
    lead_ms: int,
    speculative_tts: bool,
    fmt: AudioFormat = AudioFormat.PCM24K,
) -> dict[str, float]:
    """Push one utterance at the real pace; return stage times relative to speech end."""
    tail_ms = int(engines.config.silence_ms) + 600
    signal = np.concatenate(
        [np.zeros(16 * lead_ms, np.int16), audio16k, np.zeros(16 * tail_ms, np.int16)]
    )
    wire = encode(resample(signal, 16000, fmt.sample_rate), fmt)
    caller = CallerAudio(fmt, engines.new_vad(), engines.new_turn_detector())
    # true end of the caller's speech: the last sample above 2 % of the peak (the clips end
    # with 150-400 ms of near-silence that must not count as speech)
    loud = np.nonzero(np.abs(audio16k.astype(np.int32)) > 0.02 * np.abs(audio16k).max())[0]
    speech_end_ms = lead_ms + (int(loud[-1]) + 1) / 16
    chunk = 20 * fmt.sample_rate * fmt.sample_width // 1000  # 20 ms of wire audio
    stt_task: asyncio.Task[Transcript] | None = None
    tts_task: asyncio.Task[npt.NDArray[np.int16]] | None = None
    marks: dict[str, float] = {}
    t0 = time.perf_counter()

    async def first_audio() -> npt.NDArray[np.int16]:
        assert stt_task is not None
        await stt_task
        async for c in engines.synthesize_stream(REPLY, 24000):
            return c
        raise RuntimeError("no audio")

    for k, i in enumerate(range(0, len(wire), chunk)):
        due = t0 + k * 0.020
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        events = await engines.run_audio(caller.push, wire[i : i + chunk])
        for ev in events:
            if isinstance(ev, SpeechStopped):
                audio = caller.utterance(ev.speech_start_ms, ev.t_ms)
                stt_task = asyncio.create_task(engines.transcribe(audio, "en"))
                stt_task.add_done_callback(lambda _t: marks.update(stt_done=time.perf_counter()))
                marks["stt_start"] = time.perf_counter()
                if speculative_tts:
                    tts_task = asyncio.create_task(first_audio())
            elif isinstance(ev, SpeechResumed):
                for task in (stt_task, tts_task):
                    if task is not None:
                        task.cancel()
                stt_task = tts_task = None
            elif isinstance(ev, EndOfTurn):
                marks["eot"] = time.perf_counter()
                if tts_task is None:
                    tts_task = asyncio.create_task(first_audio())
                await tts_task
                marks["first_audio"] = time.perf_counter()
                wall_end = t0 + speech_end_ms / 1000
                return {k2: (v - wall_end) * 1000 for k2, v in marks.items()}
    raise RuntimeError("no end of turn detected")


async def _bench_e2e(
    runs: int, silence_options: list[int], formats: list[AudioFormat]
) -> dict[str, Any]:
    stems = ["piper_en_short", "piper_en_schedule", "piper_en_expensive", "espeak_en_busy"]
    clips = [_load(s) for s in stems]
    out: dict[str, Any] = {"reply": REPLY, "utterances": stems, "results": []}
    base = await SpeechEngines.aload(SpeechConfig(stt_multilingual_model=None))
    try:
        for silence_ms in silence_options:
            cfg = SpeechConfig(silence_ms=silence_ms, stt_multilingual_model=None)
            engines = SpeechEngines(cfg, base.vad_model, base.transcriber, base.synthesizer)
            try:
                for fmt, speculative in [(f, s) for f in formats for s in (False, True)]:
                    rows = [
                        await _one_call(engines, clips[i % len(clips)], 400, speculative, fmt)
                        for i in range(runs)
                    ]
                    out["results"].append(
                        {
                            "input_format": fmt.value,
                            "silence_ms": silence_ms,
                            "speculative_tts": speculative,
                            "end_of_speech_to_first_audio": _stats(
                                [r["first_audio"] for r in rows]
                            ),
                            "end_of_speech_to_stt_start": _stats([r["stt_start"] for r in rows]),
                            "end_of_speech_to_stt_done": _stats([r["stt_done"] for r in rows]),
                            "end_of_speech_to_end_of_turn": _stats([r["eot"] for r in rows]),
                        }
                    )
            finally:
                engines.close(wait=True)
    finally:
        base.close(wait=True)
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=10, help="STT repetitions per setting")
    ap.add_argument("--tts-runs", type=int, default=20, help="TTS repetitions per sentence")
    ap.add_argument("--e2e-runs", type=int, default=8, help="simulated turns per setting")
    ap.add_argument("--silence-ms", type=int, nargs="+", default=[500, 400])
    ap.add_argument(
        "--formats", nargs="+", default=["audio/pcm", "audio/pcmu"], help="caller wire formats"
    )
    ap.add_argument("--quick", action="store_true", help="fewer settings (smoke run)")
    ap.add_argument("--only", nargs="+", choices=["stt", "tts", "vad", "e2e"], default=None)
    args = ap.parse_args(argv)
    only = set(args.only or ["stt", "accuracy", "tts", "vad", "e2e"])
    report: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "processor": platform.processor() or platform.machine(),
            "loadavg_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "turn_defaults": {
            k: getattr(TurnConfig(), k)
            for k in ("min_speech_ms", "stop_hangover_ms", "silence_ms", "barge_in_min_ms")
        },
    }
    if "vad" in only:
        report["vad"] = bench_vad()
    if "stt" in only:
        report["stt"] = bench_stt(args.runs, args.quick)
    if "accuracy" in only:
        report["stt_accuracy"] = bench_accuracy()
    if "tts" in only:
        report["tts"] = bench_tts(args.tts_runs, args.quick)
    if "e2e" in only:
        formats = [AudioFormat.parse(f) for f in args.formats]
        report["e2e"] = asyncio.run(_bench_e2e(args.e2e_runs, args.silence_ms, formats))
    report["machine"]["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
