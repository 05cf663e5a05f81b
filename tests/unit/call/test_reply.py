"""The reply stream's pure helpers: first-clause splitting and the TTS gate."""

from __future__ import annotations

from voice_agent.call.reply import split_first_clause


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


async def test_tts_gate_lets_first_chunks_go_first() -> None:
    import asyncio

    from voice_agent.call.reply import TtsGate

    gate = TtsGate(max_wait_s=5.0)
    order: list[str] = []

    async def continuation() -> None:
        await gate.continuation()
        order.append("continuation")

    gate.first_started()
    task = asyncio.create_task(continuation())
    await asyncio.sleep(0.05)
    assert order == []  # held while a first chunk is pending
    order.append("first")
    gate.first_done()
    await asyncio.wait_for(task, 1.0)
    assert order == ["first", "continuation"]
    await asyncio.wait_for(gate.continuation(), 0.1)  # nothing pending: no wait


async def test_tts_gate_wait_is_bounded() -> None:
    import asyncio
    import time

    from voice_agent.call.reply import TtsGate

    gate = TtsGate(max_wait_s=0.1)
    gate.first_started()
    t0 = time.perf_counter()
    await asyncio.wait_for(gate.continuation(), 2.0)
    assert time.perf_counter() - t0 < 1.0
