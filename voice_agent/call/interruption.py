"""Is the caller interrupting the agent, or only acknowledging it? Pure functions over text.

While the agent speaks, what the caller says over it is transcribed as it grows (the call
driver asks every ``TurnConfig.barge_in_step_ms`` of voiced speech) and judged here:

* an **interruption** stops the agent: a cue ("wait", "stop", "hold on", "no", "but",
  "espera", "para", "un momento", "pero", "¿qué?"...) anywhere in the words heard so far, or
  two words or more of content ("how much is it", "me gusta la idea") once half a second of
  speech has been heard (before, they may be one word still being said). Spanish question
  words are cues only when asked (accented or with "¿?"): "claro que sí" asks nothing;
* a **backchannel** does not: only short acknowledgements ("mhm", "yeah yeah sure", "ok",
  "right", "ajá", "sí, sí", "claro", laughter), however long they last;
* anything else is **unsure** (nothing recognisable yet, or one word of content that may be
  the start of an acknowledgement): the driver asks again when more has been said. When it
  must decide (the caller stopped, or spoke over the agent for ``barge_in_max_ms``), a
  decision is asked for with ``final=True``: content interrupts; silence,
  acknowledgements and single letters (fragments: "sí" misheard as "C") do not, nor does
  one word of content said alone while the agent's reply plays, unless asked (a word the
  speech model made of an acknowledgement: "claron", "make sense").

Noise (a cough, a door) is usually transcribed as nothing, so it never cuts the agent off.

**Echo.** On a speakerphone, or a line that leaks, the agent's own voice comes back in the
caller's audio, a little later and quieter. The server knows what the agent is saying:
speech over it whose words are the agent's own (:func:`is_echo`) is its echo, and is neither
an interruption nor a caller turn.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum
from typing import Final

#: Short acknowledgements that must not cut the agent off, by language ("*" = any).
#: Entries are normalised (lower case, no accents, no punctuation, hyphens removed).
BACKCHANNELS: Final[dict[str, frozenset[str]]] = {
    "*": frozenset(
        {
            "mm",
            "mmm",
            "mhm",
            "mmhm",
            "mmhmm",
            "hm",
            "hmm",
            "uhhuh",
            "uhuh",
            "aha",
            "ah",
            "oh",
            "ok",
            "okay",
            "okey",
            "ajá",
            "aja",
            # laughter, as Whisper writes it
            "ha",
            "haha",
            "hahaha",
            "ja",
            "jaja",
            "jajaja",
            "je",
            "jeje",
        }
    ),
    "en": frozenset(
        {
            "yeah",
            "yes",
            "yep",
            "yup",
            "ya",
            "right",
            "sure",
            "alright",
            "all right",
            "i see",
            "got it",
            "uh",
            "huh",
            "cool",
            "great",
            "nice",
            "indeed",
            "exactly",
            "true",
            "of course",
            "go on",
            "fine",
            "good",
            "sounds good",
            "makes sense",
            "make sense",  # how Whisper writes it, often
            "understood",
            "oh ok",
            "oh okay",
            "yeah yeah",
            "right right",
            "uh huh",
            "mm hm",
            "mm hmm",
            "wow",
            "interesting",
            # what Whisper hears in a breath or a cough over the agent
            "you",
            "thank you",
            "thanks",
        }
    ),
    "es": frozenset(
        {
            "si",
            "sí",
            "ya",
            "claro",
            "vale",
            "bueno",
            "bien",
            "exacto",
            "entiendo",
            "de acuerdo",
            "perfecto",
            "ajá",
            "aja",
            "eso",
            "eso es",
            "okey",
            "ok",
            "ya veo",
            "cierto",
            "por supuesto",
            "claro que si",
            "muy bien",
            "esta bien",
            "sigue",
            "ah ya",
            "aha",
            "orale",
            "dale",
            "listo",
            "ándale",
            "andale",
            "ah bueno",
            "como no",
            "gracias",
        }
    ),
}

#: Words and phrases that stop the agent wherever they come in what was said over it.
CUES: Final[dict[str, frozenset[str]]] = {
    "en": frozenset(
        {
            "wait",
            "stop",
            "hold on",
            "hang on",
            "one moment",
            "one second",
            "just a second",
            "no",
            "nope",
            "but",
            "sorry",
            "excuse me",
            "pardon",
            "actually",
            "question",
            "what",
            "how",
            "why",
            "when",
            "where",
            "who",
            "can i",
            "let me",
            # (no greetings: the echo of the agent's own "Hi, I'm Sofia" must not stop it)
        }
    ),
    "es": frozenset(
        {
            "espera",
            "esperá",
            "espere",
            "esperate",
            "para",
            "pare",
            "pará",
            "alto",
            "un momento",
            "un segundo",
            "momento",
            "no",
            "pero",
            "perdon",
            "perdona",
            "perdone",
            "disculpa",
            "disculpe",
            "oye",
            "oiga",
            "mira",
            "pregunta",
            "que",
            "como",
            "cuanto",
            "cuanta",
            "cuando",
            "donde",
            "por que",
            "quien",
            "puedo",
            "dejame",
        }
    ),
}

#: What the speech model is told the caller's words over the agent are likely to be (its
#: decoder's previous context), by language: the commonest acknowledgements and stops.
#: Whisper base hears espeak's short Spanish badly ("de aquel" for "de acuerdo", "Paré" for
#: "vale"); with this context, on the 40 cases of two `bench barge-in` seeds each (offline,
#: each growing transcript judged as the server does), backchannels kept 29 -> 37 and
#: 28 -> 37, interruptions caught 37 -> 40 twice; on 24 phrases it does not name it changed
#: nothing (19/24 and 23 -> 22/24). Not for English: tiny.en already hears its phrases.
#: The list ends in no question: a short sound was then heard as that question.
JUDGE_PROMPTS: Final[dict[str, str]] = {
    "es": "Ajá. Sí, sí. Claro que sí. Vale. De acuerdo. Ya veo. Bueno. Espera. Para. No. "
    "Un momento.",
}


def judge_prompt(lang: str) -> str | None:
    """The speech model's context for words said over the agent in ``lang``, if any."""
    return JUDGE_PROMPTS.get(_base(lang))


