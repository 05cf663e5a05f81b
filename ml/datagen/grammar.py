"""A tiny template language for compositional phrase banks.

Syntax of a template string:

- ``{a|b|c}`` picks one alternative uniformly (alternatives may be empty and may nest);
- ``<slot>`` expands one entry of the lexicon's ``slot`` list (entries are templates too);
- ``<n:20-65>`` is an integer in the range, rendered later as digits or words (see
  :mod:`ml.datagen.surface`), written into the text as ``#20#`` markers.

Templates are parsed once and cached; expansion only walks the parsed tree, so generating
tens of thousands of turns takes seconds.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["GrammarError", "Lexicon", "expand", "parse"]


class GrammarError(ValueError):
    """A template is malformed or names a slot the lexicon does not have."""


@dataclass(frozen=True, slots=True)
class _Lit:
    text: str


@dataclass(frozen=True, slots=True)
class _Choice:
    options: tuple[tuple[_Node, ...], ...]


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str


@dataclass(frozen=True, slots=True)
class _Num:
    lo: int
    hi: int


_Node = _Lit | _Choice | _Slot | _Num
Lexicon = Mapping[str, Sequence[str]]

_NUM_RE = re.compile(r"^n:(\d+)-(\d+)$")


@lru_cache(maxsize=65536)
def parse(template: str) -> tuple[_Node, ...]:
    """Parse ``template`` into a tree; raises :class:`GrammarError` on unbalanced braces."""
    nodes, pos = _parse_seq(template, 0, top=True)
    if pos != len(template):
        raise GrammarError(f"unexpected {template[pos]!r} at {pos} in {template!r}")
    return nodes


def _parse_seq(s: str, pos: int, *, top: bool) -> tuple[tuple[_Node, ...], int]:
    out: list[_Node] = []
    buf: list[str] = []
    while pos < len(s):
        c = s[pos]
        if c in "|}":
            if top:
                raise GrammarError(f"unexpected {c!r} at {pos} in {s!r}")
            break
        if c == "{":
            if buf:
                out.append(_Lit("".join(buf)))
                buf = []
            options: list[tuple[_Node, ...]] = []
            pos += 1
            while True:
                seq, pos = _parse_seq(s, pos, top=False)
                options.append(seq)
                if pos >= len(s):
                    raise GrammarError(f"unclosed '{{' in {s!r}")
                if s[pos] == "|":
                    pos += 1
                    continue
                pos += 1  # the closing brace
                break
            out.append(_Choice(tuple(options)))
            continue
        if c == "<":
            end = s.find(">", pos)
            if end < 0:
                raise GrammarError(f"unclosed '<' in {s!r}")
            if buf:
                out.append(_Lit("".join(buf)))
                buf = []
            name = s[pos + 1 : end]
            m = _NUM_RE.match(name)
            if m:
                out.append(_Num(int(m.group(1)), int(m.group(2))))
            else:
                out.append(_Slot(name))
            pos = end + 1
            continue
        buf.append(c)
        pos += 1
    if buf:
        out.append(_Lit("".join(buf)))
    return tuple(out), pos


def expand(template: str, rng: random.Random, lexicon: Lexicon, _depth: int = 0) -> str:
    """Expand ``template`` with ``rng``; whitespace is collapsed and a contraction written
    as its own alternative (``i {have|'ve got}``) is glued to the word before it."""
    parts: list[str] = []
    _walk(parse(template), rng, lexicon, parts, _depth)
    return " ".join("".join(parts).split()).replace(" '", "'")


def _walk(
    nodes: tuple[_Node, ...],
    rng: random.Random,
    lexicon: Lexicon,
    out: list[str],
    depth: int,
) -> None:
    if depth > 12:
        raise GrammarError("template recursion too deep")
    for node in nodes:
        if isinstance(node, _Lit):
            out.append(node.text)
        elif isinstance(node, _Choice):
            _walk(node.options[rng.randrange(len(node.options))], rng, lexicon, out, depth)
        elif isinstance(node, _Slot):
            entries = lexicon.get(node.name)
            if not entries:
                raise GrammarError(f"unknown or empty slot <{node.name}>")
            pick = entries[rng.randrange(len(entries))]
            _walk(parse(pick), rng, lexicon, out, depth + 1)
        else:
            out.append(f"#{rng.randint(node.lo, node.hi)}#")
