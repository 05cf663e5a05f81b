"""Rule-based analysers (English and Spanish): the fallback when a model is missing or late.

Keyword and pattern rules per language (``lexicon_en``, ``lexicon_es``) over normalised
text (``normalize``), with:

- negation: a cue preceded by a negation in the same clause does not count ("it's not
  expensive", "no estoy tan ocupado"); a phrase that is itself negative ("I can't afford
  it") is only cancelled by a double negation ("it's not that I can't afford it");
  explicit denials cancel a label ("it's not about the money", "no es por el dinero");
- questions: weak keyword cues do not count inside a question ("is it expensive?"),
  and a plain question about the price is never a price objection;
- several labels per turn; strong English phrases also count in Spanish turns
  (code-switching) and vice versa.

Probabilities: a strong phrase ~0.9, a likely one ~0.75, a weak cue ~0.6 (several
independent cues combine, capped at 0.95); nothing found 0.05; found but negated 0.1.

``RuleConversion`` turns the conversation so far into a probability with a small
logistic score (see its docstring). A language other than en/es raises
``InvalidRequest`` with code ``unsupported_language``.

Everything here is pure and thread-safe: the patterns are compiled at import and the
analysers hold no mutable state (the per-text cache is ``functools.lru_cache``).
Each rule is indexed by the words its matches can start with, so a sentence only runs
the few rules that can match it (about 0.2 ms per analyser call on this machine).
"""

from __future__ import annotations

import importlib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Final

from voice_agent.analysis import lexicon_en, lexicon_es
from voice_agent.analysis.base import DETECTION_THRESHOLD, AnalyserSet
from voice_agent.analysis.lexicon_en import CancelTable, RuleTable, S
from voice_agent.analysis.normalize import Sentence, normalize
from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS, Lang
from voice_agent.core.types import AnalysisInput, BuyingSignal, Insights
from voice_agent.errors import InvalidRequest

VERSION: Final = "rules-2"

P_NONE: Final = 0.05
P_NEGATED: Final = 0.1
P_MAX: Final = 0.95
#: Weight of a weak keyword cue found inside a question.
P_IN_QUESTION: Final = 0.3

_GAP = r"(?:[a-z0-9]+ ){0,3}"
_Q_MARK = "\\?"


@dataclass(frozen=True, slots=True)
class _Rule:
    label: str
    regex: re.Pattern[str]
    weight: float
    #: A weak cue that does not count inside a question.
    question_sensitive: bool
    #: The words a match can start with (None: any word); lets a sentence skip the rule.
    first_words: frozenset[str] | None = None

    def may_match(self, words: frozenset[str]) -> bool:
        return self.first_words is None or not self.first_words.isdisjoint(words)


@dataclass(frozen=True, slots=True)
class _Negation:
    negators: frozenset[str]
    exceptions: frozenset[str]
    double: re.Pattern[str]
    need: re.Pattern[str]
    buy: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Lexicon:
    objections: tuple[_Rule, ...]
    objection_cancels: tuple[_Rule, ...]
    needs: tuple[_Rule, ...]
    need_cancels: tuple[_Rule, ...]
    buying: tuple[_Rule, ...]
    buying_cancels: tuple[_Rule, ...]
    negation: _Negation


def _compile(pattern: str) -> tuple[re.Pattern[str], bool]:
    question_sensitive = _Q_MARK in pattern
    pattern = pattern.replace(_Q_MARK, "").replace("~ ", _GAP)
    return re.compile(rf"(?<![a-z0-9])(?:{pattern})(?![a-z0-9])"), question_sensitive


# The standard library's own regex parser: used once at import to index the rules by the
# words their matches can start with (a pure optimisation; see ``_first_words``).
_sre: Any = importlib.import_module("re._parser")
_MAX_FIRST_WORDS: Final = 4000


class _AnyWord(Exception):
    """The pattern can start with an arbitrary word."""


