"""Text load through HAProxy in front of 1 to 3 instances on one PostgreSQL database.

    python -m loadtest cluster --instances 3 --database postgresql://postgres@127.0.0.1/va_load \
        --conversations 100 --turns 12 --think 0 --repeat 3 --json

Starts the instances (``voice-agent serve --no-speech``, each its own data directory and
``VOICE_AGENT_INSTANCE_ID``) and Debian's ``haproxy`` with the shipped
``config/haproxy/haproxy.cfg`` (its three server lines point at the instances, round robin
when there are fewer), waits until HAProxy sees every instance up, then runs
``python -m loadtest text`` against HAProxy ``--repeat`` times. The database must exist
(the instances migrate it); with ``--database`` omitted each instance gets a SQLite file of
its own, which is only meaningful with ``--instances 1``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from loadtest import text
from loadtest.server import API_KEY, ServerProcess

HAPROXY_CFG = Path(__file__).resolve().parents[1] / "config" / "haproxy" / "haproxy.cfg"
SERVER_LINES = 3
READY_TIMEOUT_S = 60.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_backends_up(stats_url: str, instances: int, deadline: float) -> None:
    """Until HAProxy's REST backend shows all its server lines UP."""
    last = ""
    while time.monotonic() < deadline:
        try:
            csv = httpx.get(f"{stats_url}/;csv", timeout=2.0).text
            states = [
                line.split(",")[17]
                for line in csv.splitlines()[1:]
                if line.startswith("instances,instance")
            ]
            last = ",".join(states)
            if len(states) == SERVER_LINES and all(s.startswith("UP") for s in states):
                return
        except httpx.HTTPError as exc:
            last = type(exc).__name__
        time.sleep(0.2)
    raise RuntimeError(f"HAProxy did not see the {instances} instances up: {last}")


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    if not 1 <= args.instances <= SERVER_LINES:
        raise SystemExit(f"--instances must be 1 to {SERVER_LINES} (the shipped config's lines)")
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        raise SystemExit("haproxy is not installed (Debian: apt-get install haproxy)")
    think = (
        (0.0, 0.0) if args.think == 0 else (1.0, 3.0) if args.think is None else (0.0, args.think)
    )
    env = {"VOICE_AGENT_HEARTBEAT_S": "1"}
    if args.database:
        env["VOICE_AGENT_DATABASE_URL"] = args.database
    servers: list[ServerProcess] = []
    proxy: subprocess.Popen[bytes] | None = None
    try:
        for n in range(1, args.instances + 1):
            servers.append(
                ServerProcess(env={**env, "VOICE_AGENT_INSTANCE_ID": f"load{n}"}).start()
            )
        listen, stats = _free_port(), _free_port()
        ports = [int(str(s.listening["port"])) for s in servers]
        proxy_env = {
            **os.environ,
            "VA_LISTEN": f"127.0.0.1:{listen}",
            "VA_STATS": f"127.0.0.1:{stats}",
            **{f"VA_INSTANCE_{i + 1}": f"127.0.0.1:{ports[i % len(ports)]}" for i in range(3)},
        }
        proxy = subprocess.Popen(
            [haproxy, "-db", "-f", str(args.haproxy_config)],
            env=proxy_env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_backends_up(
            f"http://127.0.0.1:{stats}", args.instances, time.monotonic() + READY_TIMEOUT_S
        )
        url = f"http://127.0.0.1:{listen}"
        runs = [
            asyncio.run(
                text.run(url, API_KEY, args.conversations, args.turns, think, args.seed + i, 30.0)
            )
            for i in range(args.repeat)
        ]
    finally:
        if proxy is not None:
            proxy.terminate()
            try:
                proxy.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proxy.kill()
        for srv in servers:
            srv.stop()
    rates = [float(r["turns_per_s"]) for r in runs]
    return {
        "instances": args.instances,
        "database": "postgresql" if args.database else "sqlite (one per instance)",
        "balancer": f"haproxy ({args.haproxy_config.name})",
        "runs": len(runs),
        "turns_per_s_median": statistics.median(rates),
        "turns_per_s_range": [min(rates), max(rates)],
        "p50_ms_median": statistics.median(float(r["p50_ms"]) for r in runs),
        "p95_ms_median": statistics.median(float(r["p95_ms"]) for r in runs),
        "turns": sum(int(r["turns"]) for r in runs),
        "errors": sum(int(r["errors"]) for r in runs),
        "retried": sum(int(r["retried"]) for r in runs),
        "machine": runs[0]["machine"],
        "note": "client, HAProxy, database and instances share this machine",
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--instances", type=int, default=3, help="1 to 3")
    p.add_argument("--database", help="postgresql://... shared by the instances (must exist)")
    p.add_argument("--conversations", type=int, default=100)
    p.add_argument("--turns", type=int, default=12)
    p.add_argument("--think", type=float, default=0.0, help="as for text; default 0")
    p.add_argument("--repeat", type=int, default=3, help="runs; medians are reported")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--haproxy-config", type=Path, default=HAPROXY_CFG)
    p.add_argument("--json", action="store_true", help="print one JSON line")
