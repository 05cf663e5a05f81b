"""Short Spanish telephone prompts through ``/v1/realtime``: every turn the caller speaks is
answered by a transcript and a reply, or by an explicit failure event; never by nothing.

Real es_MX human recordings (``asterisk-core-sounds-es-wav``, 8 kHz), sent as a phone
would: 8 kHz audio in the session's 24 kHz PCM format.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from tests.audio_fixtures import asterisk_clips, normalise_words, silence
from tests.integration.test_realtime import (  # noqa: F401 - fixtures
    Events,
    Server,
    engines,
    pcm24k,
    rt,
    send_audio,
    server,
    wait_turns,
)

pytestmark = pytest.mark.slow

#: short prompts; "queue-thereare" ("Usted es el cliente numero") is the one that vanished
#: in issue 12: Silero's onset lags its soft first syllable by ~250 ms, so a turn cut at
#: ``prefix_padding_ms`` 150 began after "Us-" and Whisper heard no words.
SHORT = ["queue-thereare", "agent-loggedoff", "auth-thankyou"]


@pytest.mark.parametrize("name", SHORT)
@pytest.mark.parametrize("prefix_padding_ms", [150, 300])
async def test_short_spanish_turn_gets_a_transcript_and_a_reply(
    name: str,
    prefix_padding_ms: int,
    rt: tuple[Any, Events],  # noqa: F811
    server: Server,  # noqa: F811
    engines: Any,  # noqa: F811
) -> None:
    if not engines.supports_language("es"):
        pytest.skip(f"no Spanish speech-to-text model: {getattr(engines, 'unavailable', '')}")
    conn, events = rt
    await conn.session.update(
        session={
            "type": "realtime",
            "greeting": False,
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "transcription": {"language": "es"},
                    "turn_detection": {
                        "type": "server_vad",
                        "prefix_padding_ms": prefix_padding_ms,
                    },
                }
            },
        }
    )
    await events.next("session.updated")
    (clip,) = asterisk_clips([name], "es")
    await send_audio(conn, pcm24k(np.concatenate([silence(300), clip.samples, silence(1500)])))
    ev = await events.next(
        (
            "conversation.item.input_audio_transcription.completed",
            "conversation.item.input_audio_transcription.failed",
        ),
        wait_s=30,
    )
    assert ev.type == "conversation.item.input_audio_transcription.completed", ev
    heard = set(normalise_words(ev.transcript))
    # Whisper base is not exact on these ("A gente desconectado"); the turn must be heard
    assert heard & set(normalise_words(clip.text)), (clip.text, ev.transcript)
    done, audio, _ = await events.response()
    assert done.response.status == "completed"
    assert audio
    conv = await wait_turns(server, done.response.conversation_id, 2)
    assert [t["role"] for t in conv["turns"]] == ["customer", "agent"]
