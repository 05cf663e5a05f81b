"""Request bodies are validated strictly at the boundary."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from voice_agent.api.schemas import CreateConversation, PostMessage, PostOutcome


def test_create_defaults() -> None:
    body = CreateConversation.model_validate({})
    assert (body.lang, body.customer, body.channel) == ("en", {}, "api")


@pytest.mark.parametrize(
    "data",
    [
        {"lang": "fr"},
        {"lang": 1},
        {"customer": "bob"},
        {"channel": ""},
        {"channel": "x" * 33},
        {"channel": 3},
        {"surprise": True},
    ],
)
def test_create_rejects(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        CreateConversation.model_validate(data)


@pytest.mark.parametrize("data", [{}, {"text": 5}, {"text": None}, {"text": "hi", "x": 1}])
def test_message_rejects(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PostMessage.model_validate(data)


def test_message_accepts_text() -> None:
    assert PostMessage.model_validate({"text": "es muy caro"}).text == "es muy caro"


@pytest.mark.parametrize(
    "data",
    [{}, {"converted": "yes"}, {"converted": 1}, {"converted": True, "value": -1}, {"x": True}],
)
def test_outcome_rejects(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        PostOutcome.model_validate(data)


def test_outcome_accepts() -> None:
    body = PostOutcome.model_validate({"converted": True, "value": 149})
    assert (body.converted, body.value) == (True, 149.0)
    assert PostOutcome.model_validate({"converted": False}).value is None
