"""Telephony benchmarks: latency per transport, and what the phone path costs in word errors.

* :func:`run_latency` - one caller per transport (``realtime``, ``twilio``, ``audiosocket``)
  speaks the same recordings at real-time pace; latency is measured by the caller from the
  last voiced sample of each utterance to the arrival of the agent's first audio, exactly as
  ``python -m loadtest voice`` does for ``/v1/realtime``. Server-side stage medians come from
  the stored turns (``timings_ms``).
* :func:`run_wer` - real human telephony recordings (``asterisk-core-sounds-en-wav``, with
  the transcripts of ``asterisk-core-sounds-en``) are each placed as a Twilio call (signed
  webhook, stream token, mu-law at real-time pace) and the stored customer turn is compared
  with the same file transcribed directly by the same Whisper model; both against the
  published transcript.

:func:`start_telephony_server` runs ``voice-agent serve`` with speech, Twilio and AudioSocket
on (a fixed free port: the public URL that signs webhooks must name it).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import re
import socket
import statistics
import time
import unicodedata
import wave
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import httpx
import numpy as np
import numpy.typing as npt

from loadtest.audiosocket_caller import AudioSocketCall
from loadtest.server import ServerProcess
from loadtest.stats import summary
from loadtest.twilio_carrier import TwilioStream, place_call
from loadtest.voice import Utterance, load_utterances, run_call, speech_end_ms
from voice_agent.audio.resample import resample
from voice_agent.speech import asterisk

AUTH_TOKEN = "bench-twilio-auth-token"
TRANSPORTS = ("realtime", "twilio", "audiosocket")
STAGES = ("vad_end", "transcription", "orchestrator", "tts_first_chunk", "first_audio")
ASTERISK_EN = asterisk.SOUNDS / "en"


class _Caller(Protocol):
    async def play(self, samples8k: npt.NDArray[np.int16], *, speed: float = 1.0) -> float: ...

    async def silence(self, seconds: float, *, speed: float = 1.0) -> float: ...

    async def wait_first_audio_after(self, t: float, timeout_s: float) -> float: ...

    async def wait_agent_silent(self, quiet_s: float, timeout_s: float) -> float | None: ...

    async def hang_up(self) -> None: ...


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_telephony_server(*, greet: bool = True, lang: str = "en") -> ServerProcess:
    """``lang``: the language of the calls (the server's ``STT_LANGUAGE``)."""
    port = free_port()
    env = {
        "VOICE_AGENT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "VOICE_AGENT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "VOICE_AGENT_AUDIOSOCKET_PORT": "0",
        "VOICE_AGENT_GREET_FIRST": "true" if greet else "false",
        "VOICE_AGENT_STT_LANGUAGE": lang,
    }
    return ServerProcess(speech=True, env=env, port=port).start()


@contextlib.asynccontextmanager
async def open_call(
    transport: str, url: str, audiosocket_port: int, phone: str
) -> AsyncIterator[_Caller]:
    if transport == "twilio":
        twiml = await place_call(url, AUTH_TOKEN, from_number=phone)
        async with TwilioStream.answer(twiml) as tw:
            yield tw
    elif transport == "audiosocket":
        async with AudioSocketCall.connect("127.0.0.1", audiosocket_port) as au:
            yield au
    else:
        raise ValueError(f"unknown transport {transport!r}")


# --------------------------------------------------------------------------- latency


@dataclass
class TurnLatency:
    utterance: str
    latency_ms: float | None


@dataclass
class LatencyRun:
    turns: list[TurnLatency] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


async def phone_call(
    transport: str,
    url: str,
    audiosocket_port: int,
    utterances: list[Utterance],
    turns: int,
    *,
    pause_s: float = 0.8,
    turn_timeout_s: float = 30.0,
) -> LatencyRun:
    """One caller over a telephony transport: the greeting, then ``turns`` utterances."""
    run = LatencyRun()
    try:
        async with open_call(transport, url, audiosocket_port, "+15550100000") as call:
            await call.wait_first_audio_after(0.0, turn_timeout_s)
            await call.wait_agent_silent(0.6, 60.0)
            await call.silence(pause_s)
            for k in range(turns):
                utt = utterances[k % len(utterances)]
                samples = resample(utt.samples16k, 16000, 8000)
                last = await call.play(samples)
                clip_ms = utt.samples16k.size / 16.0
                end_wall = last - (clip_ms - utt.speech_end_ms) / 1000.0
                try:
                    first = await call.wait_first_audio_after(end_wall, turn_timeout_s)
                    run.turns.append(TurnLatency(utt.name, (first - end_wall) * 1000.0))
                except TimeoutError:
                    run.errors.append(f"turn {k}: no agent audio within {turn_timeout_s} s")
                    run.turns.append(TurnLatency(utt.name, None))
                await call.wait_agent_silent(0.6, 60.0)
                await call.silence(pause_s)
            await call.hang_up()
    except Exception as exc:
        run.errors.append(f"{type(exc).__name__}: {exc}")
    return run


def stored_stage_medians(url: str, api_key: str, channel: str) -> dict[str, float | None]:
    """Medians of the server's per-stage timings on the agent turns of ``channel`` calls."""
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {api_key}"}) as http:
        convs = http.get("/v1/conversations", params={"limit": 100}).json()["conversations"]
        values: dict[str, list[float]] = {s: [] for s in STAGES}
        for conv in convs:
            if conv["channel"] != channel:
                continue
            full = http.get(f"/v1/conversations/{conv['id']}").json()
            for turn in full["turns"]:
                for stage in STAGES:
                    v = (turn.get("timings_ms") or {}).get(stage)
                    if turn["role"] == "agent" and v is not None:
                        values[stage].append(float(v))
    return {
        f"{s}_ms": round(statistics.median(v), 1) if v else None for s, v in values.items()
    }


async def run_latency(
    transport: str, url: str, api_key: str, audiosocket_port: int, turns: int
) -> dict[str, Any]:
    utterances = load_utterances()
    t0 = time.perf_counter()
    if transport == "realtime":
        result = await run_call(url, api_key, utterances, turns=turns, fmt="audio/pcmu")
        latencies = [t.latency_ms for t in result.turns]
        names = [t.utterance for t in result.turns]
        errors = list(result.errors)
    else:
        run = await phone_call(transport, url, audiosocket_port, utterances, turns)
        latencies = [t.latency_ms for t in run.turns]
        names = [t.utterance for t in run.turns]
        errors = run.errors
    lat = [v for v in latencies if v is not None]
    await asyncio.sleep(0.5)  # the hang-up is stored
    stages = await asyncio.to_thread(stored_stage_medians, url, api_key, transport)
    return {
        "transport": transport,
        "turns": turns,
        "turns_measured": len(lat),
        **summary(lat),
        "server_stage_medians": stages,
        "per_turn_ms": [
            {"utterance": n, "latency_ms": None if v is None else round(v, 1)}
            for n, v in zip(names, latencies, strict=True)
        ],
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": round(time.perf_counter() - t0, 2),
    }


# --------------------------------------------------------------------------- word errors


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation and with accents folded ("Número" -> "numero",
    "contraseña" -> "contrasena": the Spanish transcripts are written without them)."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("-", " "))
    text = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return re.sub(r"[^a-z0-9' ]+", " ", text).split()


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def corpus_wer(pairs: list[tuple[str, str]]) -> float:
    """Word error rate over all pairs: total edits / total reference words."""
    edits = sum(edit_distance(normalise(r), normalise(h)) for r, h in pairs)
    words = sum(len(normalise(r)) for r, _ in pairs)
    return edits / max(1, words)


@dataclass(frozen=True)
class Recording:
    name: str
    text: str
    samples8k: npt.NDArray[np.int16]


def held_out(name: str) -> bool:
    """Whether recording ``name`` is in the held-out half of its language (a fixed hash of
    the name): speech settings are tuned on the other half only, WER is reported on this
    one."""
    return int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 1


def asterisk_recordings(
    n: int,
    *,
    lang: str = "en",
    held_out_only: bool = False,
    min_words: int = 4,
    max_s: float = 8.0,
) -> list[Recording]:
    """The first ``n`` recordings (by name) of speech in ``lang`` with a transcript of at
    least ``min_words`` words, 8 kHz mono, at most ``max_s`` seconds; with
    ``held_out_only``, only those of the held-out half (:func:`held_out`)."""
    transcripts = asterisk.transcripts(lang)
    folder = asterisk.SOUNDS / lang
    if not transcripts or not folder.is_dir():
        raise RuntimeError(asterisk.install_hint(lang))
    out: list[Recording] = []
    for name in sorted(transcripts):
        path = folder / f"{name}.wav"
        text = transcripts[name]
        if "/" in name or not path.is_file() or len(normalise(text)) < min_words:
            continue
        if held_out_only and not held_out(name):
            continue
        if "[" in text:  # "[this is a simple beep tone]": a sound, not speech
            continue
        with wave.open(str(path), "rb") as w:
            if w.getframerate() != 8000 or w.getnchannels() != 1 or w.getsampwidth() != 2:
                continue
            samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
        if samples.size > max_s * 8000 or speech_end_ms(resample(samples, 8000, 16000)) < 300:
            continue
        out.append(Recording(name, transcripts[name], samples))
        if len(out) == n:
            break
    return out


async def _twilio_transcript(url: str, api_key: str, rec: Recording, phone: str) -> str:
    twiml = await place_call(url, AUTH_TOKEN, from_number=phone)
    async with TwilioStream.answer(twiml) as call:
        await call.silence(0.3)
        end = await call.play(rec.samples8k)
        await call.silence(0.8)
        with contextlib.suppress(TimeoutError):
            await call.wait_first_audio_after(end, 30.0)  # the turn was stored
        await call.hang_up()
    async with httpx.AsyncClient(
        base_url=url, headers={"Authorization": f"Bearer {api_key}"}, timeout=30
    ) as http:
        for _ in range(100):
            convs = (await http.get("/v1/conversations", params={"limit": 100})).json()
            for conv in convs["conversations"]:
                if conv["customer"].get("phone") == phone and conv["status"] == "ended":
                    full = (await http.get(f"/v1/conversations/{conv['id']}")).json()
                    said = [t["text"] for t in full["turns"] if t["role"] == "customer"]
                    return " ".join(said)
            await asyncio.sleep(0.1)
    return ""


def _extra(ref: str, direct: str, path: str) -> int:
    """Word errors the path made beyond those of the direct transcription."""
    r = normalise(ref)
    return edit_distance(r, normalise(path)) - edit_distance(r, normalise(direct))


async def run_wer(
    url: str,
    api_key: str,
    recordings: list[Recording],
    transcribe: Callable[[npt.NDArray[np.float32]], str],
    *,
    concurrency: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    sem = asyncio.Semaphore(concurrency)
    done = 0

    async def one(i: int, rec: Recording) -> tuple[str, str]:
        nonlocal done
        async with sem:
            path = await _twilio_transcript(url, api_key, rec, f"+1555{i:07d}")
        x16 = resample(rec.samples8k, 8000, 16000).astype(np.float32) / 32768.0
        direct = await asyncio.to_thread(transcribe, x16)
        done += 1
        if progress is not None:
            progress(done, len(recordings))
        return direct, path

    results = await asyncio.gather(*(one(i, r) for i, r in enumerate(recordings)))
    return wer_report(recordings, list(results), "twilio")


def wer_report(
    recordings: list[Recording], results: list[tuple[str, str]], path: str
) -> dict[str, Any]:
    """The word errors of ``results`` (direct, through ``path``) against the recordings'
    transcripts: ``wer_direct``, ``wer_<path>_path``, what the path costs (budget 0.01),
    the turns that came out empty and the five recordings the path hurt most."""
    refs = [r.text for r in recordings]
    direct_wer = corpus_wer(list(zip(refs, [d for d, _ in results], strict=True)))
    path_wer = corpus_wer(list(zip(refs, [p for _, p in results], strict=True)))
    path_vs_direct = corpus_wer([(d, p) for d, p in results])
    worst = sorted(
        (
            {
                "recording": rec.name,
                "reference": rec.text,
                "direct": d,
                path: p,
                "extra_errors": _extra(rec.text, d, p),
            }
            for rec, (d, p) in zip(recordings, results, strict=True)
        ),
        key=lambda x: -int(str(x["extra_errors"])),
    )[:5]
    return {
        "recordings": len(recordings),
        "reference_words": sum(len(normalise(r)) for r in refs),
        "wer_direct": round(direct_wer, 4),
        f"wer_{path}_path": round(path_wer, 4),
        "wer_cost_of_path": round(path_wer - direct_wer, 4),
        "wer_path_against_direct": round(path_vs_direct, 4),
        "budget": 0.01,
        "within_budget": path_wer - direct_wer <= 0.01,
        "empty_turns": sum(1 for _, p in results if not p.strip()),
        "empty_turn_recordings": [
            rec.name for rec, (_, p) in zip(recordings, results, strict=True) if not p.strip()
        ],
        "largest_differences": worst,
    }
