"""Soak: a mixed load for minutes while the server's memory is sampled.

    python -m loadtest soak --url URL --minutes 30 --calls 2 --text-conversations 4 --json

Realtime callers stream the recorded clips in ``audio_assets/speech`` at real-time pace
(:class:`loadtest.voice._Mic`), some barge in while the agent speaks and some hang up
mid-reply (abruptly, no close frame); text clients hold REST conversations. Every
``--sample-s`` seconds the server's RSS is read from ``/proc/PID/status`` (``--pid``, or the
process listening on the URL's port, or the server this command started). The report gives
RSS at the end of the warm-up and at the end, the growth per minute after the warm-up (a
least-squares line through the samples), errors by kind and turns done. The synthesis cache
fills up to ``TTS_CACHE_MB`` over a long run (bounded, not a leak): when the key may read
``/metrics``, its size is sampled too and the growth is also given without it. Progress goes
to stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import httpx

from loadtest.progress import Advance, bar
from loadtest.voice import Utterance, _Mic, load_utterances, machine

TEXT_LINES: Final = (
    "Hi, I'm looking at your programs.",
    "It sounds too expensive for me.",
    "I don't have much time during the week.",
    "What results can I expect after a month?",
    "My budget is around fifty a month.",
    "Can I try it first?",
    "OK, sign me up.",
)
WAIT_S: Final = 30.0


@dataclass
class SoakStats:
    errors: Counter[str] = field(default_factory=Counter)
    voice_turns: int = 0
    text_turns: int = 0
    calls: int = 0
    barge_ins: int = 0
    hang_ups: int = 0
    conversations: int = 0
    error_samples: list[str] = field(default_factory=list)

    def error(self, kind: str, detail: str = "") -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {detail}" if detail else kind)


# --------------------------------------------------------------------------- the server's RSS


def pid_listening_on(port: int) -> int | None:
    """The pid of the process with a listening TCP socket on ``port`` (from /proc)."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == "0A" and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    if not inodes:
        return None
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                target = os.readlink(fd)
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    return int(proc.name)
        except OSError:
            continue
    return None


def rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        return None
    return None


#: the server's gauge of its synthesized-sentence cache (bounded by ``TTS_CACHE_MB``)
CACHE_METRIC: Final = "voice_agent_tts_cache_bytes"


def gauge_value(exposition: str, name: str) -> float | None:
    """The value of the unlabelled sample ``name`` in a Prometheus text exposition."""
    for line in exposition.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == name:
            try:
                return float(parts[1])
            except ValueError:
                return None
    return None


async def cache_mb(http: httpx.AsyncClient) -> float | None:
    """MB in the server's synthesis cache (``None``: not exposed, or ``/metrics`` refused)."""
    try:
        r = await http.get("/metrics", timeout=10.0)
    except httpx.HTTPError:
        return None
    value = gauge_value(r.text, CACHE_METRIC) if r.status_code == 200 else None
    return None if value is None else value / 2**20


