"""Labelled customer turns: compose clauses from the phrase banks, then write them as STT.

:func:`compose_turn` is the one place that turns a label set into text; both the
utterance generator and the conversation simulator use it, so a label always means the
same kind of wording. Rows may carry several labels, hard negatives (a negated label that
must *not* be tagged: "it's not about the money"), questions that are not objections
("how much is it?"), fillers, regional Spanish and code-switching.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import ModuleType
from typing import Any

from ml.datagen import phrases_en, phrases_es
from ml.datagen.grammar import expand
from ml.datagen.surface import Segment, render
from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS

__all__ = [
    "Bank",
    "TurnSpec",
    "bank_for",
    "compose_turn",
    "generate_utterances",
    "pick_region",
    "utterance_row",
    "validate_langs",
]

EXTRA_KINDS = ("question", "smalltalk", "profile", "context", "ack", "positive")


@dataclass(frozen=True, slots=True)
class Bank:
    """Everything one language (and Spanish region) says, as templates."""

    lang: str
    region: str
    lexicon: Mapping[str, Sequence[str]]
    module: ModuleType
    fillers: tuple[str, ...]

    def t(self, name: str) -> list[str]:
        value: list[str] = getattr(self.module, name)
        return value

    def d(self, name: str) -> dict[str, list[str]]:
        value: dict[str, list[str]] = getattr(self.module, name)
        return value


@lru_cache(maxsize=16)
def bank_for(lang: str, region: str | None = None) -> Bank:
    """The phrase bank for ``lang`` ("en" or "es"); Spanish needs a region."""
    if lang == "en":
        return Bank("en", "us", phrases_en.LEXICON, phrases_en, tuple(phrases_en.FILLERS))
    if lang == "es":
        reg = region or "mx"
        return Bank(
            "es",
            reg,
            phrases_es.lexicon_for(reg),
            phrases_es,
            tuple(phrases_es.FILLERS_BY_REGION[reg]),
        )
    raise ValueError(f"unsupported language: {lang!r}")


def pick_region(lang: str, rng: random.Random) -> str:
    if lang == "es":
        return rng.choice(phrases_es.REGIONS)
    return "us"


def validate_langs(langs: Iterable[str]) -> tuple[str, ...]:
    out = tuple(langs)
    if not out:
        raise ValueError("langs must name at least one language")
    bad = [x for x in out if x not in LANGS]
    if bad:
        raise ValueError(f"unsupported language(s) {bad}; expected a subset of {LANGS}")
    return out


@dataclass(slots=True)
class TurnSpec:
    """What a customer turn should express. ``extras`` are unlabelled clauses
    (see :data:`EXTRA_KINDS`); ``fixed`` are ready templates appended as-is
    (e.g. a conversation's goodbye)."""

    objections: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    buying: bool = False
    extras: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    # label for which a hard negative is generated (never the same as a real label)
    negate: str | None = None
    negate_need: str | None = None
    # one template carrying several of the labels at once; ``carried`` names them
    # (objection and need labels, and "buying") so no other clause repeats them
    combo: str | None = None
    carried: frozenset[str] = frozenset()
    meta: dict[str, Any] = field(default_factory=dict)

    def tags(self) -> list[str]:
        """What kind of row this is (for tests and data inspection)."""
        out = set(self.meta.get("tags", ()))
        if self.negate or self.negate_need:
            out.add("hard_negative")
        if "question" in self.extras:
            out.add("question")
        if len(self.objections) + len(self.needs) + int(self.buying) >= 2:
            out.add("multi_label")
        if self.combo:
            out.add("combo")
        if not self.objections and not self.needs and not self.buying:
            out.add("neutral")
        return sorted(out)


def _clause(bank: Bank, template: str, rng: random.Random) -> Segment:
    q = template.endswith("?")
    text = expand(template[:-1] if q else template, rng, bank.lexicon)
    return Segment(text, q)


def _pick(bank: Bank, items: Sequence[str], rng: random.Random) -> Segment:
    return _clause(bank, items[rng.randrange(len(items))], rng)


def _join(seg: Segment, joiner: str) -> Segment:
    if not joiner:
        return seg
    return Segment(f"{joiner} {seg.text}", seg.question)


def compose_turn(spec: TurnSpec, lang: str, region: str, rng: random.Random) -> str:
    """Write one customer turn expressing exactly ``spec``'s labels."""
    bank = bank_for(lang, region if lang == "es" else None)
    lex = bank.lexicon
    contrast, add, reason_j = bank.t("JOIN_CONTRAST"), bank.t("JOIN_ADD"), bank.t("JOIN_REASON")

    head: list[Segment] = []  # neutral lead-in material
    for kind in spec.extras:
        if kind == "smalltalk":
            head.append(_pick(bank, bank.t("SMALLTALK"), rng))
        elif kind == "profile":
            head.append(_pick(bank, bank.t("PROFILE"), rng))
        elif kind == "ack":
            head.append(_pick(bank, bank.t("ACKS_AFTER_HANDLING"), rng))
        elif kind == "positive":
            head.append(_pick(bank, bank.t("POSITIVE"), rng))
        elif kind == "context":
            head.append(_pick(bank, bank.t("CONTEXT"), rng))
        elif kind == "inbound":
            head.insert(0, _pick(bank, bank.t("INBOUND"), rng))

    need_segs: list[Segment] = []
    for i, need in enumerate(n for n in spec.needs if n not in spec.carried):
        seg = _pick(bank, bank.d("NEEDS")[need], rng)
        if i > 0:
            seg = _join(seg, rng.choice(add))
        need_segs.append(seg)
    if spec.negate_need is not None:
        neg = _pick(bank, bank.d("NEGATED_NEEDS")[spec.negate_need], rng)
        if need_segs:
            glue = rng.choice(bank.t("JOIN_AFTER_NEGATION"))
            need_segs[0] = _join(need_segs[0], glue)
        need_segs.insert(0, neg)

    obj_segs: list[Segment] = []
    reasons = bank.d("REASONS")
    for i, obj in enumerate(o for o in spec.objections if o not in spec.carried):
        seg = _pick(bank, bank.d("OBJECTIONS")[obj], rng)
        if rng.random() < 0.18:
            seg = Segment(
                expand(rng.choice(bank.t("HEDGES")), rng, lex) + " " + seg.text, seg.question
            )
        if i > 0:
            seg = _join(seg, rng.choice(add))
        obj_segs.append(seg)
        if obj in reasons and not seg.question and rng.random() < 0.15:
            r = _pick(bank, reasons[obj], rng)
            obj_segs.append(_join(r, rng.choice(reason_j)))
    if spec.negate is not None:
        neg = _pick(bank, bank.d("NEGATED")[spec.negate], rng)
        if obj_segs:
            glue = rng.choice(bank.t("JOIN_AFTER_NEGATION"))
            obj_segs[0] = _join(obj_segs[0], glue)
        obj_segs.insert(0, neg)

    buy_segs: list[Segment] = []
    if spec.buying and "buying" not in spec.carried:
        buy_segs.append(_pick(bank, bank.t("BUYING"), rng))

    question_segs: list[Segment] = []
    if "question" in spec.extras:
        question_segs.append(_pick(bank, bank.t("QUESTIONS"), rng))

    # order the blocks the way people talk
    body: list[Segment] = []
    if need_segs and obj_segs:
        if rng.random() < 0.7:
            body = [*need_segs, _join(obj_segs[0], rng.choice(contrast)), *obj_segs[1:]]
        else:
            body = [*obj_segs, _join(need_segs[0], rng.choice(contrast)), *need_segs[1:]]
    else:
        body = need_segs + obj_segs
    if buy_segs:
        buy = buy_segs[0]
        if body and obj_segs and rng.random() < 0.5:
            # "i want to start but i need to ask my wife first"
            body = [buy, _join(body[0], rng.choice(contrast)), *body[1:]]
        elif body:
            body = [*body, _join(buy, rng.choice(bank.t("JOIN_SO")))]
        else:
            body = [buy]
    if spec.combo is not None:
        combo = _clause(bank, spec.combo, rng)
        if body and rng.random() < 0.5:
            body = [*body, _join(combo, rng.choice(add + contrast))]
        elif body:
            body = [combo, _join(body[0], rng.choice(add + contrast)), *body[1:]]
        else:
            body = [combo]
    if question_segs:
        body = body + question_segs if rng.random() < 0.6 else question_segs + body
    segments = head + body
    segments += [_pick(bank, [f], rng) for f in spec.fixed]
    if not segments:
        segments = [_pick(bank, bank.t("SMALLTALK"), rng)]

    segments = _decorate(segments, bank, rng, spec.meta)
    return render(segments, lang, rng)


_DROPPABLE = frozenset(
    [
        "the",
        "a",
        "an",
        "to",
        "of",
        "my",
        "it",
        "that",
        "this",
        "and",
        "so",
        "just",
        "really",
        "like",
        "for",
        "in",
        "on",
        "at",
        "is",
        "was",
        "be",
        "el",
        "la",
        "los",
        "las",
        "de",
        "del",
        "a",
        "al",
        "que",
        "en",
        "un",
        "una",
        "mi",
        "me",
        "lo",
        "se",
        "y",
        "por",
        "para",
        "con",
        "es",
    ]
)


def _decorate(
    segments: list[Segment], bank: Bank, rng: random.Random, meta: dict[str, Any]
) -> list[Segment]:
    """Fillers, openers, code-switching and disfluencies, as people speak."""
    out = list(segments)
    if rng.random() < 0.35:
        opener = expand(rng.choice(bank.t("OPENERS")), rng, bank.lexicon)
        out[0] = Segment(f"{opener} {out[0].text}", out[0].question)
    for i, seg in enumerate(out):
        words = seg.text.split()
        if len(words) > 4 and rng.random() < 0.15:
            # STT drops short function words now and then (never content words or a
            # negation, which would change the labels)
            droppable = [k for k in range(1, len(words)) if words[k].lower() in _DROPPABLE]
            if droppable:
                del words[rng.choice(droppable)]
        if len(words) > 3 and rng.random() < 0.18:
            k = rng.randrange(1, len(words) - 1)
            words.insert(k, rng.choice(bank.fillers))
        if len(words) > 2 and rng.random() < 0.05:
            k = rng.randrange(0, len(words) - 1)
            words.insert(k, words[k])  # stutter: "i i don't"
        out[i] = Segment(" ".join(words), seg.question)
    cs_rate = 0.12 if bank.lang == "es" else 0.03
    if rng.random() < cs_rate:
        i = rng.randrange(len(out))
        marker = rng.choice(bank.t("CODESWITCH"))
        meta.setdefault("tags", set()).add("codeswitch")
        out[i] = Segment(f"{marker} {out[i].text}", out[i].question)
    if rng.random() < 0.1 and len(out) >= 1:
        # trailing tag question / filler
        tails = (
            ["you know", "right", "so yeah", "i don't know", "anyway"]
            if bank.lang == "en"
            else [
                "sabes",
                "no",
                "o sea",
                "no sé",
                "bueno",
                "y ya",
                "viste" if bank.region == "ar" else "pues",
            ]
        )
        last = out[-1]
        out[-1] = Segment(f"{last.text} {rng.choice(tails)}", last.question)
    return out


# --------------------------------------------------------------------------- sampling


def _sample_spec(rng: random.Random, lang: str) -> TurnSpec:
    r = rng.random()
    if r < 0.22:
        return _neutral_spec(rng)
    if r < 0.33:
        return _combo_spec(rng, lang)
    n_obj = rng.choices((0, 1, 2, 3), weights=(24, 46, 24, 6))[0]
    n_need = rng.choices((0, 1, 2), weights=(44, 41, 15))[0]
    objections = tuple(rng.sample(OBJECTIONS, n_obj))
    needs = tuple(rng.sample(NEEDS, n_need))
    buy_p = 0.3 if not objections else 0.12
    if "not_interested" in objections:
        buy_p = 0.0
        needs = needs if rng.random() < 0.2 else ()
    buying = rng.random() < buy_p
    if not objections and not needs:
        buying = True
    extras: list[str] = []
    if needs and rng.random() < 0.2:
        extras.append("profile")
    if rng.random() < 0.12:
        extras.append("question")
    if rng.random() < 0.08:
        extras.append(rng.choice(("ack", "positive", "smalltalk", "context")))
    negate = None
    if rng.random() < 0.12:
        choices = [o for o in OBJECTIONS if o not in objections]
        negate = rng.choice(choices)
    negate_need = None
    if rng.random() < 0.07:
        choices = [n for n in NEEDS if n not in needs]
        negate_need = rng.choice(choices)
    return TurnSpec(
        objections, needs, buying, tuple(extras), negate=negate, negate_need=negate_need
    )


def _combo_spec(rng: random.Random, lang: str) -> TurnSpec:
    combos: list[tuple[tuple[str, ...], tuple[str, ...], bool, str]] = bank_for(lang).module.COMBOS
    objs, needs, buying, template = combos[rng.randrange(len(combos))]
    carried = frozenset((*objs, *needs, *(("buying",) if buying else ())))
    objections, need_t = tuple(objs), tuple(needs)
    if rng.random() < 0.3:  # one more idea in another clause
        if rng.random() < 0.5:
            extra = rng.choice(
                [o for o in OBJECTIONS if o not in objections and o != "not_interested"]
            )
            objections = (*objections, extra)
        else:
            extra = rng.choice([n for n in NEEDS if n not in need_t])
            need_t = (*need_t, extra)
    return TurnSpec(objections, need_t, bool(buying), combo=template, carried=carried)


def _neutral_spec(rng: random.Random) -> TurnSpec:
    kind = rng.choices(
        ("question", "smalltalk", "profile", "negation", "neg_need", "ack", "positive", "mix"),
        weights=(26, 14, 16, 18, 6, 8, 6, 6),
    )[0]
    if kind == "negation":
        return TurnSpec(
            negate=rng.choice(OBJECTIONS), extras=(("question",) if rng.random() < 0.2 else ())
        )
    if kind == "neg_need":
        return TurnSpec(negate_need=rng.choice(NEEDS))
    if kind == "mix":
        k = rng.sample(("question", "smalltalk", "profile", "ack", "positive", "context"), 2)
        return TurnSpec(extras=tuple(k))
    return TurnSpec(extras=(kind,))


def utterance_row(i: int, seed: int, langs: Sequence[str]) -> dict[str, Any]:
    """Row ``i`` of ``generate_utterances(n, seed, langs)`` (rows are independent)."""
    rng = random.Random(f"utt:{seed}:{i}")
    lang = langs[i % len(langs)]
    region = pick_region(lang, rng)
    spec = _sample_spec(rng, lang)
    text = compose_turn(spec, lang, region, rng)
    return {
        "id": f"gen-u{seed}-{i:06d}",
        "lang": lang,
        "text": text,
        "objections": sorted(spec.objections, key=OBJECTIONS.index),
        "needs": sorted(spec.needs, key=NEEDS.index),
        "buying_signal": bool(spec.buying),
        "region": region,
        "tags": spec.tags(),
    }


def generate_utterances(
    n: int, seed: int, langs: Iterable[str] = ("en", "es")
) -> list[dict[str, Any]]:
    """``n`` labelled customer utterances, deterministic for ``seed``.

    Each row: ``{"id", "lang", "text", "objections", "needs", "buying_signal"}`` (plus
    ``"region"``), the shape of shared/eval/utterances_dev.jsonl. Languages alternate.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    lang_list = validate_langs(langs)
    return [utterance_row(i, seed, lang_list) for i in range(n)]
