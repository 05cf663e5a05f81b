"""The goodbye of a call the server cuts: the playbook's ``shutdown`` line, or the bundled
one when a playbook has none."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from voice_agent.core.labels import LANGS, Lang
from voice_agent.playbook import default_playbook_path, load_playbook, parse_playbook
from voice_agent.playbook.shutdown import FALLBACK, shutdown_line


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    data = yaml.safe_load(default_playbook_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("lang", LANGS)
def test_the_bundled_playbook_has_a_goodbye_per_language(lang: Lang) -> None:
    pb = load_playbook()
    line = pb.content[lang].shutdown
    assert line is not None and line == shutdown_line(pb, lang)
    assert "{" not in line


def test_the_goodbyes_are_in_their_language() -> None:
    pb = load_playbook()
    assert "sorry" in shutdown_line(pb, "en").lower()
    assert "lo siento" in shutdown_line(pb, "es").lower()
    assert "lo siento" in FALLBACK["es"].lower() and "sorry" in FALLBACK["en"].lower()


@pytest.mark.parametrize("lang", LANGS)
def test_a_playbook_without_a_goodbye_loads_and_falls_back_to_the_bundled_line(
    base: dict[str, Any], lang: Lang
) -> None:
    data = copy.deepcopy(base)
    for content in data["content"].values():
        del content["shutdown"]
    pb = parse_playbook(yaml.safe_dump(data, allow_unicode=True))
    assert pb.content[lang].shutdown is None
    assert shutdown_line(pb, lang) == FALLBACK[lang]
    assert shutdown_line(None, lang) == FALLBACK[lang]


def test_placeholders_are_filled_in(base: dict[str, Any]) -> None:
    data = copy.deepcopy(base)
    data["content"]["en"]["shutdown"] = "This is {agent_name} from {company}: sorry, call back."
    pb = parse_playbook(yaml.safe_dump(data, allow_unicode=True))
    name = pb.content["en"].agent_name
    assert shutdown_line(pb, "en") == f"This is {name} from Altura Coaching: sorry, call back."
