"""Voice load test: N concurrent simulated callers over ``/v1/realtime``, real speech at real pace.

    python -m loadtest voice --calls 1 --turns 6 --json
    python -m loadtest voice --sweep 1,2,3,4 --turns 4 --json    # largest N with p95 < 1500 ms

Each caller is a WebSocket client speaking the OpenAI Realtime protocol. Like a phone, its
microphone streams continuously: 40 ms chunks, each sent when its last sample would have
been captured (real-time pace), silence between utterances. The utterances are the recorded
test clips (Piper and espeak-ng renderings in ``audio_assets/speech`` and, when installed,
human recordings from ``asterisk-core-sounds-en-wav``). A caller waits for the greeting to
finish, then for each turn speaks one clip, waits for the agent's reply to finish playing,
pauses, and speaks again.

Latency is measured by the client: from the moment the last voiced sample of the utterance
was captured to the arrival of the first ``response.output_audio.delta`` of the reply.
Per-stage medians come from the server's ``response.timings`` event (end of speech to end of
turn detected, transcription, orchestrator, first TTS chunk).

Starts its own server (``voice-agent serve --port 0`` in a subprocess, speech on) unless
``--url`` names one.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import statistics
import sys
import time
import wave
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from loadtest.progress import Advance, bar, on_terminal
from loadtest.server import API_KEY, ServerProcess
from loadtest.stats import summary
from voice_agent.audio import codec
from voice_agent.audio.resample import resample

REPO = Path(__file__).resolve().parent.parent
SPEECH_DIR = REPO / "audio_assets" / "speech"
ASTERISK_EN = Path("/usr/share/asterisk/sounds/en")
#: Human recordings (Asterisk prompts) used as caller speech when installed.
ASTERISK_CLIPS = (
    "all-circuits-busy-now",
    "vm-nobodyavail",
    "tt-weasels",
    "conf-onlyperson",
    "queue-thankyou",
    "conf-getpin",
)
CHUNK_MS = 40
STAGES = ("vad_end", "transcription", "orchestrator", "tts_first_chunk", "first_audio")


@dataclass(frozen=True)
class Utterance:
    name: str
    samples16k: npt.NDArray[np.int16]
    speech_end_ms: float  # last voiced instant in the clip


def _read_wav(path: Path) -> npt.NDArray[np.int16]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).copy()
    return data if rate == 16000 else resample(data, rate, 16000)


def speech_end_ms(samples16k: npt.NDArray[np.int16], floor_dbfs: float = -40.0) -> float:
    """End of the last 10 ms frame whose RMS is above ``floor_dbfs``."""
    frame = 160
    n = samples16k.size // frame
    if n == 0:
        return 0.0
    x = samples16k[: n * frame].astype(np.float32).reshape(n, frame) / 32768.0
    rms = np.sqrt((x * x).mean(axis=1)) + 1e-12
    loud = np.nonzero(20 * np.log10(rms) > floor_dbfs)[0]
    return float((loud[-1] + 1) * 10) if loud.size else 0.0


def load_utterances(include_human: bool = True) -> list[Utterance]:
    out: list[Utterance] = []
    manifest = json.loads((SPEECH_DIR / "manifest.json").read_text())
    for item in manifest:
        if item["lang"] != "en" or "backchannel" in item["file"]:
            continue
        s = _read_wav(SPEECH_DIR / item["file"])
        out.append(Utterance(item["file"], s, speech_end_ms(s)))
    if include_human and ASTERISK_EN.is_dir():
        for name in ASTERISK_CLIPS:
            path = ASTERISK_EN / f"{name}.wav"
            if path.is_file():
                s = _read_wav(path)
                out.append(Utterance(f"asterisk:{name}", s, speech_end_ms(s)))
    if not out:
        raise RuntimeError(f"no test utterances found in {SPEECH_DIR}")
    return out


@dataclass
class TurnResult:
    utterance: str
    latency_ms: float | None
    timings_ms: dict[str, float] = field(default_factory=dict)
    transcript: str = ""


@dataclass
class CallResult:
    turns: list[TurnResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    served: bool = False


class _Mic:
    """A continuous microphone: sends 40 ms chunks at real-time pace, silence when idle."""

    def __init__(self, ws: Any, fmt: str, speed: float = 1.0) -> None:
        self.ws = ws
        self.fmt = codec.AudioFormat.parse(fmt)
        self.rate = codec.sample_rate(self.fmt)
        self.speed = speed
        self.t0 = 0.0
        self.pos = 0  # samples (at self.rate) sent so far
        self.queue: asyncio.Queue[tuple[npt.NDArray[np.int16], asyncio.Future[float], float]] = (
            asyncio.Queue()
        )
        self.step = self.rate * CHUNK_MS // 1000

    def speak(self, utt: Utterance) -> asyncio.Future[float]:
        """Queue an utterance; the future gets the wall time of its end of speech."""
        fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        samples = resample(utt.samples16k, 16000, self.rate)
        self.queue.put_nowait((samples, fut, utt.speech_end_ms))
        return fut

    def wall(self, pos: int) -> float:
        return self.t0 + pos / self.rate / self.speed

    async def run(self) -> None:
        self.t0 = time.time()
        silence = np.zeros(self.step, dtype=np.int16)
        while True:
            try:
                samples, fut, end_ms = self.queue.get_nowait()
            except asyncio.QueueEmpty:
                await self._send(silence)
                continue
            start = self.pos
            for i in range(0, samples.size, self.step):
                await self._send(samples[i : i + self.step])
            if not fut.done():
                fut.set_result(self.wall(start + int(end_ms * self.rate / 1000)))

    async def _send(self, chunk: npt.NDArray[np.int16]) -> None:
        self.pos += chunk.size
        delay = self.wall(self.pos) - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        audio = base64.b64encode(codec.encode(chunk, self.fmt)).decode("ascii")
        await self.ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": audio}))


async def run_call(
    url: str,
    api_key: str,
    utterances: list[Utterance],
    *,
    turns: int,
    offset: int = 0,
    fmt: str = "audio/pcm",
    pause_s: float = 0.8,
    turn_timeout_s: float = 30.0,
    progress: Advance | None = None,
    turn_detection: dict[str, Any] | None = None,
) -> CallResult:
    """One simulated caller: greeting, then ``turns`` utterances; returns its measurements."""
    from websockets.asyncio.client import connect

    result = CallResult()
    ws_url = url.replace("http://", "ws://").replace("https://", "wss://")
    ws_url = ws_url.rstrip("/") + "/v1/realtime?model=voice-agent"
    fmt_json = {"type": fmt, "rate": 24000} if fmt == "audio/pcm" else {"type": fmt}
    async with connect(
        ws_url, additional_headers={"Authorization": f"Bearer {api_key}"}, max_size=None
    ) as ws:
        await ws.send(
            json.dumps(
                {
                    "type": "session.update",
                    "session": {
                        "type": "realtime",
                        "audio": {
                            "input": {"format": fmt_json}
                            | ({"turn_detection": turn_detection} if turn_detection else {}),
                            "output": {"format": fmt_json},
                        },
                        "customer": {"name": "Load Tester"},
                    },
                }
            )
        )
        mic = _Mic(ws, fmt)
        mic_task = asyncio.create_task(mic.run())
        events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        async def reader() -> None:
            async for raw in ws:
                ev = json.loads(raw)
                ev["_t"] = time.time()
                await events.put(ev)

        read_task = asyncio.create_task(reader())
        out_rate = 24000 if fmt == "audio/pcm" else 8000
        width = 2 if fmt == "audio/pcm" else 1

        async def until_response_done() -> tuple[float | None, float, dict[str, Any]]:
            """(first delta time, audio seconds, response.done event)."""
            first: float | None = None
            audio_s = 0.0
            while True:
                ev = await asyncio.wait_for(events.get(), turn_timeout_s)
                kind = ev["type"]
                if kind == "error":
                    result.errors.append(f"error event: {ev['error'].get('code')}")
                elif kind == "response.output_audio.delta":
                    if first is None:
                        first = ev["_t"]
                    audio_s += len(base64.b64decode(ev["delta"])) / width / out_rate
                elif kind == "response.done":
                    return first, audio_s, ev

        try:
            first, audio_s, _ = await until_response_done()  # the greeting
            if first is not None:
                await asyncio.sleep(max(0.0, first + audio_s - time.time()) + pause_s)
            for k in range(turns):
                utt = utterances[(offset + k) % len(utterances)]
                end_fut = mic.speak(utt)
                tr = TurnResult(utt.name, None)
                while True:
                    first, audio_s, done = await until_response_done()
                    status = done["response"].get("status")
                    if not end_fut.done() or (first is not None and first < end_fut.result()):
                        continue  # a reply to part of the utterance (a pause inside it)
                    if first is None and status == "cancelled":
                        continue
                    break
                end_wall = end_fut.result()
                if first is None:
                    result.errors.append(f"turn {k}: no audio (response {status})")
                else:
                    tr.latency_ms = (first - end_wall) * 1000
                # drain what came with it: timings, transcript
                deadline = time.time() + 1.0
                while time.time() < deadline and not tr.timings_ms:
                    try:
                        ev = await asyncio.wait_for(events.get(), max(0.01, deadline - time.time()))
                    except TimeoutError:
                        break
                    if ev["type"] == "response.timings":
                        tr.timings_ms = ev["timings_ms"]
                result.turns.append(tr)
                if progress is not None:
                    progress(1)
                if first is not None:
                    await asyncio.sleep(max(0.0, first + audio_s - time.time()) + pause_s)
            result.served = len(result.turns) == turns and all(
                t.latency_ms is not None for t in result.turns
            )
        except TimeoutError:
            result.errors.append("timeout waiting for the agent")
        except Exception as exc:
            result.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            mic_task.cancel()
            read_task.cancel()
    return result


async def run_load(
    url: str,
    api_key: str,
    calls: int,
    turns: int,
    fmt: str = "audio/pcm",
    progress: Advance | None = None,
    turn_detection: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``calls`` concurrent callers of ``turns`` turns; ``progress(1)`` after each turn.
    ``turn_detection``: the session's ``turn_detection`` (default: the server's)."""
    utterances = load_utterances()
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()

    async def one(i: int) -> CallResult:
        await asyncio.sleep(i * 0.37)  # stagger starts so turns do not align by construction
        try:
            return await run_call(
                url,
                api_key,
                utterances,
                turns=turns,
                offset=i * 3,
                fmt=fmt,
                progress=progress,
                turn_detection=turn_detection,
            )
        except Exception as exc:
            return CallResult(errors=[f"{type(exc).__name__}: {exc}"])

    results = await asyncio.gather(*(one(i) for i in range(calls)))
    wall = time.perf_counter() - t0
    lat = [t.latency_ms for r in results for t in r.turns if t.latency_ms is not None]
    stages: dict[str, float | None] = {}
    for stage in STAGES:
        vals = [t.timings_ms[stage] for r in results for t in r.turns if stage in t.timings_ms]
        stages[f"{stage}_ms"] = round(statistics.median(vals), 3) if vals else None
    errors = [e for r in results for e in r.errors]
    measured = [t for r in results for t in r.turns if t.latency_ms is not None]
    slowest = sorted(measured, key=lambda t: -(t.latency_ms or 0.0))[:3]
    report: dict[str, Any] = {
        "calls": calls,
        "turns_per_call": turns,
        "format": fmt,
        "calls_served": sum(1 for r in results if r.served),
        "turns_measured": len(lat),
        **summary(lat),
        "stage_medians": stages,
        "slowest_turns": [
            {
                "utterance": t.utterance,
                "latency_ms": round(t.latency_ms or 0.0, 1),
                "timings_ms": {k: round(v, 1) for k, v in t.timings_ms.items()},
            }
            for t in slowest
        ],
        "errors": len(errors),
        "error_samples": errors[:5],
        "wall_s": round(wall, 2),
        # other work on the machine inflates every figure: report how busy it was
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    return report


def start_server() -> ServerProcess:
    """``voice-agent serve --port 0`` with speech, in a subprocess (ready when /readyz
    reports speech ready)."""
    return ServerProcess(speech=True).start()


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--calls", type=int, default=1, help="concurrent callers")
    p.add_argument("--turns", type=int, default=5, help="utterances per caller")
    p.add_argument("--sweep", help="comma-separated call counts to run one after another")
    p.add_argument("--format", default="audio/pcm", choices=["audio/pcm", "audio/pcmu"])
    p.add_argument("--url", help="target server (default: start one)")
    p.add_argument("--api-key", default=os.environ.get("VOICE_AGENT_API_KEY", API_KEY))
    p.add_argument("--limit-ms", type=float, default=1500.0, help="p95 limit for --sweep")
    p.add_argument("--json", action="store_true", help="one-line JSON")


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    counts = [int(x) for x in args.sweep.split(",")] if args.sweep else [int(args.calls)]
    server: ServerProcess | None = None
    url = args.url
    if url is None:
        if on_terminal():
            print("starting a server (loading the speech models)...", file=sys.stderr)
        server = start_server()
        url = server.url
    try:
        with bar(sum(counts) * int(args.turns), "voice turns", unit="turn") as advance:
            runs = [
                asyncio.run(run_load(url, args.api_key, n, int(args.turns), args.format, advance))
                for n in counts
            ]
    finally:
        if server is not None:
            server.stop()
    if len(runs) == 1:
        return {"kind": "voice", **runs[0], "machine": machine()}
    ok = [
        r["calls"]
        for r in runs
        if r["p95_ms"] is not None and r["p95_ms"] < args.limit_ms and r["errors"] == 0
    ]
    return {
        "kind": "voice_sweep",
        "runs": runs,
        "limit_ms": args.limit_ms,
        "max_calls_under_limit": max(ok) if ok else 0,
        "errors": sum(r["errors"] for r in runs),
        "machine": machine(),
    }
