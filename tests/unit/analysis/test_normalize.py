"""Tests for voice_agent.analysis.normalize."""

from __future__ import annotations

import pytest

from voice_agent.analysis.normalize import normalize, strip_accents


def test_strip_accents_keeps_letters() -> None:
    assert strip_accents("¿Cuánto cuesta? Señora, pingüino") == "¿Cuanto cuesta? Senora, pinguino"


@pytest.mark.parametrize(
    ("raw", "lang", "expected"),
    [
        ("I'm NOT sure, um, it's uh too expensive", "en", "im not sure its too expensive"),
        ("I do not have time", "en", "i dont have time"),
        ("gonna think about it, ok?", "en", "going to think about it okay"),
        ("I I I can't", "en", "i cant"),
        ("o sea, este, no me alcanza pues", "es", "no me alcanza"),
        ("Está CARÍSIMO", "es", "esta carisimo"),
        ("este mes no puedo", "es", "este mes no puedo"),
        ("mmm ehh la neta no tengo lana", "es", "no tengo lana"),
    ],
)
def test_canonical_text(raw: str, lang: str, expected: str) -> None:
    assert normalize(raw, lang).text == expected  # type: ignore[arg-type]


def test_sentences_and_questions() -> None:
    n = normalize("How much?? That's a lot.", "en")
    assert [(s.text, s.question) for s in n.sentences] == [
        ("how much", True),
        ("thats a lot", False),
    ]
    es = normalize("¿Cuánto cuesta? Es caro", "es")
    assert [(s.text, s.question) for s in es.sentences] == [
        ("cuanto cuesta", True),
        ("es caro", False),
    ]


def test_question_without_punctuation_is_detected_by_its_opening() -> None:
    assert normalize("is it expensive", "en").sentences[0].question
    assert normalize("cuanto cuesta el programa", "es").sentences[0].question
    assert not normalize("it is expensive", "en").sentences[0].question


def test_commas_mark_clause_starts() -> None:
    (s,) = normalize("no, it's fine", "en").sentences
    assert s.text == "no its fine"
    assert s.clause_start(len("no its")) == 3


@pytest.mark.parametrize("raw", ["", "   ", "?!...", "¿¡", "\n\n", "🙂🙂"])
def test_empty_and_punctuation_only(raw: str) -> None:
    assert normalize(raw, "en").sentences == ()
    assert normalize(raw, "es").text == ""
