"""The journey file format: a whole scripted conversation with its expectations.

A journey is a YAML file (see ``journeys/`` and the README, "Journeys")::

    name: price objection, then yes
    lang: en
    customer: {name: Dana, profession: CFO}
    turns:
      - say: "that's way too expensive for me"
        expect: {objections: [price], action: [handle_objection]}
      - say: "ok fine, let's do it"
        expect: {buying_signal: true, action: [close]}
    end: {phase: closing}
    checks: {no_repeated_reply: true, conversion_rises_after_yes: true}

:func:`load_journey` reads one file into frozen values and rejects anything it does not
understand: unknown keys, wrong types, bad regular expressions, label, action or phase names
that are not in :mod:`voice_agent.core.labels`, a journey without turns, a file that is not
YAML. The :class:`JourneyError` names the file, the turn (1-based) and the key, e.g.
``journeys/en/x.yaml: turn 3: expect.objection: unknown key (did you mean 'objections'?)``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Final, TypeVar

import yaml

from voice_agent.core.labels import (
    ACTIONS,
    LANGS,
    NEEDS,
    OBJECTIONS,
    PHASES,
    ActionName,
    Lang,
    Phase,
)

#: A value of the customer profile.
Scalar = str | int | float | bool
#: File name endings of journey files.
SUFFIXES: Final = (".yaml", ".yml")

T = TypeVar("T", bound=str)


class JourneyError(ValueError):
    """A journey file (or a path given for journeys) that cannot be used; the message names
    the file, the turn and the key."""


@dataclass(frozen=True, slots=True)
class Expect:
    """Expectations on one customer turn's insights and the agent's reply. Empty tuples and
    ``None`` expect nothing."""

    #: Each must be detected (p >= the detection threshold).
    objections: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    #: None of these may be detected.
    not_objections: tuple[str, ...] = ()
    not_needs: tuple[str, ...] = ()
    buying_signal: bool | None = None
    #: The next action is one of these.
    action: tuple[ActionName, ...] = ()
    #: The phase after the turn is one of these.
    phase: tuple[Phase, ...] = ()
    #: ``re.search`` on the reply must find / must not find these.
    reply_matches: re.Pattern[str] | None = None
    reply_not_matches: re.Pattern[str] | None = None

    @property
    def empty(self) -> bool:
        return self == Expect()

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys that expect something (``expect.<key>``), in declaration order."""
        return _set_keys(self)


@dataclass(frozen=True, slots=True)
class Turn:
    #: 1-based position in the journey.
    number: int
    say: str
    expect: Expect = field(default_factory=Expect)


@dataclass(frozen=True, slots=True)
class End:
    """Expectations on the state after the last turn."""

    phase: tuple[Phase, ...] = ()
    action: tuple[ActionName, ...] = ()

    @property
    def keys(self) -> tuple[str, ...]:
        """The keys that expect something (``end.<key>``)."""
        return _set_keys(self)


@dataclass(frozen=True, slots=True)
class Checks:
    """Rules over the whole call (README, "Journeys")."""

    #: The agent never says the same reply twice (greeting included).
    no_repeated_reply: bool = False
    #: The conversion probability on the yes turn (the first turn expecting
    #: ``buying_signal: true``) is not lower than on the turn before it.
    conversion_rises_after_yes: bool = False
    #: At most this many turns have the action ``close`` (the agent asks for the sale).
    max_close_attempts: int | None = None
    #: No turn was answered by a rule-based fallback analyser.
    no_fallbacks: bool = False
    #: The insights list only labels that are detected (p >= the detection threshold).
    only_detected_labels: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """The checks that are on (``checks.<key>``)."""
        return _set_keys(self)


def _set_keys(spec: Expect | End | Checks) -> tuple[str, ...]:
    """The fields of ``spec`` that ask for something: not ``None`` or empty, and for a check
    not ``False`` (``buying_signal: false`` and ``max_close_attempts: 0`` ask something)."""
    off = isinstance(spec, Checks)
    return tuple(
        name
        for name in type(spec).__dataclass_fields__
        if (value := getattr(spec, name)) is not None
        and value != ()
        and not (off and value is False)
    )


@dataclass(frozen=True, slots=True)
class Journey:
    #: The file, as it is shown in messages and reports.
    file: str
    name: str
    lang: Lang
    customer: Mapping[str, Scalar]
    turns: tuple[Turn, ...]
    end: End = field(default_factory=End)
    checks: Checks = field(default_factory=Checks)

    @property
    def yes_turn(self) -> int | None:
        """The number of the first turn expecting ``buying_signal: true``, if any."""
        for turn in self.turns:
            if turn.expect.buying_signal is True:
                return turn.number
        return None