#: An acknowledgement longer than this many words is something said, not a backchannel.
MAX_BACKCHANNEL_WORDS: Final = 6
#: Speech over the agent shorter than this is words still being said: the speech model
#: writes the start of one word as several ("En T Enti" for "entiendo"). Before it, words of
#: content wait for the next judgement or the caller's stop (the agent is already paused:
#: waiting costs the caller no agent audio); a cue interrupts at once. (Cues wait too was
#: tried: it spared one "ajá" heard as "No sé." at 224 ms, and lost a "Para, para." whose
#: later transcripts were empty, in `bench barge-in`.)
FORMING_MS: Final = 500.0
_PUNCT = re.compile(r"[^\w\s']+", re.UNICODE)


class Verdict(StrEnum):
    INTERRUPT = "interrupt"
    BACKCHANNEL = "backchannel"
    UNSURE = "unsure"


def normalise(text: str, *, accents: bool = False) -> str:
    """Lower case, no accents (unless ``accents``), no punctuation, no hyphens, single
    spaces. With or without accents the words are the same ones, in the same places."""
    if accents:  # NFC: an accented letter stays one word character
        letters = unicodedata.normalize("NFC", text.lower())
    else:
        decomposed = unicodedata.normalize("NFD", text.lower())
        letters = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(_PUNCT.sub(" ", letters.replace("-", "")).split())


def _base(lang: str) -> str:
    return lang.split("-")[0].split("_")[0].lower() if lang else ""


def _phrases(table: dict[str, frozenset[str]], lang: str) -> frozenset[str]:
    base = _base(lang)
    phrases = set(table.get("*", frozenset())) | set(table.get(base, frozenset()))
    if base not in table:  # unknown language: every known phrase
        for words in table.values():
            phrases |= words
    return frozenset(normalise(p) for p in phrases)


def _cover(words: list[str], phrases: frozenset[str]) -> list[bool]:
    """Which words belong to a known phrase (greedy, longest phrase first)."""
    covered = [False] * len(words)
    i = 0
    while i < len(words):
        for size in (3, 2, 1):
            if i + size <= len(words) and " ".join(words[i : i + size]) in phrases:
                covered[i : i + size] = [True] * size
                i += size
                break
        else:
            i += 1
    return covered


def _outside(words: list[str], phrases: frozenset[str]) -> list[str]:
    """The words that belong to none of ``phrases``."""
    return [w for w, known in zip(words, _cover(words, phrases), strict=True) if not known]


def is_backchannel(text: str, lang: str = "en") -> bool:
    """True when ``text`` is only short acknowledgements ("mm-hm", "uh-huh", "yeah yeah
    sure", "ok", "ajá", "sí, sí", "claro", "vale", laughter) that should not interrupt the
    agent; also for text with no words (a noise transcribed as nothing or as punctuation).
    Accent-, case- and punctuation-insensitive; at most :data:`MAX_BACKCHANNEL_WORDS`
    words; anything with content ("yeah but it's too expensive") is not."""
    words = normalise(text).split()
    if not words:
        return True
    if len(words) > MAX_BACKCHANNEL_WORDS:
        return False
    return all(_cover(words, _phrases(BACKCHANNELS, lang)))


