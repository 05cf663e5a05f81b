"""Voice load test: N concurrent simulated callers over ``/v1/realtime``, real speech at real pace.

    python -m loadtest voice --calls 1 --turns 6 --json
    python -m loadtest voice --sweep 8,16,24,32 --turns 4 --json  # largest N with p95 <= 1500 ms

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
import itertools
import json
import os
import platform
import statistics
import sys
import time
import wave
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

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
T = TypeVar("T")
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
    language: str | None = None,
) -> CallResult:
    """One simulated caller: greeting, then ``turns`` utterances; returns its measurements.
    ``language``: the session's (``audio.input.transcription.language``; default the
    server's)."""
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
                            | ({"turn_detection": turn_detection} if turn_detection else {})
                            | ({"transcription": {"language": language}} if language else {}),
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
    pid: int | None = None,
) -> dict[str, Any]:
    """``calls`` concurrent callers of ``turns`` turns; ``progress(1)`` after each turn.
    ``turn_detection``: the session's ``turn_detection`` (default: the server's). ``pid``:
    the server's process, whose RSS is sampled every second (memory per call)."""
    utterances = load_utterances()
    load_before = os.getloadavg()[0]
    rss = ServerSampler(pid)
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

    results = await rss.run_until(asyncio.gather(*(one(i) for i in range(calls))))
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
        **rss.report(calls),
        # other work on the machine inflates every figure: report how busy it was
        "load_avg_1m": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }
    return report


def cpu_s(pid: int) -> float | None:
    """CPU seconds (user + system) the process has used so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_queue_wait_s(pid: int) -> float | None:
    """Seconds the process's live threads have spent runnable but waiting for a CPU
    (``/proc/PID/task/*/schedstat``): other work on the machine taking the cores."""
    total = 0.0
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return None
    for task in tasks:
        try:
            total += int((task / "schedstat").read_text().split()[1]) / 1e9
        except (OSError, IndexError, ValueError):
            continue  # a thread that ended meanwhile
    return total


class ServerSampler:
    """The server's resident memory before the calls and at its highest while they run,
    and the CPU the server and this client used meanwhile (in cores: CPU s per wall s)."""

    def __init__(self, pid: int | None, every_s: float = 1.0) -> None:
        from loadtest.soak import rss_mb  # (soak imports this module)

        self.rss_mb = rss_mb
        self.pid = pid
        self.every_s = every_s
        self.before = rss_mb(pid) if pid is not None else None
        self.peak = self.before
        self.cpu_before = cpu_s(pid) if pid is not None else None
        self.wait_before = run_queue_wait_s(pid) if pid is not None else None
        self.client_before = time.process_time()
        self.t0 = time.perf_counter()

    async def run_until(self, work: Awaitable[T]) -> T:
        async def sample() -> None:
            while self.pid is not None:
                await asyncio.sleep(self.every_s)
                now = self.rss_mb(self.pid)
                if now is not None and (self.peak is None or now > self.peak):
                    self.peak = now

        sampler = asyncio.create_task(sample())
        try:
            return await work
        finally:
            sampler.cancel()

    def report(self, calls: int) -> dict[str, float | None]:
        """``rss_per_call_mb``: the growth from before the calls to the peak, per call."""
        wall = max(1e-6, time.perf_counter() - self.t0)
        out: dict[str, float | None] = {
            "client_cores": round((time.process_time() - self.client_before) / wall, 3),
            "server_cores": None,
            # cores' worth of time the server's threads were ready but the CPUs were busy
            # with other work: latency figures are inflated by that much contention
            "server_cpu_wait_cores": None,
            "rss_before_mb": None,
            "rss_peak_mb": None,
            "rss_per_call_mb": None,
        }
        cpu_now = cpu_s(self.pid) if self.pid is not None else None
        if cpu_now is not None and self.cpu_before is not None:
            out["server_cores"] = round((cpu_now - self.cpu_before) / wall, 3)
        wait_now = run_queue_wait_s(self.pid) if self.pid is not None else None
        if wait_now is not None and self.wait_before is not None:
            out["server_cpu_wait_cores"] = round(max(0.0, wait_now - self.wait_before) / wall, 3)
        if self.before is not None and self.peak is not None:
            out["rss_before_mb"] = round(self.before, 1)
            out["rss_peak_mb"] = round(self.peak, 1)
            out["rss_per_call_mb"] = round((self.peak - self.before) / max(1, calls), 2)
        return out


def start_server(env: dict[str, str] | None = None) -> ServerProcess:
    """``voice-agent serve --port 0`` with speech, in a subprocess (ready when /readyz
    reports speech ready); ``env``: extra ``VOICE_AGENT_*`` settings."""
    return ServerProcess(speech=True, env=env).start()


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
    p.add_argument("--pid", type=int, help="the --url server's process id (its RSS is reported)")
    p.add_argument("--api-key", default=os.environ.get("VOICE_AGENT_API_KEY", API_KEY))
    p.add_argument("--limit-ms", type=float, default=1500.0, help="p95 limit for --sweep")
    p.add_argument("--json", action="store_true", help="one-line JSON")


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    counts = [int(x) for x in args.sweep.split(",")] if args.sweep else [int(args.calls)]
    server: ServerProcess | None = None
    url, pid = args.url, args.pid
    if url is None:
        if on_terminal():
            print("starting a server (loading the speech models)...", file=sys.stderr)
        # admits every caller of the run; other VOICE_AGENT_* settings come from the environment
        server = start_server({"VOICE_AGENT_MAX_CALLS": str(max(counts))})
        url = server.url
        pid = server.proc.pid if server.proc is not None else None
    try:
        runs: list[dict[str, Any]] = []
        with bar(sum(counts) * int(args.turns), "voice turns", unit="turn") as advance:
            for n in counts:
                run = asyncio.run(
                    run_load(url, args.api_key, n, int(args.turns), args.format, advance, pid=pid)
                )
                runs.append(run)
                if len(counts) > 1:  # each level as it ends (a long sweep keeps its results)
                    print(json.dumps({"kind": "voice_level", **run}), file=sys.stderr, flush=True)
    finally:
        if server is not None:
            server.stop()
    if len(runs) == 1:
        return {"kind": "voice", **runs[0], "machine": machine()}
    ok = [
        r["calls"]
        for r in runs
        if r["p95_ms"] is not None and r["p95_ms"] <= args.limit_ms and r["errors"] == 0
    ]
    return {
        "kind": "voice_sweep",
        "runs": runs,
        "limit_ms": args.limit_ms,
        "max_calls_under_limit": max(ok) if ok else 0,
        "errors": sum(r["errors"] for r in runs),
        "rss_mb_per_extra_call": extra_call_rss(runs),
        "machine": machine(),
    }


def extra_call_rss(runs: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Memory each added call costs: the server's peak RSS from one level of a sweep to the
    next, per added call (the first level's growth includes one-off allocations: model
    buffers, thread arenas, so it overstates the cost of a call)."""
    out: list[dict[str, float]] = []
    for lo, hi in itertools.pairwise(runs):
        if lo.get("rss_peak_mb") is None or hi.get("rss_peak_mb") is None:
            continue
        added = int(hi["calls"]) - int(lo["calls"])
        if added > 0:
            per = (float(hi["rss_peak_mb"]) - float(lo["rss_peak_mb"])) / added
            out.append({"from": lo["calls"], "to": hi["calls"], "mb": round(per, 2)})
    return out