# -- validation -------------------------------------------------------------------------------
_TOP_KEYS: Final = ("name", "lang", "customer", "turns", "end", "checks")
_TURN_KEYS: Final = ("say", "expect")
_EXPECT_KEYS: Final = tuple(Expect.__dataclass_fields__)
_END_KEYS: Final = tuple(End.__dataclass_fields__)
_CHECK_KEYS: Final = tuple(Checks.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class _Where:
    """Where in a file a value is: builds the error messages."""

    file: str
    turn: int | None = None

    def error(self, key: str, problem: str) -> JourneyError:
        parts = [self.file]
        if self.turn is not None:
            parts.append(f"turn {self.turn}")
        if key:
            parts.append(key)
        return JourneyError(": ".join([*parts, problem]))


def _kind(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"text ({value!r})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _suggest(word: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _mapping(value: object, where: _Where, key: str, allowed: Sequence[str]) -> dict[str, object]:
    if not isinstance(value, dict):
        raise where.error(
            key, f"expected a mapping with keys {', '.join(allowed)}; got {_kind(value)}"
        )
    out: dict[str, object] = {}
    for k, v in value.items():
        if not isinstance(k, str):
            raise where.error(key, f"keys must be text; got {_kind(k)}")
        if k not in allowed:
            name = f"{key}.{k}" if key else k
            raise where.error(
                name, f"unknown key{_suggest(k, allowed)}; known keys: {', '.join(allowed)}"
            )
        out[k] = v
    return out


def _text(value: object, where: _Where, key: str) -> str:
    if isinstance(value, bool):
        raise where.error(
            key,
            f"expected text; got {_kind(value)}: YAML reads yes/no/on/off unquoted as "
            "booleans, so quote it",
        )
    if isinstance(value, int | float):
        raise where.error(key, f"expected text; got {_kind(value)}: quote it")
    if not isinstance(value, str):
        raise where.error(key, f"expected text; got {_kind(value)}")
    if not value.strip():
        raise where.error(key, "must not be empty")
    return value


def _bool(value: object, where: _Where, key: str) -> bool:
    if not isinstance(value, bool):
        raise where.error(key, f"expected true or false; got {_kind(value)}")
    return value


def _names(value: object, where: _Where, key: str, known: Sequence[T], what: str) -> tuple[T, ...]:
    """One name or a list of names, each one of ``known``."""
    items: list[object] = value if isinstance(value, list) else [value]
    if not items:
        raise where.error(key, f"expected at least one {what}; got an empty list")
    out: list[T] = []
    for item in items:
        if not isinstance(item, str):
            raise where.error(key, f"expected {what} names; got {_kind(item)}")
        match = next((k for k in known if k == item), None)
        if match is None:
            raise where.error(
                key,
                f"unknown {what} {item!r}{_suggest(item, known)}; known: {', '.join(known)}",
            )
        if match not in out:
            out.append(match)
    return tuple(out)


def _regex(value: object, where: _Where, key: str) -> re.Pattern[str]:
    source = _text(value, where, key)
    try:
        return re.compile(source)
    except re.error as exc:
        raise where.error(key, f"not a valid regular expression {source!r}: {exc}") from None


def _expect(value: object, where: _Where) -> Expect:
    data = _mapping(value, where, "expect", _EXPECT_KEYS)

    def labels(key: str, known: Sequence[str], what: str) -> tuple[str, ...]:
        return _names(data[key], where, f"expect.{key}", known, what) if key in data else ()

    expect = Expect(
        objections=labels("objections", OBJECTIONS, "objection"),
        needs=labels("needs", NEEDS, "need"),
        not_objections=labels("not_objections", OBJECTIONS, "objection"),
        not_needs=labels("not_needs", NEEDS, "need"),
        buying_signal=(
            _bool(data["buying_signal"], where, "expect.buying_signal")
            if "buying_signal" in data
            else None
        ),
        action=(
            _names(data["action"], where, "expect.action", ACTIONS, "action")
            if "action" in data
            else ()
        ),
        phase=(
            _names(data["phase"], where, "expect.phase", PHASES, "phase") if "phase" in data else ()
        ),
        reply_matches=(
            _regex(data["reply_matches"], where, "expect.reply_matches")
            if "reply_matches" in data
            else None
        ),
        reply_not_matches=(
            _regex(data["reply_not_matches"], where, "expect.reply_not_matches")
            if "reply_not_matches" in data
            else None
        ),
    )
    for yes, no, what in (
        (expect.objections, expect.not_objections, "objections"),
        (expect.needs, expect.not_needs, "needs"),
    ):
        both = sorted(set(yes) & set(no))
        if both:
            raise where.error(
                f"expect.not_{what}", f"{', '.join(both)} also listed in expect.{what}"
            )
    return expect


def _turn(value: object, number: int, file: str) -> Turn:
    where = _Where(file, number)
    data = _mapping(value, where, "", _TURN_KEYS)
    if "say" not in data:
        raise where.error("say", "missing: every turn says something")
    say = _text(data["say"], where, "say")
    expect = _expect(data["expect"], where) if "expect" in data else Expect()
    return Turn(number, say.strip(), expect)


def _checks(value: object, where: _Where) -> Checks:
    data = _mapping(value, where, "checks", _CHECK_KEYS)
    flags = {
        key: _bool(data[key], where, f"checks.{key}")
        for key in (
            "no_repeated_reply",
            "conversion_rises_after_yes",
            "no_fallbacks",
            "only_detected_labels",
        )
        if key in data
    }
    max_close: int | None = None
    if "max_close_attempts" in data:
        raw = data["max_close_attempts"]
        if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
            raise where.error(
                "checks.max_close_attempts", f"expected a whole number >= 0; got {_kind(raw)}"
            )
        max_close = raw
    return Checks(
        no_repeated_reply=flags.get("no_repeated_reply", False),
        conversion_rises_after_yes=flags.get("conversion_rises_after_yes", False),
        max_close_attempts=max_close,
        no_fallbacks=flags.get("no_fallbacks", False),
        only_detected_labels=flags.get("only_detected_labels", False),
    )


def _customer(value: object, where: _Where) -> Mapping[str, Scalar]:
    if not isinstance(value, dict):
        raise where.error(
            "customer", f"expected a mapping such as {{name: Dana}}; got {_kind(value)}"
        )
    out: dict[str, Scalar] = {}
    for k, v in value.items():
        if not isinstance(k, str):
            raise where.error("customer", f"keys must be text; got {_kind(k)}")
        if not isinstance(v, str | int | float | bool):
            raise where.error(
                f"customer.{k}", f"expected text, a number or a boolean; got {_kind(v)}"
            )
        out[k] = v
    return MappingProxyType(out)


def parse_journey(data: object, file: str) -> Journey:
    """Validate the parsed YAML of one journey file (``file`` names it in errors)."""
    where = _Where(file)
    if data is None:
        raise where.error("", "empty file: a journey needs a name, a lang and turns")
    top = _mapping(data, where, "", _TOP_KEYS)
    for key in ("name", "lang", "turns"):
        if key not in top:
            raise where.error(key, "missing")
    name = _text(top["name"], where, "name").strip()
    lang_raw = top["lang"]
    lang = next((code for code in LANGS if code == lang_raw), None)
    if lang is None:
        raise where.error("lang", f"expected one of {', '.join(LANGS)}; got {_kind(lang_raw)}")
    customer = _customer(top["customer"], where) if "customer" in top else MappingProxyType({})
    raw_turns = top["turns"]
    if not isinstance(raw_turns, list):
        raise where.error("turns", f"expected a list of turns; got {_kind(raw_turns)}")
    if not raw_turns:
        raise where.error("turns", "empty: a journey needs at least one turn")
    turns = tuple(_turn(t, i, file) for i, t in enumerate(raw_turns, start=1))
    end = End()
    if "end" in top:
        end_data = _mapping(top["end"], where, "end", _END_KEYS)
        end = End(
            phase=(
                _names(end_data["phase"], where, "end.phase", PHASES, "phase")
                if "phase" in end_data
                else ()
            ),
            action=(
                _names(end_data["action"], where, "end.action", ACTIONS, "action")
                if "action" in end_data
                else ()
            ),
        )
    checks = _checks(top["checks"], where) if "checks" in top else Checks()
    journey = Journey(file, name, lang, customer, turns, end, checks)
    if checks.conversion_rises_after_yes:
        yes = journey.yes_turn
        if yes is None:
            raise where.error(
                "checks.conversion_rises_after_yes",
                "no turn expects buying_signal: true (the yes it compares against the turn before)",
            )
        if yes == 1:
            raise where.error(
                "checks.conversion_rises_after_yes",
                "the yes (the first turn expecting buying_signal: true) is turn 1: there is "
                "no turn before it to compare with",
            )
    return journey


class _StrictLoader(yaml.SafeLoader):
    """Safe YAML that refuses a key given twice in one mapping (the second would silently
    replace the first)."""


def _no_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"key {key!r} given twice (line {mark.line + 1})", mark
            )
        seen.add(key)
    return loader.construct_mapping(node)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _no_duplicates,
)


