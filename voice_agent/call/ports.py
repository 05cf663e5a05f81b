"""What the call core needs from the rest of the server, as protocols.

The real implementations are :class:`voice_agent.speech.engines.SpeechEngines` (speech) and
:class:`voice_agent.orchestrator.Orchestrator` (conversations); unit tests of the core pass
small fakes that satisfy the same protocols (no models).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

from voice_agent.audio.caller import VoiceActivity
from voice_agent.audio.turn_detector import TurnConfig
from voice_agent.core.conversation import Conversation, Turn
from voice_agent.core.labels import Lang
from voice_agent.orchestrator import PreparedTurn
from voice_agent.speech.stt import Transcript

T = TypeVar("T")
Int16Array = npt.NDArray[np.int16]
Float32Array = npt.NDArray[np.float32]

__all__ = ["Conversations", "EndOfTurnModel", "Speech", "VoiceActivity"]


class EndOfTurnModel(Protocol):
    """Semantic end of turn (:class:`~voice_agent.audio.smart_turn.SmartTurnModel`):
    CPU work, run it in a worker thread."""

    def complete_probability(self, audio16k: Float32Array) -> float: ...


class Speech(Protocol):
    def new_vad(self) -> VoiceActivity: ...

    def end_of_turn_model(self) -> EndOfTurnModel | None: ...

    def turn_config(self) -> TurnConfig: ...

    def supports_language(self, language: str | None) -> bool: ...

    async def run_audio(self, fn: Callable[..., T], *args: Any, timeout_s: float = 2.0) -> T: ...

    async def transcribe(
        self,
        audio16k: Float32Array,
        language: str | None = None,
        timeout_s: float | None = None,
        prompt: str | None = None,
    ) -> Transcript: ...

    def synthesize_stream(
        self,
        text: str,
        out_rate: int,
        *,
        language: str | None = None,
        timeout_s: float | None = None,
        slack_ms: float = 0.0,
    ) -> AsyncIterator[Int16Array]: ...


class Conversations(Protocol):
    """The orchestrator's part the call uses: every write to the store goes through it."""

    async def create(
        self,
        *,
        lang: Lang,
        customer: Mapping[str, Any] | None = None,
        channel: str = "api",
        tenant: str | None = None,
    ) -> Conversation: ...

    async def prepare(self, conv: Conversation, text: str, *, dtmf: str = "") -> PreparedTurn: ...

    async def prepare_greeting(self, conv: Conversation) -> PreparedTurn: ...

    async def prepare_goodbye(self, conv: Conversation) -> PreparedTurn: ...

    async def commit(
        self,
        conv: Conversation,
        prepared: PreparedTurn,
        timings_ms: Mapping[str, float] | None = None,
    ) -> Turn: ...

    async def record_reply(
        self,
        conv: Conversation,
        prepared: PreparedTurn,
        text: str,
        *,
        truncated: bool = False,
        timings_ms: Mapping[str, float] | None = None,
    ) -> Turn: ...

    async def revise_reply(self, conv: Conversation, turn: Turn, text: str) -> None: ...

    async def update_profile(
        self, conv: Conversation, *, lang: Lang, customer: Mapping[str, Any]
    ) -> None: ...

    async def end_call(self, conv: Conversation, reason: str) -> None: ...

    def forget(self, conversation_id: str) -> None: ...
