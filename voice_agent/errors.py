"""Every error the server reports on the wire, with its code and HTTP status."""

from __future__ import annotations

from typing import Any


class VoiceAgentError(Exception):
    """An error with a stable machine-readable ``code`` and a human message."""

    code = "internal_error"
    status = 500

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message}}


class InvalidRequest(VoiceAgentError):
    code = "invalid_request"
    status = 400


class PayloadTooLarge(VoiceAgentError):
    code = "payload_too_large"
    status = 413


class Unauthorized(VoiceAgentError):
    code = "unauthorized"
    status = 401


class Forbidden(VoiceAgentError):
    code = "forbidden"
    status = 403


class NotFound(VoiceAgentError):
    code = "not_found"
    status = 404


class Conflict(VoiceAgentError):
    code = "conflict"
    status = 409


class ConversationNotFound(NotFound):
    code = "conversation_not_found"

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"no conversation with id {conversation_id!r}")


class ShuttingDown(VoiceAgentError):
    """A new call or conversation while the server is stopping (SIGTERM)."""

    code = "shutting_down"
    status = 503


class ConversationEnded(Conflict):
    code = "conversation_ended"

    def __init__(self, conversation_id: str) -> None:
        super().__init__(f"conversation {conversation_id!r} has ended; start a new one")


class ConcurrentTurn(Conflict):
    """Another request (on another instance) stored a turn of the conversation at the same
    time; nothing of this one was stored: retry it."""

    code = "concurrent_turn"

    def __init__(self, conversation_id: str) -> None:
        super().__init__(
            f"conversation {conversation_id!r} changed while this turn was under way"
            " (another request); nothing was stored: retry"
        )


class Limited(VoiceAgentError):
    """Refused by a limit (:mod:`voice_agent.limits`): ``rate_limited`` or ``quota_exceeded``
    (429), ``capacity_exceeded`` (503); ``retry_after_s`` becomes ``Retry-After``."""

    code = "rate_limited"
    status = 429

    def __init__(
        self,
        message: str,
        *,
        retry_after_s: float,
        code: str | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(message, code=code, status=status)
        self.retry_after_s = retry_after_s


class ConfigError(Exception):
    """Raised at start-up for bad settings; the message names the setting and the problem."""
