"""How a turn looks once a speech-to-text engine (or a careful human) has written it.

Most rows are raw STT: lowercase, no punctuation, numbers often as words, sometimes
apostrophes or Spanish accents dropped. Some are careful transcripts with capitals and
punctuation (Spanish ``¿``), some Whisper-like (capitalised, commas, no ``¿``).
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["Segment", "number_to_words", "render"]

_EN_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

_ES_ONES = [
    "cero",
    "uno",
    "dos",
    "tres",
    "cuatro",
    "cinco",
    "seis",
    "siete",
    "ocho",
    "nueve",
    "diez",
    "once",
    "doce",
    "trece",
    "catorce",
    "quince",
    "dieciséis",
    "diecisiete",
    "dieciocho",
    "diecinueve",
    "veinte",
    "veintiuno",
    "veintidós",
    "veintitrés",
    "veinticuatro",
    "veinticinco",
    "veintiséis",
    "veintisiete",
    "veintiocho",
    "veintinueve",
]
_ES_TENS = [
    "_",
    "_",
    "_",
    "treinta",
    "cuarenta",
    "cincuenta",
    "sesenta",
    "setenta",
    "ochenta",
    "noventa",
]
_ES_HUNDREDS = [
    "_",
    "ciento",
    "doscientos",
    "trescientos",
    "cuatrocientos",
    "quinientos",
    "seiscientos",
    "setecientos",
    "ochocientos",
    "novecientos",
]


def number_to_words(n: int, lang: str) -> str:
    """Spell ``n`` (0..999_999) in English or Spanish, as a transcriber would."""
    if n < 0 or n >= 1_000_000:
        raise ValueError(f"number out of range: {n}")
    if lang == "en":
        return _en(n)
    if lang == "es":
        return _es(n)
    raise ValueError(f"unsupported language: {lang!r}")


def _en(n: int) -> str:
    if n < 20:
        return _EN_ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return _EN_TENS[t] + ("" if o == 0 else " " + _EN_ONES[o])
    if n < 1000:
        h, r = divmod(n, 100)
        return _EN_ONES[h] + " hundred" + ("" if r == 0 else " " + _en(r))
    th, r = divmod(n, 1000)
    return _en(th) + " thousand" + ("" if r == 0 else " " + _en(r))


def _es(n: int) -> str:
    if n < 30:
        return _ES_ONES[n]
    if n < 100:
        t, o = divmod(n, 10)
        return _ES_TENS[t] + ("" if o == 0 else " y " + _ES_ONES[o])
    if n == 100:
        return "cien"
    if n < 1000:
        h, r = divmod(n, 100)
        return _ES_HUNDREDS[h] + ("" if r == 0 else " " + _es(r))
    th, r = divmod(n, 1000)
    head = "mil" if th == 1 else _es(th) + " mil"
    return head + ("" if r == 0 else " " + _es(r))


@dataclass(frozen=True, slots=True)
class Segment:
    """One clause of a turn; ``question`` decides its end mark in punctuated styles."""

    text: str
    question: bool = False


_NUM_MARK = re.compile(r"#(\d+)#")
_PUNCT = re.compile(r"[^\w\s']", re.UNICODE)
_I_WORDS = re.compile(r"\bi(?=\b|')")


def _strip_accents(text: str) -> str:
    # keep ñ: STT engines that drop accents usually keep it
    out = []
    for ch in text:
        if ch in "ñÑ":
            out.append(ch)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        out.append("".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    return "".join(out)


def _numbers(text: str, lang: str, words: bool) -> str:
    def repl(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return number_to_words(n, lang) if words else str(n)

    return _NUM_MARK.sub(repl, text)


_CASUAL = {
    "en": (
        (re.compile(r"\bgoing to\b"), "gonna"),
        (re.compile(r"\bwant to\b"), "wanna"),
        (re.compile(r"\bkind of\b"), "kinda"),
        (re.compile(r"\bbecause\b"), "cause"),
        (re.compile(r"\bhave to\b"), "gotta"),
        (re.compile(r"\bi am\b"), "i'm"),
        (re.compile(r"\bdo not\b"), "don't"),
    ),
    "es": (
        (re.compile(r"\bpara\b"), "pa"),
        (re.compile(r"\bestá\b"), "ta"),
        (re.compile(r"\bnada\b"), "na"),
        (re.compile(r"\bverdad\b"), "verdá"),
    ),
}


_DE_EL = re.compile(r"\b([dD]e|[aA]) el\b")


def _contract_es(text: str) -> str:
    """Spanish contractions the templates may produce: "de el" -> "del", "a el" -> "al"."""
    return _DE_EL.sub(lambda m: "del" if m.group(1).lower() == "de" else "al", text)


def _casual(line: str, lang: str) -> str:
    """Spoken contractions as some transcribers write them ("gonna", "pa")."""
    for pattern, repl in _CASUAL.get(lang, ()):
        line = pattern.sub(repl, line)
    return line


def render(segments: Sequence[Segment], lang: str, rng: random.Random) -> str:
    """Write ``segments`` as one transcript line in a randomly chosen style."""
    if not segments:
        raise ValueError("a turn needs at least one segment")
    r = rng.random()
    style = "raw" if r < 0.62 else ("careful" if r < 0.8 else ("whisper" if r < 0.9 else "lower"))
    words = rng.random() < (0.65 if style == "raw" else 0.3)
    texts = [(_numbers(s.text, lang, words).strip(), s.question) for s in segments]
    if lang == "es":
        texts = [(_contract_es(t), q) for t, q in texts]
    texts = [(t, q) for t, q in texts if t]
    if style == "raw":
        line = " ".join(t for t, _ in texts).lower()
        line = _PUNCT.sub(" ", line)
        if rng.random() < 0.3:
            line = _casual(line, lang)
        if rng.random() < 0.15:
            line = line.replace("'", "")
        if lang == "es" and rng.random() < 0.15:
            line = _strip_accents(line)
        return " ".join(line.split())
    pieces: list[str] = []
    for i, (t, q) in enumerate(texts):
        t = t.rstrip(",.;")
        if i == 0 or pieces[-1].endswith((".", "?")):
            t = t[:1].upper() + t[1:]
        if q:
            if lang == "es" and style == "careful":
                t = "¿" + t
            t += "?"
        elif i == len(texts) - 1:
            t += "."
        else:
            t += "." if style == "careful" and rng.random() < 0.5 else ","
        pieces.append(t)
    line = " ".join(pieces)
    if style == "lower":  # punctuated but all lowercase, as some transcribers write
        return " ".join(line.lower().split())
    if lang == "en":
        line = _I_WORDS.sub("I", line)
    return " ".join(line.split())
