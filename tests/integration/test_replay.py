"""`voice-agent replay` end to end: a multi-turn call built from real human speech (the
Asterisk prompts of ``asterisk-core-sounds-en-wav``), with the caller's pauses, played into a
real server (subprocess, speech on) through ``/v1/realtime`` and through the Twilio path, by
the command itself (subprocess). Checked: the per-call JSON has the turns (transcripts of
what was said, actions, timings), the WAVs have the call's length and the right channels,
the summary page links the call, and the call's report opens in headless Chromium (a
screenshot is kept in the test artefacts).

The realtime call sends a mono G.711 mu-law WAV (8 kHz, as call recorders write them); the
Twilio call a 16 kHz stereo WAV with the caller on the right and someone else on the left,
at 1.25x real time. Nothing here asserts on reply texts or actions (the conversation engine
changes) or on timings.

``test_compare_two_runs_where_the_playbook_changed`` replays the shipped example
``examples/calls/en_price_then_yes.wav`` with its expectations (``en_price_then_yes.yaml``
beside it) into a server with the bundled playbook, then into one whose playbook a sales
manager changed (the next step after a yes is the payment link, not the sign-up link), and
compares the two runs: the changed reply is shown and the reply expectation that now fails
makes ``--compare`` exit 1. It asserts on the playbook's difference, not on the wording.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import numpy.typing as npt
import pytest
import yaml

from tests.audio_fixtures import ASTERISK_SOUNDS, asterisk_transcripts, normalise_words
from tests.integration.browser import artifacts_dir, open_in_chromium
from tests.integration.server import REPO_ROOT, ServerProcess, start_server
from voice_agent.audio import codec
from voice_agent.audio.resample import resample
from voice_agent.replay.model import (
    AGENT_WAV,
    CALL_HTML,
    CALL_JSON,
    STEREO_WAV,
    SUMMARY_HTML,
    CallRecord,
)

pytestmark = pytest.mark.slow

API_KEY = "replay-test-key"
AUTH_TOKEN = "replay-twilio-token"
#: The caller's three turns, and what they say (the packages' transcripts).
UTTERANCES = ("vm-nobodyavail", "queue-thankyou", "conf-getpin")
#: Someone else on the recorder's other channel (must not be heard as the caller).
OTHER_SPEAKER = "tt-weasels"
LEAD_S = 1.0
PAUSE_S = 6.0  # long enough for the agent to answer (a long answer is talked over)
TAIL_S = 1.0

Int16 = npt.NDArray[np.int16]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Call:
    """A recorded call: the caller's audio at 8 kHz and where each utterance is."""

    samples: Int16
    placed: tuple[tuple[float, float], ...]  # (start, end) of each clip, seconds
    texts: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        return self.samples.size / 8000


def clip(name: str) -> Int16:
    path = ASTERISK_SOUNDS / "en" / f"{name}.wav"
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (8000, 1, 2)
        return np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)


@pytest.fixture(scope="module")
def recorded_call() -> Call:
    transcripts = asterisk_transcripts("en")
    if not transcripts or not all(
        (ASTERISK_SOUNDS / "en" / f"{n}.wav").is_file() for n in (*UTTERANCES, OTHER_SPEAKER)
    ):
        pytest.skip(
            "needs asterisk-core-sounds-en-wav and asterisk-core-sounds-en "
            "(apt-get install -y asterisk-core-sounds-en-wav asterisk-core-sounds-en)"
        )
    parts: list[Int16] = [np.zeros(round(LEAD_S * 8000), dtype=np.int16)]
    placed: list[tuple[float, float]] = []
    t = LEAD_S
    for i, name in enumerate(UTTERANCES):
        x = clip(name)
        parts.append(x)
        placed.append((t, t + x.size / 8000))
        t += x.size / 8000
        pause = PAUSE_S if i + 1 < len(UTTERANCES) else TAIL_S
        parts.append(np.zeros(round(pause * 8000), dtype=np.int16))
        t += pause
    return Call(np.concatenate(parts), tuple(placed), tuple(transcripts[n] for n in UTTERANCES))


