"""``voice-agent bench barge-in``: the cases (counts, seeds, audio, speech onsets), the
scoring of hand-made event timelines, the report, and one small run against a real server."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import subprocess
import sys
import wave
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from voice_agent.bench_bargein import (
    CLIPS_DIR,
    DEFAULT_PER_KIND,
    HUMAN,
    LEAD_MS,
    RATE,
    WIRE_RATE,
    Case,
    Event,
    Int16Array,
    Kind,
    Outcome,
    Source,
    Trace,
    _langs,
    _Mic,
    build_cases,
    human_sources,
    report,
    row,
    score,
    speech_onset_ms,
    summarize,
    summary_text,
    synthesized_sources,
)
from voice_agent.speech import asterisk

HAVE_HUMAN = all(
    (asterisk.SOUNDS / lang / f"{name}.wav").is_file()
    for _, lang, _, _, parts, _ in HUMAN
    for name, _, _ in parts
)


def _tone(ms: float, dbfs: float = -12.0, hz: float = 220.0) -> Int16Array:
    t = np.arange(int(RATE * ms / 1000)) / RATE
    amp = 32767 * 10 ** (dbfs / 20)
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.int16)


# --------------------------------------------------------------------------- the cases


def test_every_language_has_enough_phrases_of_each_kind() -> None:
    sources = [*human_sources(["en", "es"]), *synthesized_sources(["en", "es"])]
    per = Counter((s.lang, s.kind) for s in sources)
    for lang in ("en", "es"):
        for kind in ("backchannel", "interruption"):
            assert per[(lang, kind)] >= 15, (lang, kind, per)
            if HAVE_HUMAN:  # the default run says each phrase once
                assert per[(lang, kind)] == DEFAULT_PER_KIND, (lang, kind, per)
    assert len({s.id for s in sources}) == len(sources)


def test_the_shipped_clips_are_16_bit_mono_16_khz_and_small() -> None:
    manifest = json.loads((CLIPS_DIR / "manifest.json").read_text(encoding="utf-8"))
    total = 0
    for item in manifest:
        path = CLIPS_DIR / f"{item['id']}.wav"
        with wave.open(str(path), "rb") as w:
            assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (16000, 2, 1)
            assert abs(w.getnframes() / 16 - item["duration_ms"]) <= 1
        total += path.stat().st_size
    assert total < 3 * 2**20


@pytest.mark.skipif(not HAVE_HUMAN, reason=asterisk.install_hint("en/es"))
def test_cases_per_kind_and_language_with_the_human_recordings_first() -> None:
    cases = build_cases(["en", "es"], 15, seed=0)
    assert Counter((c.lang, c.kind) for c in cases) == {
        (lang, kind): 15 for lang in ("en", "es") for kind in ("backchannel", "interruption")
    }
    assert len({c.id for c in cases}) == len(cases)
    human = {h[0] for h in HUMAN}
    assert {c.id for c in cases if c.origin == "human"} == human  # all of them are used
    assert {c.origin for c in cases} == {"human", "piper", "espeak-ng"}
    assert {c.origin for c in cases if c.lang == "en" and c.origin != "human"} == {"piper"}
    assert {c.origin for c in cases if c.lang == "es" and c.origin != "human"} == {"espeak-ng"}
    for c in cases:
        assert c.samples.dtype == np.int16 and c.samples.ndim == 1
        assert 300 < c.duration_ms < 4000
        assert 2.0 <= c.offset_s <= 3.0 and 0.94 <= c.speed <= 1.06
        # the speech starts after the seeded leading silence (and the clip's own margin)
        assert LEAD_MS[0] <= c.onset_ms <= LEAD_MS[1] + 150, (c.id, c.onset_ms)
        peak = 20 * np.log10(np.abs(c.samples.astype(np.int32)).max() / 32767)
        assert abs(peak - c.gain_db) < 0.1


def test_building_is_deterministic_for_a_seed() -> None:
    a = build_cases(["en"], 4, seed=7)
    b = build_cases(["en"], 4, seed=7)
    c = build_cases(["en"], 4, seed=8)
    key = [(x.id, x.offset_s, x.speed, x.gain_db) for x in a]
    assert key == [(x.id, x.offset_s, x.speed, x.gain_db) for x in b]
    assert all(np.array_equal(x.samples, y.samples) for x, y in zip(a, b, strict=True))
    assert key != [(x.id, x.offset_s, x.speed, x.gain_db) for x in c]


def test_past_the_pool_the_phrases_come_again_changed() -> None:
    sources = [
        Source(f"{kind[0]}{i}", "en", kind, f"{kind} {i}", "piper", _tone(300 + 100 * i))
        for kind in ("backchannel", "interruption")
        for i in range(2)
    ]
    cases = build_cases(["en"], 5, seed=1, sources=sources)
    assert Counter(c.kind for c in cases) == {"backchannel": 5, "interruption": 5}
    ids = [c.id for c in cases if c.kind == "backchannel"]
    assert {i.split("~")[0] for i in ids} == {"b0", "b1"} and len(set(ids)) == 5
    assert sorted(i.split("~")[1] for i in ids if "~" in i) == ["2", "2", "3"]
    by_id = {c.id: c for c in cases}
    assert not np.array_equal(by_id["b0"].samples, by_id["b0~2"].samples)
    with pytest.raises(ValueError, match="no backchannel clips"):
        build_cases(["es"], 1, sources=sources)


def test_onset_is_found_after_leading_silence_and_noise() -> None:
    rng = np.random.default_rng(0)
    lead = (rng.standard_normal(int(RATE * 0.437)) * 32767 * 10 ** (-70 / 20)).astype(np.int16)
    clip = np.concatenate([lead, _tone(500, dbfs=-25.0), np.zeros(1600, dtype=np.int16)])
    onset = speech_onset_ms(clip)
    assert onset is not None and 430 <= onset <= 440  # the 10 ms frame holding 437 ms
    # a quiet talker (-30 dBFS at the peak) is still found
    quiet = np.concatenate([np.zeros(3200, dtype=np.int16), _tone(300, dbfs=-30.0)])
    assert speech_onset_ms(quiet) == 200.0
    assert speech_onset_ms(np.zeros(8000, dtype=np.int16)) is None
    assert speech_onset_ms(_tone(5, dbfs=-10.0)) is None  # shorter than one frame


def test_languages_are_checked() -> None:
    assert _langs("es, en") == ["es", "en"]
    assert _langs(None) == ["en", "es"]
    for bad in ("fr", "en,en", ","):
        with pytest.raises(SystemExit):
            _langs(bad)


async def test_the_mic_places_the_clip_at_its_onset_in_real_time() -> None:
    sent: list[Int16Array] = []

    async def send(message: str) -> None:
        sent.append(np.frombuffer(base64.b64decode(json.loads(message)["audio"]), dtype="<i2"))

    mic = _Mic(send)
    task = asyncio.create_task(mic.run())
    await asyncio.sleep(0)
    clip = np.arange(1, 1201, dtype=np.int16)  # 50 ms at 24 kHz, "voiced" from sample 600
    mic.schedule(clip, 600, mic.t0 + 0.1)
    await asyncio.sleep(0.3)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    stream = np.concatenate(sent)
    start = round(0.1 * WIRE_RATE) - 600
    assert mic.clip_pos == start and mic.onset_pos == start + 600
    assert np.array_equal(stream[start : start + clip.size], clip)
    assert not stream[:start].any() and not stream[start + clip.size :].any()
    assert mic.onset_sent is not None and mic.end_sent is not None
    assert 0.09 <= mic.onset_sent - mic.t0 <= 0.2  # sent with its 20 ms message


# --------------------------------------------------------------------------- scoring

T0 = 1000.0  # the onset's message was sent then
CLIP = (5000.0, 6200.0)  # stream ms


def _trace(*events: Event, error: str | None = None) -> Trace:
    t = Trace("c1", events=list(events), greeting_id="resp_g", first_audio=T0 - 2.5)
    t.onset_sent, t.clip_start_ms, t.clip_end_ms = T0, CLIP[0], CLIP[1]
    t.error = error
    return t


def _started(t: float, start_ms: float = 5300.0, item: str = "item_c") -> Event:
    return Event("input_audio_buffer.speech_started", t, item_id=item, audio_start_ms=start_ms)


def _done(t: float, status: str, resp: str = "resp_g") -> Event:
    reason = "turn_detected" if status == "cancelled" else None
    return Event("response.done", t, response_id=resp, status=status, reason=reason)


def test_a_barge_in_is_a_cut_off_timed_from_the_onset() -> None:
    heard = Event(
        "conversation.item.input_audio_transcription.completed",
        T0 + 1.4,
        item_id="item_c",
        transcript="wait",
    )
    out = score(_trace(_started(T0 + 0.452), _done(T0 + 0.47, "cancelled"), heard))
    assert out == Outcome(
        True, 452.0, False, None, False, "cancelled", "turn_detected", "wait", None
    )


def test_a_failed_transcription_is_told_as_its_code() -> None:
    failed = Event(
        "conversation.item.input_audio_transcription.failed",
        T0 + 1.4,
        item_id="item_c",
        reason="no_speech_recognized",
    )
    out = score(_trace(_started(T0 + 0.5), _done(T0 + 0.51, "cancelled"), failed))
    assert out.heard == "[no_speech_recognized]" and out.time_to_silence_ms == 500.0


def _pause(t: float, kind: str = "paused", resp: str = "resp_g") -> Event:
    return Event(f"response.output_audio.{kind}", t, item_id="item_g", response_id=resp)


def test_a_pause_is_when_the_agent_fell_silent() -> None:
    # paused at 240 ms, the interruption confirmed at 600: silent from 240 ms
    out = score(_trace(_pause(T0 + 0.24), _started(T0 + 0.6), _done(T0 + 0.61, "cancelled")))
    assert out.cut_off is True and out.time_to_silence_ms == 240.0
    assert out.paused is True and out.pause_ms is None


def test_a_backchannel_that_paused_the_agent_is_no_cut_off_and_its_gap_is_told() -> None:
    out = score(_trace(_pause(T0 + 0.25), _pause(T0 + 0.7, "resumed"), _done(T0 + 4, "completed")))
    assert out.cut_off is False and out.time_to_silence_ms is None
    assert out.paused is True and out.pause_ms == 450.0
    # pauses of another response, or before the clip, are not the clip's
    other = score(
        _trace(
            _pause(T0 - 1.0),
            _pause(T0 - 0.8, "resumed"),
            _pause(T0 + 0.3, resp="resp_other"),
            _done(T0 + 4, "completed"),
        )
    )
    assert other.paused is False and other.pause_ms is None


def test_a_backchannel_let_through_is_not_a_cut_off() -> None:
    out = score(_trace(_done(T0 + 4.0, "completed")))
    assert out.cut_off is False and out.time_to_silence_ms is None
    assert out.replied_to_end is True and out.error is None


def test_speech_announced_after_the_greeting_ended_did_not_cut_it() -> None:
    out = score(_trace(_done(T0 + 4.0, "completed"), _started(T0 + 4.01)))
    assert out.cut_off is False and out.replied_to_end is True


def test_speech_outside_the_clip_is_not_the_clips() -> None:
    # an earlier item (before the clip) and another response's end are not the clip's
    out = score(
        _trace(
            _started(T0 - 2.0, start_ms=1200.0, item="item_x"),
            _done(T0 + 0.2, "cancelled", resp="resp_other"),
            _done(T0 + 4.0, "completed"),
        )
    )
    assert out.cut_off is False


def test_a_cancelled_greeting_without_speech_started_is_a_cut_off_at_its_end() -> None:
    out = score(_trace(_done(T0 + 0.9, "cancelled")))
    assert out.cut_off is True and out.time_to_silence_ms == 900.0
    # speech_started after the cancel does not make it sooner
    out = score(_trace(_done(T0 + 0.9, "cancelled"), _started(T0 + 1.0)))
    assert out.time_to_silence_ms == 900.0


def test_unusable_calls_are_errors() -> None:
    assert score(_trace(error="timeout: no greeting audio")).error == "timeout: no greeting audio"
    assert score(_trace(_started(T0 + 0.5))).error == "the greeting did not end"
    early = score(_trace(_done(T0 - 0.5, "completed")))
    assert early.error is not None and "before the clip" in early.error
    unplayed = _trace(_done(T0 + 4.0, "completed"))
    unplayed.onset_sent = None
    assert score(unplayed).error == "the clip was not played"


# --------------------------------------------------------------------------- the report


def _case(cid: str, kind: Kind, lang: str) -> Case:
    return Case(cid, lang, kind, "text", "piper", _tone(400), 0.0, 2.5, 1.0, -6.0)


def _out(
    cut: bool, ms: float | None, error: str | None = None, pause_ms: float | None = None
) -> Outcome:
    if error is not None:
        return Outcome(None, None, None, None, None, None, None, None, error)
    status = "cancelled" if cut else "completed"
    return Outcome(cut, ms, pause_ms is not None, pause_ms, not cut, status, None, None, None)


def test_the_summary_counts_per_language_and_overall() -> None:
    rows = [
        row(_case("i1", "interruption", "en"), _out(True, 250.0)),
        row(_case("i2", "interruption", "en"), _out(True, 450.0)),
        row(_case("i3", "interruption", "en"), _out(False, None)),
        row(_case("i4", "interruption", "en"), _out(False, None, "timeout: no greeting audio")),
        row(_case("b1", "backchannel", "en"), _out(True, 420.0)),
        row(_case("b2", "backchannel", "en"), _out(False, None, pause_ms=300.0)),
        row(_case("i5", "interruption", "es"), _out(True, 800.0)),
        row(_case("b3", "backchannel", "es"), _out(False, None)),
    ]
    en = summarize([r for r in rows if r.lang == "en"])
    assert en["interruptions"] == {
        "n": 3,
        "caught": 0.667,
        "caught_within_300ms": 0.333,
        "time_to_silence_ms": {"p50": 350.0, "p95": 440.0},
        "replied_to_end": 0.333,
    }
    assert en["backchannels"] == {
        "n": 2,
        "cut_off": 0.5,
        "paused": 0.5,
        "pause_ms": {"p50": 300.0, "p95": 300.0},
        "replied_to_end": 0.5,
    }
    assert en["errors"] == 1
    rep = report(rows, ["en", "es"], {"seed": 3})
    assert rep["cases"] == 8 and rep["errors"] == 1 and rep["seed"] == 3
    assert rep["error_samples"] == ["i4: timeout: no greeting audio"]
    assert rep["by_lang"]["es"]["interruptions"]["caught"] == 1.0
    assert rep["overall"]["interruptions"]["n"] == 4
    assert rep["overall"]["backchannels"]["cut_off"] == 0.333
    assert [r["id"] for r in rep["rows"]] == [r.id for r in rows]
    assert set(rep["rows"][0]) >= {"id", "kind", "lang", "text", "cut_off", "time_to_silence_ms"}
    json.dumps(rep)  # all JSON
    text = summary_text(rep)
    assert "en  interruptions 3: caught 67%, within 300 ms 33%" in text
    assert "all  interruptions 4" in text and "error: i4" in text


def test_an_empty_summary_has_no_fractions() -> None:
    s = summarize([])
    assert s["interruptions"]["caught"] is None and s["backchannels"]["cut_off"] is None
    assert s["interruptions"]["time_to_silence_ms"] == {"p50": None, "p95": None}


# --------------------------------------------------------------------------- end to end


@pytest.mark.slow
def test_one_backchannel_and_one_interruption_against_a_real_server(tmp_path: Path) -> None:
    """A server with speech is started, two English calls are made; only the report's
    shape and counts are checked (the outcome is the server's policy, timing is the
    machine's)."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "voice_agent.bench_bargein",
            "--lang",
            "en",
            "--per-kind",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    rep = json.loads(proc.stdout.strip().splitlines()[-1])
    assert rep["bench"] == "barge_in" and rep["langs"] == ["en"] and rep["cases"] == 2
    assert rep["errors"] == 0, rep["error_samples"]
    assert list(rep["by_lang"]) == ["en"]
    for part in (rep["by_lang"]["en"], rep["overall"]):
        assert part["interruptions"]["n"] == 1 and part["backchannels"]["n"] == 1
        assert set(part["interruptions"]["time_to_silence_ms"]) == {"p50", "p95"}
    assert sorted(r["kind"] for r in rep["rows"]) == ["backchannel", "interruption"]
    for r in rep["rows"]:
        assert r["lang"] == "en" and isinstance(r["cut_off"], bool)
        assert isinstance(r["replied_to_end"], bool)
        assert r["time_to_silence_ms"] is None or isinstance(r["time_to_silence_ms"], float)
    assert rep["server"]["turn_detection"] is not None
    assert rep["machine"]["cpus"] >= 1
