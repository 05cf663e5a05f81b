"""Smart Turn (``semantic_vad``) on real speech: the model alone, and through ``/v1/realtime``.

Human recordings of ``asterisk-core-sounds-en/es-wav``; a "cut" turn is the recording up to a
word boundary inside its last sentence (the offsets below, measured once with Whisper word
timestamps), followed by 200 ms of silence as at the semantic check.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from tests.audio_fixtures import asterisk_clips, silence, word_error_rate
from tests.integration.test_realtime import (  # noqa: F401 - fixtures
    Events,
    engines,
    pcm24k,
    rt,
    send_audio,
    server,
)
from voice_agent.audio.smart_turn import SmartTurnModel

pytestmark = pytest.mark.slow

#: (lang, recording, ms into the trimmed recording of a word boundary, the words before it)
CUTS = [
    ("en", "agent-pass", 2425, "Please enter your password followed by the"),
    ("en", "conf-waitforleader", 1545, "The conference will begin when the"),
    ("es", "conf-kicked", 3335, "Ha sido expulsado por el sistema de"),
    ("es", "confbridge-lock-no-join", 3625, "La conferencia esta actualmente bloqueada y"),
]


def trimmed(samples: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
    """The recording from 100 ms before its first loud sample to 100 ms after its last."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > 0.02 * int(np.abs(samples).max()))
    return samples[max(0, int(loud[0]) - 1600) : int(loud[-1]) + 1600]


def as_float(x: npt.NDArray[np.int16]) -> npt.NDArray[np.float32]:
    return x.astype(np.float32) / np.float32(32768.0)


@pytest.mark.parametrize(("lang", "name", "cut_ms", "words"), CUTS)
def test_complete_sentence_scores_higher_than_a_cut_one(
    lang: str, name: str, cut_ms: int, words: str
) -> None:
    model = SmartTurnModel.load()
    (clip,) = asterisk_clips([name], lang)
    x = trimmed(clip.samples)
    complete = np.concatenate([silence(500), x, silence(200)])
    cut = np.concatenate([silence(500), x[: 16 * cut_ms], silence(200)])
    p_complete = model.complete_probability(as_float(complete))
    p_cut = model.complete_probability(as_float(cut))
    assert p_complete >= 0.7, (name, p_complete)
    assert p_cut <= 0.3, (name, words, p_cut)


async def test_semantic_vad_is_accepted_and_ends_turns(rt: tuple[Any, Events]) -> None:  # noqa: F811
    conn, events = rt
    await conn.session.update(
        session={
            "type": "realtime",
            "greeting": False,
            "audio": {
                "input": {
                    "format": {"type": "audio/pcm", "rate": 24000},
                    "turn_detection": {"type": "semantic_vad", "eagerness": "high"},
                }
            },
        }
    )
    updated = await events.next("session.updated")
    td = updated.session.audio.input.turn_detection
    assert td.type == "semantic_vad"
    assert td.eagerness == "high"

    (clip,) = asterisk_clips(["conf-waitforleader"], "en")
    x = trimmed(clip.samples)
    cut = 16 * 1545  # "The conference will begin when the | leader arrives."
    # a pause of 600 ms after "when the": the turn goes on; then the end of the sentence
    # and 600 ms of silence, less than the fallback (1000 ms at "high"): only Smart Turn
    # can end this turn, and it must be one turn with both halves in it
    audio = np.concatenate([silence(300), x[:cut], silence(600), x[cut:], silence(600)])
    await send_audio(conn, pcm24k(audio))
    committed = await events.next("input_audio_buffer.committed")
    tr = await events.next("conversation.item.input_audio_transcription.completed")
    assert tr.item_id == committed.item_id
    assert word_error_rate(clip.text, tr.transcript) <= 0.4, tr.transcript
    assert "conference" in tr.transcript.lower() and "arrive" in tr.transcript.lower()
    done, audio_out, _text = await events.response()
    assert done.response.status == "completed" and audio_out
    assert events.types().count("input_audio_buffer.committed") == 1


async def test_invalid_eagerness_is_refused(rt: tuple[Any, Events]) -> None:  # noqa: F811
    conn, events = rt
    await events.next("session.created")
    await conn.send(
        {
            "type": "session.update",
            "session": {
                "type": "realtime",
                "audio": {"input": {"turn_detection": {"type": "semantic_vad", "eagerness": "x"}}},
            },
        }
    )
    err = await events.next("error")
    assert err.error.param == "session.audio.input.turn_detection.eagerness"
