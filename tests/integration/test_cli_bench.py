"""`voice-agent bench text`: the text load test through the CLI prints a JSON report."""

from __future__ import annotations

import json
import subprocess
import sys


def test_bench_text_prints_json_report() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "voice_agent.cli",
            "bench",
            "text",
            "--conversations",
            "4",
            "--turns",
            "2",
            "--think",
            "0",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["turns"] == 8
    assert report["errors"] == 0
    assert report["p50_ms"] > 0 and report["p95_ms"] >= report["p50_ms"]


def test_bench_voice_starts_its_own_server_and_prints_json() -> None:
    """`bench voice` without ``--url``: a server with speech is started, real recordings are
    spoken to it, the report gives the latency against its budget, the server is stopped."""
    proc = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "bench", "voice", "--turns", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["bench"] == "voice" and report["transport"] == "realtime"
    assert report["turns_measured"] == 2 and report["errors"] == 0, report
    assert 0 < report["p50_ms"] <= report["p95_ms"]
    assert set(report["budget_ms"]) == {"p50_ms", "p95_ms"}
    assert isinstance(report["within_budget"], bool)
