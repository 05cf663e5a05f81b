"""voice-agent bench turns on a few real recordings (the real VAD, Whisper and Smart Turn)."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_agent.bench_turns import build_turns, run

pytestmark = pytest.mark.slow


def test_turns_are_built_from_real_speech_with_a_pause_inside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_AGENT_DATA_DIR", str(tmp_path))
    turns = build_turns(2)
    assert sorted((t.lang, t.kind) for t in turns) == sorted(
        [(lang, kind) for lang in ("en", "es") for kind in ("complete", "paused")] * 2
    )
    for t in turns:
        assert t.samples.size / 16 > t.speech_end_ms > 500  # 16 kHz: ms of audio
        if t.kind == "paused":
            assert t.pause is not None
            start, end = t.pause
            assert 300 <= end - start <= 900 and end < t.speech_end_ms


def test_the_report_compares_server_vad_with_semantic_vad(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VOICE_AGENT_DATA_DIR", str(tmp_path))
    report = run(2, ["server_vad", "semantic_vad:low"])
    assert report["turns"] == 8 and report["by_lang"] == {"en": 4, "es": 4}
    vad, low = report["results"]["server_vad"], report["results"]["semantic_vad:low"]
    # server VAD ends a complete turn after its 500 ms of silence, never sooner
    assert vad["turn_end_ms"]["p50"] >= 500 and vad["smart_turn_ms"] is None
    assert low["config"]["threshold"] == 0.9 and low["smart_turn_ms"]["p50"] > 0
    assert low["false_cutoff_rate"] <= vad["false_cutoff_rate"]
    assert 0.0 <= low["fallback_rate"] <= 1.0
