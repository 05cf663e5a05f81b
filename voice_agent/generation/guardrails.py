"""Guardrails for written replies: a sentence an LLM wrote is checked against the playbook
before it is spoken. Pure: no I/O, built once per playbook.

Rules (the ``rule`` of a :class:`Violation`):

- ``price_not_in_playbook``: an amount of money (``$790``, ``790 dollars``, ``1.650
  dólares``, ``seven hundred ninety dollars``, ``setecientos noventa dólares``) that is not a
  price of the playbook (its programs, its trial, or an amount written in its own lines), or
  money in another currency than the playbook's.
- ``unknown_program``: a capitalised name given to a program, plan or package ("our
  Platinum Program", "el Plan Platino") that is not one of the playbook's programs or its
  trial, in any of its languages. Part of a real name ("the Energy program") is accepted.
- ``guarantee``: guaranteed results, money back, refunds, "100 %"; ``discount``: discounts,
  special prices, something for free. Either is accepted when the playbook itself makes that
  kind of promise somewhere in its text (any language): the playbook is what the company
  allows its agents to say.

What it does not see: amounts written without a currency ("it's 790 a month"), an invented
name without a word like program or plan beside it, and promises in other words. It is a
net for the usual slips of a model, not a proof.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from voice_agent.playbook.schema import Playbook

Rule = Literal["price_not_in_playbook", "unknown_program", "guarantee", "discount"]
RULES: Final[tuple[Rule, ...]] = (
    "price_not_in_playbook",
    "unknown_program",
    "guarantee",
    "discount",
)


@dataclass(frozen=True, slots=True)
class Violation:
    rule: Rule
    #: What broke the rule, as written ("$499", "Platinum Program", "guarantee").
    found: str


# -- money -----------------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY_WORDS: Final[dict[str, str]] = {
    "dollar": "USD",
    "dollars": "USD",
    "bucks": "USD",
    "usd": "USD",
    "dolar": "USD",
    "dolares": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "peso": "MXN",
    "pesos": "MXN",
    "mxn": "MXN",
}  # not "pounds" nor "libras": in this trade they are weight
_SYMBOLS: Final[dict[str, str]] = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORD = "|".join(sorted(_CURRENCY_WORDS, key=len, reverse=True))
_MONEY: Final = re.compile(
    rf"(?P<sym>us\$|\$|€|£)\s?(?P<n1>{_NUMBER})"
    rf"|(?P<n2>{_NUMBER})\s?(?P<sym2>€|£)"
    rf"|(?P<n3>{_NUMBER})\s*(?:us\s+)?(?P<word>{_CURRENCY_WORD})\b"
    rf"|\b(?P<word2>usd|eur|mxn)\s?(?P<n4>{_NUMBER})",
)


def _split(words: str) -> list[str]:
    return words.split()


_EN_UNITS: Final[dict[str, int]] = {
    w: i
    for i, w in enumerate(
        _split(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        )
    )
}
_EN_TENS: Final[dict[str, int]] = {
    w: 10 * (i + 2)
    for i, w in enumerate(_split("twenty thirty forty fifty sixty seventy eighty ninety"))
}
_ES_UNITS: Final[dict[str, int]] = {
    w: i
    for i, w in enumerate(
        _split(
            "cero uno dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce "
            "quince dieciseis diecisiete dieciocho diecinueve veinte veintiuno veintidos "
            "veintitres veinticuatro veinticinco veintiseis veintisiete veintiocho "
            "veintinueve"
        )
    )
} | {"un": 1, "una": 1}
_ES_TENS: Final[dict[str, int]] = {
    w: 10 * (i + 3)
    for i, w in enumerate(_split("treinta cuarenta cincuenta sesenta setenta ochenta noventa"))
}
_ES_HUNDREDS: Final[dict[str, int]] = {
    "cien": 100,
    "ciento": 100,
    "doscientos": 200,
    "trescientos": 300,
    "cuatrocientos": 400,
    "quinientos": 500,
    "seiscientos": 600,
    "setecientos": 700,
    "ochocientos": 800,
    "novecientos": 900,
}
_NUMBER_WORDS: Final = (
    set(_EN_UNITS) | set(_EN_TENS) | set(_ES_UNITS) | set(_ES_TENS) | set(_ES_HUNDREDS)
    | {"hundred", "thousand", "mil", "and", "y", "a"}
)  # fmt: skip
_WORD = re.compile(r"[a-z]+")


def _fold(text: str) -> str:
    """Lower case without accents: "Dólares" -> "dolares"."""
    nfkd = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in nfkd if not unicodedata.combining(c))


def _parse_number(text: str) -> float | None:
    """``1,650`` / ``1.650`` / ``1 650`` / ``790`` / ``790.00`` / ``99,50``."""
    t = text.replace(" ", "")
    m = re.fullmatch(r"(\d{1,3}(?:[.,]\d{3})+|\d+)(?:[.,](\d{1,2}))?", t)
    if m is None:
        return None
    whole = re.sub(r"[.,]", "", m.group(1))
    return float(whole) + (float("0." + m.group(2)) if m.group(2) else 0.0)


def _words_value(words: list[str]) -> int | None:
    """The value of a run of number words in English or Spanish ("seven hundred and
    ninety", "mil seiscientos cincuenta"); None when the run is not a number."""
    total = current = 0
    seen = False
    for w in words:
        if w in ("and", "y", "a"):
            continue
        if w in _EN_UNITS or w in _ES_UNITS:
            current += _EN_UNITS.get(w, _ES_UNITS.get(w, 0))
        elif w in _EN_TENS or w in _ES_TENS:
            current += _EN_TENS.get(w, _ES_TENS.get(w, 0))
        elif w in _ES_HUNDREDS:
            current += _ES_HUNDREDS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w in ("thousand", "mil"):
            total += max(current, 1) * 1000
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def money_mentions(text: str) -> Iterator[tuple[str, float, str]]:
    """Each amount of money in ``text``: (as written, value, ISO currency)."""
    folded = _fold(text)
    for m in _MONEY.finditer(folded):
        number = m.group("n1") or m.group("n2") or m.group("n3") or m.group("n4")
        value = _parse_number(number)
        if value is None:
            continue
        if m.group("sym") or m.group("sym2"):
            currency = _SYMBOLS[m.group("sym") or m.group("sym2")]
        else:
            currency = _CURRENCY_WORDS[m.group("word") or m.group("word2")]
        yield m.group(0).strip(), value, currency
    # spelled-out amounts: a run of number words right before a currency word
    words = [(w.group(0), w.start(), w.end()) for w in _WORD.finditer(folded)]
    i = 0
    while i < len(words):
        if words[i][0] in _CURRENCY_WORDS and i > 0:
            j = i
            while j > 0 and words[j - 1][0] in _NUMBER_WORDS:
                j -= 1
            run = [w for w, _, _ in words[j:i]]
            while run and run[0] in ("and", "y", "a"):
                run.pop(0)
            value = _words_value(run) if run else None
            if value is not None:
                span = folded[words[i - len(run)][1] : words[i][2]]
                yield span, float(value), _CURRENCY_WORDS[words[i][0]]
        i += 1


# -- program names ---------------------------------------------------------------------------

_CAP = r"[A-ZÁÉÍÓÚÑÜ][\w'’-]*"
_KIND_EN = r"(?:[Pp]rogram(?:me)?s?|[Pp]lans?|[Pp]ackages?|[Mm]emberships?|[Bb]ootcamps?)"
_KIND_ES = r"(?:[Pp]rogramas?|[Pp]lan(?:es)?|[Pp]aquetes?|[Mm]embres[ií]as?)"
_JOIN_ES = r"(?:\s+(?:de|del|la|el|y|para|tu|en)\b)*\s+"
_NAMED_BEFORE: Final = re.compile(rf"((?:{_CAP}\s+){{1,4}}){_KIND_EN}\b")
_NAMED_AFTER: Final = re.compile(
    rf"\b(?:{_KIND_ES}|{_KIND_EN})\s+(?:called\s+|llamad[oa]\s+)?({_CAP}(?:{_JOIN_ES}{_CAP}){{0,4}})"
)
_NOT_NAMES: Final = frozenset(
    _fold(w)
    for w in _split(
        "the our your this that my a an each every any which what one new full whole "
        "i we you it its their his her "
        "el la los las un una nuestro nuestra nuestros este esta ese esa su sus tu mi cada "
        "de del y para en "
        "monday tuesday wednesday thursday friday saturday sunday "
        "lunes martes miercoles jueves viernes sabado domingo"
    )
)


def _name_words(text: str) -> list[str]:
    bare = re.sub(r"['’]s\b", "", _fold(text))  # "Monday's" -> "monday"
    return [w for w in _WORD.findall(bare) if w not in _NOT_NAMES]


# -- promises --------------------------------------------------------------------------------

_PROMISES: Final[dict[Rule, re.Pattern[str]]] = {
    "guarantee": re.compile(
        r"\bguarantee[sd]?\b|\bguaranteeing\b|\bmoney[- ]back\b|\brefund\w*"
        r"|\b100\s?%|\bcien por ciento\b|\bgarantiz\w*|\bgarantias?\b|\breembols\w*"
        r"|\bdevol\w* (?:de )?(?:tu |su |el )?dinero\b|\bte (?:lo )?prometo\b"
        r"|\bi promise you\b|\bwe promise\b"
    ),
    "discount": re.compile(
        r"\bdiscount\w*|\d+\s?% off\b|\bhalf[- ]price\b|\bspecial (?:price|deal|offer|rate)\b"
        r"|\bfor free\b|\bfree of charge\b|\bat no (?:extra )?cost\b"
        r"|\bfree (?:month|week|session|class|consultation|trial)s?\b"
        r"|\bdescuento\w*|\brebaja\w*|\bprecio especial\b|\boferta especial\b|\bgratis\b"
        r"|\bsin costo\b|\bsin cargo\b"
    ),
}


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _strings(v)


class Guardrails:
    """The playbook's facts a written sentence is held to."""

    def __init__(self, playbook: Playbook) -> None:
        self.currency = playbook.currency.upper()
        amounts = {float(p.price) for p in playbook.programs}
        amounts.add(float(playbook.trial.price))
        texts = list(_strings(playbook.model_dump(mode="json")))
        for text in texts:
            amounts.update(value for _, value, _ in money_mentions(text))
        self.amounts = frozenset(amounts)
        names: list[frozenset[str]] = []
        for prog in playbook.programs:
            for t in prog.text.values():
                names.append(frozenset(_name_words(t.name)))
        for tt in playbook.trial.text.values():
            names.append(frozenset(_name_words(tt.name)))
        names.append(frozenset(_name_words(playbook.company.name)))
        self.names = tuple(n for n in names if n)
        folded = [_fold(t) for t in texts]
        self.allowed: frozenset[Rule] = frozenset(
            rule for rule, pattern in _PROMISES.items() if any(pattern.search(t) for t in folded)
        )

    def check(self, sentence: str) -> Violation | None:
        """The first rule ``sentence`` breaks, or None."""
        for found, value, currency in money_mentions(sentence):
            if currency != self.currency or value not in self.amounts:
                return Violation("price_not_in_playbook", found)
        for name in self._program_names(sentence):
            words = set(_name_words(name))
            if words and not any(words <= known for known in self.names):
                return Violation("unknown_program", name)
        folded = _fold(sentence)
        for rule, pattern in _PROMISES.items():
            if rule in self.allowed:
                continue
            m = pattern.search(folded)
            if m is not None:
                return Violation(rule, m.group(0))
        return None

    @staticmethod
    def _program_names(sentence: str) -> Iterator[str]:
        """Names given to a program, without a leading "our", "the"...: "Platinum"."""
        for pattern in (_NAMED_BEFORE, _NAMED_AFTER):
            for m in pattern.finditer(sentence):
                words = m.group(1).split()
                while words and _fold(words[0]) in _NOT_NAMES:
                    words.pop(0)
                if words:
                    yield " ".join(words)


__all__ = ["RULES", "Guardrails", "Rule", "Violation", "money_mentions"]
