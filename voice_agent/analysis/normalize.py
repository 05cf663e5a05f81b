"""Text normalisation for the rule-based analysers.

Turns what a caller said (typed, or written by speech-to-text: any case, with or without
punctuation and accents, with fillers) into one canonical form the rule patterns are
written against:

- lowercase ASCII: accents stripped ("cuánto" -> "cuanto", "señora" -> "senora");
- apostrophes dropped and common contractions folded ("I'm" -> "im", "do not" -> "dont",
  "gonna" -> "going to");
- fillers removed ("um", "uh", "o sea", a leading "este" ...), stutters collapsed
  ("i i i" -> "i");
- sentences separated by the token ``|``; the analysers never match across it.

Punctuation other than sentence ends is dropped, but the information it carried is kept
on the result: which sentences are questions ("?", "¿", or an interrogative opening) and
where commas were (a negation does not reach across a comma).

Pure functions, no I/O; the regular expressions are compiled at import.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from voice_agent.core.labels import Lang

#: Separates sentences in ``Normalized.text``; patterns never cross it.
SENTENCE_SEP = "|"

_APOSTROPHES = re.compile(r"[\u2019\u2018\u02bc`´]")
_SENTENCE_END = re.compile(r"[.!?;:¡¿…]+|\n+")
_QUESTION_MARK = re.compile(r"[?¿]")
_COMMA = re.compile(r"[,()\"\u201c\u201d«»\-–—/]+")  # soft boundaries
_NON_WORD = re.compile(r"[^a-z0-9 ]+")
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(
    r"\b(?!(?:it|that|what|he|she|there|here|let|who|where|how|when|why|this|everything|"
    r"nothing|something|everyone|someone|somebody|everybody|nobody|one|thing|life|time)'s\b)"
    r"([a-z]+)'s\b"
)

# Contractions and informal spellings, applied after lowercasing and dropping apostrophes.
_FOLDS_EN: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{a})\b"), b)
    for a, b in (
        (r"do not", "dont"),
        (r"does not", "doesnt"),
        (r"did not", "didnt"),
        (r"can not|cannot", "cant"),
        (r"could not", "couldnt"),
        (r"will not", "wont"),
        (r"would not", "wouldnt"),
        (r"is not", "isnt"),
        (r"are not", "arent"),
        (r"was not", "wasnt"),
        (r"were not", "werent"),
        (r"have not", "havent"),
        (r"has not", "hasnt"),
        (r"should not", "shouldnt"),
        (r"i am", "im"),
        (r"it is", "its"),
        (r"that is", "thats"),
        (r"let us", "lets"),
        (r"i will", "ill"),
        (r"i would", "id"),
        (r"gonna", "going to"),
        (r"wanna", "want to"),
        (r"gotta", "got to"),
        (r"kinda", "kind of"),
        (r"sorta", "sort of"),
        (r"lemme", "let me"),
        (r"gimme", "give me"),
        (r"dunno", "dont know"),
        (r"ok|okay|okey|k|kk|okie|okie dokie", "okay"),
        (r"yeah|yea|yep|yup|ya", "yes"),
        (r"nope|nah", "no"),
        (r"cuz|coz|cause", "because"),
        (r"thru", "through"),
        (r"tho", "though"),
        (r"u", "you"),
        (r"pls|plz", "please"),
        (r"info", "information"),
        (r"e mail", "email"),
        (r"sign up", "sign up"),
        (r"signup", "sign up"),
    )
)

_FOLDS_ES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rf"\b(?:{a})\b"), b)
    for a, b in (
        (r"pa", "para"),
        (r"q|k", "que"),
        (r"xq|pq|porq", "porque"),
        (r"ok|okay|okey|oki", "okay"),
        (r"info", "informacion"),
        (r"whats|wasap|wassap|guasap", "whatsapp"),
        (r"e mail|mail|imeil", "email"),
        (r"nomas", "no mas"),
        (r"tamos", "estamos"),
        (r"toy", "estoy"),
        (r"ta", "esta"),
    )
)

# Fillers: removed wherever they occur.
_FILLERS_EN = re.compile(
    r"\b(?:u+m+|u+h+m*|e+r+m*|h+m+|m+h*m+|a+h+|e+h+|you know|i guess|like i said|"
    r"basically|literally)\b"
)
_FILLERS_ES = re.compile(
    r"\b(?:e+h+|e+m+|m+h*m+|a+h+|o sea|osea|digamos|este este|pues pues|como que|"
    r"la neta|fijate|mira|oye|oiga|sabes|viste|bueno bueno)\b"
)
# "pues" and "este" are fillers only in some positions; an opening "no pues" means "well".
_NO_PUES = re.compile(r"^no pues\b ?")
_PUES = re.compile(r"\bpues\b")
_ESTE_FILLER = re.compile(
    r"(?:^|(?<=\| ))este (?=(?:no|yo|si|la|el|es|que|como|me|mi|pero|bueno|tengo|quiero|"
    r"estoy|creo|lo|a|en|de|y|con)\b)|\beste (?=(?:no|yo|pero|bueno|creo)\b)"
)
_STUTTER = re.compile(r"\b([a-z]+)(?: \1\b)+")

_QUESTION_OPENERS = {
    "en": re.compile(
        r"^(?:(?:so|and|but|okay|well|hey|yes|right|then) )*"
        r"(?:how|what|whats|when|where|wheres|why|which|who|whos|is it|is this|is that|"
        r"is there|are there|are you|do you|does it|does this|do i|do they|can i|can you|"
        r"could i|could you|would it|would i|will it|will i|should i|have you|any chance)\b"
    ),
    "es": re.compile(
        r"^(?:(?:y|pero|okay|bueno|entonces|oiga|oye|disculpa|perdon) )*"
        r"(?:como|cuanto|cuanta|cuantos|cuantas|cuando|donde|que|cual|cuales|quien|"
        r"por que|porque|para que|hay|tienen|tienes|puedo|se puede|me puedes|me puede|"
        r"es posible|acaso)\b"
    ),
}


@dataclass(frozen=True, slots=True)
class Sentence:
    """One normalised sentence: its text, whether it is a question, and where commas were.

    ``commas`` holds the character offsets in ``text`` of the words that followed a
    comma (or a similar soft boundary such as a dash or a bracket).
    """

    text: str
    question: bool
    commas: tuple[int, ...] = ()

    def clause_start(self, pos: int) -> int:
        """Offset where the comma-delimited clause containing ``pos`` starts."""
        start = 0
        for c in self.commas:
            if c <= pos:
                start = c
        return start


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalised utterance: its sentences, in order."""

    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        """The canonical text, sentences joined by ``" | "``."""
        return f" {SENTENCE_SEP} ".join(s.text for s in self.sentences)


