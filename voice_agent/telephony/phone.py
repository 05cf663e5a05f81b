"""A phone call on the call core: what the Twilio and AudioSocket transports share."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import structlog

from voice_agent.audio.codec import AudioFormat
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig, TurnDetection
from voice_agent.call.core import Call
from voice_agent.core.labels import Lang
from voice_agent.services import Services


def phone_call(
    svc: Services,
    emit: Callable[[ev.CallEvent], None],
    *,
    channel: str,
    audio: AudioFormat,
    call_id: str,
    language: Lang,
    customer: Mapping[str, str],
) -> Call:
    """A call with the server's phone settings: 8 kHz ``audio`` both ways, server VAD with
    ``SILENCE_MS``, the greeting when ``GREET_FIRST``, playback reported by the transport,
    and a hand-off that ends the call (the carrier or the dialplan takes it from there).
    Binds ``call_id`` in the log context of the caller's task (and so of the call's)."""
    assert svc.speech is not None
    settings = svc.settings
    structlog.contextvars.bind_contextvars(call_id=call_id)
    return Call(
        svc.orchestrator,
        svc.speech,
        CallConfig(
            channel=channel,
            language=language,
            input_format=audio,
            output_format=audio,
            turn_detection=TurnDetection(silence_duration_ms=settings.silence_ms),
            customer=dict(customer),
            greeting=settings.greet_first,
        ),
        emit,
        call_id=call_id,
        limits=svc.call_limits(),
        playback_reports=True,
        flush_on_pause=True,
        hand_off_ends_call=True,
    )