def write_mulaw_wav(path: Path, samples: Int16, rate: int) -> Path:
    """A G.711 mu-law WAV (format tag 7), the way call recorders store calls."""
    data = codec.mulaw_encode(samples)
    fmt = struct.pack("<HHIIHHH", 7, 1, rate, rate, 1, 8, 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
    body += b"fact" + struct.pack("<II", 4, samples.size)
    body += b"data" + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


def write_stereo_wav(path: Path, left: Int16, right: Int16, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.stack([left, right], axis=1).astype("<i2").tobytes())
    return path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    port = free_port()
    data_dir = tmp_path_factory.mktemp("replay") / "data"
    env = {
        "VOICE_AGENT_API_KEYS": API_KEY,
        "VOICE_AGENT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "VOICE_AGENT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        # the caller speaks first, so each utterance is a turn (not a barge-in on a greeting)
        "VOICE_AGENT_GREET_FIRST": "false",
    }
    srv = start_server(data_dir, env, ("--port", str(port)), timeout=240.0, speech=True)
    try:
        yield srv
    finally:
        srv.stop()


def replay(*args: str, timeout: float = 240.0) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICE_AGENT_")}
    return subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "replay", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def read_wav(path: Path) -> tuple[int, int, npt.NDArray[np.int16]]:
    with wave.open(str(path)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
        return w.getframerate(), w.getnchannels(), frames.reshape(-1, w.getnchannels())


def recalled(reference: str, transcript: str) -> float:
    """Share of the reference's words found in the transcript, in order (longest common
    subsequence): the turn holds what was played. Not the word error rate: whether the
    server's transcript adds words is the speech tests' concern, not the replay's."""
    ref, hyp = normalise_words(reference), normalise_words(transcript)
    row = [0] * (len(hyp) + 1)
    for r in ref:
        prev = 0
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], prev + 1 if r == h else max(row[j], row[j - 1])
    return row[-1] / max(1, len(ref))


def rms(x: npt.NDArray[np.int16]) -> float:
    return float(np.sqrt(np.mean(x.astype(np.float64) ** 2))) if x.size else 0.0


def check_call(
    out: Path, record_name: str, call: Call, *, via: str, channel: str, speed: float
) -> Path:
    """Everything a replayed call must have; returns its folder."""
    folder = out / Path(record_name).stem
    record = CallRecord.read(folder / CALL_JSON)
    assert record.via == via and record.caller_channel == channel and record.speed == speed
    assert record.errors == (), record.errors
    assert record.end_reason == "caller_hung_up" and record.conversation_id
    assert record.recording_s == pytest.approx(call.duration_s, abs=0.01)
    assert record.duration_s >= record.recording_s
    # the caller's speech was found where each utterance was put
    assert len(record.caller_speech) == len(call.placed), record.caller_speech
    for span, (start, end) in zip(record.caller_speech, call.placed, strict=True):
        assert start - 0.05 <= span.start_s and span.end_s <= end + 0.05, (span, start, end)
    # one turn per utterance, transcribed from what was played, each with insights and timings
    assert len(record.turns) == len(call.placed), [t.transcript for t in record.turns]
    for turn, text, span in zip(record.turns, call.texts, record.caller_speech, strict=True):
        assert recalled(text, turn.transcript) >= 0.75, (text, turn.transcript)
        assert turn.caller == span
        assert turn.action and turn.action_reason and turn.phase
        assert 0.0 <= turn.conversion_probability <= 1.0
        assert {"transcription", "orchestrator"} <= set(turn.timings_ms), turn.timings_ms
    answered = [t for t in record.turns if t.agent is not None]
    assert answered, "the agent was never heard"
    for turn in answered:
        assert turn.reply or turn.barge_in, turn  # a reply cut at once may keep no word
        assert turn.latency_ms is not None and turn.latency_ms >= 0
        assert turn.caller is not None and turn.agent is not None
        assert turn.agent.start_s > turn.caller.end_s
        assert "first_audio" in turn.timings_ms
    assert record.agent_speech, "no agent audio heard"
    # WAVs: same length (the call, hang-up included), the transport's rate, mono and stereo
    rate = 24000 if via == "realtime" else 8000
    a_rate, a_channels, agent = read_wav(folder / AGENT_WAV)
    s_rate, s_channels, stereo = read_wav(folder / STEREO_WAV)
    assert (a_rate, a_channels, s_rate, s_channels) == (rate, 1, rate, 2)
    assert agent.shape[0] == stereo.shape[0]
    assert agent.shape[0] / rate == pytest.approx(record.duration_s, abs=0.05)
    np.testing.assert_array_equal(stereo[:, 1], agent[:, 0])
    left = stereo[:, 0]
    for start, end in call.placed:  # the caller on the left, where they spoke
        assert rms(left[round(start * rate) : round(end * rate)]) > 300
    quiet = call.placed[0][1] + 0.5, call.placed[1][0] - 0.5
    assert rms(left[round(quiet[0] * rate) : round(quiet[1] * rate)]) < 30
    assert rms(left[round(call.duration_s * rate) + rate // 10 :]) == 0.0  # after the recording
    for span in record.agent_speech:  # the agent on the right, where it was heard
        piece = agent[round(span.start_s * rate) : round(span.end_s * rate), 0]
        if piece.size >= rate // 2:
            assert rms(piece) > 100, span
    heard_mask = np.zeros(agent.shape[0], dtype=bool)
    margin = rate // 200  # 5 ms: the JSON rounds times to the millisecond
    for span in record.agent_speech:
        start, end = round(span.start_s * rate), round(span.end_s * rate)
        heard_mask[max(0, start - margin) : end + margin] = True
    assert rms(agent[~heard_mask, 0]) == 0.0  # nothing where the agent was not heard
    # the summary page links the call's report
    summary = (out / SUMMARY_HTML).read_text()
    assert f"{folder.name}/{CALL_HTML}" in summary
    return folder


def open_report(folder: Path, name: str, record: CallRecord) -> None:
    shot = artifacts_dir() / f"replay-{name}.png"
    page = open_in_chromium(folder / CALL_HTML, shot)
    assert page.title, page
    assert not page.errors and not page.external_requests, (page.errors, page.external_requests)
    assert record.turns[0].transcript.split()[0] in page.text
    assert shot.is_file() and shot.stat().st_size > 10_000


def stored_channel(srv: ServerProcess, conversation_id: str) -> str:
    r = httpx.get(
        f"{srv.url}/v1/conversations/{conversation_id}",
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=10,
    )
    assert r.status_code == 200, r.text
    return str(r.json()["channel"])


def test_replay_via_realtime(server: ServerProcess, recorded_call: Call, tmp_path: Path) -> None:
    wav = write_mulaw_wav(tmp_path / "call-mulaw.wav", recorded_call.samples, 8000)
    out = tmp_path / "out"
    proc = replay(str(wav), "--url", server.url, "--api-key", API_KEY, "--out", str(out), "--json")
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    summary = json.loads(proc.stdout)
    assert [c["turns"] for c in summary["calls"]] == [3] and summary["errors"] == 0
    assert summary["summary"] == str(out / SUMMARY_HTML)
    folder = check_call(out, str(wav), recorded_call, via="realtime", channel="mono", speed=1.0)
    record = CallRecord.read(folder)
    assert record.call_id and record.call_id.startswith("sess")
    assert stored_channel(server, str(record.conversation_id)) == "realtime"
    open_report(folder, "realtime", record)
    # comparing a run with itself: nothing changed, exit 0
    same = replay("--compare", str(out), str(out), "--out", str(tmp_path / "cmp"))
    assert same.returncode == 0, (same.stdout, same.stderr)
    assert (tmp_path / "cmp").is_dir() and any((tmp_path / "cmp").iterdir())


def test_replay_stereo_via_twilio(
    server: ServerProcess, recorded_call: Call, tmp_path: Path
) -> None:
    # 16 kHz stereo: the caller on the right; the recorder's other party on the left, talking
    # in the caller's first pause (must not reach the server)
    caller = resample(recorded_call.samples, 8000, 16000)
    other = np.zeros_like(caller)
    speech = resample(clip(OTHER_SPEAKER), 8000, 16000)
    at = round((recorded_call.placed[0][1] + 1.0) * 16000)
    other[at : at + speech.size] = speech
    wav = write_stereo_wav(tmp_path / "call-stereo.wav", other, caller, 16000)
    out = tmp_path / "out"
    base = ("--url", server.url, "--api-key", API_KEY, "--out", str(out), "--via", "twilio")
    # stereo without saying which channel is the caller: one clear line, exit 2
    refused = replay(str(wav), *base, "--twilio-auth-token", AUTH_TOKEN)
    assert refused.returncode == 2 and "--caller-channel" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr and len(refused.stderr.strip().splitlines()) == 1
    proc = replay(
        str(wav),
        *base,
        "--caller-channel",
        "right",
        "--speed",
        "1.25",
        "--twilio-auth-token",
        AUTH_TOKEN,
    )
    assert proc.returncode == 0, (proc.stdout, proc.stderr)
    folder = check_call(out, str(wav), recorded_call, via="twilio", channel="right", speed=1.25)
    record = CallRecord.read(folder)
    assert record.call_id and record.call_id.startswith("CA")
    assert stored_channel(server, str(record.conversation_id)) == "twilio"
    open_report(folder, "twilio", record)


def test_replay_refuses_a_bad_key_and_a_dead_server(
    server: ServerProcess, recorded_call: Call, tmp_path: Path
) -> None:
    wav = write_mulaw_wav(tmp_path / "c.wav", recorded_call.samples[:8000], 8000)
    for args, words in (
        (("--url", server.url, "--api-key", "wrong"), "refused the API key"),
        (("--url", f"http://127.0.0.1:{free_port()}", "--api-key", API_KEY), "cannot reach"),
        (
            ("--url", server.url, "--api-key", API_KEY, "--via", "twilio"),
            "--twilio-auth-token",
        ),
    ):
        proc = replay(str(wav), *args, "--out", str(tmp_path / "o"), timeout=60)
        assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
        assert words in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    bad = tmp_path / "bad.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    proc = replay(str(bad), "--url", server.url, "--api-key", API_KEY, timeout=60)
    assert proc.returncode == 2 and str(bad) in proc.stderr, proc.stderr


# -- two real runs where the playbook changed ------------------------------------------------------

EXAMPLE_CALLS = REPO_ROOT / "examples" / "calls"
EXAMPLE = "en_price_then_yes"
BUNDLED_PLAYBOOK = REPO_ROOT / "config" / "playbooks" / "altura.yaml"
#: The server runs its VAD on audio time, so the turns are the recording's at any pace.
EXAMPLE_SPEED = "2"


def changed_playbook(path: Path) -> Path:
    """A copy of the bundled playbook as a sales manager changes it: after a yes to a
    program, the agent sends the payment link instead of the sign-up link."""
    data = yaml.safe_load(BUNDLED_PLAYBOOK.read_text(encoding="utf-8"))
    assert data["next_steps"]["program"] == "sign_up", data["next_steps"]
    data["next_steps"]["program"] = "payment_link"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def replay_example(calls: Path, out: Path, data_dir: Path, env: dict[str, str]) -> CallRecord:
    """Start a server (speech on) with ``env``, replay the folder of calls into it, stop it;
    the one call's record. The exit status must say whether an expectation failed."""
    srv = start_server(
        data_dir, {"VOICE_AGENT_API_KEYS": API_KEY, **env}, timeout=240.0, speech=True
    )
    try:
        proc = replay(
            str(calls), "--url", srv.url, "--api-key", API_KEY, "--out", str(out),
            "--speed", EXAMPLE_SPEED, "--json",
        )  # fmt: skip
    finally:
        srv.stop()
    assert proc.returncode in (0, 1), (proc.stdout, proc.stderr)
    summary = json.loads(proc.stdout)
    (call,) = summary["calls"]
    record = CallRecord.read(out / EXAMPLE)
    assert record.errors == (), record.errors
    assert record.expectations is not None and call["expectations"] is not None
    assert record.expectations.journey == str(calls / f"{EXAMPLE}.yaml")
    failed = len(record.expectations.failures)
    assert summary["expectations_failed"] == failed
    assert proc.returncode == (1 if failed else 0), (proc.returncode, record.expectations)
    # the call has the recording's three caller turns (else ``turns`` fails, with transcripts)
    assert len(record.turns) == 3, record.expectations.failures
    return record


def test_compare_two_runs_where_the_playbook_changed(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    for suffix in (".wav", ".yaml"):
        (calls / f"{EXAMPLE}{suffix}").write_bytes(
            (EXAMPLE_CALLS / f"{EXAMPLE}{suffix}").read_bytes()
        )
    run1, run2 = tmp_path / "run1", tmp_path / "run2"

    before = replay_example(calls, run1, tmp_path / "data1", {})
    assert before.expectations is not None
    # with the bundled playbook the shipped expectations hold, the sign-up reply included
    assert before.expectations.failures == (), before.expectations.failures
    assert before.expectations.judged == 8

    playbook = changed_playbook(tmp_path / "altura-payment-link.yaml")
    after = replay_example(calls, run2, tmp_path / "data2", {"VOICE_AGENT_PLAYBOOK": str(playbook)})
    assert after.expectations is not None
    failed = {(f.turn, f.key): f for f in after.expectations.failures}
    assert set(failed) == {(3, "expect.reply_matches")}, after.expectations.failures
    assert "payment link" in after.turns[2].reply.lower(), after.turns[2].reply
    assert "sign-up" not in after.turns[2].reply.lower()
    assert "sign-up" in before.turns[2].reply.lower(), before.turns[2].reply
    # the run's pages show it: the summary's expectations column and the failing turn
    assert "1 failed" in (run2 / SUMMARY_HTML).read_text()
    assert "8/8 held" in (run1 / SUMMARY_HTML).read_text()

    cmp = tmp_path / "cmp"
    proc = replay("--compare", str(run1), str(run2), "--out", str(cmp))
    (artifacts_dir() / "replay-compare-playbook.txt").write_text(proc.stdout + proc.stderr)
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    text = proc.stdout
    assert f"FAIL    {calls / EXAMPLE}.wav" in text, text
    assert "turn 3 expect.reply_matches: held in OLD, fails in NEW: expected a reply " in text
    turn3 = text[text.index("  turn 3:") :]
    assert "reply changed:" in turn3 and "payment link" in turn3.lower(), text
    assert "FAILING: 1 call(s)" in text

    proc = replay("--compare", str(run1), str(run2), "--out", str(cmp), "--json")
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    (diff,) = json.loads(proc.stdout)["calls"]
    assert diff["failing"] and diff["expectations_judged"] == {"old": True, "new": True}
    assert [(e["turn"], e["key"], e["change"]) for e in diff["expectation_changes"]] == [
        (3, "expect.reply_matches", "new_failure")
    ]
    changed = {t["index"]: t for t in diff["turns"]}
    assert changed[3]["reply"]["new"] == after.turns[2].reply

    shot = artifacts_dir() / "replay-compare-playbook.png"
    page = open_in_chromium(
        cmp / "compare.html", shot, selectors=("tr.expectation", "tbody.turn-diff.failing")
    )
    assert not page.errors and not page.external_requests, (page.errors, page.external_requests)
    assert "expect.reply_matches" in page.text and "new failure" in page.text.lower()
    assert page.visible["tr.expectation"] == 1 and page.visible["tbody.turn-diff.failing"] >= 1
    assert shot.is_file() and shot.stat().st_size > 10_000
    call_shot = artifacts_dir() / "replay-expectations-failed.png"
    call_page = open_in_chromium(
        run2 / EXAMPLE / CALL_HTML, call_shot, selectors=("tr.expect-failed",)
    )
    assert not call_page.errors, call_page.errors
    assert call_page.visible["tr.expect-failed"] == 1 and "1 failed" in call_page.text