def strip_accents(text: str) -> str:
    """Remove diacritics: "cuánto" -> "cuanto", "señora" -> "senora", "pingüino" -> "pinguino"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _clean_sentence(sentence: str, lang: Lang) -> tuple[str, list[int]]:
    """Normalise one sentence; returns the text and the token indices preceded by a comma."""
    pieces = _COMMA.split(sentence)
    tokens: list[str] = []
    comma_tokens: list[int] = []
    for i, piece in enumerate(pieces):
        piece = _NON_WORD.sub(" ", piece)
        piece = _fold(piece, lang)
        words = piece.split()
        if i > 0 and words and tokens:
            comma_tokens.append(len(tokens))
        tokens.extend(words)
    text = " ".join(tokens)
    return text, comma_tokens


def _fold(text: str, lang: Lang) -> str:
    text = f" {_SPACES.sub(' ', text).strip()} "
    folds = _FOLDS_EN if lang == "en" else _FOLDS_ES
    for pattern, repl in folds:
        text = pattern.sub(repl, text)
    if lang == "es":
        # Code-switching: English contractions appear in Spanish speech too.
        for pattern, repl in _FOLDS_EN[:20]:
            text = pattern.sub(repl, text)
    fillers = _FILLERS_EN if lang == "en" else _FILLERS_ES
    text = fillers.sub(" ", text)
    if lang == "es":
        text = _FILLERS_EN.sub(" ", text)
    text = _SPACES.sub(" ", text).strip()
    if lang == "es":
        text = _NO_PUES.sub("", text)
        text = "" if text in ("este", "pues", "bueno", "a ver") else _ESTE_FILLER.sub("", text)
        text = _PUES.sub(" ", text)
    text = _STUTTER.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def normalize(raw: str, lang: Lang) -> Normalized:
    """Normalise ``raw`` (in language ``lang``) for pattern matching."""
    lowered = strip_accents(_APOSTROPHES.sub("'", raw).lower())
    # "it's" -> "its" but "doctor's" / "money's" -> "doctor s" / "money s".
    lowered = _POSSESSIVE.sub(r"\1 s", lowered).replace("'", "")
    # Split into sentences, remembering which ended (or started) with a question mark.
    sentences: list[tuple[str, bool]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(lowered):
        chunk = lowered[pos : m.start()]
        question = bool(_QUESTION_MARK.search(m.group()))
        if chunk.strip():
            sentences.append((chunk, question))
        elif question and sentences and "¿" not in m.group():
            sentences[-1] = (sentences[-1][0], True)
        if "¿" in m.group() and "?" not in m.group():
            # An opening mark: the next sentence is the question.
            sentences.append(("", True))
        pos = m.end()
    tail = lowered[pos:]
    if tail.strip():
        sentences.append((tail, False))
    # Merge "opening ¿" placeholders with the sentence that follows them.
    merged: list[tuple[str, bool]] = []
    pending_question = False
    for chunk, question in sentences:
        if not chunk:
            pending_question = True
            continue
        merged.append((chunk, question or pending_question))
        pending_question = False

    opener = _QUESTION_OPENERS[lang]
    out: list[Sentence] = []
    for chunk, question in merged:
        text, comma_tokens = _clean_sentence(chunk, lang)
        if not text:
            continue
        commas: list[int] = []
        if comma_tokens:
            token_starts: list[int] = []
            p = 0
            for word in text.split(" "):
                token_starts.append(p)
                p += len(word) + 1
            commas = [token_starts[i] for i in comma_tokens if i < len(token_starts)]
        out.append(Sentence(text, question or bool(opener.match(text)), tuple(commas)))
    return Normalized(tuple(out))
