"""Text load test: N concurrent conversations over the REST API, each pausing as a person would.

    python -m loadtest text --conversations 100 --turns 6 --json
    python -m loadtest text --conversations 100 --turns 6 --think 0 --json   # max throughput

Starts its own server (``voice-agent serve --port 0 --no-speech`` in a subprocess, on
``--database`` if given) unless ``--url`` names one (a load balancer in front of several
instances, say). Latency is measured by the client around each message request.

Every message carries an ``Idempotency-Key``; on a connection error or a 502/503 from a load
balancer (an instance died under it) the client sends it once more with the same key, so a
turn is never stored twice and, when its first answer was lost, is answered from the store.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx

from loadtest.server import API_KEY, ServerProcess
from loadtest.stats import summary

MESSAGES: dict[str, list[str]] = {
    "en": [
        "hi yeah i got a couple minutes",
        "i want to lose some weight and honestly i'm exhausted by three pm",
        "my doctor says my blood pressure is too high",
        "it sounds good but it's too expensive for me right now",
        "i travel every week so i don't really have time",
        "i need to talk to my wife before i decide",
        "i already have a personal trainer",
        "how much is it",
        "i've tried these programs before and they never work for me",
        "ok that makes sense how do i sign up",
        "let me think about it and get back to you",
        "i'm training for a marathon in april",
        "i hurt my back last year and it still bothers me",
        "the stress at work is killing my sleep",
    ],
    "es": [
        "hola si tengo unos minutos",
        "quiero bajar de peso y la verdad ando sin energia",
        "el medico me dijo que tengo el colesterol alto",
        "suena bien pero es muy caro para mi",
        "viajo todas las semanas no tengo tiempo",
        "tengo que hablarlo con mi esposa",
        "ya tengo un entrenador en el gimnasio",
        "cuanto cuesta",
        "ya probe cosas asi y nunca me funcionan",
        "vale me interesa como me inscribo",
        "dejame pensarlo y te aviso",
        "me caso en junio y quiero verme bien",
        "me opere la rodilla hace unos meses",
        "el estres del trabajo no me deja dormir",
    ],
}


#: Answers of a load balancer whose instance went away: worth one more try.
RETRY_STATUS = frozenset({502, 503, 504})
#: ``on_ack(conversation_id, turn, text)``: a message the server answered 200.
OnAck = Callable[[str, int, str], None]


async def _post(
    client: httpx.AsyncClient,
    path: str,
    body: dict[str, Any],
    headers: dict[str, str],
    retries: list[str],
) -> httpx.Response:
    """POST, once more (same headers: the same Idempotency-Key) on a connection error or a
    load balancer's 502/503/504."""
    try:
        r = await client.post(path, json=body, headers=headers)
        if r.status_code not in RETRY_STATUS:
            return r
        retries.append(f"{r.status_code}")
    except httpx.TransportError as exc:
        retries.append(type(exc).__name__)
    return await client.post(path, json=body, headers=headers)


def _error_code(r: httpx.Response) -> str:
    """The ``error.code`` of an error answer (empty when it is not the server's JSON)."""
    try:
        body = r.json()
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    return str(error.get("code", "")) if isinstance(error, dict) else ""


