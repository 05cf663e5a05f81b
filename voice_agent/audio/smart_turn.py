"""Smart Turn v3 (semantic end of turn): Whisper-style features and the ONNX model.

Smart Turn v3.2 (Daily, BSD-2-clause; the file ships in ``voice_agent/audio/models`` with its
license) is a Whisper-tiny encoder with a classifier on top. Given the last (at most) 8 s of
a caller's turn at 16 kHz, ending at the current moment (so a short silence is at its end),
it gives the probability that the caller has finished their turn, from the words *and* the
prosody (an unfinished "I would like to..." scores low even after a pause).

Its input is what Whisper's feature extractor makes of exactly 8 s of audio, written here
from the published description (Radford et al. 2022, section 2.2; the Hugging Face
``WhisperFeatureExtractor`` with ``do_normalize=True``):

1. keep the last 8 s (128 000 samples); a shorter turn is padded with zeros *in front*,
   so the end of the turn is always at the end of the window;
2. normalise the waveform to zero mean and unit variance (``(x - mean) / sqrt(var + 1e-7)``);
3. short-time Fourier transform: 25 ms periodic Hann window (400 samples), 10 ms hop (160),
   the signal reflect-padded by 200 samples each side (centred frames) -> 801 frames of
   201 bins; power spectrum ``|X|^2``; the last frame is dropped -> 800 frames;
4. 80 mel filters on the Slaney mel scale (linear below 1 kHz, logarithmic above), 0-8 kHz,
   triangles normalised to unit area ("slaney" norm, ``2 / (f_high - f_low)``);
5. ``log10(max(mel, 1e-10))``, floored at ``max - 8`` (80 dB dynamic range), then
   ``(x + 4) / 4``.

The result is one ``(80, 800)`` float32 matrix, fed as ``input_features`` ``(1, 80, 800)``;
the model's single output is already a probability (a sigmoid).

CPU work (about 45 ms a check on one core of a 2 vCPU Xeon VM, 90-120 ms when the machine is
busy): call :meth:`SmartTurnModel.complete_probability` from a worker thread, never the event
loop (the call core runs it in the speech engines' audio pool).
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
import onnxruntime

from voice_agent.digest import sha256_file

__all__ = [
    "MODEL_FILE",
    "MODEL_SHA256",
    "SAMPLE_RATE",
    "WINDOW_SAMPLES",
    "SmartTurnError",
    "SmartTurnModel",
    "default_model_path",
    "fit_window",
    "log_mel_features",
    "mel_filterbank",
]

Float32Array: TypeAlias = npt.NDArray[np.float32]
Float64Array: TypeAlias = npt.NDArray[np.float64]

SAMPLE_RATE: Final = 16_000
WINDOW_S: Final = 8
WINDOW_SAMPLES: Final = WINDOW_S * SAMPLE_RATE  # 128 000
N_FFT: Final = 400  # 25 ms
HOP: Final = 160  # 10 ms
N_MELS: Final = 80
N_FRAMES: Final = WINDOW_SAMPLES // HOP  # 800
LOG_FLOOR: Final = 1e-10
DYNAMIC_RANGE: Final = 8.0  # log10 units (80 dB)
NORM_EPS: Final = 1e-7

MODEL_FILE: Final = "smart-turn-v3.2-cpu.onnx"
#: the file as published in the pipecat-ai 1.14.0 wheel; checked at every load
MODEL_SHA256: Final = "2bb026316b14a660486a75b1733cd3fbab8c2fd0314dc9af7be49f8cca967e4f"
_INPUT: Final = "input_features"


class SmartTurnError(Exception):
    """The Smart Turn model cannot be used. ``code``: ``smart_turn_model_missing``,
    ``smart_turn_model_invalid`` (checksum or inputs do not match)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def default_model_path() -> Path:
    """The model file shipped with the package."""
    return Path(__file__).resolve().parent / "models" / MODEL_FILE


# --------------------------------------------------------------------------- features


def _hz_to_mel(hz: Float64Array) -> Float64Array:
    """Slaney's mel scale: linear (3 mel per 200 Hz) below 1 kHz, logarithmic above."""
    f_sp = 200.0 / 3.0
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    lin = hz / f_sp
    log = min_log_mel + np.log(np.maximum(hz, min_log_hz) / min_log_hz) / logstep
    out: Float64Array = np.where(hz >= min_log_hz, log, lin)
    return out


def _mel_to_hz(mel: Float64Array) -> Float64Array:
    f_sp = 200.0 / 3.0
    min_log_hz = 1000.0
    min_log_mel = min_log_hz / f_sp
    logstep = np.log(6.4) / 27.0
    lin = mel * f_sp
    log = min_log_hz * np.exp(logstep * (np.maximum(mel, min_log_mel) - min_log_mel))
    out: Float64Array = np.where(mel >= min_log_mel, log, lin)
    return out


