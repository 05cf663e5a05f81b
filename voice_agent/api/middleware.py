"""Per-key limits on the REST API, as pure ASGI middleware (:mod:`voice_agent.limits`).

Every ``/v1/`` HTTP request carrying a valid API key takes a token from its key's bucket
(``VOICE_AGENT_RATE_LIMIT_RPS``, ``VOICE_AGENT_RATE_LIMIT_BURST``) or is answered 429
``rate_limited``; a request that creates a conversation (``POST /v1/conversations``, and
``POST /v1/realtime/client_secrets``: the session it opens is one) also counts against the
key's quota for the UTC day (``VOICE_AGENT_DAILY_CONVERSATIONS_PER_KEY``), 429
``quota_exceeded`` when spent, given back when the request fails. Both answers carry
``Retry-After``. Requests without a valid key pass through untouched: the handlers refuse
them (401) and they never get a bucket, so made-up keys cannot grow memory. Keys are known
by :func:`~voice_agent.limits.key_id` only.
"""

from __future__ import annotations

from typing import Final

import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from voice_agent.api.auth import CLIENT_SECRET_PREFIX, presented_key
from voice_agent.errors import Limited, VoiceAgentError
from voice_agent.limits import Limits, key_id
from voice_agent.services import Services

log = structlog.get_logger("voice_agent.api.limits")

#: Requests that create a conversation (counted against the daily quota).
CREATES_CONVERSATION: Final = frozenset(
    {("POST", "/v1/conversations"), ("POST", "/v1/realtime/client_secrets")}
)


def rest_key(headers: Headers) -> str | None:
    """The API key a request carries, if any (client secrets and bad headers: ``None``)."""
    try:
        key = presented_key(headers)
    except VoiceAgentError:
        return None
    return None if key.startswith(CLIENT_SECRET_PREFIX) else key


class LimitsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not str(scope["path"]).startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        svc: Services = scope["app"].state.services
        key = rest_key(Headers(scope=scope))
        if key is None or not svc.keys.valid(key):
            await self.app(scope, receive, send)
            return
        kid = key_id(key)
        creates = (scope["method"], scope["path"]) in CREATES_CONVERSATION
        refused = refusal(svc.limits, kid, creates=creates)
        if refused is not None:
            # a rate limit is routine (debug); a spent daily quota is news (info)
            note = log.debug if refused.code == "rate_limited" else log.info
            note(refused.code, key=kid, path=scope["path"])
            from voice_agent.api.app import error_response

            await error_response(refused)(scope, receive, send)
            return
        if not creates:
            await self.app(scope, receive, send)
            return
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            if not 200 <= status < 300:
                svc.limits.conversations.refund(kid)


def refusal(limits: Limits, kid: str, *, creates: bool) -> Limited | None:
    """Why a request of the key ``kid`` is refused (429), or ``None``: it takes a token from
    the key's bucket and, when it ``creates`` a conversation, one from its daily quota."""
    wait = limits.rest.take(kid)
    if wait is not None:
        return Limited(
            f"too many requests for this API key (VOICE_AGENT_RATE_LIMIT_RPS="
            f"{limits.cfg.rest_rps:g}, burst {limits.cfg.rest_burst:g})",
            retry_after_s=wait,
        )
    wait = limits.conversations.take(kid) if creates else None
    if wait is not None:
        return Limited(
            f"this API key has created its {limits.cfg.daily_conversations_per_key}"
            " conversations for today (VOICE_AGENT_DAILY_CONVERSATIONS_PER_KEY);"
            " the quota resets at midnight UTC",
            retry_after_s=wait,
            code="quota_exceeded",
        )
    return None


__all__ = ["CREATES_CONVERSATION", "LimitsMiddleware", "refusal", "rest_key"]
