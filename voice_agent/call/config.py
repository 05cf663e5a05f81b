"""The settings of one call, whatever transport carries it.

Transports build a :class:`CallConfig` from what their protocol says (``session.update`` on
``/v1/realtime``, the signed token of a Twilio stream, fixed formats on AudioSocket) and
may hand the core a new one during the call (:meth:`Call.reconfigure`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from voice_agent.audio.codec import AudioFormat
from voice_agent.audio.turn_detector import Eagerness
from voice_agent.core.labels import Lang

#: Audio kept before the start of speech for the transcriber (OpenAI's default).
DEFAULT_PREFIX_PADDING_MS: Final = 300


def call_language(requested: str | None, default: str) -> Lang:
    """The language of a call: ``es`` when the call (or else the server's
    ``STT_LANGUAGE``, ``default``) asks for Spanish (``es``, ``es-MX`` ...), else ``en``."""
    return "es" if (requested or default).lower().startswith("es") else "en"


@dataclass(frozen=True, slots=True)
class TurnDetection:
    """Server-side turn detection (``session.audio.input.turn_detection``).

    ``server_vad``: the turn ends after ``silence_duration_ms`` of silence. ``semantic_vad``:
    Smart Turn judges the turn after a short silence; ``eagerness`` picks its settings
    (:data:`~voice_agent.audio.turn_detector.SEMANTIC_EAGERNESS`, silence fallback included)
    and ``silence_duration_ms`` is not used. ``pause_on_speech`` (an extension): speech over
    the agent that is being judged pauses it, and it resumes if that was no interruption."""

    type: Literal["server_vad", "semantic_vad"] = "server_vad"
    eagerness: Eagerness = Eagerness.AUTO
    silence_duration_ms: int = 500
    threshold: float = 0.5
    prefix_padding_ms: int = DEFAULT_PREFIX_PADDING_MS
    create_response: bool = True
    interrupt_response: bool = True
    pause_on_speech: bool = True

    def to_json(self) -> dict[str, Any]:
        if self.type == "semantic_vad":
            return {
                "type": "semantic_vad",
                "eagerness": self.eagerness.value,
                "create_response": self.create_response,
                "interrupt_response": self.interrupt_response,
                "pause_on_speech": self.pause_on_speech,
            }
        return {
            "type": "server_vad",
            "silence_duration_ms": self.silence_duration_ms,
            "threshold": self.threshold,
            "prefix_padding_ms": self.prefix_padding_ms,
            "create_response": self.create_response,
            "interrupt_response": self.interrupt_response,
            "pause_on_speech": self.pause_on_speech,
        }


@dataclass(frozen=True, slots=True)
class CallConfig:
    """``turn_detection=None`` means manual turns: the transport commits the caller's audio
    (``input_audio_buffer.commit``) and asks for responses (``response.create``)."""

    channel: str
    language: Lang = "en"
    input_format: AudioFormat = AudioFormat.PCM24K
    output_format: AudioFormat = AudioFormat.PCM24K
    turn_detection: TurnDetection | None = field(default_factory=TurnDetection)
    customer: Mapping[str, Any] = field(default_factory=dict)
    greeting: bool = True

    @property
    def profile(self) -> tuple[Lang, Mapping[str, Any]]:
        """What the stored conversation keeps of the session: its language and customer."""
        return (self.language, self.customer)

    @property
    def auto_respond(self) -> bool:
        """The agent answers each detected end of turn by itself."""
        return self.turn_detection is not None and self.turn_detection.create_response

    @property
    def prefix_padding_ms(self) -> float:
        td = self.turn_detection
        return float(td.prefix_padding_ms if td is not None else DEFAULT_PREFIX_PADDING_MS)