def slope_per_minute(samples: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of (seconds, MB) samples, in MB per minute."""
    if len(samples) < 2:
        return None
    n = len(samples)
    mt = sum(t for t, _ in samples) / n
    mr = sum(r for _, r in samples) / n
    var = sum((t - mt) ** 2 for t, _ in samples)
    if var == 0:
        return None
    cov = sum((t - mt) * (r - mr) for t, r in samples)
    return cov / var * 60.0


# --------------------------------------------------------------------------- voice callers


class _Call:
    def __init__(self, ws: Any, stats: SoakStats) -> None:
        self.ws = ws
        self.stats = stats
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.ws:
                ev = json.loads(raw)
                if ev.get("type") == "error":
                    code = str((ev.get("error") or {}).get("code"))
                    self.stats.error(f"error_event:{code}", str(ev.get("error")))
                await self.events.put(ev)
        except ConnectionClosed:
            pass
        await self.events.put({"type": "_closed"})

    async def until(self, *kinds: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {kinds} within {WAIT_S:.0f} s")
            ev = await asyncio.wait_for(self.events.get(), left)
            if ev["type"] == "_closed":
                code = self.ws.close_code
                raise ConnectionError(f"server closed the call: {code} {self.ws.close_reason}")
            if ev["type"] in kinds:
                return ev


async def _voice_call(
    url: str, key: str, utts: list[Utterance], rng: random.Random, stats: SoakStats
) -> None:
    from websockets.asyncio.client import connect

    ws_url = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/")
    async with connect(
        ws_url + "/v1/realtime?model=voice-agent",
        additional_headers={"Authorization": f"Bearer {key}"},
        max_size=None,
        open_timeout=WAIT_S,
    ) as ws:
        stats.calls += 1
        setup = {"type": "realtime", "customer": {"name": "Soak"}, "greeting": True}
        await ws.send(json.dumps({"type": "session.update", "session": setup}))
        call = _Call(ws, stats)
        mic = _Mic(ws, "audio/pcm")
        mic_task = asyncio.create_task(mic.run())
        try:
            await call.until("response.done")  # the greeting
            for _ in range(rng.randint(1, 4)):
                await mic.speak(rng.choice(utts))
                await call.until("response.created")
                roll = rng.random()
                if roll < 0.2:  # barge in while the agent speaks
                    await call.until("response.output_audio.delta")
                    stats.barge_ins += 1
                    await mic.speak(rng.choice(utts))
                    await call.until("response.done")  # the cancelled one
                    await call.until("response.created")
                elif roll < 0.3:  # hang up mid-reply, without a close frame
                    await call.until("response.output_audio.delta")
                    stats.hang_ups += 1
                    ws.transport.abort()
                    return
                done = await call.until("response.done")
                if done["response"].get("status") == "completed":
                    stats.voice_turns += 1
        finally:
            mic_task.cancel()
            call.reader.cancel()


async def _caller_loop(
    url: str, key: str, utts: list[Utterance], seed: int, stats: SoakStats, until: float
) -> None:
    rng = random.Random(seed)
    while time.monotonic() < until:
        try:
            await _voice_call(url, key, utts, rng, stats)
        except TimeoutError as exc:
            stats.error("voice_timeout", str(exc))
        except ConnectionError as exc:
            stats.error("voice_closed_by_server", str(exc))
        except Exception as exc:
            stats.error(f"voice_{type(exc).__name__}", str(exc)[:200])
            await asyncio.sleep(1.0)


# --------------------------------------------------------------------------- text clients


async def _text_loop(url: str, key: str, seed: int, stats: SoakStats, until: float) -> None:
    rng = random.Random(seed)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=WAIT_S) as http:
        while time.monotonic() < until:
            try:
                r = await http.post("/v1/conversations", json={"lang": "en"})
                if r.status_code not in (200, 201):
                    stats.error(f"http_{r.status_code}", r.text[:200])
                    await asyncio.sleep(1.0)
                    continue
                stats.conversations += 1
                cid = r.json()["id"]
                for _ in range(rng.randint(2, 6)):
                    m = await http.post(
                        f"/v1/conversations/{cid}/messages", json={"text": rng.choice(TEXT_LINES)}
                    )
                    if m.status_code == 200:
                        stats.text_turns += 1
                    else:
                        stats.error(f"http_{m.status_code}", m.text[:200])
                    await asyncio.sleep(rng.uniform(0.2, 1.0))
                g = await http.get(f"/v1/conversations/{cid}")
                if g.status_code != 200:
                    stats.error(f"http_{g.status_code}", g.text[:200])
            except httpx.HTTPError as exc:
                stats.error(f"http_{type(exc).__name__}", str(exc)[:200])
                await asyncio.sleep(1.0)


# --------------------------------------------------------------------------- the run


async def run_soak(
    url: str,
    key: str,
    *,
    pid: int,
    minutes: float,
    calls: int,
    text_conversations: int,
    warmup_minutes: float,
    sample_s: float,
    seed: int = 0,
    progress: Advance = lambda _n: None,
) -> dict[str, Any]:
    stats = SoakStats()
    utts = load_utterances() if calls else []
    t0 = time.monotonic()
    until = t0 + minutes * 60.0
    samples: list[tuple[float, float]] = []
    #: (seconds, RSS MB, cache MB) when the server exposes its cache
    with_cache: list[tuple[float, float, float]] = []
    http = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {key}"})
    tasks = [
        asyncio.create_task(_caller_loop(url, key, utts, seed + i, stats, until))
        for i in range(calls)
    ]
    tasks += [
        asyncio.create_task(_text_loop(url, key, seed + 1000 + i, stats, until))
        for i in range(text_conversations)
    ]
    shown = 0
    while time.monotonic() < until:
        rss = rss_mb(pid)
        if rss is None:
            stats.error("server_gone", f"no /proc/{pid}/status")
            break
        samples.append((time.monotonic() - t0, rss))
        cached = await cache_mb(http)
        if cached is not None:
            with_cache.append((samples[-1][0], rss, cached))
        now = int(time.monotonic() - t0)
        progress(now - shown)
        shown = now
        await asyncio.sleep(min(sample_s, max(0.0, until - time.monotonic())))
    # calls in progress finish (each wait has its own deadline)
    await asyncio.wait(tasks, timeout=WAIT_S * 3)
    for t in tasks:
        t.cancel()
    end_rss = rss_mb(pid)
    if end_rss is not None:
        samples.append((time.monotonic() - t0, end_rss))
    await http.aclose()
    warm = [s for s in samples if s[0] >= warmup_minutes * 60.0]
    growth = slope_per_minute(warm)
    warm_cache = [s for s in with_cache if s[0] >= warmup_minutes * 60.0]
    cache_growth = slope_per_minute([(t, c) for t, _, c in warm_cache])
    net_growth = slope_per_minute([(t, r - c) for t, r, c in warm_cache])
    return {
        "kind": "soak",
        "minutes": minutes,
        "warmup_minutes": warmup_minutes,
        "calls": calls,
        "text_conversations": text_conversations,
        "pid": pid,
        "rss_samples": len(samples),
        "rss_start_mb": round(samples[0][1], 1) if samples else None,
        "rss_warmup_end_mb": round(warm[0][1], 1) if warm else None,
        "rss_end_mb": round(samples[-1][1], 1) if samples else None,
        "rss_max_mb": round(max(r for _, r in samples), 1) if samples else None,
        "rss_growth_mb_per_min": None if growth is None else round(growth, 3),
        # the synthesis cache fills up to TTS_CACHE_MB over a long run: bounded growth, shown
        # apart, and the RSS growth without it
        "tts_cache_end_mb": round(with_cache[-1][2], 1) if with_cache else None,
        "tts_cache_growth_mb_per_min": None if cache_growth is None else round(cache_growth, 3),
        "rss_growth_net_of_tts_cache_mb_per_min": (
            None if net_growth is None else round(net_growth, 3)
        ),
        "voice_calls": stats.calls,
        "voice_turns": stats.voice_turns,
        "barge_ins": stats.barge_ins,
        "hang_ups": stats.hang_ups,
        "text_conversations_done": stats.conversations,
        "text_turns": stats.text_turns,
        "errors": sum(stats.errors.values()),
        "errors_by_kind": dict(stats.errors.most_common()),
        "error_samples": stats.error_samples,
        "elapsed_s": round(time.monotonic() - t0, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
        "machine": machine(),
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="target server (default: start one with speech)")
    p.add_argument("--api-key", default=os.environ.get("VOICE_AGENT_API_KEY"))
    p.add_argument("--pid", type=int, help="the server's pid (default: found from the port)")
    p.add_argument("--minutes", type=float, default=30.0)
    p.add_argument(
        "--warmup-minutes",
        type=float,
        help="samples before this are left out of the growth fit (default: a fifth, at most 5)",
    )
    p.add_argument("--calls", type=int, default=2, help="concurrent realtime callers")
    p.add_argument("--text-conversations", type=int, default=4, help="concurrent REST clients")
    p.add_argument("--sample-s", type=float, default=5.0, help="RSS sampling interval")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="one-line JSON")


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    from loadtest.server import target

    minutes = float(args.minutes)
    warmup = args.warmup_minutes if args.warmup_minutes is not None else min(5.0, minutes / 5)
    with target(args.url, args.api_key, "soak") as server:
        pid = server.pid or args.pid
        if pid is None:
            port = urlsplit(server.url).port
            pid = pid_listening_on(port) if port else None
        if pid is None:
            raise SystemExit(
                f"python -m loadtest soak: no process of this user listens on {server.url};"
                " give --pid"
            )
        with bar(round(minutes * 60), "soak", unit="s") as advance:
            return asyncio.run(
                run_soak(
                    server.url,
                    server.api_key,
                    pid=pid,
                    minutes=minutes,
                    calls=int(args.calls),
                    text_conversations=int(args.text_conversations),
                    warmup_minutes=float(warmup),
                    sample_s=float(args.sample_s),
                    seed=int(args.seed),
                    progress=advance,
                )
            )
