"""``Idempotency-Key`` on ``POST .../messages`` and ``.../outcome``: a retried request gets the
same reply and its turn is stored once.

The key is stored with the write it guards, in the same SQLite transaction (the customer turn,
or the outcome), per tenant, for a day (:data:`~voice_agent.store.base.IDEMPOTENCY_TTL_S`).
A retry is answered from what was stored, so the first answer and the replay are built by the
same functions (:func:`message_reply`). The same key with another request (method, path or
body) is refused with ``idempotency_key_reused``. No I/O here.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from voice_agent.core.conversation import Conversation, Turn
from voice_agent.errors import Conflict, InvalidRequest
from voice_agent.store.base import StoredIdempotency

HEADER: Final = "idempotency-key"
MAX_KEY_CHARS: Final = 255
_KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_CHARS}}}")


def idempotency_key(headers: Mapping[str, str]) -> str | None:
    """The request's ``Idempotency-Key`` (``None`` without one); 422 ``invalid_idempotency_key``
    unless it is 1 to 255 visible ASCII characters."""
    value = headers.get(HEADER)
    if value is None:
        return None
    if not _KEY.fullmatch(value):
        raise InvalidRequest(
            f"Idempotency-Key must be 1 to {MAX_KEY_CHARS} visible ASCII characters",
            code="invalid_idempotency_key",
            status=422,
        )
    return value


def request_hash(method: str, path: str, body: Mapping[str, Any]) -> str:
    """What a request asked, as a hash (the body canonical: keys sorted)."""
    canonical = json.dumps(
        [method.upper(), path, body], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def check_same_request(stored: StoredIdempotency, digest: str) -> None:
    """422 ``idempotency_key_reused`` if ``stored`` was made by another request."""
    if stored.request_hash != digest:
        raise InvalidRequest(
            "this Idempotency-Key was used for another request; use a new key",
            code="idempotency_key_reused",
            status=422,
        )


def message_reply(conversation_id: str, customer: Turn, agent: Turn) -> dict[str, Any]:
    """The answer of ``POST .../messages`` for a stored customer turn and the reply to it."""
    return {
        "conversation_id": conversation_id,
        "turn": customer.index,
        "reply": {"text": agent.text},
        "insights": customer.insights.to_json() if customer.insights else None,
        "timings_ms": {
            # generator_fallback: how turns stored before schema 4 marked a fallback
            k: round(v, 3)
            for k, v in agent.timings_ms.items()
            if k != "generator_fallback"
        },
        **({"generation": agent.generation.to_json()} if agent.generation else {}),
    }


def replayed_message(conv: Conversation, stored: StoredIdempotency) -> dict[str, Any]:
    """The answer a stored ``message`` gave; 409 ``idempotent_request_incomplete`` when the
    server stopped after storing the customer turn and before storing the reply."""
    index = stored.turn_index
    turns = {t.index: t for t in conv.turns}
    customer = turns.get(index) if index is not None else None
    agent = turns.get(index + 1) if index is not None else None
    if customer is None or agent is None or agent.role != "agent":
        raise Conflict(
            "the message with this Idempotency-Key was stored but the server stopped before "
            "the reply; it will not be stored again: send the next message",
            code="idempotent_request_incomplete",
        )
    return message_reply(conv.id, customer, agent)
