"""Build the configured response generator."""

from __future__ import annotations

import os

from voice_agent.generation.base import ResponseGenerator
from voice_agent.generation.circuit import DEFAULT_FAILURES, DEFAULT_OPEN_S, CircuitBreaker
from voice_agent.generation.llm import LLMGenerator
from voice_agent.generation.playbook import PlaybookGenerator
from voice_agent.playbook.schema import Playbook

GENERATOR_KINDS = ("playbook", "llm")


class GeneratorConfigError(ValueError):
    """The generator settings are unusable; ``code`` is stable, the message names the
    setting."""

    code = "generator_config"


def build_generator(
    kind: str,
    playbook: Playbook,
    *,
    llm_base_url: str | None = None,
    llm_api_key: str | None = None,
    llm_model: str | None = None,
    llm_timeout_s: float = 4.0,
    llm_first_token_timeout_s: float | None = None,
    llm_circuit_failures: int = DEFAULT_FAILURES,
    llm_circuit_open_s: float = DEFAULT_OPEN_S,
) -> ResponseGenerator:
    """``"playbook"`` (deterministic, offline, the default) or ``"llm"`` (an OpenAI-compatible
    Chat Completions server at ``llm_base_url``, which falls back to the playbook per turn).
    For ``"llm"``, the API key defaults to ``$OPENAI_API_KEY`` and may be omitted for local
    servers that need none when ``llm_base_url`` is given."""
    if kind == "playbook":
        return PlaybookGenerator(playbook)
    if kind != "llm":
        raise GeneratorConfigError(
            f"generator: unknown kind {kind!r} (expected one of: {', '.join(GENERATOR_KINDS)})"
        )
    if not llm_model:
        raise GeneratorConfigError("llm_model: must be set when generator is 'llm'")
    if llm_timeout_s <= 0:
        raise GeneratorConfigError("llm_timeout_s: must be a positive number of seconds")
    if llm_first_token_timeout_s is not None and llm_first_token_timeout_s <= 0:
        raise GeneratorConfigError(
            "llm_first_token_timeout_s: must be a positive number of seconds"
        )
    if llm_circuit_failures < 1:
        raise GeneratorConfigError("llm_circuit_failures: must be at least 1")
    if llm_circuit_open_s <= 0:
        raise GeneratorConfigError("llm_circuit_open_s: must be a positive number of seconds")
    api_key = llm_api_key or os.environ.get("OPENAI_API_KEY")
    if not api_key and not llm_base_url:
        raise GeneratorConfigError(
            "llm_api_key: must be set (or OPENAI_API_KEY) when no llm_base_url is given"
        )
    return LLMGenerator(
        playbook,
        model=llm_model,
        base_url=llm_base_url,
        api_key=api_key,
        timeout_s=llm_timeout_s,
        first_token_timeout_s=llm_first_token_timeout_s,
        circuit=CircuitBreaker(llm_circuit_failures, llm_circuit_open_s),
    )