@functools.cache
def mel_filterbank(
    n_mels: int = N_MELS, n_fft: int = N_FFT, sample_rate: int = SAMPLE_RATE
) -> Float64Array:
    """``(n_fft // 2 + 1, n_mels)`` triangular filters, Slaney scale and area normalisation,
    from 0 Hz to the Nyquist frequency. Read-only (shared)."""
    n_bins = n_fft // 2 + 1
    fft_hz = np.linspace(0.0, sample_rate / 2, n_bins)
    edges_mel = np.linspace(
        _hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(sample_rate / 2)), n_mels + 2
    )
    edges_hz = _mel_to_hz(edges_mel)
    widths = np.diff(edges_hz)  # (n_mels + 1,)
    slopes = edges_hz[np.newaxis, :] - fft_hz[:, np.newaxis]  # (n_bins, n_mels + 2)
    down = -slopes[:, :-2] / widths[:-1]
    up = slopes[:, 2:] / widths[1:]
    bank = np.maximum(0.0, np.minimum(down, up))
    bank *= 2.0 / (edges_hz[2:] - edges_hz[:-2])  # unit area per filter
    bank.setflags(write=False)
    return bank


@functools.cache
def _hann() -> Float64Array:
    n = np.arange(N_FFT)
    w: Float64Array = 0.5 - 0.5 * np.cos(2.0 * np.pi * n / N_FFT)  # periodic
    w.setflags(write=False)
    return w


def fit_window(audio16k: npt.NDArray[np.floating]) -> Float64Array:
    """The last 8 s of ``audio16k``, zero-padded in front to exactly 8 s (float64)."""
    x = np.asarray(audio16k, dtype=np.float64).ravel()
    if x.size >= WINDOW_SAMPLES:
        out: Float64Array = x[-WINDOW_SAMPLES:].copy()
        return out
    return np.concatenate([np.zeros(WINDOW_SAMPLES - x.size), x])


def log_mel_features(audio16k: npt.NDArray[np.floating]) -> Float32Array:
    """The model's ``(80, 800)`` input for a turn's 16 kHz float audio in [-1, 1]
    (any length; see the module docstring)."""
    x = fit_window(audio16k)
    x = (x - x.mean()) / np.sqrt(x.var() + NORM_EPS)
    pad = N_FFT // 2
    padded = np.pad(x, (pad, pad), mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(padded, N_FFT)[::HOP]  # (801, 400)
    spectrum = np.fft.rfft(frames * _hann(), axis=-1)
    power = spectrum.real**2 + spectrum.imag**2  # (801, 201)
    mel = power @ mel_filterbank()  # (801, 80)
    log_spec = np.log10(np.maximum(mel, LOG_FLOOR)).T[:, :-1]  # (80, 800)
    log_spec = np.maximum(log_spec, log_spec.max() - DYNAMIC_RANGE)
    out: Float32Array = ((log_spec + 4.0) / 4.0).astype(np.float32)
    return out


# --------------------------------------------------------------------------- model


class SmartTurnModel:
    """The shared ONNX session (``run`` is thread-safe). Get it with :meth:`load`."""

    _cache: dict[Path, SmartTurnModel] = {}  # noqa: RUF012 - process-wide registry
    _lock = threading.Lock()

    def __init__(self, session: onnxruntime.InferenceSession, path: Path) -> None:
        self.session = session
        self.path = path
        names = [i.name for i in session.get_inputs()]
        if names != [_INPUT]:
            raise SmartTurnError(
                "smart_turn_model_invalid",
                f"{path} is not a Smart Turn v3 model (inputs {names}, expected [{_INPUT!r}])",
            )
        self._output = session.get_outputs()[0].name

    @classmethod
    def load(cls, path: str | Path | None = None, *, threads: int = 1) -> SmartTurnModel:
        """Load (once per process and file) the bundled model, or ``path``. The bundled
        file must match :data:`MODEL_SHA256`; another file is only checked for its input."""
        p = (Path(path) if path is not None else default_model_path()).resolve()
        with cls._lock:
            cached = cls._cache.get(p)
            if cached is not None:
                return cached
            if not p.is_file():
                raise SmartTurnError("smart_turn_model_missing", f"Smart Turn model not found: {p}")
            if path is None and (digest := sha256_file(p)) != MODEL_SHA256:
                raise SmartTurnError(
                    "smart_turn_model_invalid",
                    f"{p}: sha256 {digest} is not the published {MODEL_SHA256}",
                )
            opts = onnxruntime.SessionOptions()
            opts.intra_op_num_threads = threads
            opts.inter_op_num_threads = 1
            opts.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
            session = onnxruntime.InferenceSession(
                str(p), sess_options=opts, providers=["CPUExecutionProvider"]
            )
            model = cls(session, p)
            cls._cache[p] = model
            return model

    def complete_probability(self, audio16k: npt.NDArray[np.floating]) -> float:
        """Probability in [0, 1] that the turn ending with ``audio16k`` is complete.
        CPU work: call it from a worker thread."""
        features = log_mel_features(audio16k)[np.newaxis]
        (out,) = self.session.run([self._output], {_INPUT: features})
        prob = float(np.asarray(out).reshape(-1)[0])
        return min(1.0, max(0.0, prob))