def load_journey(path: Path, file: str | None = None) -> Journey:
    """Read and validate one journey file; ``file`` is how messages name it (the path)."""
    name = file if file is not None else str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise JourneyError(f"{name}: not a UTF-8 text file") from None
    except OSError as exc:
        raise JourneyError(f"{name}: cannot read: {exc.strerror or exc}") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise JourneyError(f"{name}: not valid YAML: {at}{problem}") from None
    return parse_journey(data, name)


def journey_files(paths: Sequence[str]) -> list[Path]:
    """The journey files named by ``paths``: files as given, directories searched
    recursively for ``*.yaml``/``*.yml``, each sorted; no file twice."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
            if not found:
                raise JourneyError(f"{raw}: no journey files (*.yaml, *.yml) in this directory")
            out.extend(found)
        elif path.is_file():
            out.append(path)
        else:
            raise JourneyError(f"{raw}: no such file or directory")
    return list(_unique(out))


def _unique(paths: Iterable[Path]) -> Iterator[Path]:
    seen: set[Path] = set()
    for p in paths:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            yield p


def load_journeys(paths: Sequence[str]) -> list[Journey]:
    """Every journey under ``paths``; the first bad file raises :class:`JourneyError`."""
    return [load_journey(p) for p in journey_files(paths)]


__all__ = [
    "Checks",
    "End",
    "Expect",
    "Journey",
    "JourneyError",
    "Scalar",
    "Turn",
    "journey_files",
    "load_journey",
    "load_journeys",
    "parse_journey",
]
