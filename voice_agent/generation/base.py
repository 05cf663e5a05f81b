"""The response generator interface: from a chosen action to the agent's reply."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, get_args

from voice_agent.core.conversation import GenerationNote, Memory
from voice_agent.core.labels import Lang, Phase
from voice_agent.core.types import Action, Insights, Utterance

GenerationError = Literal[
    "llm_first_token_timeout",
    "llm_timeout",
    "llm_api_error",
    "llm_connection_error",
    "llm_error",
    "llm_empty",
    "llm_circuit_open",
    "guardrail",
]
GENERATION_ERRORS: tuple[GenerationError, ...] = get_args(GenerationError)


@dataclass(slots=True)
class GenerationReport:
    """What happened while a reply was written, filled in by the generator: the orchestrator
    stores it on the agent turn (:meth:`note`)."""

    #: A program the reply presented (chosen by the generator), for
    #: ``memory.programs_presented``.
    program: str | None = None
    #: Why the written reply failed (``llm_timeout``, ``llm_circuit_open``, ``guardrail``...).
    error: GenerationError | None = None
    #: The generator that wrote the reply instead (the playbook) when the first one failed.
    fallback: Literal["playbook"] | None = None
    #: The reply stopped part-way (sentences had been spoken before the failure).
    truncated: bool = False
    #: The guardrail rule a written sentence broke, and what broke it (never spoken).
    guardrail: str | None = None
    guardrail_found: str | None = None
    #: The HTTP status of an API error; the exception type of a transport error.
    llm_status: int | None = None
    llm_error_type: str | None = None

    def note(self) -> GenerationNote | None:
        """What the stored agent turn keeps of it (None when the reply went as planned)."""
        if self.error is None:
            return None
        return GenerationNote(
            error=self.error,
            fallback=self.fallback,
            truncated=self.truncated,
            guardrail=self.guardrail,
            guardrail_found=self.guardrail_found,
            llm_status=self.llm_status,
        )


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
    report: GenerationReport = field(default_factory=GenerationReport)


class ResponseGenerator(Protocol):
    name: str

    def generate(self, ctx: GenerationContext) -> AsyncIterator[str]:
        """Yield the reply sentence by sentence, as soon as each is ready."""
        ...

    def greeting(self, ctx: GenerationContext) -> AsyncIterator[str]:
        """Yield the opening line(s) of a conversation."""
        ...
