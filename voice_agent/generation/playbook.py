"""The deterministic response generator: composes replies from the playbook's lines.

For each action it picks a line of the matching slot in the conversation's language,
fills in what is known (customer name and profession, the needs found, the program that
fits them and the budget, the trial) and does not repeat itself: it records the ids of
the lines it used in ``ctx.memory.used_lines`` (``"es.objection.price.2"``, 1-based) and
picks the first unused line of a slot; when all are used it starts the slot over, which
is the least recently used order because lines are always taken first to last. When
it chooses the program to present itself (the action names none), it puts the program's
id into ``ctx.report.program`` (only for ``present_program``: the orchestrator adds
it to ``memory.programs_presented``).

Composition is synchronous and takes well under a millisecond (``compose``); the async
``generate`` / ``greeting`` of the ``ResponseGenerator`` protocol yield its sentences.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from voice_agent.core.labels import NEEDS, OBJECTIONS
from voice_agent.generation.base import GenerationContext
from voice_agent.generation.sentences import split_sentences
from voice_agent.playbook.schema import (
    BUDGETS,
    OPTIONAL_PLACEHOLDERS,
    Playbook,
    Program,
    placeholders,
)

#: Weight of a program's need by its position in the program's list (main need first).
_RANK_WEIGHTS: Final[tuple[float, ...]] = (1.0, 0.7, 0.5)


@dataclass(frozen=True, slots=True)
class Line:
    id: str
    template: str
    #: Optional placeholders (customer name, profession) the line cannot do without.
    requires: frozenset[str]


def _as_needs(needs: Mapping[str, float] | Iterable[str]) -> dict[str, float]:
    if isinstance(needs, Mapping):
        return {str(k): float(v) for k, v in needs.items() if k in NEEDS}
    return {n: 1.0 for n in needs if n in NEEDS}


def _fits_budget(program: Program, budget: str | float | None) -> bool:
    if budget is None:
        return True
    if isinstance(budget, str):
        return budget not in BUDGETS or budget in program.budgets
    return program.monthly_price() <= budget * 1.05


def need_score(program: Program, needs: Mapping[str, float]) -> float:
    """How well a program fits the needs found (confidence-weighted, main need counts most)."""
    score = 0.0
    for rank, need in enumerate(program.needs):
        weight = _RANK_WEIGHTS[min(rank, len(_RANK_WEIGHTS) - 1)]
        score += weight * needs.get(need, 0.0)
    return score


def choose_program(
    playbook: Playbook,
    needs: Mapping[str, float] | Iterable[str],
    budget: str | float | None = None,
    *,
    exclude: Iterable[str] = (),
    max_monthly: float | None = None,
) -> Program:
    """The program that best fits ``needs`` (labels, or label -> confidence) within
    ``budget`` (a tier ``low``/``medium``/``high`` or a monthly amount in the playbook's
    currency). With no budget known, only programs for the top tier (``high``) are
    considered, if any. Ties go to the higher-priced program (the fuller service); with
    no needs known, the playbook's default program when it fits. ``exclude`` and ``max_monthly``
    serve a re-presentation after a price objection (a cheaper program than the last).
    When nothing fits the budget, the cheapest program that fits the needs best."""
    found = _as_needs(needs)
    excluded = set(exclude)
    pool = [p for p in playbook.programs if p.id not in excluded] or list(playbook.programs)
    if max_monthly is not None:
        cheaper = [p for p in pool if p.monthly_price() < max_monthly]
        pool = cheaper or pool
    if budget is None:
        # unknown budget: the programs for the top budget tier first (no downselling)
        fitting = [p for p in pool if BUDGETS[-1] in p.budgets] or pool
    else:
        fitting = [p for p in pool if _fits_budget(p, budget)]
    if not fitting:
        return min(pool, key=lambda p: (-need_score(p, found) > 0, p.monthly_price()))
    if not any(need_score(p, found) > 0 for p in fitting):
        default = playbook.program(playbook.default_program)
        if default is not None and default in fitting:
            return default
    return max(fitting, key=lambda p: (round(need_score(p, found), 6), p.monthly_price()))


def parse_budget(customer: Mapping[str, Any]) -> str | float | None:
    """A customer's budget from their profile: ``budget`` as a tier (``low``/``medium``/
    ``high``) or a monthly amount (number or text such as ``"$300"``), or
    ``budget_monthly``."""
    for key in ("budget", "budget_monthly", "monthly_budget"):
        value = customer.get(key)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            return float(value) if value > 0 else None
        if isinstance(value, str):
            text = value.strip().lower()
            if text in BUDGETS:
                return text
            digits = "".join(ch for ch in text if ch.isdigit() or ch == ".")
            try:
                amount = float(digits)
            except ValueError:
                continue
            if amount > 0:
                return amount
    return None


class _Values(dict[str, str]):
    """Placeholder values, computed on first use (``str.format_map`` calls ``__missing__``)."""

    def __init__(self, resolve: Mapping[str, Any]) -> None:
        super().__init__()
        self._resolve = resolve

    def __missing__(self, key: str) -> str:
        value = str(self._resolve[key]())
        self[key] = value
        return value


class PlaybookGenerator:
    """Deterministic replies from a playbook (see the module docstring)."""

    name = "playbook"

    def __init__(self, playbook: Playbook) -> None:
        self.playbook = playbook
        self._slots: dict[str, tuple[Line, ...]] = {}
        for lang, content in playbook.content.items():
            for field, lines in content.slots():
                key = _slot_key(field)
                self._slots[f"{lang}.{key}"] = tuple(
                    Line(
                        id=f"{lang}.{key}.{i + 1}",
                        template=t,
                        requires=frozenset(placeholders(t) & OPTIONAL_PLACEHOLDERS),
                    )
                    for i, t in enumerate(lines)
                )

    async def generate(self, ctx: GenerationContext) -> AsyncIterator[str]:
        for sentence in self.compose(ctx):
            yield sentence

    async def greeting(self, ctx: GenerationContext) -> AsyncIterator[str]:
        for sentence in self.compose_greeting(ctx):
            yield sentence

    # -- the core, synchronous -----------------------------------------------------------

    def compose_greeting(self, ctx: GenerationContext) -> list[str]:
        turn = _Turn(self, ctx)
        return turn.sentences([turn.say("greeting")])

    def compose(self, ctx: GenerationContext) -> list[str]:
        """The reply to ``ctx.action`` as a list of sentences; records the lines used."""
        turn = _Turn(self, ctx)
        action = ctx.action
        parts: list[str | None] = []
        if action.name == "discover_need":
            need = turn.new_need()
            value = turn.say(f"value.{need}", cycle=False) if need else None
            if value is not None:
                turn.focus_need = need
                parts.append(value)
            elif turn.customer_spoke():
                parts.append(turn.say("ack"))
            parts.append(turn.say("discovery"))
        elif action.name == "present_program":
            turn.program_for_presentation()
            parts.append(turn.say("present"))
        elif action.name == "handle_objection":
            objection = turn.objection()
            parts.append(turn.say(f"objection.{objection}" if objection else "clarify"))
        elif action.name == "offer_trial":
            parts.append(turn.say("trial"))
        elif action.name == "close" and action.accepted is not None:
            if ctx.memory.confirmations <= 1:  # this reply is the first confirmation
                step = self.playbook.next_steps.after(action.accepted)
                parts.append(turn.say(f"next_step.{step}"))
            else:
                parts.append(turn.say("after_yes"))
        elif action.name == "close":
            parts.append(turn.say("close"))
        elif action.name == "answer_question":
            answer = turn.say(f"faq.{action.topic}") if action.topic else None
            parts.append(answer or turn.say("unknown_question"))
        elif action.name == "schedule_follow_up":
            parts.append(turn.say("follow_up"))
        elif action.name == "hand_off":
            parts.append(turn.say("hand_off"))
        else:  # pragma: no cover - ActionName is a closed Literal
            raise ValueError(f"unknown action {action.name!r}")
        return turn.sentences(parts)

    def program_for(self, ctx: GenerationContext) -> Program:
        """The program the reply to ``ctx.action`` is about (the one ``compose`` would
        name); like ``compose``, puts a program it chose to present into
        ``ctx.report.program``."""
        turn = _Turn(self, ctx)
        if ctx.action.name == "present_program":
            turn.program_for_presentation()
        return turn.program()

    def render_slot(self, ctx: GenerationContext, slot: str) -> list[str]:
        """Every line of a slot that can be said now, filled in, without recording any as
        used (the LLM prompt shows them as ideas)."""
        turn = _Turn(self, ctx)
        return [
            line.template.format_map(turn.values)
            for line in self.lines(turn.lang, slot)
            if line.requires <= turn.known
        ]

    def lines(self, lang: str, slot: str) -> tuple[Line, ...]:
        """The lines of a slot (``"objection.price"``, ``"discovery"``...) in ``lang``."""
        return self._slots.get(f"{lang}.{slot}", ())


def _slot_key(field: str) -> str:
    """Playbook field path -> short slot name used in line ids."""
    head, _, rest = field.partition(".")
    short = {
        "greeting": "greeting",
        "acknowledgements": "ack",
        "discovery_questions": "discovery",
        "present_program": "present",
        "clarify_objection": "clarify",
        "trial_offers": "trial",
        "closing": "close",
        "next_steps": "next_step",
        "after_yes": "after_yes",
        "unknown_question": "unknown_question",
        "faq": "faq",
        "follow_up": "follow_up",
        "hand_off": "hand_off",
        "value_statements": "value",
        "objections": "objection",
    }[head]
    return f"{short}.{rest}" if rest else short


class _Turn:
    """The state of composing one reply: language, known values, the program in focus."""

    def __init__(self, gen: PlaybookGenerator, ctx: GenerationContext) -> None:
        self.gen = gen
        self.pb = gen.playbook
        self.ctx = ctx
        self.lang = ctx.lang if ctx.lang in self.pb.content else self.pb.languages[0]
        self.content = self.pb.content[self.lang]
        self.focus_need: str | None = None
        self._program: Program | None = None
        self.known = {
            name
            for name, value in (
                ("customer_name", self.customer_name()),
                ("profession", self.profession()),
            )
            if value
        }
        trial = self.pb.trial.text.get(self.lang) or next(iter(self.pb.trial.text.values()))
        self.values = _Values(
            {
                "customer_name": self.customer_name,
                "profession": self.profession,
                "agent_name": lambda: self.content.agent_name,
                "company": lambda: self.pb.company.name,
                "program_name": lambda: self._program_text().name,
                "program_summary": lambda: self._program_text().summary,
                "program_price": lambda: self.pb.format_price(self.program(), self.lang),
                "need_phrase": self.need_phrase,
                "trial_name": lambda: trial.name,
                "trial_summary": lambda: trial.summary,
                "trial_price": lambda: self.pb.format_money(self.pb.trial.price, self.lang),
            }
        )

    # -- what is known about the customer ------------------------------------------------

    def customer_name(self) -> str:
        c = self.ctx.customer
        first = c.get("first_name")
        if isinstance(first, str) and first.strip():
            return first.strip()
        name = c.get("name")
        if isinstance(name, str) and name.strip():
            return name.strip().split()[0]
        return ""

    def profession(self) -> str:
        for key in ("profession", "job_title", "role", "occupation"):
            value = self.ctx.customer.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
        return ""

    def customer_spoke(self) -> bool:
        """A reply follows a customer turn; the transcript may or may not include it yet."""
        return bool(self.ctx.transcript)

    def needs(self) -> dict[str, float]:
        found = {k: v for k, v in self.ctx.memory.needs_found.items() if k in NEEDS}
        if self.ctx.insights is not None:
            for score in self.ctx.insights.needs:
                if score.label in NEEDS and score.p >= 0.5:
                    found[score.label] = max(found.get(score.label, 0.0), score.p)
        if self.ctx.action.need in NEEDS and self.ctx.action.need not in found:
            found[self.ctx.action.need] = 1.0
        return found

    def new_need(self) -> str | None:
        """A need just found (the action's, else this turn's strongest) that has not had a
        value statement yet."""
        candidates: list[str] = []
        if self.ctx.action.need in NEEDS:
            candidates.append(self.ctx.action.need)
        if self.ctx.insights is not None:
            scores = sorted(self.ctx.insights.needs, key=lambda s: -s.p)
            candidates += [s.label for s in scores if s.p >= 0.5 and s.label in NEEDS]
        used = self.ctx.memory.used_lines
        for need in candidates:
            prefix = f"{self.lang}.value.{need}."
            if not any(line_id.startswith(prefix) for line_id in used):
                return need
        return None

    def objection(self) -> str | None:
        if self.ctx.action.objection in OBJECTIONS:
            return self.ctx.action.objection
        if self.ctx.insights is not None:
            labels = sorted(
                (s for s in self.ctx.insights.objections if s.p >= 0.5 and s.label in OBJECTIONS),
                key=lambda s: -s.p,
            )
            if labels:
                return labels[0].label
        return None

    def need_phrase(self) -> str:
        need = self.focus_need
        if need is None:
            needs = self.needs()
            if self._program is not None or self.ctx.action.name == "present_program":
                program_needs = set(self.program().needs)
                fitting = {k: v for k, v in needs.items() if k in program_needs}
                needs = fitting or needs
            if needs:
                need = max(needs, key=lambda k: needs[k])
        if need is None:
            return self.content.general_need_phrase
        return self.content.need_phrases.get(need, self.content.general_need_phrase)

    # -- the program in focus ------------------------------------------------------------

    def program(self) -> Program:
        if self._program is None:
            self._program = self._find_program()
        return self._program

    def _program_text(self) -> Any:
        text = self.program().text
        return text.get(self.lang) or next(iter(text.values()))

    def _find_program(self) -> Program:
        action_program = self.pb.program(self.ctx.action.program or "")
        if action_program is not None:
            return action_program
        presented = [p for p in self.ctx.memory.programs_presented if self.pb.program(p)]
        if presented:
            last = self.pb.program(presented[-1])
            assert last is not None
            return last
        return self._choose()

    def _choose(self, **kwargs: Any) -> Program:
        program = choose_program(self.pb, self.needs(), parse_budget(self.ctx.customer), **kwargs)
        if self.ctx.action.name == "present_program":
            # the orchestrator records it in memory.programs_presented
            self.ctx.report.program = program.id
        return program

    def program_for_presentation(self) -> None:
        """Fix the program to present: the action's, else the best fit; after a price
        objection to an earlier presentation, a cheaper one when there is one."""
        action_program = self.pb.program(self.ctx.action.program or "")
        if action_program is not None:
            self._program = action_program
            return
        presented = [p for p in self.ctx.memory.programs_presented if self.pb.program(p)]
        if presented and self.ctx.memory.objections_raised.get("price", 0) > 0:
            last = self.pb.program(presented[-1])
            assert last is not None
            self._program = self._choose(exclude=presented, max_monthly=last.monthly_price())
            return
        self._program = self._choose()

    # -- lines ---------------------------------------------------------------------------

    def say(self, slot: str, *, cycle: bool = True) -> str | None:
        line = self.pick(slot, cycle=cycle)
        if line is None:
            return None
        return line.template.format_map(self.values)

    def pick(self, slot: str, *, cycle: bool = True) -> Line | None:
        """The first unused usable line of a slot (recorded as used); when all are used,
        the slot starts over (``cycle``) or nothing is returned."""
        lines = self.gen.lines(self.lang, slot)
        usable = [line for line in lines if line.requires <= self.known]
        if not usable:
            return None
        used = self.ctx.memory.used_lines
        fresh = [line for line in usable if line.id not in used]
        if not fresh:
            if not cycle:
                return None
            used.difference_update(line.id for line in lines)
            fresh = usable
        chosen = fresh[0]
        used.add(chosen.id)
        return chosen

    @staticmethod
    def sentences(parts: Sequence[str | None]) -> list[str]:
        out: list[str] = []
        for part in parts:
            if part:
                out += split_sentences(part)
        return out
