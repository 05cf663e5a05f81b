"""What the caller says over the agent: interruption, backchannel, or not yet known."""

from __future__ import annotations

import pytest

from voice_agent.call.interruption import (
    FORMING_MS,
    Verdict,
    has_cue,
    is_backchannel,
    judge,
    judge_prompt,
)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mm-hm.", "en"),
        ("Uh-huh", "en"),
        ("yeah", "en"),
        ("OK.", "en"),
        ("Yeah, yeah. Okay.", "en"),
        ("Yeah, yeah, sure.", "en"),
        ("Mhm", "en"),
        ("Ha ha ha.", "en"),
        ("Ajá.", "es"),
        ("Sí, claro.", "es"),
        ("Sí, sí.", "es"),
        ("ya", "es"),
        ("Vale, vale.", "es"),
        ("aja", "es"),
        ("¡Jajaja!", "es"),
        ("Claro que sí.", "es"),
        ("¡Cómo no!", "es"),
        ("Órale.", "es"),
        ("", "en"),
        ("...", "es"),
        ("De acuerdo.", "es"),
        ("I see.", "en"),
    ],
)
def test_backchannels(text: str, lang: str) -> None:
    assert is_backchannel(text, lang)
    assert judge(text, lang) is (Verdict.BACKCHANNEL if text.strip(".") else Verdict.UNSURE)
    assert judge(text, lang, final=True) is Verdict.BACKCHANNEL


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Yeah, but it's too expensive.", "en"),
        ("Wait, stop.", "en"),
        ("Wait.", "en"),
        ("Hold on.", "en"),
        ("How much is it?", "en"),
        ("No.", "en"),
        ("No, no.", "en"),
        ("Sorry, can I ask something?", "en"),
        ("Sí, pero es muy caro.", "es"),
        ("Espera", "es"),
        ("Para, para.", "es"),
        ("Un momento.", "es"),
        ("Perdón, una pregunta.", "es"),
        ("No, no.", "es"),
        ("¿Cuánto cuesta?", "es"),
        ("Oye, espera.", "es"),
    ],
)
def test_interruptions_stop_the_agent_as_soon_as_heard(text: str, lang: str) -> None:
    assert not is_backchannel(text, lang)
    assert judge(text, lang) is Verdict.INTERRUPT
    assert judge(text, lang, final=True) is Verdict.INTERRUPT


@pytest.mark.parametrize(
    ("text", "lang"),
    [("tell me more", "en"), ("me gusta la idea", "es"), ("ok ok ok ok ok ok ok", "en")],
)
def test_content_interrupts(text: str, lang: str) -> None:
    assert not is_backchannel(text, lang)
    assert judge(text, lang) is Verdict.INTERRUPT


@pytest.mark.parametrize(("text", "lang"), [("Ye", "en"), ("Tengo", "es"), ("", "en")])
def test_one_word_of_content_or_nothing_waits_for_more(text: str, lang: str) -> None:
    assert judge(text, lang) is Verdict.UNSURE


def test_the_last_judgement_decides() -> None:
    assert judge("Tell me", "en", final=True) is Verdict.INTERRUPT
    assert judge("", "en", final=True) is Verdict.BACKCHANNEL
    assert judge("Ye", "en", final=True) is Verdict.INTERRUPT
    # single letters are fragments ("sí" misheard as "C"), not content
    assert judge("C, C, C.", "es", final=True) is Verdict.BACKCHANNEL
    assert judge("C, C, C.", "es") is Verdict.BACKCHANNEL  # letters: fragments, no content
    assert judge("En D", "es") is Verdict.UNSURE  # the start of "entiendo"


