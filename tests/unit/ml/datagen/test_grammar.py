import random

import pytest

from ml.datagen.grammar import GrammarError, expand, parse


def test_alternatives_and_slots_expand() -> None:
    lex = {"who": ["my wife", "my {boss|manager}"]}
    seen = {expand("i {need|have} to ask <who>", random.Random(i), lex) for i in range(200)}
    assert "i need to ask my wife" in seen
    assert "i have to ask my manager" in seen
    assert all(s.startswith("i ") and "{" not in s and "<" not in s for s in seen)


def test_empty_alternative_and_whitespace_collapse() -> None:
    out = {expand("a {b|} c", random.Random(i), {}) for i in range(50)}
    assert out == {"a b c", "a c"}


def test_contraction_alternative_glues_to_previous_word() -> None:
    out = {expand("i {have|'ve got} it", random.Random(i), {}) for i in range(50)}
    assert out == {"i have it", "i've got it"}


def test_number_marker_in_range() -> None:
    for i in range(50):
        text = expand("<n:3-5>", random.Random(i), {})
        assert text.startswith("#") and text.endswith("#")
        assert 3 <= int(text.strip("#")) <= 5


@pytest.mark.parametrize("bad", ["a {b|c", "a b}", "a | b", "<open"])
def test_malformed_templates_raise(bad: str) -> None:
    with pytest.raises(GrammarError):
        parse(bad)


def test_unknown_slot_raises() -> None:
    with pytest.raises(GrammarError, match="missing"):
        expand("ask <missing>", random.Random(0), {})
