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
import contextlib
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Haproxy:
    """Debian's ``haproxy`` running ``config`` (the shipped file by default) in front of
    ``instances`` (``host:port``; its three server lines take them round robin), listening on
    a free port, its stats page on another; ``log``: where its output goes (else nowhere).
    Context manager; always stopped."""

    def __init__(
        self, instances: list[str], config: Path = HAPROXY_CFG, log: Path | None = None
    ) -> None:
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not os.path.exists(binary):
            raise RuntimeError("haproxy is not installed (Debian: apt-get install haproxy)")
        if not instances:
            raise ValueError("no instance to balance to")
        listen, stats = free_port(), free_port()
        self.url = f"http://127.0.0.1:{listen}"
        self.stats_url = f"http://127.0.0.1:{stats}"
        self.log = log
        env = {
            **os.environ,
            "VA_LISTEN": f"127.0.0.1:{listen}",
            "VA_STATS": f"127.0.0.1:{stats}",
            **{f"VA_INSTANCE_{i + 1}": instances[i % len(instances)] for i in range(SERVER_LINES)},
        }
        command = [binary, "-db", "-f", str(config)]
        with contextlib.ExitStack() as stack:
            out = subprocess.DEVNULL if log is None else stack.enter_context(open(log, "wb"))
            self.proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)

    def states(self, backend: str) -> dict[str, str]:
        """HAProxy's view of each server line of ``backend`` (``UP``, ``DOWN`` ...)."""
        csv = httpx.get(f"{self.stats_url}/;csv", timeout=5.0).text
        out = {}
        for line in csv.splitlines()[1:]:
            cols = line.split(",")
            if cols[0] == backend and cols[1].startswith("instance"):
                out[cols[1]] = cols[17]
        return out

    def wait_states(self, backend: str, want: dict[str, str], timeout: float) -> None:
        """Until each server line named in ``want`` is in its state (a prefix: ``UP``);
        :class:`RuntimeError` with what it saw (and HAProxy's log) past ``timeout``."""
        deadline = time.monotonic() + timeout
        seen: dict[str, str] | str = {}
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited: {self._log_tail()}")
            try:
                seen = self.states(backend)
                if all(seen.get(k, "").startswith(v) for k, v in want.items()):
                    return
            except httpx.HTTPError as exc:  # not listening yet
                seen = type(exc).__name__
            time.sleep(0.2)
        raise RuntimeError(f"{backend}: {seen}, wanted {want}; {self._log_tail()}")

    def _log_tail(self) -> str:
        if self.log is None or not self.log.exists():
            return "(no log)"
        return self.log.read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def __enter__(self) -> Haproxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    if not 1 <= args.instances <= SERVER_LINES:
        raise SystemExit(f"--instances must be 1 to {SERVER_LINES} (the shipped config's lines)")
    think = (
        (0.0, 0.0) if args.think == 0 else (1.0, 3.0) if args.think is None else (0.0, args.think)
    )
    env = {"VOICE_AGENT_HEARTBEAT_S": "1"}
    if args.database:
        env["VOICE_AGENT_DATABASE_URL"] = args.database
    servers: list[ServerProcess] = []
    try:
        for n in range(1, args.instances + 1):
            servers.append(
                ServerProcess(env={**env, "VOICE_AGENT_INSTANCE_ID": f"load{n}"}).start()
            )
        addresses = [f"127.0.0.1:{s.listening['port']}" for s in servers]
        with Haproxy(addresses, args.haproxy_config) as proxy:
            lines = {f"instance{n}": "UP" for n in range(1, SERVER_LINES + 1)}
            proxy.wait_states("instances", lines, READY_TIMEOUT_S)
            runs = [
                asyncio.run(
                    text.run(
                        proxy.url,
                        API_KEY,
                        args.conversations,
                        args.turns,
                        think,
                        args.seed + i,
                        30.0,
                    )
                )
                for i in range(args.repeat)
            ]
    finally:
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