def _first_words(regex: re.Pattern[str]) -> frozenset[str] | None:
    """Every word a match of ``regex`` can start with, or None if that is unbounded.

    Walks the parsed pattern, expanding alternatives and optional parts, up to the first
    space (or the end of the pattern). Character classes and unbounded repeats before
    the first space make the start unbounded.
    """
    out: set[str] = set()
    c = _sre

    def walk(nodes: tuple[Any, ...], prefix: str) -> None:
        if len(out) > _MAX_FIRST_WORDS:
            raise _AnyWord
        if not nodes:
            out.add(prefix)
            return
        (op, av), rest = nodes[0], nodes[1:]
        if op is c.LITERAL:
            ch = chr(av)
            if ch == " ":
                if not prefix:
                    raise _AnyWord
                out.add(prefix)
            else:
                walk(rest, prefix + ch)
        elif op in (c.AT, c.ASSERT, c.ASSERT_NOT):
            walk(rest, prefix)
        elif op is c.SUBPATTERN:
            walk(tuple(av[-1]) + rest, prefix)
        elif op is c.BRANCH:
            for alt in av[1]:
                walk(tuple(alt) + rest, prefix)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT):
            lo, hi, sub = av
            if hi > 1:
                raise _AnyWord
            if lo == 0:
                walk(rest, prefix)
            if hi == 1:
                walk(tuple(sub) + rest, prefix)
        else:
            raise _AnyWord

    try:
        walk(tuple(_sre.parse(regex.pattern)), "")
    except _AnyWord:
        return None
    if "" in out:
        return None
    return frozenset(out)


def _rules(table: RuleTable) -> tuple[_Rule, ...]:
    out: list[_Rule] = []
    for label, entries in table.items():
        for pattern, weight in entries:
            regex, qs = _compile(pattern)
            out.append(_Rule(label, regex, weight, qs, _first_words(regex)))
    return tuple(out)


def _cancels(table: CancelTable) -> tuple[_Rule, ...]:
    out: list[_Rule] = []
    for label, patterns in table.items():
        for pattern in patterns:
            regex, _ = _compile(pattern)
            out.append(_Rule(label, regex, 1.0, False, _first_words(regex)))
    return tuple(out)


def _lexicon(mod: Any) -> _Lexicon:
    return _Lexicon(
        objections=_rules(mod.OBJECTIONS),
        objection_cancels=_cancels(mod.OBJECTION_CANCELS),
        needs=_rules(mod.NEEDS),
        need_cancels=_cancels(mod.NEED_CANCELS),
        buying=_rules(mod.BUYING),
        buying_cancels=_cancels({"buying_signal": mod.BUYING_CANCELS}),
        negation=_Negation(
            negators=mod.NEGATORS,
            exceptions=mod.NEGATOR_EXCEPTIONS,
            double=re.compile(mod.DOUBLE_NEGATION),
            need=re.compile(mod.NEED_NEGATION),
            buy=mod.BUY_NEGATORS,
        ),
    )


_LEXICONS: Final[dict[Lang, _Lexicon]] = {"en": _lexicon(lexicon_en), "es": _lexicon(lexicon_es)}


def _strong(rules: Iterable[_Rule]) -> tuple[_Rule, ...]:
    return tuple(r for r in rules if r.weight >= S)


# Code-switching: the other language's strong phrases also count (at their own weight).
_CROSS_OBJECTIONS: Final[dict[Lang, tuple[_Rule, ...]]] = {
    "en": _strong(_LEXICONS["es"].objections),
    "es": _strong(_LEXICONS["en"].objections),
}
_CROSS_BUYING: Final[dict[Lang, tuple[_Rule, ...]]] = {
    "en": _strong(_LEXICONS["es"].buying),
    "es": _strong(_LEXICONS["en"].buying),
}


def _lexicon_for(lang: str) -> _Lexicon:
    for key, lex in _LEXICONS.items():
        if key == lang:
            return lex
    raise InvalidRequest(
        f"the rule-based analysers speak {', '.join(LANGS)}, not {lang!r}",
        code="unsupported_language",
    )


