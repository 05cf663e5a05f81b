"""The pure parts of the per-language benches: ``bench telephony-wer --lang es --transport
realtime`` (:mod:`loadtest.realtime_wer`, the WER helpers of :mod:`loadtest.telephony`) and
``bench voice --lang en,es`` (:mod:`loadtest.voice_lang`)."""

from __future__ import annotations

import numpy as np
import pytest

from loadtest.realtime_wer import (
    CHUNK_MS,
    LEAD_S,
    TAIL_S,
    HeardTurns,
    session_settings,
    stream_chunks,
)
from loadtest.telephony import (
    Recording,
    asterisk_recordings,
    corpus_wer,
    held_out,
    normalise,
    wer_report,
)
from loadtest.voice import CallResult, TurnResult
from loadtest.voice_lang import language_report, shared_prompts, spread
from voice_agent.audio import codec
from voice_agent.cli import build_parser
from voice_agent.speech import asterisk


def test_normalise_folds_accents_and_drops_punctuation() -> None:
    assert normalise("¿Contraseña? Número TRÉS, él-mismo.") == [
        "contrasena",
        "numero",
        "tres",
        "el",
        "mismo",
    ]
    assert normalise("Please enter your pin, followed by pound.") == [
        "please",
        "enter",
        "your",
        "pin",
        "followed",
        "by",
        "pound",
    ]


def test_accents_do_not_count_as_word_errors() -> None:
    pairs = [("Contrasena incorrecta", "Contraseña incorrecta."), ("numero", "número")]
    assert corpus_wer(pairs) == 0.0
    assert corpus_wer([("tecla de numero", "tecla numero")]) == pytest.approx(1 / 3)


def test_held_out_is_a_fixed_split_of_about_half() -> None:
    names = [f"prompt-{i}" for i in range(400)]
    chosen = [n for n in names if held_out(n)]
    assert 150 < len(chosen) < 250
    assert chosen == [n for n in names if held_out(n)]  # the same every time


def test_spanish_recordings_come_from_the_held_out_half() -> None:
    if not asterisk.transcripts("es"):
        pytest.skip(asterisk.install_hint("es"))
    recs = asterisk_recordings(50, lang="es", held_out_only=True)
    assert len(recs) == 50
    assert all(held_out(r.name) for r in recs)
    assert all(len(normalise(r.text)) >= 4 and "[" not in r.text for r in recs)
    assert all(r.samples8k.dtype == np.int16 and r.samples8k.size <= 8 * 8000 for r in recs)
    assert [r.name for r in recs] == sorted(r.name for r in recs)


def _rec(name: str, text: str) -> Recording:
    return Recording(name, text, np.zeros(800, dtype=np.int16))


def test_wer_report_names_the_path_and_counts_empty_turns() -> None:
    recs = [_rec("a", "por favor ingrese su clave"), _rec("b", "gracias")]
    results = [("por favor ingrese su clave", "por favor ingrese la clave"), ("gracias", "")]
    report = wer_report(recs, results, "realtime")
    assert report["reference_words"] == 6
    assert report["wer_direct"] == 0.0
    assert report["wer_realtime_path"] == round(2 / 6, 4)
    assert report["wer_cost_of_path"] == round(2 / 6, 4)
    assert report["within_budget"] is False
    assert report["empty_turns"] == 1 and report["empty_turn_recordings"] == ["b"]
    worst = report["largest_differences"]
    assert [w["recording"] for w in worst] == ["a", "b"]  # one error each, stable order
    assert worst[0]["realtime"] == "por favor ingrese la clave"


def test_heard_turns_settle_when_every_started_turn_is_transcribed() -> None:
    heard = HeardTurns()
    assert not heard.settled()  # nothing heard yet
    heard.take("input_audio_buffer.speech_started", {"item_id": "i1"})
    assert not heard.settled()
    heard.take(
        "conversation.item.input_audio_transcription.completed",
        {"item_id": "i1", "transcript": "Por favor ingrese "},
    )
    assert heard.settled()
    heard.take("input_audio_buffer.speech_started", {"item_id": "i2"})
    assert not heard.settled()  # a pause made a second turn
    heard.take(
        "conversation.item.input_audio_transcription.failed",
        {"item_id": "i2", "error": {"code": "no_speech_recognized"}},
    )
    assert heard.settled()
    heard.take("input_audio_buffer.speech_started", {"item_id": "i3"})
    heard.take(
        "conversation.item.input_audio_transcription.completed",
        {"item_id": "i3", "transcript": "su clave."},
    )
    heard.take("error", {"error": {"code": "invalid_value"}})
    heard.take("response.output_audio.delta", {"delta": "AAAA"})  # ignored
    assert heard.transcript() == "Por favor ingrese su clave."
    assert heard.failed == {"i2": "no_speech_recognized"}
    assert heard.errors == ["invalid_value"]


