"""``voice-agent journeys FILE_OR_DIR... [--url URL] [--api-key KEY] [--json] [--html FILE]``.

Exit status: 0 when every journey passes, 1 when any fails, 2 for a bad journey file or
bad usage (one line per problem on stderr, no traceback).
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from voice_agent.journeys.report import render_html, render_text, run_json
from voice_agent.journeys.runner import (
    TURN_TIMEOUT_S,
    Backend,
    BackendUnavailable,
    InProcessBackend,
    JourneyResult,
    RestBackend,
    RunResult,
    run_journeys,
)
from voice_agent.journeys.spec import Journey, JourneyError, journey_files, load_journey

PROG = "voice-agent journeys"
#: The environment variable with the API key for ``--url``.
API_KEY_VARIABLE = "VOICE_AGENT_API_KEY"

EXIT_PASSED, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


@dataclass(frozen=True, slots=True)
class Options:
    paths: tuple[str, ...]
    url: str | None = None
    api_key: str | None = None
    as_json: bool = False
    html: Path | None = None
    turn_timeout_s: float = TURN_TIMEOUT_S


def load_all(paths: Sequence[str]) -> tuple[list[Journey], list[str]]:
    """The journeys under ``paths`` and the problems of every bad file (all of them)."""
    try:
        files = journey_files(paths)
    except JourneyError as exc:
        return [], [str(exc)]
    journeys: list[Journey] = []
    problems: list[str] = []
    for path in files:
        try:
            journeys.append(load_journey(path))
        except JourneyError as exc:
            problems.append(str(exc))
    return journeys, problems


async def _run(
    backend_for: Backend | None, opts: Options, journeys: list[Journey], progress: tqdm | None
) -> RunResult:
    backend: Backend
    if backend_for is not None:
        backend = backend_for
    elif opts.url:
        backend = RestBackend(opts.url, opts.api_key or "", opts.turn_timeout_s)
    else:
        backend = await InProcessBackend.open()

    def tick(result: JourneyResult) -> None:
        if progress is not None:
            progress.set_postfix_str(f"{'ok' if result.passed else 'FAIL'} {result.journey.file}")
            progress.update(1)

    try:
        return await run_journeys(
            backend, journeys, turn_timeout_s=opts.turn_timeout_s, on_result=tick
        )
    finally:
        await backend.aclose()


def run_command(
    opts: Options,
    *,
    out: TextIO,
    err: TextIO,
    backend: Backend | None = None,
) -> int:
    """Load, run and report; returns the exit status. ``backend`` replaces the one the
    options name (``--url`` or in process); it is closed at the end of the run."""
    journeys, problems = load_all(opts.paths)
    if problems:
        for problem in problems:
            print(f"{PROG}: {problem}", file=err)
        return EXIT_USAGE
    api_key = opts.api_key or os.environ.get(API_KEY_VARIABLE, "")
    if opts.url and backend is None and not api_key:
        print(f"{PROG}: --url needs an API key: --api-key KEY or {API_KEY_VARIABLE}", file=err)
        return EXIT_USAGE
    opts = Options(opts.paths, opts.url, api_key, opts.as_json, opts.html, opts.turn_timeout_s)
    show = err.isatty()
    progress = (
        tqdm(total=len(journeys), desc="journeys", unit="journey", file=err, leave=False)
        if show
        else None
    )
    try:
        run = asyncio.run(_run(backend, opts, journeys, progress))
    except BackendUnavailable as exc:
        print(f"{PROG}: {exc}", file=err)
        return EXIT_USAGE
    finally:
        if progress is not None:
            progress.close()
    if opts.as_json:
        print(json.dumps(run_json(run), ensure_ascii=False), file=out)
    else:
        out.write(render_text(run))
    if opts.html is not None:
        try:
            opts.html.write_text(render_html(run), encoding="utf-8")
        except OSError as exc:
            print(f"{PROG}: {opts.html}: cannot write the HTML report: {exc.strerror}", file=err)
            return EXIT_USAGE
    return EXIT_PASSED if run.ok else EXIT_FAILED


__all__ = ["API_KEY_VARIABLE", "Options", "load_all", "run_command"]