# --- matching ---------------------------------------------------------------------------


def _window(sentence: Sentence, start: int, words: int) -> list[str]:
    """The last ``words`` words of the clause before ``start``."""
    clause = sentence.text[sentence.clause_start(start) : start]
    return clause.split()[-words:]


def _negated_objection(sentence: Sentence, start: int, matched: str, neg: _Negation) -> bool:
    before = _window(sentence, start, 4)
    if neg.double.search(" ".join(before)):
        return True
    first = matched.split(" ", 1)[0]
    if first in neg.negators:
        # "I can't afford it" is negative already: a plain "no" before it is an interjection.
        return False
    recent = before[-3:]
    if not recent:
        return False
    following = [*recent[1:], first]
    for word, nxt in zip(recent, following, strict=True):
        if word in neg.negators and nxt not in neg.exceptions:
            return True
    return False


def _negated_need(sentence: Sentence, start: int, _matched: str, neg: _Negation) -> bool:
    return bool(neg.need.search(" ".join(_window(sentence, start, 5))))


def _negated_buy(sentence: Sentence, start: int, _matched: str, neg: _Negation) -> bool:
    return any(w in neg.buy for w in _window(sentence, start, 3))


_Span = tuple[int, int, float]


@dataclass(frozen=True, slots=True)
class _Found:
    """What the rules found for one label in one utterance."""

    spans: tuple[_Span, ...]
    denied: bool


def _scan(
    sentences: tuple[Sentence, ...],
    rules: Iterable[_Rule],
    cancels: Iterable[_Rule],
    neg: _Negation,
    negated: Any,
) -> dict[str, _Found]:
    rules = tuple(rules)
    cancels = tuple(cancels)
    found: dict[str, tuple[list[_Span], bool]] = {}
    offset = 0
    for sentence in sentences:
        hits: dict[str, list[_Span]] = {}
        denied: set[str] = set()
        words = frozenset(sentence.text.split())
        for rule in rules:
            if not rule.may_match(words):
                continue
            for m in rule.regex.finditer(sentence.text):
                if m.end() == m.start():
                    continue
                if negated(sentence, m.start(), m.group(), neg):
                    denied.add(rule.label)
                    continue
                w = rule.weight
                if rule.question_sensitive and sentence.question:
                    w = min(w, P_IN_QUESTION)
                hits.setdefault(rule.label, []).append((m.start(), m.end(), w))
        for rule in cancels:
            if not rule.may_match(words):
                continue
            for m in rule.regex.finditer(sentence.text):
                if m.end() == m.start():
                    continue
                spans = hits.get(rule.label, [])
                cs, ce = m.start(), m.end()
                # A denial inside a positive phrase ("can't afford" contains "can afford")
                # is part of that phrase, not a denial.
                if any(s <= cs and ce <= e and (s, e) != (cs, ce) for s, e, _ in spans):
                    continue
                if _negated_objection(sentence, cs, m.group(), neg):
                    continue
                denied.add(rule.label)
                hits[rule.label] = [sp for sp in spans if sp[1] <= cs or sp[0] >= ce]
        for label in set(hits) | denied:
            spans_before, was_denied = found.get(label, ([], False))
            spans_before.extend((s + offset, e + offset, w) for s, e, w in hits.get(label, ()))
            found[label] = (spans_before, was_denied or label in denied)
        offset += len(sentence.text) + 3
    return {label: _Found(tuple(spans), den) for label, (spans, den) in found.items()}


