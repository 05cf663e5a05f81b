"""End of speech -> first agent audio per language, measured fairly: the same prompts in each
language, calls of each language taking turns in one run.

The caller speech is the human telephone prompts that Debian ships in both languages
(``asterisk-core-sounds-en-wav`` / ``-es-wav``): the same prompt names, so each language says
the same things (the Spanish recordings run longer). The calls alternate - ``turns_per_call``
English turns, then as many Spanish ones, and again - so a machine busy with other work
slows both languages alike; the report gives the load average before and after.

    voice-agent bench voice --lang en,es --turns 24 --json
"""

from __future__ import annotations

import os
import statistics
import time
import wave
from collections.abc import Sequence
from typing import Any

import numpy as np

from loadtest.progress import Advance
from loadtest.stats import summary
from loadtest.voice import CallResult, Utterance, run_call, speech_end_ms
from voice_agent.audio.resample import resample
from voice_agent.speech import asterisk

LANGS = ("en", "es")


def shared_prompts(
    langs: Sequence[str] = LANGS,
    *,
    min_words: int = 4,
    max_words: int = 14,
    min_s: float = 1.5,
    max_s: float = 6.0,
) -> list[str]:
    """Names of the prompts recorded in every language of ``langs`` whose transcripts have
    ``min_words``..``max_words`` words and whose recordings last ``min_s``..``max_s`` seconds
    in each (sorted)."""
    texts = {lang: asterisk.transcripts(lang) for lang in langs}
    for lang, t in texts.items():
        if not t or not (asterisk.SOUNDS / lang).is_dir():
            raise RuntimeError(asterisk.install_hint(lang))
    names = set.intersection(*(set(t) for t in texts.values()))
    out = []
    for name in sorted(names):
        if "/" in name or any("[" in texts[lang][name] for lang in langs):
            continue
        if not all(min_words <= len(texts[lang][name].split()) <= max_words for lang in langs):
            continue
        durations = [_duration(asterisk.SOUNDS / lang / f"{name}.wav") for lang in langs]
        if all(d is not None and min_s <= d <= max_s for d in durations):
            out.append(name)
    return out


def _duration(path: os.PathLike[str]) -> float | None:
    try:
        with wave.open(os.fspath(path), "rb") as w:
            return w.getnframes() / w.getframerate()
    except (OSError, wave.Error, EOFError):
        return None


def spread(names: Sequence[str], n: int) -> list[str]:
    """``n`` names taken evenly over ``names`` (all of them if there are not more)."""
    if n >= len(names):
        return list(names)
    return [names[i * len(names) // n] for i in range(n)]


def utterances(lang: str, names: Sequence[str]) -> list[Utterance]:
    """The recordings ``names`` of ``lang`` as 16 kHz caller utterances."""
    out = []
    for name in names:
        with wave.open(str(asterisk.SOUNDS / lang / f"{name}.wav"), "rb") as w:
            raw = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
            rate = w.getframerate()
        s16 = raw if rate == 16000 else resample(raw, rate, 16000)
        out.append(Utterance(f"{lang}:{name}", s16, speech_end_ms(s16)))
    return out


def language_report(results: Sequence[CallResult]) -> dict[str, Any]:
    """Latency summary, stage medians (every timing the server reported) and errors of one
    language's calls."""
    turns = [t for r in results for t in r.turns]
    lat = [t.latency_ms for t in turns if t.latency_ms is not None]
    stages: dict[str, float] = {}
    for key in sorted({k for t in turns for k in t.timings_ms}):
        vals = [t.timings_ms[key] for t in turns if key in t.timings_ms]
        stages[key if key.endswith("_ms") else f"{key}_ms"] = round(statistics.median(vals), 1)
    errors = [e for r in results for e in r.errors]
    return {
        "turns_measured": len(lat),
        **summary(lat),
        "stage_medians": stages,
        "errors": len(errors),
        "error_samples": errors[:5],
    }


async def run_languages(
    url: str,
    api_key: str,
    langs: Sequence[str],
    turns: int,
    *,
    turns_per_call: int = 3,
    prompts: int = 12,
    fmt: str = "audio/pcm",
    turn_detection: dict[str, Any] | None = None,
    progress: Advance | None = None,
) -> dict[str, Any]:
    """``turns`` turns per language, in calls of ``turns_per_call`` turns, the languages
    taking turns call by call; ``prompts`` shared prompts per language."""
    names = spread(shared_prompts(langs), prompts)
    if not names:
        raise RuntimeError(f"no prompt recorded in all of {', '.join(langs)}")
    utts = {lang: utterances(lang, names) for lang in langs}
    results: dict[str, list[CallResult]] = {lang: [] for lang in langs}
    load_before = os.getloadavg()
    t0 = time.perf_counter()
    calls = -(-turns // turns_per_call)
    for k in range(calls):
        n = min(turns_per_call, turns - k * turns_per_call)
        for lang in langs:
            result = await run_call(
                url,
                api_key,
                utts[lang],
                turns=n,
                offset=k * turns_per_call,
                fmt=fmt,
                progress=progress,
                turn_detection=turn_detection,
                language=lang,
            )
            results[lang].append(result)
    load_after = os.getloadavg()
    by_lang = {lang: language_report(results[lang]) for lang in langs}
    report: dict[str, Any] = {
        "langs": list(langs),
        "turns_per_lang": turns,
        "turns_per_call": turns_per_call,
        "format": fmt,
        "turn_detection": (turn_detection or {}).get("type", "server default"),
        "prompts": names,
        "by_lang": by_lang,
    }
    if len(langs) == 2:
        a, b = (by_lang[lang] for lang in langs)
        for key in ("p50_ms", "p95_ms"):
            if a[key] is not None and b[key] is not None:
                report[f"{langs[1]}_minus_{langs[0]}_{key}"] = round(b[key] - a[key], 1)
    report["wall_s"] = round(time.perf_counter() - t0, 2)
    report["load_avg"] = {
        "before": [round(x, 2) for x in load_before],
        "after": [round(x, 2) for x in load_after],
    }
    return report