async def _conversation(
    client: httpx.AsyncClient,
    rng: random.Random,
    turns: int,
    think: tuple[float, float],
    latencies: list[float],
    server_ms: list[float],
    errors: list[str],
    retries: list[str],
    on_ack: OnAck | None,
) -> int:
    lang = rng.choice(["en", "es"])
    body = {"lang": lang, "customer": {"name": "Alex"}, "channel": "load"}
    try:
        r = await _post(client, "/v1/conversations", body, {}, retries)
    except httpx.HTTPError as exc:
        errors.append(f"create {type(exc).__name__}")
        return 0
    if r.status_code != 201:
        errors.append(f"create {r.status_code}")
        return 0
    cid = r.json()["id"]
    done = 0
    for _ in range(turns):
        if think[1] > 0:
            await asyncio.sleep(rng.uniform(*think))
        text = rng.choice(MESSAGES[lang])
        key = {"Idempotency-Key": uuid.uuid4().hex}  # unique per request, not per seed
        t0 = time.perf_counter()
        try:
            r = await _post(
                client, f"/v1/conversations/{cid}/messages", {"text": text}, key, retries
            )
        except httpx.HTTPError as exc:
            errors.append(type(exc).__name__)
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
        if r.status_code != 200:
            errors.append(f"message {r.status_code} {_error_code(r)}".rstrip())
            continue
        answer = r.json()
        server_ms.append(float(answer["timings_ms"]["total"]))
        if on_ack is not None:
            on_ack(cid, int(answer["turn"]), text)
        done += 1
    return done


async def run(
    url: str,
    api_key: str,
    conversations: int,
    turns: int,
    think: tuple[float, float],
    seed: int,
    timeout_s: float,
    on_ack: OnAck | None = None,
) -> dict[str, Any]:
    latencies: list[float] = []
    server_ms: list[float] = []
    errors: list[str] = []
    retries: list[str] = []
    limits = httpx.Limits(max_connections=conversations, max_keepalive_connections=conversations)
    async with httpx.AsyncClient(
        base_url=url,
        headers={"Authorization": f"Bearer {api_key}"},
        limits=limits,
        timeout=timeout_s,
    ) as client:
        t0 = time.perf_counter()
        results = await asyncio.gather(
            *(
                _conversation(
                    client,
                    random.Random(seed + i),
                    turns,
                    think,
                    latencies,
                    server_ms,
                    errors,
                    retries,
                    on_ack,
                )
                for i in range(conversations)
            ),
            return_exceptions=True,
        )
        elapsed = time.perf_counter() - t0
    for res in results:
        if isinstance(res, BaseException):
            errors.append(type(res).__name__)
    n = sum(r for r in results if isinstance(r, int))
    report: dict[str, Any] = {
        "conversations": conversations,
        "turns": n,
        "errors": len(errors),
        "error_kinds": sorted(set(errors)),
        "retried": len(retries),
        "retry_kinds": sorted(set(retries)),
        **summary(latencies),
        "mean_ms": round(statistics.fmean(latencies), 3) if latencies else None,
        "server_turn": summary(server_ms),
        "duration_s": round(elapsed, 3),
        "turns_per_s": round(n / elapsed, 2) if elapsed > 0 else None,
        "think_s": list(think),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "note": "client and server share this machine; latency measured by the client",
    }
    return report


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    think = (
        (0.0, 0.0) if args.think == 0 else (1.0, 3.0) if args.think is None else (0.0, args.think)
    )
    if args.url:
        report = asyncio.run(
            run(args.url, args.api_key, args.conversations, args.turns, think, args.seed, 30.0)
        )
        report["server"] = args.url
        return report
    env = {"VOICE_AGENT_DATABASE_URL": args.database} if args.database else None
    with ServerProcess(env=env) as server:
        report = asyncio.run(
            run(server.url, API_KEY, args.conversations, args.turns, think, args.seed, 30.0)
        )
    report["server"] = "subprocess (voice-agent serve --no-speech)"
    report["database"] = "postgresql" if args.database else "sqlite"
    return report


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--conversations", type=int, default=100)
    p.add_argument("--turns", type=int, default=6)
    p.add_argument(
        "--think",
        type=float,
        default=None,
        help="seconds between messages: default uniform 1-3 s; 0 for none (throughput)",
    )
    p.add_argument("--url", help="target a running server instead of starting one")
    p.add_argument(
        "--database",
        help="the started server's VOICE_AGENT_DATABASE_URL (default: its own SQLite file)",
    )
    p.add_argument("--api-key", default=os.environ.get("VOICE_AGENT_API_KEY", API_KEY))
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--json", action="store_true", help="print one JSON line")
