"""The response generator interface: from a chosen action to the agent's reply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from voice_agent.core.conversation import Memory
from voice_agent.core.labels import Lang, Phase
from voice_agent.core.types import Action, Insights, Utterance


@dataclass(slots=True)
class GenerationContext:
    """What a generator may use. ``memory`` is the conversation's own: a generator
    records in ``memory.used_lines`` the ids of playbook lines it used, so it does not
    repeat itself."""

    action: Action
    lang: Lang
    phase: Phase
    customer: Mapping[str, Any]
    transcript: tuple[Utterance, ...]
    memory: Memory
    insights: Insights | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class ResponseGenerator(Protocol):
    name: str

    def generate(self, ctx: GenerationContext) -> AsyncIterator[str]:
        """Yield the reply sentence by sentence, as soon as each is ready."""
        ...

    def greeting(self, ctx: GenerationContext) -> AsyncIterator[str]:
        """Yield the opening line(s) of a conversation."""
        ...
