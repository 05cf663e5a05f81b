"""The transports' shared I/O: the bounded outbox and the loop that runs a call to its end."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.unit.call.fakes import FakeSpeech, Harness, orchestrator
from voice_agent.call.events import EndReason
from voice_agent.call.pump import Outbox, pump
from voice_agent.store.sqlite import SQLiteStore


@pytest.fixture
async def harness(store: SQLiteStore) -> Harness:
    h = Harness(orchestrator(store, ThreadPoolExecutor(2)), FakeSpeech())
    await h.start()
    return h


async def test_outbox_sends_in_order_then_stops() -> None:
    out = Outbox(4)
    sent: list[str] = []

    async def write(text: str) -> None:
        sent.append(text)

    assert out.put("a") and out.put("b")
    out.close()
    assert not out.put("c")  # closing: refused
    assert await asyncio.wait_for(out.run(write), 1.0) is EndReason.CALLER_HUNG_UP
    assert sent == ["a", "b"] and not out.overflowed


async def test_outbox_cuts_off_a_peer_that_does_not_read() -> None:
    full = Outbox(2)
    assert full.put("1") and full.put("2")
    assert not full.put("3") and full.overflowed and full.closing

    async def stuck(text: str) -> None:
        await asyncio.sleep(60)

    slow = Outbox(4, send_timeout_s=0.05)
    slow.put("x")
    assert await asyncio.wait_for(slow.run(stuck), 2.0) is EndReason.CLIENT_NOT_READING
    assert slow.overflowed

    async def gone(text: str) -> None:
        raise ConnectionResetError("peer went away")

    dead = Outbox(4)
    dead.put("x")
    assert await asyncio.wait_for(dead.run(gone), 1.0) is EndReason.CALLER_HUNG_UP


async def test_pump_ends_when_the_caller_leaves(harness: Harness, store: SQLiteStore) -> None:
    async def reader() -> EndReason:
        await asyncio.sleep(0.05)
        return EndReason.CALLER_HUNG_UP

    sender = asyncio.create_task(asyncio.sleep(60, EndReason.CALLER_HUNG_UP))
    assert await pump(harness.call, reader(), sender) is EndReason.CALLER_HUNG_UP
    sender.cancel()
    assert harness.call.conv is not None
    conv = await store.get_conversation(harness.call.conv.id)
    assert conv is not None and conv.end_reason == "no_customer_turn"


async def test_pump_lets_the_last_words_be_heard_on_a_hand_off(harness: Harness) -> None:
    heard = asyncio.Event()

    async def reader() -> EndReason:
        await asyncio.sleep(60)
        return EndReason.CALLER_HUNG_UP

    async def last_words() -> None:
        await heard.wait()

    sender = asyncio.create_task(asyncio.sleep(60, EndReason.CALLER_HUNG_UP))
    running = asyncio.create_task(pump(harness.call, reader(), sender, last_words=last_words))
    harness.call.request_end(EndReason.AGENT_HAND_OFF)
    await asyncio.sleep(0.1)
    assert not running.done()  # waiting for the agent's last audio to be played
    heard.set()
    assert await asyncio.wait_for(running, 5.0) is EndReason.AGENT_HAND_OFF
    sender.cancel()


async def test_a_failing_reader_is_an_error_end_not_a_traceback(
    harness: Harness, capsys: pytest.CaptureFixture[str]
) -> None:
    async def reader() -> EndReason:
        raise ValueError("a bug in the transport")

    sender = asyncio.create_task(asyncio.sleep(60, EndReason.CALLER_HUNG_UP))
    assert await pump(harness.call, reader(), sender) is EndReason.ERROR
    sender.cancel()
    out = capsys.readouterr()
    assert "call_io_failed" in out.out + out.err
    assert "Traceback" not in out.out + out.err


async def test_a_failing_writer_is_an_error_end_not_an_unretrieved_exception(
    capsys: pytest.CaptureFixture[str],
) -> None:
    async def broken(text: str) -> None:
        raise ValueError("a bug in the transport")

    out = Outbox(4)
    out.put("x")
    assert await asyncio.wait_for(out.run(broken), 1.0) is EndReason.ERROR
    assert out.closing and not out.put("y")
    assert "send_failed" in capsys.readouterr().out
