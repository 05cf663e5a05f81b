"""Idempotency-Key: header checks, request hashes, replies rebuilt from stored turns."""

from __future__ import annotations

import pytest

from voice_agent.api.idempotency import (
    check_same_request,
    idempotency_key,
    message_reply,
    replayed_message,
    request_hash,
)
from voice_agent.core.conversation import Conversation
from voice_agent.errors import Conflict, InvalidRequest
from voice_agent.store.base import StoredIdempotency


def test_the_header_is_optional_and_checked() -> None:
    assert idempotency_key({}) is None
    assert idempotency_key({"idempotency-key": "abc-123_~"}) == "abc-123_~"
    for bad in ("", "a b", "x" * 256, "\x00"):
        with pytest.raises(InvalidRequest) as err:
            idempotency_key({"idempotency-key": bad})
        assert (err.value.code, err.value.status) == ("invalid_idempotency_key", 422)


def test_request_hash_is_canonical_and_tells_requests_apart() -> None:
    a = request_hash("post", "/v1/conversations/c/messages", {"text": "hi", "x": 1})
    assert a == request_hash("POST", "/v1/conversations/c/messages", {"x": 1, "text": "hi"})
    assert a != request_hash("POST", "/v1/conversations/d/messages", {"text": "hi", "x": 1})
    assert a != request_hash("POST", "/v1/conversations/c/messages", {"text": "ho", "x": 1})
    stored = StoredIdempotency(a, "message", "c", 0, 1.0)
    check_same_request(stored, a)
    with pytest.raises(InvalidRequest) as err:
        check_same_request(stored, "other")
    assert (err.value.code, err.value.status) == ("idempotency_key_reused", 422)


def test_the_replay_is_built_like_the_first_reply() -> None:
    conv = Conversation(id="c", lang="en")
    conv.add_turn("agent", "Hi", 1.0)
    customer = conv.add_turn("customer", "too pricey", 2.0)
    agent = conv.add_turn("agent", "I hear you.", 3.0)
    agent.timings_ms = {"total": 1.23456, "generator_fallback": 1.0}
    first = message_reply("c", customer, agent)
    assert first["timings_ms"] == {"total": 1.235}
    assert replayed_message(conv, StoredIdempotency("h", "message", "c", 1, 2.0)) == first


def test_a_message_stored_without_its_reply_is_not_stored_again() -> None:
    conv = Conversation(id="c", lang="en")
    conv.add_turn("agent", "Hi", 1.0)
    conv.add_turn("customer", "too pricey", 2.0)
    with pytest.raises(Conflict) as err:
        replayed_message(conv, StoredIdempotency("h", "message", "c", 1, 2.0))
    assert err.value.code == "idempotent_request_incomplete"
