"""What a call core tells its transport, and how a call ends.

The core (:mod:`voice_agent.call.core`) reports everything that happens in a call as one of
the frozen dataclasses below, handed to the transport's ``emit`` callback in order. A
transport translates each one to its wire format (OpenAI Realtime JSON events, Twilio
``media``/``mark``/``clear``, AudioSocket frames) and ignores what its protocol has no words
for. Nothing here does I/O.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import numpy as np
import numpy.typing as npt

from voice_agent.core.types import Insights

Int16Array = npt.NDArray[np.int16]
ResponseStatus = Literal["completed", "cancelled", "failed", "incomplete"]


def new_id(prefix: str) -> str:
    """An OpenAI-style id such as ``item_3f9a0c...``."""
    return f"{prefix}_{secrets.token_hex(10)}"


class EndReason(StrEnum):
    """Why a call ended (stored on the conversation as ``end_reason``)."""

    CALLER_HUNG_UP = "caller_hung_up"
    AGENT_HAND_OFF = "agent_hand_off"
    TIMEOUT = "timeout"
    ERROR = "error"
    #: The connection ended before the caller said anything the agent could answer.
    NO_CUSTOMER_TURN = "no_customer_turn"
    #: Found open at start-up: the process carrying the call stopped (crash, kill -9).
    SERVER_RESTART = "server_restart"
    #: The instance carrying the call stopped answering (killed, its machine lost); another
    #: instance ended the call.
    INSTANCE_LOST = "instance_lost"
    #: The server stopped (SIGTERM) and cut the call after its grace period.
    SERVER_SHUTDOWN = "server_shutdown"
    #: The client stopped reading what the server sends (the outbox filled or a send stalled).
    CLIENT_NOT_READING = "client_not_reading"


class CallError(Exception):
    """A request to the call that cannot be honoured (bad input, wrong state).

    ``code`` is stable and machine-readable; ``error_type`` follows the OpenAI error types
    (``invalid_request_error``, ``server_error``, ``rate_limit_error``).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        param: str | None = None,
        event_id: str | None = None,
        error_type: str = "invalid_request_error",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param
        self.event_id = event_id
        self.error_type = error_type


# --------------------------------------------------------------------------- caller side


@dataclass(frozen=True, slots=True)
class ConversationStarted:
    conversation_id: str
    lang: str


@dataclass(frozen=True, slots=True)
class SpeechStarted:
    """The caller started a new item (also sent when they barge in over the agent)."""

    item_id: str
    audio_start_ms: float


@dataclass(frozen=True, slots=True)
class SpeechStopped:
    item_id: str
    audio_end_ms: float


@dataclass(frozen=True, slots=True)
class InputCommitted:
    item_id: str
    previous_item_id: str | None


@dataclass(frozen=True, slots=True)
class InputCleared:
    pass


@dataclass(frozen=True, slots=True)
class TranscriptionCompleted:
    item_id: str
    transcript: str
    duration_s: float
    language: str


@dataclass(frozen=True, slots=True)
class TranscriptionFailed:
    item_id: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class TurnInsights:
    """A customer turn was stored: its insights and the next best action."""

    item_id: str
    transcript: str
    insights: Insights
    timings_ms: dict[str, float]


# --------------------------------------------------------------------------- agent side


@dataclass(frozen=True, slots=True)
class ResponseStarted:
    response_id: str
    item_id: str
    conversation_id: str


@dataclass(frozen=True, slots=True)
class ResponseText:
    """The text of the next sentence, sent with its first audio."""

    response_id: str
    item_id: str
    delta: str


@dataclass(frozen=True, slots=True)
class ResponseAudio:
    """Agent audio at the call's output rate. ``end_ms`` is the position in the item's audio
    after this piece: a transport that learns what was played reports it back with
    :meth:`Call.played` (the Twilio transport's marks)."""

    response_id: str
    item_id: str
    samples: Int16Array
    end_ms: float


@dataclass(frozen=True, slots=True)
class ResponsePaused:
    """The caller talks over the agent and is being listened to: no agent audio is sent
    until :class:`ResponseResumed` (or :class:`ResponseDone`, an interruption). The caller
    has heard the item's audio up to ``audio_end_ms`` (the server's estimate, or what the
    transport reported); ``sent_ms`` of it was sent. A transport that can drop the audio
    it holds (a carrier's ``clear``) does so now; what it dropped is sent again on resume."""

    response_id: str
    item_id: str
    audio_end_ms: float
    sent_ms: float


@dataclass(frozen=True, slots=True)
class ResponseResumed:
    """The speech over the agent was no interruption: its audio goes on from
    ``audio_start_ms`` of the item after ``paused_ms`` of pause."""

    response_id: str
    item_id: str
    audio_start_ms: float
    paused_ms: float


@dataclass(frozen=True, slots=True)
class ResponseDone:
    """The response ended. Unless ``status`` is ``completed`` the transport must drop any
    agent audio it still holds (the caller barged in, the response was cancelled or the
    call is ending): ``heard`` is what was played."""

    response_id: str
    item_id: str
    conversation_id: str
    status: ResponseStatus
    heard: str
    reason: str | None


@dataclass(frozen=True, slots=True)
class ResponseTimings:
    item_id: str | None
    response_id: str
    timings_ms: dict[str, float]


@dataclass(frozen=True, slots=True)
class ItemTruncated:
    item_id: str
    audio_end_ms: int


@dataclass(frozen=True, slots=True)
class ErrorRaised:
    """Something the transport's client should hear about; the call goes on."""

    error: CallError


@dataclass(frozen=True, slots=True)
class CallEnded:
    """The call is over (hang-up, hand-off, timeout or error): close the connection.
    Emitted by the core when *it* ends the call (a transport that hung up knows)."""

    reason: EndReason
    conversation_id: str | None


CallEvent = (
    ConversationStarted
    | SpeechStarted
    | SpeechStopped
    | InputCommitted
    | InputCleared
    | TranscriptionCompleted
    | TranscriptionFailed
    | TurnInsights
    | ResponseStarted
    | ResponseText
    | ResponseAudio
    | ResponsePaused
    | ResponseResumed
    | ResponseDone
    | ResponseTimings
    | ItemTruncated
    | ErrorRaised
    | CallEnded
)
