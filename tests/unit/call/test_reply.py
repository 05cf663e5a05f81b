"""The reply stream: first-clause splitting, and the slack its synthesis is asked with."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.call.fakes import FakeSpeech, open_store, orchestrator
from voice_agent.call.reply import ReplyStream, split_first_clause


def test_split_first_clause() -> None:
    assert split_first_clause("I hear you, price matters a lot.") == [
        "I hear you,",
        "price matters a lot.",
    ]
    # too short a head or tail, or no clause: whole
    assert split_first_clause("Sure, thanks.") == ["Sure, thanks."]
    assert split_first_clause("Hello there.") == ["Hello there."]
    assert split_first_clause("Okay, great.") == ["Okay, great."]
    # numbers like 1,000 are not clause breaks
    assert split_first_clause("It costs 1,000 dollars a month for you.") == [
        "It costs 1,000 dollars a month for you."
    ]
    long_head = "word " * 20 + ", and then the rest of it."
    assert split_first_clause(long_head) == [long_head]


async def test_reply_asks_for_its_first_words_now_and_the_rest_with_slack(
    tmp_path: Path,
) -> None:
    """The first piece of a reply is asked for with no slack (the caller is waiting); the
    next ones with the audio playback still has ahead, so other calls' first words go
    first on the shared synthesis workers."""
    speech = FakeSpeech()
    store = await open_store(tmp_path / "s.sqlite3")
    executor = ThreadPoolExecutor(1)
    try:
        orch = orchestrator(store, executor)
        conv = await orch.create(lang="en")
        prepared = replace(
            await orch.prepare_goodbye(conv),
            lines=("I hear you, price matters a lot.", "Let me check.", "Here it is."),
        )
        reply = ReplyStream(prepared, speech, 24000, "en")
        ahead: list[float] = []
        while (got := await asyncio.wait_for(reply.next_chunk(), 10)) is not None:
            if got[1] is not None:  # playback now has this chunk ahead of the caller's ear
                ahead.append(got[1].size * 1000.0 / 24000)
                reply.wants_more(ahead[-1])
        await reply.task
    finally:
        await store.close()
        executor.shutdown()
    assert speech.synthesized == [
        "I hear you,",
        "price matters a lot.",
        "Let me check.",
        "Here it is.",
    ]
    assert speech.slacks[0] == 0.0
    # each later piece: asked for while the previous chunk was playing
    assert speech.slacks[1:] == pytest.approx(ahead[:-1])
    assert all(s > 0 for s in speech.slacks[1:])