def _score(found: _Found | None) -> float:
    if found is None:
        return P_NONE
    if not found.spans:
        return P_NEGATED if found.denied else P_NONE
    # Overlapping hits are one cue (take the strongest); separate cues combine (noisy-or).
    merged: list[list[float]] = []
    for s, e, w in sorted(found.spans):
        if merged and s < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
            merged[-1][2] = max(merged[-1][2], w)
        else:
            merged.append([s, e, w])
    miss = 1.0
    for _, _, w in merged:
        miss *= 1.0 - w
    p = 1.0 - miss
    if p < DETECTION_THRESHOLD and found.denied:
        return P_NEGATED
    return max(P_NONE, min(P_MAX, p))


@lru_cache(maxsize=8192)
def _found_objections(text: str, lang: Lang) -> Mapping[str, _Found]:
    lex = _lexicon_for(lang)
    sentences = normalize(text, lang).sentences
    return _scan(
        sentences,
        (*lex.objections, *_CROSS_OBJECTIONS[lang]),
        lex.objection_cancels,
        lex.negation,
        _negated_objection,
    )


@lru_cache(maxsize=8192)
def score_objections(text: str, lang: Lang) -> tuple[tuple[str, float], ...]:
    """Probability of each objection label in ``text`` (label order of ``OBJECTIONS``)."""
    found = _found_objections(text, lang)
    return tuple((label, _score(found.get(label))) for label in OBJECTIONS)


def set_aside_objections(text: str, lang: Lang) -> frozenset[str]:
    """The objections ``text`` mentions only to set them aside: denied outright ("money
    isn't the issue", "el precio está bien", "I can make the time") or negated ("it's not
    expensive"), and not raised anywhere else in the turn."""
    found = _found_objections(text, lang)
    return frozenset(
        label for label, f in found.items() if f.denied and _score(f) < DETECTION_THRESHOLD
    )


@lru_cache(maxsize=8192)
def score_needs(text: str, lang: Lang) -> tuple[tuple[str, float], ...]:
    """Probability of each need label in ``text`` (label order of ``NEEDS``)."""
    lex = _lexicon_for(lang)
    sentences = normalize(text, lang).sentences
    found = _scan(sentences, lex.needs, lex.need_cancels, lex.negation, _negated_need)
    return tuple((label, _score(found.get(label))) for label in NEEDS)


@lru_cache(maxsize=8192)
def score_buying(text: str, lang: Lang) -> float:
    """Probability that ``text`` is a buying signal."""
    lex = _lexicon_for(lang)
    sentences = normalize(text, lang).sentences
    found = _scan(
        sentences,
        (*lex.buying, *_CROSS_BUYING[lang]),
        lex.buying_cancels,
        lex.negation,
        _negated_buy,
    ).get("buying_signal")
    if found is not None and found.spans:
        objections = max(p for _, p in score_objections(text, lang))
        if objections >= DETECTION_THRESHOLD:
            # "Sounds good, but I need to ask my wife": only an explicit yes still counts.
            found = _Found(tuple(sp for sp in found.spans if sp[2] >= S), found.denied)
    return _score(found)


# --- analysers --------------------------------------------------------------------------


class RuleObjections:
    """Objection labels from keyword and pattern rules."""

    name = "objections"
    version = VERSION

    def predict(self, inp: AnalysisInput) -> Mapping[str, float]:
        return dict(score_objections(inp.text, inp.lang))


class RuleNeeds:
    """Need labels from keyword and pattern rules."""

    name = "needs"
    version = VERSION

    def predict(self, inp: AnalysisInput) -> Mapping[str, float]:
        return dict(score_needs(inp.text, inp.lang))


class RuleBuyingSignal:
    """Buying signal from keyword and pattern rules."""

    name = "buying_signal"
    version = VERSION

    def predict(self, inp: AnalysisInput) -> BuyingSignal:
        p = score_buying(inp.text, inp.lang)
        return BuyingSignal(value=p >= DETECTION_THRESHOLD, p=p)


@dataclass(frozen=True, slots=True)
class _TurnView:
    objections: frozenset[str]
    needs: frozenset[str]
    buying: bool


