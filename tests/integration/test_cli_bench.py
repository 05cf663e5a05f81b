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
