"""The speech benchmark prints a JSON report (figures are not asserted: they are measured)."""

from __future__ import annotations

import json

import pytest

from voice_agent.speech import bench

pytestmark = pytest.mark.slow


def test_bench_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    bench.main(["--only", "vad", "tts", "--quick", "--tts-runs", "2"])
    report = json.loads(capsys.readouterr().out)
    assert report["machine"]["cpus"] >= 1
    assert report["vad"]["frames"] > 100
    assert report["vad"]["silero_per_32ms_frame_us"] > 0
    rows = report["tts"]["results"]
    assert rows and {"short", "medium", "long"} <= set(rows[0])
    assert rows[0]["short"]["n"] == 2
    assert "stt" not in report and "e2e" not in report
