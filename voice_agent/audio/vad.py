"""Silero VAD (v6, the ONNX file faster-whisper ships) for streaming 16 kHz audio.

* :class:`SileroModel` - the ONNX session, loaded once per process per file and shared by
  every stream (``onnxruntime.InferenceSession.run`` is thread-safe). One intra-op thread:
  a frame costs a fraction of a millisecond and the cores belong to Whisper and Piper.
* :class:`SileroVAD` - one per audio stream: its own LSTM state (``h``, ``c``), its own
  64-sample context and a buffer for samples that do not yet fill a 512-sample frame.

The model is fed exactly as ``faster_whisper.vad.SileroVADModel`` feeds it: each 512-sample
(32 ms) frame is prefixed with the last 64 samples of the previous frame (zeros before the
first) -> input rows of 576 float32 samples in [-1, 1]; the ``h``/``c`` state (1, 1, 128)
is carried from one call to the next. A batch of rows is processed as consecutive frames,
so feeding a signal in any chunking gives the same probabilities as feeding it whole.

CPU work: call :meth:`SileroVAD.process` from a worker thread, not the event loop.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Final, TypeAlias

import numpy as np
import numpy.typing as npt
import onnxruntime

__all__ = [
    "CONTEXT_SAMPLES",
    "FRAME_MS",
    "FRAME_SAMPLES",
    "SAMPLE_RATE",
    "SileroModel",
    "SileroVAD",
    "default_model_path",
]

SAMPLE_RATE: Final = 16_000
FRAME_SAMPLES: Final = 512
CONTEXT_SAMPLES: Final = 64
FRAME_MS: Final = FRAME_SAMPLES * 1000 / SAMPLE_RATE  # 32.0
_STATE_SHAPE: Final = (1, 1, 128)

Float32Array: TypeAlias = npt.NDArray[np.float32]


def default_model_path() -> Path:
    """The Silero v6 ONNX file bundled with faster-whisper."""
    from faster_whisper.utils import get_assets_path

    return Path(get_assets_path()) / "silero_vad_v6.onnx"


class SileroModel:
    """A shared Silero VAD ONNX session. Get it with :meth:`load`, not the constructor."""

    _cache: dict[Path, SileroModel] = {}  # noqa: RUF012 - process-wide registry
    _lock = threading.Lock()

    def __init__(self, session: onnxruntime.InferenceSession, path: Path) -> None:
        self.session = session
        self.path = path
        names = {i.name for i in session.get_inputs()}
        if not {"input", "h", "c"} <= names:
            raise ValueError(
                f"{path} is not a Silero v6 VAD model (inputs {sorted(names)}, "
                "expected input, h, c)"
            )

    @classmethod
    def load(cls, path: str | Path | None = None) -> SileroModel:
        """Load (once per process and file) the model at ``path`` or the bundled one."""
        p = Path(path) if path is not None else default_model_path()
        p = p.resolve()
        with cls._lock:
            cached = cls._cache.get(p)
            if cached is not None:
                return cached
            if not p.is_file():
                raise FileNotFoundError(f"Silero VAD model not found: {p}")
            opts = onnxruntime.SessionOptions()
            opts.inter_op_num_threads = 1
            opts.intra_op_num_threads = 1
            opts.enable_cpu_mem_arena = False
            opts.log_severity_level = 4
            session = onnxruntime.InferenceSession(
                str(p), sess_options=opts, providers=["CPUExecutionProvider"]
            )
            model = cls(session, p)
            cls._cache[p] = model
            return model

    def run(
        self, rows: Float32Array, h: Float32Array, c: Float32Array
    ) -> tuple[Float32Array, Float32Array, Float32Array]:
        """Run consecutive frames ``rows`` (n, 576) from state (h, c); -> (probs[n], h, c)."""
        probs, hn, cn = self.session.run(None, {"input": rows, "h": h, "c": c})
        return (
            np.asarray(probs, dtype=np.float32).reshape(-1),
            np.asarray(hn, dtype=np.float32),
            np.asarray(cn, dtype=np.float32),
        )


class SileroVAD:
    """Streaming speech probabilities for one 16 kHz mono stream."""

    def __init__(self, model: SileroModel) -> None:
        self.model = model
        self._h: Float32Array = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c: Float32Array = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context: Float32Array = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._pending: Float32Array = np.zeros(0, dtype=np.float32)
        self.frames_processed = 0

    @property
    def buffered_samples(self) -> int:
        """Samples waiting for a complete frame."""
        return int(self._pending.size)

    def reset(self) -> None:
        """Forget all state (new stream)."""
        self._h = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._c = np.zeros(_STATE_SHAPE, dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self.frames_processed = 0

    def process(self, samples16k: npt.NDArray[np.float32] | npt.NDArray[np.int16]) -> list[float]:
        """Feed 16 kHz mono samples (float32 in [-1, 1] or int16); one probability per
        complete 512-sample frame, in order. Leftover samples wait for the next call."""
        x = _to_float32(samples16k)
        buf = np.concatenate([self._pending, x]) if self._pending.size else x
        n = buf.size // FRAME_SAMPLES
        if n == 0:
            self._pending = buf.copy()
            return []
        frames = buf[: n * FRAME_SAMPLES].reshape(n, FRAME_SAMPLES)
        self._pending = buf[n * FRAME_SAMPLES :].copy()
        contexts = np.empty((n, CONTEXT_SAMPLES), dtype=np.float32)
        contexts[0] = self._context
        if n > 1:
            contexts[1:] = frames[:-1, -CONTEXT_SAMPLES:]
        rows = np.ascontiguousarray(np.concatenate([contexts, frames], axis=1))
        probs, self._h, self._c = self.model.run(rows, self._h, self._c)
        self._context = frames[-1, -CONTEXT_SAMPLES:].copy()
        self.frames_processed += n
        return [float(p) for p in probs]


def _to_float32(samples: npt.NDArray[np.float32] | npt.NDArray[np.int16]) -> Float32Array:
    if not isinstance(samples, np.ndarray) or samples.ndim != 1:
        raise TypeError("SileroVAD.process expects a 1-D numpy array of 16 kHz samples")
    if samples.dtype == np.int16:
        return np.asarray(samples, dtype=np.float32) / np.float32(32768.0)
    if samples.dtype == np.float32:
        return np.asarray(samples, dtype=np.float32)
    if np.issubdtype(samples.dtype, np.floating):
        return samples.astype(np.float32)
    raise TypeError(f"SileroVAD.process expects float32 or int16 samples, got {samples.dtype}")