def _view_from_insights(ins: Insights) -> _TurnView:
    return _TurnView(
        objections=frozenset(ins.objection_labels(DETECTION_THRESHOLD)),
        needs=frozenset(ins.need_labels(DETECTION_THRESHOLD)),
        buying=ins.buying_signal.value,
    )


def _view_from_text(text: str, lang: Lang) -> _TurnView:
    return _TurnView(
        objections=frozenset(
            label for label, p in score_objections(text, lang) if p >= DETECTION_THRESHOLD
        ),
        needs=frozenset(label for label, p in score_needs(text, lang) if p >= DETECTION_THRESHOLD),
        buying=score_buying(text, lang) >= DETECTION_THRESHOLD,
    )


#: Objections that, once handled, show engagement rather than resistance.
_HANDLEABLE: Final = frozenset({"price", "time", "skepticism", "has_alternative", "needs_approval"})
_BUDGET: Final[dict[str, float]] = {"low": -0.5, "medium": 0.0, "mid": 0.0, "high": 0.4}


class RuleConversion:
    """Heuristic probability that the conversation ends in a conversion.

    A logistic score over the customer turns so far: buying signals raise it (each a
    little less than the one before, the current turn most), objections that were
    later handled raise it slightly, objections still open or repeated lower it,
    ``not_interested`` lowers it strongly, and ending on ``think_it_over`` lowers it.
    Needs found and the profile's ``budget`` (low/medium/high) adjust it. The result is
    kept within [0.03, 0.97].
    """

    name = "conversion"
    version = VERSION

    BASE: Final = -1.2
    P_MIN: Final = 0.03
    P_MAX: Final = 0.97

    def predict(self, inp: AnalysisInput) -> float:
        turns = self._turns(inp)
        z = self.BASE
        n = len(turns)
        # Buying signals: diminishing returns, the current turn counts extra.
        k = 0
        for view in turns:
            if view.buying:
                z += 1.2 * (0.7**k)
                k += 1
        current = turns[-1]
        if current.buying:
            z += 0.6
        # Objections: when each was last raised, and how often.
        raised: dict[str, list[int]] = {}
        for i, view in enumerate(turns):
            for label in view.objections:
                raised.setdefault(label, []).append(i)
        for label, idx in raised.items():
            last = idx[-1]
            later = turns[last + 1 :]
            handled = bool(later) and any(v.buying or not v.objections for v in later)
            if handled:
                z += 0.25 if label in _HANDLEABLE else -0.1
            else:
                z -= 0.45
            z -= 0.35 * (len(idx) - 1)
            if label == "not_interested":
                z -= 1.0 * len(idx)
        if "not_interested" in current.objections:
            z -= 1.0
        if "think_it_over" in current.objections:
            z -= 0.8
        needs = set().union(*(v.needs for v in turns))
        z += 0.2 * min(3, len(needs))
        z += 0.05 * min(n - 1, 6)
        z += self._budget(inp.profile)
        p = 1.0 / (1.0 + math.exp(-z))
        return min(self.P_MAX, max(self.P_MIN, p))

    @staticmethod
    def _budget(profile: Mapping[str, Any]) -> float:
        budget = profile.get("budget")
        if isinstance(budget, str):
            return _BUDGET.get(budget.strip().lower(), 0.0)
        return 0.0

    @staticmethod
    def _turns(inp: AnalysisInput) -> list[_TurnView]:
        earlier = [u.text for u in inp.history if u.role == "customer"]
        if len(inp.previous) == len(earlier):
            views = [_view_from_insights(ins) for ins in inp.previous]
        else:
            # Insights missing or misaligned: read the earlier turns with the rules.
            views = [_view_from_text(text, inp.lang) for text in earlier]
        views.append(_view_from_text(inp.text, inp.lang))
        return views


def rule_analysers() -> AnalyserSet:
    """The four rule-based analysers."""
    return AnalyserSet(
        objections=RuleObjections(),
        needs=RuleNeeds(),
        buying_signal=RuleBuyingSignal(),
        conversion=RuleConversion(),
    )
