"""The streaming sentence splitter."""

from __future__ import annotations

import pytest

from voice_agent.generation.sentences import SentenceSplitter, split_sentences

CASES = [
    ("Hello there. How are you?", ["Hello there.", "How are you?"]),
    ("Dr. Smith will see you. Thanks!", ["Dr. Smith will see you.", "Thanks!"]),
    ("It costs $2,100.50 a month. Deal?", ["It costs $2,100.50 a month.", "Deal?"]),
    ("Version 1.5 is out. Nice.", ["Version 1.5 is out.", "Nice."]),
    ("Hola, ¿cómo estás? ¡Qué bien! Sigamos.", ["Hola, ¿cómo estás?", "¡Qué bien!", "Sigamos."]),
    ("¿Te parece bien? Perfecto.", ["¿Te parece bien?", "Perfecto."]),
    (
        "La Sra. Pérez y el Dr. Gómez llegaron. Bien.",
        ["La Sra. Pérez y el Dr. Gómez llegaron.", "Bien."],
    ),
    ("We track e.g. sleep and energy. Done.", ["We track e.g. sleep and energy.", "Done."]),
    ("J. Smith signed up. Great.", ["J. Smith signed up.", "Great."]),
    ("Well... maybe later. Sure.", ["Well... maybe later.", "Sure."]),
    ('She said "yes." Then she left.', ['She said "yes."', "Then she left."]),
    ("Really?! Wow.", ["Really?!", "Wow."]),
    ("First line\nSecond line", ["First line", "Second line"]),
    ("It starts at 9 a.m. tomorrow. Ok.", ["It starts at 9 a.m. tomorrow.", "Ok."]),
    ("No trailing punctuation", ["No trailing punctuation"]),
    ("  spaced   out .  Next  ", ["spaced out .", "Next"]),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_whole_text(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_streamed_one_character_at_a_time(text: str, expected: list[str]) -> None:
    splitter = SentenceSplitter()
    out: list[str] = []
    for ch in text:
        out += splitter.push(ch)
    out += splitter.flush()
    assert out == expected


def test_emits_as_soon_as_a_sentence_is_complete() -> None:
    splitter = SentenceSplitter()
    assert splitter.push("Great question") == []
    assert splitter.push("! The program") == ["Great question!"]
    assert splitter.pending == " The program"
    assert splitter.push(" costs $790") == []
    # a period at the end of a delta may be a decimal point or an abbreviation: wait
    assert splitter.push(" a month.") == []
    assert splitter.push(" Shall") == ["The program costs $790 a month."]
    assert splitter.flush() == ["Shall"]
    assert splitter.flush() == []


def test_waits_for_the_next_word_after_a_title() -> None:
    splitter = SentenceSplitter()
    assert splitter.push("Talk to Dr.") == []
    assert splitter.push(" ") == []
    # after a plain word, a period and a space end the sentence at once
    assert splitter.push("Lee today. ") == ["Talk to Dr. Lee today."]
    assert splitter.push("Ok") == []


def test_waits_for_the_next_word_after_an_ellipsis_or_a_dotted_word() -> None:
    splitter = SentenceSplitter()
    assert splitter.push("Well... ") == []
    assert splitter.push("maybe later. ") == ["Well... maybe later."]
    assert splitter.push("See you at 9 a.m. ") == []
    assert splitter.push("Tomorrow works") == ["See you at 9 a.m."]
    assert splitter.flush() == ["Tomorrow works"]


def test_tokens_split_inside_numbers() -> None:
    splitter = SentenceSplitter()
    out: list[str] = []
    for token in ["It is $2", ",100", ".", "50 per", " year", ". ", "Yes", "."]:
        out += splitter.push(token)
    out += splitter.flush()
    assert out == ["It is $2,100.50 per year.", "Yes."]


def test_long_run_on_is_cut_at_a_comma() -> None:
    text = "we plan your week, " * 20
    splitter = SentenceSplitter(max_chars=80)
    out = splitter.push(text) + splitter.flush()
    assert len(out) > 1
    assert all(len(s) <= 80 for s in out)
    assert all(s.endswith(",") for s in out[:-1])
    assert " ".join(out) == " ".join(text.split())


def test_max_chars_must_be_sensible() -> None:
    with pytest.raises(ValueError, match="max_chars"):
        SentenceSplitter(max_chars=5)
