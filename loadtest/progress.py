"""Progress on a terminal for the long load commands: a tqdm bar on stderr when stderr is a
TTY, nothing otherwise (stdout stays clean JSON either way)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Advance = Callable[[int], None]


def on_terminal() -> bool:
    return sys.stderr.isatty()


@contextmanager
def bar(total: float | None, desc: str, unit: str = "it") -> Iterator[Advance]:
    """``advance(n)`` moves the bar by ``n``; a no-op when stderr is not a terminal."""
    if not on_terminal():
        yield lambda _n: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, leave=False) as t:

        def advance(n: int) -> None:
            if n:
                t.update(n)

        yield advance