def test_stream_chunks_are_paced_mulaw_with_silence_around_the_recording() -> None:
    samples = (np.sin(np.arange(8000) / 5.0) * 8000).astype(np.int16)  # 1 s
    chunks = stream_chunks(samples)
    step = 8000 * CHUNK_MS // 1000
    total = int(LEAD_S * 8000) + samples.size + int(TAIL_S * 8000)
    assert sum(len(c) for c in chunks) == total  # one mu-law byte per sample
    assert all(len(c) == step for c in chunks[:-1]) and 0 < len(chunks[-1]) <= step
    pcmu = codec.AudioFormat.parse("audio/pcmu")
    line = np.concatenate([codec.decode(c, pcmu) for c in chunks])
    lead = int(LEAD_S * 8000)
    assert np.all(np.abs(line[:lead]) < 10) and np.all(np.abs(line[-int(TAIL_S * 8000) :]) < 10)
    assert np.abs(line[lead : lead + samples.size].astype(np.int32) - samples).max() < 400


def test_session_settings_ask_for_the_language_in_telephone_audio_without_greeting() -> None:
    s = session_settings("es")
    assert s["audio"]["input"]["transcription"] == {"language": "es"}
    assert s["audio"]["input"]["format"] == {"type": "audio/pcmu"}
    assert s["audio"]["output"]["format"] == {"type": "audio/pcmu"}
    assert s["greeting"] is False and "turn_detection" not in s["audio"]["input"]


def test_spread_takes_names_evenly() -> None:
    names = [str(i) for i in range(10)]
    assert spread(names, 5) == ["0", "2", "4", "6", "8"]
    assert spread(names, 20) == names
    assert spread(names, 1) == ["0"]


def test_shared_prompts_exist_in_both_languages_within_the_limits() -> None:
    if not asterisk.transcripts("es") or not asterisk.transcripts("en"):
        pytest.skip(asterisk.install_hint("es"))
    names = shared_prompts(min_s=1.5, max_s=6.0)
    assert len(names) >= 12
    for name in names:
        for lang in ("en", "es"):
            text = asterisk.transcripts(lang)[name]
            assert 4 <= len(text.split()) <= 14 and "[" not in text
            assert (asterisk.SOUNDS / lang / f"{name}.wav").is_file()


def test_language_report_gives_latency_and_every_stage() -> None:
    calls = [
        CallResult(
            turns=[
                TurnResult("es:a", 400.0, {"transcription": 200.0, "audio_ms": 3000.0}),
                TurnResult("es:b", 600.0, {"transcription": 300.0}),
                TurnResult("es:c", None),
            ],
            errors=["turn 2: no audio (response cancelled)"],
        )
    ]
    report = language_report(calls)
    assert report["turns_measured"] == 2
    assert report["p50_ms"] == 500.0
    assert report["stage_medians"] == {"audio_ms": 3000.0, "transcription_ms": 250.0}
    assert report["errors"] == 1


def test_cli_takes_the_language_options() -> None:
    parser = build_parser()
    args = parser.parse_args(
        ["bench", "telephony-wer", "--lang", "es", "--transport", "realtime", "--json"]
    )
    assert (args.lang, args.transport, args.recordings) == ("es", "realtime", 50)
    args = parser.parse_args(["bench", "telephony-wer"])
    assert (args.lang, args.transport) == ("en", "twilio")
    args = parser.parse_args(
        ["bench", "voice", "--lang", "en,es", "--turn-detection", "semantic_vad"]
    )
    assert (args.lang, args.turn_detection, args.turns_per_call) == ("en,es", "semantic_vad", 3)
    with pytest.raises(SystemExit):
        parser.parse_args(["bench", "telephony-wer", "--lang", "fr"])
