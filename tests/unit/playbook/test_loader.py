"""Malformed playbooks are rejected with a message naming the file, the field and the problem."""

# ruff: noqa: E501  (the table of cases reads best one case per line)

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from voice_agent.playbook import PlaybookError, load_playbook, parse_playbook
from voice_agent.playbook.loader import PLAYBOOK_ENV, default_playbook_path

BUNDLED = Path(__file__).resolve().parents[3] / "config" / "playbooks" / "altura.yaml"


@pytest.fixture(scope="module")
def base() -> dict[str, Any]:
    data = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _write(tmp_path: Path, data: Any, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _drop(path: str) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = data
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return mutate


def _append(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(data: dict[str, Any]) -> None:
        node: Any = data
        for part in path.split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        node.append(value)

    return mutate


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str, str]] = [
    ("negative price", _set("programs/1/price", -5), "programs[1].price", "must be a positive number"),
    ("zero price", _set("programs/1/price", 0), "programs[1].price", "must be a positive number"),
    ("text price", _set("programs/0/price", "cheap"), "programs[0].price", "valid number"),
    ("trial price", _set("trial/price", -1), "trial.price", "must be a positive number"),
    ("missing language section", _drop("content/es"), "content", "missing section for declared language 'es'"),
    ("program text lacks a language", _drop("programs/2/text/es"), "programs[2].text", "missing section for declared language 'es'"),
    ("undeclared language", _set("languages", ["en"]), "content.es", "language 'es' is not declared"),
    ("unsupported language", _set("languages", ["en", "es", "fr"]), "languages[2]", "unsupported language 'fr'"),
    ("missing objection label", _drop("content/en/objections/skepticism"), "content.en.objections", "missing entry for objection label 'skepticism'"),
    ("unknown objection label", _set("content/es/objections/pricing", ["Hola."]), "content.es.objections.pricing", "unknown objection label 'pricing'"),
    ("missing value statement", _drop("content/es/value_statements/rehab"), "content.es.value_statements", "missing entry for need label 'rehab'"),
    ("unknown placeholder", _append("content/es/objections/price", "Claro, {foo}."), "content.es.objections.price[4]", "unknown placeholder {foo}"),
    ("attribute placeholder", _set("content/en/closing/0", "Join {program_name.upper} now."), "content.en.closing[0]", "not a plain name"),
    ("unbalanced brace", _set("content/en/closing/0", "Join {program_name now."), "content.en.closing[0]", "bad template"),
    ("unknown need of a program", _append("programs/2/needs", "weigth_loss"), "programs[2].needs[3]", "unknown need label 'weigth_loss'"),
    ("typo in a program key", _set("programs/2/prize", 10), "programs[2].prize", "unknown key 'prize'"),
    ("typo in a top-level key", _set("programms", []), "programms", "did you mean 'programs'"),
    ("typo in a language key", _set("content/en/greetings", ["Hi."]), "content.en.greetings", "did you mean 'greeting'"),
    ("missing required field", _drop("content/en/closing"), "content.en.closing", "is required"),
    ("empty slot", _set("content/en/closing", []), "content.en.closing", "must not be empty"),
    ("only lines needing the name", _set("content/en/closing", ["{customer_name}, shall we?"]), "content.en.closing", "add one that works"),
    ("unknown period", _set("programs/0/period", "year"), "programs[0].period", "'month'"),
    ("bad budget", _set("programs/0/budgets", ["huge"]), "programs[0].budgets[0]", "'low'"),
    ("duplicate id", _set("programs/1/id", "executive_energy"), "programs[1].id", "duplicate program id"),
    ("unknown default program", _set("default_program", "gold"), "default_program", "no program with id 'gold'"),
    ("wrong currency", _set("programs/3/currency", "EUR"), "programs[3].currency", "must be the playbook currency USD"),
    ("program without length", _drop("programs/3/duration_weeks"), "programs[3].duration_weeks", "is required when period is 'program'"),
    ("money without amount", _set("content/es/money", "dólares"), "content.es.money", "must contain {amount}"),
    ("wrong version", _set("version", 2), "version", "1"),
    ("unknown next step", _set("next_steps/trial", "carrier_pigeon"), "next_steps.trial", "'sign_up'"),
    ("next step without lines", _drop("content/en/next_steps/sign_up"), "content.en.next_steps", "missing lines for next step 'sign_up'"),
    ("next steps missing", _drop("next_steps"), "next_steps", "is required"),
    ("no lines after a yes", _drop("content/es/after_yes"), "content.es.after_yes", "is required"),
    ("bad faq pattern", _set("content/en/faq/0/match/0", "what (is"), "content.en.faq[0].match[0]", "bad regular expression"),
    ("duplicate faq topic", _set("content/en/faq/1/topic", "included"), "content.en.faq[1].topic", "duplicate topic 'included'"),
    ("no answer to unknown questions", _drop("content/en/unknown_question"), "content.en.unknown_question", "is required"),
    ("shutdown line with a program", _set("content/en/shutdown", "Sorry, {program_name} must wait."), "content.en.shutdown", "unknown placeholder {program_name} (allowed: agent_name, company)"),
    ("shutdown line with the customer's name", _set("content/es/shutdown", "Lo siento, {customer_name}."), "content.es.shutdown", "unknown placeholder {customer_name}"),
    ("empty shutdown line", _set("content/en/shutdown", " "), "content.en.shutdown", "at least 1 character"),
    ("shutdown lines as a list", _set("content/en/shutdown", ["Sorry.", "Bye."]), "content.en.shutdown", "valid string"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("mutate", "field", "problem"),
    [pytest.param(m, f, p, id=name) for name, m, f, p in CASES],
)
def test_malformed_playbook_names_file_field_and_problem(
    tmp_path: Path,
    base: dict[str, Any],
    mutate: Callable[[dict[str, Any]], None],
    field: str,
    problem: str,
) -> None:
    data = copy.deepcopy(base)
    mutate(data)
    path = _write(tmp_path, data)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    err = info.value
    assert err.file == str(path)
    assert err.field == field
    assert problem in err.problem
    assert str(err).startswith(f"{path}: {field}: ")
    assert isinstance(err, ValueError)
    assert err.code == "playbook_invalid"


def test_message_has_the_documented_shape(tmp_path: Path, base: dict[str, Any]) -> None:
    data = copy.deepcopy(base)
    data["programs"][1]["price"] = -1
    (tmp_path / "config" / "playbooks").mkdir(parents=True)
    path = tmp_path / "config" / "playbooks" / "x.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert str(info.value) == f"{path}: programs[1].price: must be a positive number"


def test_every_problem_is_reported(tmp_path: Path, base: dict[str, Any]) -> None:
    data = copy.deepcopy(base)
    del data["content"]["en"]["objections"]["time"]
    data["content"]["es"]["closing"].append("{bar}")
    path = _write(tmp_path, data)
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    fields = [p.field for p in info.value.problems]
    assert "content.en.objections" in fields
    assert "content.es.closing[4]" in fields
    assert "content.es.closing[4]" in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert (info.value.file, info.value.field, info.value.problem) == (
        str(path),
        "(file)",
        "file not found",
    )


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("version: 1\ncompany: [unclosed\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert info.value.field == "(yaml)"
    assert "line 3" in info.value.problem or "line 2" in info.value.problem


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_root_must_be_a_mapping(text: str) -> None:
    with pytest.raises(PlaybookError) as info:
        parse_playbook(text, "inline.yaml")
    assert info.value.file == "inline.yaml"
    assert info.value.field == "(root)"


def test_yaml_is_loaded_safely(tmp_path: Path, base: dict[str, Any]) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("version: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(PlaybookError) as info:
        load_playbook(path)
    assert info.value.field == "(yaml)"


def test_default_path_is_the_bundled_playbook(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PLAYBOOK_ENV, raising=False)
    assert default_playbook_path().resolve() == BUNDLED.resolve()
    assert load_playbook().company.name == "Altura Coaching"


def test_environment_variable_selects_another_file(
    tmp_path: Path, base: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy.deepcopy(base)
    data["company"]["name"] = "Other Co"
    path = _write(tmp_path, data, "other.yaml")
    monkeypatch.setenv(PLAYBOOK_ENV, str(path))
    assert default_playbook_path() == path
    assert load_playbook().company.name == "Other Co"
    monkeypatch.setenv(PLAYBOOK_ENV, str(tmp_path / "missing.yaml"))
    with pytest.raises(PlaybookError) as info:
        load_playbook()
    assert info.value.file == str(tmp_path / "missing.yaml")