@pytest.mark.parametrize(
    ("text", "lang"), [("claron", "es"), ("¡Yaméo!", "es"), ("Absolutely.", "en"), ("Ye", "en")]
)
def test_one_word_alone_over_a_playing_reply_is_an_acknowledgement(text: str, lang: str) -> None:
    # the speech model's version of an acknowledgement, said while the agent's reply plays
    assert judge(text, lang, final=True, speaking=True) is Verdict.BACKCHANNEL
    # while the agent only prepares its answer, it is the caller going on
    assert judge(text, lang, final=True) is Verdict.INTERRUPT
    # and not before the caller has stopped
    assert judge(text, lang, speaking=True) is Verdict.UNSURE


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Price?", "en"), ("¿Precio?", "es"), ("Tell me", "en"), ("wait", "en"), ("Espera", "es")],
)
def test_a_question_cue_or_two_words_still_stop_a_playing_reply(text: str, lang: str) -> None:
    assert judge(text, lang, final=True, speaking=True) is Verdict.INTERRUPT


def test_cue_words_inside_an_acknowledgement_do_not_count() -> None:
    assert not has_cue("claro que sí", "es")
    assert not has_cue("cómo no", "es")
    assert has_cue("sí, pero cuánto cuesta", "es")
    assert has_cue("yeah, wait", "en")


@pytest.mark.parametrize(
    ("text", "lang"),
    [("En T Enti", "es"), ("Perfé que tomo.", "es"), ("Ab so lu", "en"), ("tell me more", "en")],
)
def test_words_of_content_in_the_first_half_second_wait_for_more(text: str, lang: str) -> None:
    # the start of one word written as several: not yet two words
    assert judge(text, lang, heard_ms=FORMING_MS - 1) is Verdict.UNSURE
    assert judge(text, lang, heard_ms=FORMING_MS) is Verdict.INTERRUPT
    assert judge(text, lang) is Verdict.INTERRUPT  # how long unknown: as before
    # the caller stopped: the words are what they are
    assert judge(text, lang, final=True, heard_ms=300) is Verdict.INTERRUPT


@pytest.mark.parametrize(
    ("text", "lang"), [("wait", "en"), ("no", "en"), ("Para...", "es"), ("¿Cuánto?", "es")]
)
def test_a_cue_interrupts_however_little_was_heard(text: str, lang: str) -> None:
    assert judge(text, lang, heard_ms=224) is Verdict.INTERRUPT


def test_an_acknowledgement_in_the_first_half_second_is_one() -> None:
    assert judge("ya", "es", heard_ms=224) is Verdict.BACKCHANNEL
    assert judge("mm-hm", "en", heard_ms=224) is Verdict.BACKCHANNEL


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("¿Qué es?", True),
        ("Qué incluye", True),  # accented: asked, even without the marks
        ("Cómo funciona", True),
        ("¿cuanto cuesta?", True),  # asked, even without the accent
        ("por que", True),  # "por qué" without its accent is still "why"
        ("clamo que sí", False),  # "claro que sí" misheard: a conjunction
        ("como te decía", False),
        ("ya sé que", False),
        ("cuanto antes", False),
    ],
)
def test_spanish_question_words_are_cues_only_when_asked(text: str, cue: bool) -> None:
    assert has_cue(text, "es") is cue
    if not cue:  # words of content, still being said: wait for more
        assert judge(text, "es", heard_ms=400) is Verdict.UNSURE


def test_the_agents_own_words_are_no_cue() -> None:
    agent = "What would you like to change today?"
    assert judge("What", "en", agent_text=agent) is Verdict.UNSURE  # a fragment of its echo
    assert judge("Wait, what", "en", agent_text=agent) is Verdict.INTERRUPT


def test_unknown_language_knows_every_phrase() -> None:
    assert is_backchannel("vale", "fr")
    assert judge("espera", "fr") is Verdict.INTERRUPT


def test_the_speech_models_context_over_the_agent() -> None:
    es = judge_prompt("es")
    assert es is not None and judge_prompt("es-MX") == es
    assert judge_prompt("en") is None  # tiny.en hears its acknowledgements as they are
    # every phrase is one the judge knows, and it ends in no question (a sound was heard
    # as the last phrase when that was a question)
    phrases = [p for p in es.replace(",", ".").split(".") if p.strip()]
    assert all(is_backchannel(p, "es") or has_cue(p, "es") for p in phrases), phrases
    assert "?" not in es
