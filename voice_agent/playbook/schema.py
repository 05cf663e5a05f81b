"""The shape of a playbook file: pydantic v2 models plus the checks pydantic cannot express.

A playbook is everything a company needs to sell with this agent, without code: the
company, its programs (price, period, which needs and budgets they fit), a paid trial,
and for every declared language the lines the agent speaks (greeting, discovery questions,
value statements per need, program presentations, several handlers per objection label,
trial and closing offers, what happens after a yes (the next step per offer), follow-up,
hand-off, and optionally the goodbye of a call the server must cut). Lines are
``str.format`` templates over a fixed set of placeholders (``PLACEHOLDERS``).

``Playbook.model_validate`` checks the structure (types, required fields, unknown keys);
``semantic_problems`` checks the rest (labels, languages, placeholders, references). The
loader (``voice_agent.playbook.loader``) runs both and raises ``PlaybookError``.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Iterator, Mapping
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS, Offer
from voice_agent.playbook.errors import Problem
from voice_agent.playbook.shutdown import SHUTDOWN_PLACEHOLDERS

#: Placeholders a line template may use.
PLACEHOLDERS: Final[frozenset[str]] = frozenset(
    {
        "customer_name",
        "profession",
        "agent_name",
        "company",
        "program_name",
        "program_price",
        "program_summary",
        "need_phrase",
        "trial_name",
        "trial_price",
        "trial_summary",
    }
)
#: Placeholders whose value may be unknown (the customer did not say); every slot needs at
#: least one line that does without them.
OPTIONAL_PLACEHOLDERS: Final[frozenset[str]] = frozenset({"customer_name", "profession"})
#: Placeholders of the price formats (``price_formats``).
PRICE_PLACEHOLDERS: Final[frozenset[str]] = frozenset({"amount", "weeks"})

Period = Literal["month", "week", "program", "one_time"]
#: What the agent tells a customer who said yes to do next.
NextStep = Literal["sign_up", "first_session", "payment_link", "person"]
Budget = Literal["low", "medium", "high"]
BUDGETS: Final[tuple[Budget, ...]] = ("low", "medium", "high")

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Ident = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Lines = Annotated[list[Text], Field(min_length=1)]

#: Average number of weeks in a month, to compare prices of different periods.
WEEKS_PER_MONTH: Final[float] = 52.0 / 12.0


def _positive(value: float) -> float:
    if not math.isfinite(value) or value <= 0:
        raise ValueError("must be a positive number")
    return value


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProgramText(_Model):
    name: Text
    #: One or two spoken sentences: what the customer gets.
    summary: Text
    #: Who the program is for (used in the LLM prompt and by people reading the file).
    fits: Text


class Program(_Model):
    id: Ident
    price: float
    currency: Currency
    period: Period
    #: Length of a fixed-length program (required when ``period`` is ``program``).
    duration_weeks: Annotated[int, Field(gt=0)] | None = None
    #: Need labels the program fits, the main one first.
    needs: Annotated[list[str], Field(min_length=1)]
    budgets: Annotated[list[Budget], Field(min_length=1)]
    text: dict[str, ProgramText]

    _check_price = field_validator("price")(_positive)

    def monthly_price(self) -> float:
        """The price per month, to compare programs of different periods."""
        if self.period == "month":
            return self.price
        if self.period == "week":
            return self.price * WEEKS_PER_MONTH
        if self.duration_weeks:
            return self.price / (self.duration_weeks / WEEKS_PER_MONTH)
        return self.price


class NextSteps(_Model):
    """The next step the agent gives after a yes to each offer (its lines are in each
    language's ``next_steps``)."""

    #: After a yes to a program, e.g. ``sign_up`` or ``payment_link``.
    program: NextStep
    #: After a yes to the trial, e.g. ``first_session`` (booking it).
    trial: NextStep

    def after(self, offer: Offer) -> NextStep:
        return self.trial if offer == "trial" else self.program

    def steps(self) -> tuple[NextStep, ...]:
        return tuple(dict.fromkeys((self.program, self.trial)))


class FaqEntry(_Model):
    """A question customers ask and the playbook's answer to it."""

    #: Names the entry in reasons and line ids (``faq.<topic>``).
    topic: Ident
    #: Regular expressions searched in the customer's question, normalised: lower case,
    #: no accents, no punctuation ("what s included" not "what's included").
    match: Annotated[list[Text], Field(min_length=1)]
    answer: Lines


class TrialText(_Model):
    name: Text
    summary: Text


class Trial(_Model):
    price: float
    currency: Currency
    #: The trial price is credited to the first month when the customer joins.
    credited: bool
    text: dict[str, TrialText]

    _check_price = field_validator("price")(_positive)


class Company(_Model):
    name: Text
    website: Text | None = None
    #: One or two sentences per language: what the company sells and to whom.
    description: dict[str, Text]


class LanguageContent(_Model):
    """Everything the agent says in one language."""

    agent_name: Text
    #: How to say an amount of money, with ``{amount}`` (e.g. ``${amount}``).
    money: Text
    thousands_separator: str = ","
    decimal_separator: str = "."
    #: How to say a price per period, with ``{amount}`` (already formatted with ``money``)
    #: and ``{weeks}`` (the program length), e.g. ``{amount} a month``.
    price_formats: dict[Period, Text]
    #: What to say as ``{need_phrase}`` when no need is known yet.
    general_need_phrase: Text
    need_phrases: dict[str, Text]
    greeting: Lines
    acknowledgements: Lines
    discovery_questions: Lines
    value_statements: dict[str, Lines]
    present_program: Lines
    #: Asked when the customer objects but the objection is not known.
    clarify_objection: Lines
    objections: dict[str, Lines]
    trial_offers: Lines
    closing: Lines
    #: After a yes: confirm it and say what happens next, one list per next step used.
    next_steps: dict[NextStep, Lines]
    #: After the next step was given: the customer is all set (no asking again).
    after_yes: Lines
    #: Questions customers ask, with the answers (matched in order; may be empty).
    faq: list[FaqEntry] = Field(default_factory=list)
    #: The answer to a question no FAQ entry matches (never a request for the sale).
    unknown_question: Lines
    follow_up: Lines
    hand_off: Lines
    #: Said when the server must cut the call (it is stopping): a short apology and a
    #: request to call back. Optional: without it the call hears the bundled line
    #: (``voice_agent.playbook.shutdown.FALLBACK``). Placeholders: ``{agent_name}``,
    #: ``{company}`` only.
    shutdown: Text | None = None
    #: Extra guidance for an LLM writing replies in this language (tone, words to avoid).
    llm_style: Text | None = None

    def slots(self) -> Iterator[tuple[str, list[str]]]:
        """Every slot of spoken lines as (dotted field path, lines)."""
        for name in (
            "greeting",
            "acknowledgements",
            "discovery_questions",
            "present_program",
            "clarify_objection",
            "trial_offers",
            "closing",
            "after_yes",
            "unknown_question",
            "follow_up",
            "hand_off",
        ):
            yield name, getattr(self, name)
        for step, lines in self.next_steps.items():
            yield f"next_steps.{step}", lines
        for entry in self.faq:
            yield f"faq.{entry.topic}", entry.answer
        for need, lines in self.value_statements.items():
            yield f"value_statements.{need}", lines
        for label, lines in self.objections.items():
            yield f"objections.{label}", lines


class Playbook(_Model):
    version: Literal[1]
    company: Company
    languages: Annotated[list[str], Field(min_length=1)]
    currency: Currency
    #: Program presented when nothing is known about the customer.
    default_program: Ident
    programs: Annotated[list[Program], Field(min_length=1)]
    trial: Trial
    next_steps: NextSteps
    content: dict[str, LanguageContent]

    def program(self, program_id: str) -> Program | None:
        for p in self.programs:
            if p.id == program_id:
                return p
        return None

    def lang(self, lang: str) -> LanguageContent:
        """The content of ``lang``; the first declared language when it is not declared."""
        found = self.content.get(lang)
        if found is not None:
            return found
        return self.content[self.languages[0]]

    def format_money(self, amount: float, lang: str) -> str:
        c = self.lang(lang)
        whole = abs(amount - round(amount)) < 0.005
        digits = f"{round(amount):,}" if whole else f"{amount:,.2f}"
        digits = (
            digits.replace(",", "\0")
            .replace(".", c.decimal_separator)
            .replace("\0", c.thousands_separator)
        )
        return c.money.format(amount=digits)

    def format_price(self, program: Program, lang: str) -> str:
        c = self.lang(lang)
        fmt = c.price_formats.get(program.period, "{amount}")
        return fmt.format(
            amount=self.format_money(program.price, lang), weeks=program.duration_weeks or ""
        )


def placeholders(template: str) -> set[str]:
    """The placeholder names of a ``str.format`` template; raises ``ValueError`` on bad syntax
    or on anything but a plain name (``{a.b}``, ``{a[0]}``, ``{a!r}``, ``{a:>3}``, ``{}``)."""
    names: set[str] = set()
    for _literal, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if not name.isidentifier():
            raise ValueError(f"placeholder {{{name}}} is not a plain name")
        if spec or conversion:
            raise ValueError(f"placeholder {{{name}}} must not have a format spec or conversion")
        names.add(name)
    return names


def _allowed(names: frozenset[str] | tuple[str, ...]) -> str:
    return ", ".join(sorted(names))


def _check_template(template: str, where: str, allowed: frozenset[str]) -> list[Problem]:
    try:
        names = placeholders(template)
    except ValueError as exc:
        return [Problem(where, f"bad template: {exc}")]
    return [
        Problem(where, f"unknown placeholder {{{name}}} (allowed: {_allowed(allowed)})")
        for name in sorted(names - allowed)
    ]


def _check_keys(
    mapping: Mapping[str, object], where: str, wanted: tuple[str, ...], what: str
) -> list[Problem]:
    problems = [
        Problem(f"{where}.{key}", f"unknown {what} '{key}' (allowed: {_allowed(wanted)})")
        for key in mapping
        if key not in wanted
    ]
    problems += [
        Problem(where, f"missing entry for {what} '{label}'")
        for label in wanted
        if label not in mapping
    ]
    return problems


def _check_langs(mapping: Mapping[str, object], where: str, langs: list[str]) -> list[Problem]:
    problems = [
        Problem(where, f"missing section for declared language '{lang}'")
        for lang in langs
        if lang not in mapping
    ]
    problems += [
        Problem(f"{where}.{key}", f"language '{key}' is not declared in languages")
        for key in mapping
        if key not in langs
    ]
    return problems


def semantic_problems(pb: Playbook) -> list[Problem]:
    """What is wrong with a structurally valid playbook (empty when it is usable)."""
    problems: list[Problem] = []
    langs = list(pb.languages)
    for i, lang in enumerate(langs):
        if lang not in LANGS:
            problems.append(
                Problem(
                    f"languages[{i}]",
                    f"unsupported language '{lang}' (supported: {_allowed(LANGS)})",
                )
            )
        if langs.index(lang) != i:
            problems.append(Problem(f"languages[{i}]", f"language '{lang}' is declared twice"))

    problems += _check_langs(pb.content, "content", langs)
    problems += _check_langs(pb.company.description, "company.description", langs)
    problems += _check_langs(pb.trial.text, "trial.text", langs)
    if pb.trial.currency != pb.currency:
        problems.append(Problem("trial.currency", f"must be the playbook currency {pb.currency}"))

    seen: dict[str, int] = {}
    for i, prog in enumerate(pb.programs):
        where = f"programs[{i}]"
        if prog.id in seen:
            problems.append(
                Problem(
                    f"{where}.id",
                    f"duplicate program id '{prog.id}' (also programs[{seen[prog.id]}])",
                )
            )
        seen.setdefault(prog.id, i)
        if prog.currency != pb.currency:
            problems.append(
                Problem(f"{where}.currency", f"must be the playbook currency {pb.currency}")
            )
        if prog.period == "program" and prog.duration_weeks is None:
            problems.append(
                Problem(f"{where}.duration_weeks", "is required when period is 'program'")
            )
        for j, need in enumerate(prog.needs):
            if need not in NEEDS:
                problems.append(
                    Problem(
                        f"{where}.needs[{j}]",
                        f"unknown need label '{need}' (allowed: {_allowed(NEEDS)})",
                    )
                )
        problems += _check_langs(prog.text, f"{where}.text", langs)
    if pb.program(pb.default_program) is None:
        problems.append(
            Problem(
                "default_program",
                f"no program with id '{pb.default_program}' (programs: {_allowed(tuple(seen))})",
            )
        )

    periods = {p.period for p in pb.programs}
    for lang, content in pb.content.items():
        where = f"content.{lang}"
        problems += _check_keys(
            content.objections, f"{where}.objections", OBJECTIONS, "objection label"
        )
        problems += _check_keys(
            content.value_statements, f"{where}.value_statements", NEEDS, "need label"
        )
        problems += _check_keys(content.need_phrases, f"{where}.need_phrases", NEEDS, "need label")
        topics: dict[str, int] = {}
        for k, entry in enumerate(content.faq):
            if entry.topic in topics:
                problems.append(
                    Problem(
                        f"{where}.faq[{k}].topic",
                        f"duplicate topic '{entry.topic}' (also faq[{topics[entry.topic]}])",
                    )
                )
            topics.setdefault(entry.topic, k)
            for m, pattern in enumerate(entry.match):
                try:
                    re.compile(pattern)
                except re.error as exc:
                    problems.append(
                        Problem(f"{where}.faq[{k}].match[{m}]", f"bad regular expression: {exc}")
                    )
        problems += [
            Problem(
                f"{where}.next_steps",
                f"missing lines for next step '{step}' (used by next_steps)",
            )
            for step in pb.next_steps.steps()
            if step not in content.next_steps
        ]
        for period in sorted(periods - set(content.price_formats)):
            problems.append(
                Problem(
                    f"{where}.price_formats",
                    f"missing format for period '{period}' (used by a program)",
                )
            )
        for period, fmt in content.price_formats.items():
            problems += _check_template(fmt, f"{where}.price_formats.{period}", PRICE_PLACEHOLDERS)
        problems += _check_template(content.money, f"{where}.money", frozenset({"amount"}))
        if content.shutdown is not None:
            problems += _check_template(
                content.shutdown, f"{where}.shutdown", SHUTDOWN_PLACEHOLDERS
            )
        if "{amount}" not in content.money:
            problems.append(Problem(f"{where}.money", "must contain {amount}"))
        for slot, lines in content.slots():
            usable_without_optional = False
            for k, line in enumerate(lines):
                line_problems = _check_template(line, f"{where}.{slot}[{k}]", PLACEHOLDERS)
                problems += line_problems
                if not line_problems and not placeholders(line) & OPTIONAL_PLACEHOLDERS:
                    usable_without_optional = True
            if not usable_without_optional and not any(
                p.field.startswith(f"{where}.{slot}[") for p in problems
            ):
                problems.append(
                    Problem(
                        f"{where}.{slot}",
                        "every line uses {customer_name} or {profession}; add one that works "
                        "when they are unknown",
                    )
                )
    return problems
