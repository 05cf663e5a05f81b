"""Building the configured generator."""

from __future__ import annotations

import pytest

from voice_agent.generation.factory import GeneratorConfigError, build_generator
from voice_agent.generation.llm import LLMGenerator
from voice_agent.generation.playbook import PlaybookGenerator
from voice_agent.playbook import Playbook, load_playbook


@pytest.fixture(scope="module")
def pb() -> Playbook:
    return load_playbook()


def test_playbook_generator(pb: Playbook) -> None:
    gen = build_generator("playbook", pb)
    assert isinstance(gen, PlaybookGenerator)
    assert gen.name == "playbook"


async def test_llm_generator(pb: Playbook) -> None:
    gen = build_generator(
        "llm",
        pb,
        llm_base_url="http://127.0.0.1:9/v1",
        llm_model="m",
        llm_timeout_s=3.0,
        llm_first_token_timeout_s=1.0,
    )
    assert isinstance(gen, LLMGenerator)
    assert gen.name == "llm"
    assert gen.model == "m"
    assert (gen.timeout_s, gen.first_token_timeout_s) == (3.0, 1.0)
    assert str(gen.client.base_url).startswith("http://127.0.0.1:9/v1")
    await gen.aclose()


@pytest.mark.parametrize(
    ("kind", "kwargs", "setting"),
    [
        ("gpt", {}, "generator"),
        ("llm", {"llm_base_url": "http://x/v1"}, "llm_model"),
        (
            "llm",
            {"llm_base_url": "http://x/v1", "llm_model": "m", "llm_timeout_s": 0},
            "llm_timeout_s",
        ),
        (
            "llm",
            {"llm_base_url": "http://x/v1", "llm_model": "m", "llm_first_token_timeout_s": -1},
            "llm_first_token_timeout_s",
        ),
    ],
)
def test_bad_settings(pb: Playbook, kind: str, kwargs: dict[str, object], setting: str) -> None:
    with pytest.raises(GeneratorConfigError) as info:
        build_generator(kind, pb, **kwargs)  # type: ignore[arg-type]
    assert info.value.code == "generator_config"
    assert str(info.value).startswith(f"{setting}:")


def test_llm_without_key_or_url(pb: Playbook, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(GeneratorConfigError, match="llm_api_key"):
        build_generator("llm", pb, llm_model="m")
