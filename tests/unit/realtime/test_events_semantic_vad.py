"""``turn_detection: {"type": "semantic_vad", "eagerness": ...}`` in ``session.update``."""

from __future__ import annotations

from typing import Any

import pytest
from openai.types.realtime import SessionUpdatedEvent

from voice_agent.audio.turn_detector import Eagerness
from voice_agent.realtime.events import (
    RealtimeProtocolError,
    ServerEvents,
    SessionConfig,
    apply_session_update,
)


def _td(td: dict[str, Any] | None, cfg: SessionConfig | None = None) -> SessionConfig:
    return apply_session_update(
        cfg or SessionConfig(), {"audio": {"input": {"turn_detection": td}}}
    )


def test_semantic_vad_with_eagerness_round_trips() -> None:
    cfg = _td({"type": "semantic_vad", "eagerness": "low", "create_response": False})
    td = cfg.turn_detection
    assert td is not None
    assert td.type == "semantic_vad" and td.eagerness is Eagerness.LOW
    assert td.create_response is False
    assert td.to_json() == {
        "type": "semantic_vad",
        "eagerness": "low",
        "create_response": False,
        "interrupt_response": True,
        "pause_on_speech": True,
    }
    # what the official SDK reads back in session.updated
    updated = SessionUpdatedEvent.model_validate(ServerEvents().session_updated(cfg, "sess_1"))
    assert updated.session.audio is not None and updated.session.audio.input is not None
    sdk_td = updated.session.audio.input.turn_detection
    assert sdk_td is not None and sdk_td.type == "semantic_vad"
    assert getattr(sdk_td, "eagerness", None) == "low"


def test_default_eagerness_is_auto_and_server_vad_keeps_its_meaning() -> None:
    sem = _td({"type": "semantic_vad"}).turn_detection
    assert sem is not None and sem.eagerness is Eagerness.AUTO
    server = _td({"type": "server_vad", "silence_duration_ms": 700}).turn_detection
    assert server is not None and server.type == "server_vad"
    assert server.to_json()["silence_duration_ms"] == 700
    assert "eagerness" not in server.to_json()
    # a later update without a type keeps the current one; server_vad switches back
    cfg = _td({"type": "semantic_vad", "eagerness": "high"})
    kept = _td({"create_response": True}, cfg).turn_detection
    assert kept is not None and kept.type == "semantic_vad" and kept.eagerness is Eagerness.HIGH
    back = _td({"type": "server_vad"}, cfg).turn_detection
    assert back is not None and back.type == "server_vad"


@pytest.mark.parametrize(
    ("td", "param"),
    [
        ({"type": "semantic_vad", "eagerness": "eager"}, "eagerness"),
        ({"type": "semantic_vad", "eagerness": 3}, "eagerness"),
        ({"type": "semantic_vad", "eagerness": ["low"]}, "eagerness"),
        ({"type": "smart_vad"}, "type"),
    ],
)
def test_bad_semantic_values_are_invalid_value(td: dict[str, Any], param: str) -> None:
    with pytest.raises(RealtimeProtocolError) as info:
        _td(td)
    assert info.value.code == "invalid_value"
    assert info.value.param == f"session.audio.input.turn_detection.{param}"