#: Question words that are cues only when asked: written with their accent ("qué", "cómo"),
#: as the speech model writes them in a question, or in a sentence with "¿" or "?". Without
#: either they are a conjunction or a relative ("claro que sí", "ya sé que", "como te
#: decía") and stop nothing.
ASKED_ONLY: Final[dict[str, frozenset[str]]] = {
    "es": frozenset({"que", "como", "cuanto", "cuanta", "cuando", "donde", "quien"}),
}


def _plain(text: str, words: list[str], lang: str) -> frozenset[int]:
    """Indices into ``words`` (``normalise(text).split()``) of question words written
    neither accented nor asked (:data:`ASKED_ONLY`)."""
    only = ASKED_ONLY.get(_base(lang))
    if not only or "?" in text or "¿" in text:
        return frozenset()
    written = normalise(text, accents=True).split()
    if len(written) != len(words):
        return frozenset()
    return frozenset(
        i
        for i, w in enumerate(words)
        if w in only and written[i] == w and not (i and words[i - 1] == "por")
    )


def has_cue(text: str, lang: str = "en") -> bool:
    """True when ``text`` holds a word or phrase that stops the agent ("wait", "no",
    "espera", "un momento", "¿qué?"...) outside an acknowledgement ("claro que sí",
    "cómo no")."""
    words = normalise(text).split()
    return bool(_cues(words, lang, _plain(text, words, lang)))


def _cues(words: list[str], lang: str, plain: frozenset[int] = frozenset()) -> list[str]:
    """The cue words of ``words`` outside acknowledgements, but for those at ``plain``."""
    known = _cover(words, _phrases(BACKCHANNELS, lang))
    at = [i for i, k in enumerate(known) if not k]
    rest = [words[i] for i in at]
    return [
        rest[j]
        for j, cue in enumerate(_cover(rest, _phrases(CUES, lang)))
        if cue and at[j] not in plain
    ]


#: Share of the words heard that must be the agent's own for the speech to be its echo.
ECHO_SHARE: Final = 0.8


def is_echo(heard: str, agent_text: str, lang: str = "en") -> bool:
    """True when ``heard`` (speech over the agent) is the agent's own words coming back: at
    least two words, at least :data:`ECHO_SHARE` of them found in ``agent_text`` (what the
    agent was saying) in the same order, and no cue of the caller's own ("wait", "espera")
    among the rest. One word alone is not judged an echo: "no" may be the caller's."""
    words = normalise(heard).split()
    if len(words) < 2:
        return False
    said = normalise(agent_text).split()
    found: list[str] = []
    foreign: list[str] = []
    at = 0
    for w in words:
        try:
            at = said.index(w, at) + 1
            found.append(w)
        except ValueError:
            foreign.append(w)
    if len(found) < ECHO_SHARE * len(words):
        return False
    return not _cues(foreign, lang)


def judge(
    text: str,
    lang: str = "en",
    *,
    final: bool = False,
    agent_text: str = "",
    speaking: bool = False,
    heard_ms: float | None = None,
) -> Verdict:
    """What ``text``, said over the agent so far, means for the agent's reply.

    ``final``: the caller stopped (or has talked over the agent for too long): there is no
    "unsure"; content interrupts, acknowledgements and silence do not. ``agent_text``: what
    the agent is saying; its own words are no cue (a fragment of its echo, "what...").
    ``speaking``: the agent's reply is playing (not only being prepared): then one word of
    content said alone, not asked, is taken as an acknowledgement the speech model did not
    know ("claron" for "claro", "make sense"); a question ("price?") still interrupts, as do
    the cues. While the agent only prepares its answer, such a word is the caller going on.
    ``heard_ms``: how much speech ``text`` was heard in; under :data:`FORMING_MS`, and not
    ``final``, words of content are not yet taken for two words (cues still interrupt)."""
    words = normalise(text).split()
    said = set(normalise(agent_text).split())
    if [w for w in _cues(words, lang, _plain(text, words, lang)) if w not in said]:
        return Verdict.INTERRUPT
    # single letters are fragments of a word heard in part ("En D" for the start of
    # "entiendo"), not content
    content = [w for w in _outside(words, _phrases(BACKCHANNELS, lang)) if len(w) > 1]
    if not content and len(words) <= MAX_BACKCHANNEL_WORDS:
        return Verdict.BACKCHANNEL if words or final else Verdict.UNSURE
    forming = not final and heard_ms is not None and heard_ms < FORMING_MS
    if (len(set(content)) >= 2 or len(words) > MAX_BACKCHANNEL_WORDS) and not forming:
        return Verdict.INTERRUPT
    if final:
        asked = "?" in text or "¿" in text
        return Verdict.BACKCHANNEL if speaking and not asked else Verdict.INTERRUPT
    return Verdict.UNSURE  # one word of content so far: may be the start of anything
