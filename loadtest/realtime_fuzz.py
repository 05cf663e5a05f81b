"""Seeded malformed-event fuzzer for ``/v1/realtime`` (the CI test and the benchmark).

    python -m loadtest fuzz --url URL --events 10000 --cycles 200 --seed 7 --json

:func:`generate` yields :class:`Frame` s from a seed (the same seed gives the same frames):
wrong types, missing fields, unknown types, huge strings, lone surrogates, non-finite
numbers, deep nesting, binary frames, truncated JSON, valid events in the wrong state, audio
in the wrong encoding or with odd byte counts. :func:`run_fuzz` sends them over a few
sessions; after each batch a *probe* (an unknown event type with a known ``event_id``) must
come back as an ``error`` event naming it, which shows the session still reads and answers
in order. Then it runs connect/disconnect cycles (some hanging up abruptly mid-send) and
checks REST still works (a conversation created, a message posted, the list read).

What counts as unexpected (:attr:`FuzzReport.unexpected`): a close by the server that is not
a documented one, a probe that is not answered, an ``error`` event of type
``server_error``, a 5xx (upgrade or REST), the server not answering at the end. A 503
``capacity_exceeded`` upgrade refusal (every call slot still held by sessions the fuzz just
abandoned) is waited out as its ``Retry-After`` asks, a few times (``capacity_waits``), and
only then counts as a 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import json
import os
import random
import sys
import time
from collections import Counter
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

import httpx

#: Close codes a server may use for reasons that are documented and not a malformed event:
#: 1000 the call ended (e.g. ended by the agent), 1001 going away (server shutdown),
#: 1007 a text frame that is not UTF-8 (RFC 6455), 1009 a frame above the server's size limit.
DOCUMENTED_CLOSES: Final[dict[int, str]] = {
    1000: "session ended",
    1001: "going away",
    1007: "invalid UTF-8 in a text frame",
    1009: "message too big",
}
#: Close codes that a frame of these categories is documented to cause.
CATEGORY_CLOSES: Final[dict[str, frozenset[int]]] = {
    "invalid_utf8_text": frozenset({1007}),
}
BATCH: Final = 25  # frames between probes
SESSION_FRAMES: Final = 500  # frames per session before a new one
PROBE_TIMEOUT_S: Final = 10.0
PROBE_TRIES: Final = 3
SEND_TIMEOUT_S: Final = 30.0
SESSION_DEADLINE_S: Final = 240.0
CONNECT_TIMEOUT_S: Final = 30.0
#: Connection attempts refused with 503 ``capacity_exceeded`` before it counts as a 5xx.
CAPACITY_TRIES: Final = 3
CAPACITY_WAIT_MAX_S: Final = 10.0

Json = Any  # a JSON value built here (the generator's own output)


@dataclass(frozen=True, slots=True)
class Frame:
    """One WebSocket message: a text frame (``text``) or a binary frame (``data``); with
    ``utf8_text`` the bytes of ``data`` go out as a text frame (invalid UTF-8)."""

    category: str
    text: str | None = None
    data: bytes | None = None
    utf8_text: bool = False


# --------------------------------------------------------------------------- generator


def _dumps(obj: Json) -> str:
    # ensure_ascii: lone surrogates go out as \udXXX escapes (valid JSON, valid UTF-8 text)
    return json.dumps(obj, ensure_ascii=True, allow_nan=True)


def _rand_str(rng: random.Random, n: int) -> str:
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 _-.ñé漢\u200b\x00\x1f\x7f"
    return "".join(rng.choice(alphabet) for _ in range(n))


def _weird_value(rng: random.Random) -> Json:
    choices: list[Json] = [
        None,
        True,
        0,
        -1,
        2**63,
        -(2**70),
        1.5,
        "",
        "x",
        [],
        {},
        [1, 2],
        {"a": 1},
        "\ud800",
        "\udfff\ud800",
        _rand_str(rng, 40),
        float("nan"),
        float("inf"),
    ]
    return rng.choice(choices)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _valid_events(rng: random.Random) -> list[dict[str, Json]]:
    """Valid events (their state may still be wrong for the session)."""
    return [
        {"type": "input_audio_buffer.append", "audio": _b64(b"\0\0" * rng.randint(1, 960))},
        {"type": "input_audio_buffer.commit"},
        {"type": "input_audio_buffer.clear"},
        {"type": "response.create"},
        {"type": "response.cancel"},
        {"type": "response.cancel", "response_id": "resp_nope"},
        {
            "type": "conversation.item.truncate",
            "item_id": "item_nope",
            "content_index": 0,
            "audio_end_ms": 10,
        },
        {"type": "session.update", "session": {"type": "realtime", "greeting": False}},
    ]


def _truncated_json(rng: random.Random) -> Frame:
    text = _dumps(rng.choice(_valid_events(rng)))
    return Frame("truncated_json", text=text[: rng.randint(0, max(0, len(text) - 1))])


def _not_json(rng: random.Random) -> Frame:
    options = ["{nope", "", " ", "nul", "{'type': 'x'}", "[1,", "\x00", _rand_str(rng, 50)]
    return Frame("not_json", text=rng.choice(options))


def _non_object(rng: random.Random) -> Frame:
    return Frame("non_object", text=_dumps(rng.choice([[], [1], 1, "x", None, True, 1.5])))


def _missing_type(rng: random.Random) -> Frame:
    ev = rng.choice(_valid_events(rng))
    ev.pop("type")
    return Frame("missing_type", text=_dumps(ev))


def _type_not_string(rng: random.Random) -> Frame:
    ev = rng.choice(_valid_events(rng))
    ev["type"] = rng.choice([1, None, ["session.update"], {"a": 1}, True, 1.5])
    return Frame("type_not_string", text=_dumps(ev))


def _unknown_type(rng: random.Random) -> Frame:
    names = [
        "conversation.item.create",
        "conversation.item.delete",
        "response.done",
        "session.created",
        "error",
        "SESSION.UPDATE",
        "session.update ",
        "",
        "\ud800",
        "x" * rng.randint(1, 5000),
        _rand_str(rng, 30),
    ]
    return Frame("unknown_type", text=_dumps({"type": rng.choice(names), "event_id": "u"}))


def _bad_event_id(rng: random.Random) -> Frame:
    ev = rng.choice(_valid_events(rng))
    ev["event_id"] = rng.choice([1, [], {}, True, 1.5, "\udc00"])
    return Frame("bad_event_id", text=_dumps(ev))


def _wrong_field_types(rng: random.Random) -> Frame:
    kind = rng.randrange(7)
    v = _weird_value(rng)
    ev: dict[str, Json]
    if kind == 0:
        ev = {"type": "input_audio_buffer.append", "audio": v}
    elif kind == 1:
        ev = {"type": "session.update", "session": v}
    elif kind == 2:
        ev = {"type": "response.create", "response": v}
    elif kind == 3:
        ev = {"type": "response.cancel", "response_id": v}
    elif kind == 4:
        ev = {"type": "conversation.item.truncate", "item_id": v, "audio_end_ms": 1}
    elif kind == 5:
        ev = {
            "type": "conversation.item.truncate",
            "item_id": "item_x",
            "content_index": v,
            "audio_end_ms": _weird_value(rng),
        }
    else:
        field_name = rng.choice(
            ["audio", "language", "customer", "instructions", "greeting", "model", "turn_detection"]
        )
        ev = {"type": "session.update", "session": {field_name: v}}
    return Frame("wrong_field_types", text=_dumps(ev))


def _session_fields(rng: random.Random) -> Frame:
    """session.update with random (mostly wrong) nested values."""
    v = _weird_value
    session: dict[str, Json] = {
        "audio": {
            "input": {
                "format": rng.choice(
                    [
                        {"type": "audio/pcma"},
                        {"type": "audio/pcm", "rate": rng.choice([8000, 16000, 0, -1, 1e9])},
                        "g711_alaw",
                        v(rng),
                    ]
                ),
                "turn_detection": rng.choice(
                    [
                        {"type": "near_field"},
                        {"silence_duration_ms": v(rng)},
                        {"prefix_padding_ms": v(rng)},
                        {"threshold": v(rng)},
                        {"create_response": v(rng)},
                        "server_vad",
                    ]
                ),
                "transcription": {"language": rng.choice(["xx", "", "\ud800", v(rng)])},
            },
            "output": {"format": v(rng), "voice": v(rng)},
        },
        "language": rng.choice(["klingon", 5, "\udfff"]),
    }
    keys = list(session["audio"]["input"])
    drop = rng.sample(keys, rng.randint(0, len(keys) - 1))
    for k in drop:
        del session["audio"]["input"][k]
    if rng.random() < 0.5:
        del session["language"]
    return Frame("session_fields", text=_dumps({"type": "session.update", "session": session}))


def _huge_string(rng: random.Random) -> Frame:
    n = rng.choice([10_000, 100_000, 500_000, 1_000_000, 2_200_000])
    where = rng.randrange(4)
    big = "a" * n
    ev: dict[str, Json]
    if where == 0:
        ev = {"type": "session.update", "event_id": big, "session": {}}
    elif where == 1:
        ev = {"type": "session.update", "session": {"customer": {"name": big}}}
    elif where == 2:
        ev = {"type": "session.update", "session": {"instructions": big}}
    else:
        ev = {"type": "response.cancel", "response_id": big}
    return Frame("huge_string", text=_dumps(ev))


def _lone_surrogates(rng: random.Random) -> Frame:
    s = rng.choice(["\ud800", "x\udfffy", "\udbff\udbff", "\udc00" * 10])
    where = rng.randrange(6)
    session: dict[str, Json]
    if where == 0:
        session = {"customer": {"name": s}}
    elif where == 1:
        session = {"customer": {s: "value"}}
    elif where == 2:
        session = {"instructions": s}
    elif where == 3:
        session = {"audio": {"output": {"voice": s}}}
    elif where == 4:
        session = {"model": s}
    else:
        session = {"customer": {"notes": [s, {"deep": s}]}}
    return Frame("lone_surrogates", text=_dumps({"type": "session.update", "session": session}))


def _non_finite(rng: random.Random) -> Frame:
    num = rng.choice(["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "1e308", "-0.0", "1.5"])
    templates = [
        '{"type": "conversation.item.truncate", "item_id": "item_x", "content_index": 0, '
        '"audio_end_ms": %s}',
        '{"type": "conversation.item.truncate", "item_id": "item_x", "content_index": %s, '
        '"audio_end_ms": 1}',
        '{"type": "session.update", "session": {"audio": {"input": {"turn_detection": '
        '{"type": "server_vad", "silence_duration_ms": %s}}}}}',
        '{"type": "session.update", "session": {"audio": {"input": {"turn_detection": '
        '{"type": "server_vad", "prefix_padding_ms": %s}}}}}',
        '{"type": "session.update", "session": {"audio": {"input": {"turn_detection": '
        '{"type": "server_vad", "threshold": %s}}}}}',
        '{"type": "session.update", "session": {"audio": {"input": {"format": '
        '{"type": "audio/pcm", "rate": %s}}}}}',
        '{"type": "session.update", "session": {"customer": {"budget": %s}}}',
    ]
    return Frame("non_finite", text=rng.choice(templates) % num)


def _deep_nesting(rng: random.Random) -> Frame:
    depth = rng.choice([100, 1000, 5000, 50_000])
    if rng.random() < 0.5:
        text = "[" * depth + "]" * depth
    else:
        inner = '{"a":' * depth + "1" + "}" * depth
        text = f'{{"type": "session.update", "session": {{"customer": {inner}}}}}'
    return Frame("deep_nesting", text=text)


def _binary(rng: random.Random) -> Frame:
    n = rng.choice([0, 1, 7, 320, 4096])
    if rng.random() < 0.3:
        data = _dumps({"type": "input_audio_buffer.clear"}).encode()
    else:
        data = rng.randbytes(n)
    return Frame("binary", data=data)


def _bad_base64(rng: random.Random) -> Frame:
    audio = rng.choice(["%%%", "AAA", "A", "====", "AA=A", "QUFB\nQUFB", "\ud800", "€€"])
    return Frame("bad_base64", text=_dumps({"type": "input_audio_buffer.append", "audio": audio}))


def _odd_audio(rng: random.Random) -> Frame:
    kind = rng.randrange(4)
    if kind == 0:  # odd byte count for pcm16
        data = b"\0" * (2 * rng.randint(0, 500) + 1)
    elif kind == 1:  # mu-law silence (0xff) sent to whatever format is set
        data = b"\xff" * rng.randint(1, 1600)
    elif kind == 2:  # quiet noise
        data = bytes(rng.choice((0, 1, 255, 254)) for _ in range(rng.randint(1, 800)))
    else:  # larger than one append may carry
        data = b"\0" * (15 * 48000 + 2)
    return Frame(
        "odd_audio", text=_dumps({"type": "input_audio_buffer.append", "audio": _b64(data)})
    )


def _wrong_state(rng: random.Random) -> Frame:
    ev = rng.choice(_valid_events(rng)[1:7])
    return Frame("wrong_state", text=_dumps(ev))


def _format_switch(rng: random.Random) -> Frame:
    """Valid events that change the input format or turn detection between appends."""
    options: list[dict[str, Json]] = [
        {"type": "session.update", "session": {"audio": {"input": {"format": {"type": f}}}}}
        for f in ("audio/pcm", "audio/pcmu")
    ]
    options.append(
        {"type": "session.update", "session": {"audio": {"input": {"turn_detection": None}}}}
    )
    options.append(
        {
            "type": "session.update",
            "session": {"audio": {"input": {"turn_detection": {"type": "server_vad"}}}},
        }
    )
    options.append({"type": "input_audio_buffer.append", "audio": _b64(b"\xff" * 8000)})
    return Frame("format_switch", text=_dumps(rng.choice(options)))


def _extra_fields(rng: random.Random) -> Frame:
    ev = rng.choice(_valid_events(rng))
    ev[_rand_str(rng, 8)] = _weird_value(rng)
    ev["event_id"] = _rand_str(rng, 12)
    return Frame("extra_fields", text=_dumps(ev))


def _invalid_utf8_text(rng: random.Random) -> Frame:
    data = b'{"type": "session.update", "session": {"customer": {"name": "\xed\xa0\x80"}}}'
    return Frame("invalid_utf8_text", data=data, utf8_text=True)


GENERATORS: Final[tuple[tuple[str, float, Callable[[random.Random], Frame]], ...]] = (
    ("truncated_json", 6, _truncated_json),
    ("not_json", 4, _not_json),
    ("non_object", 3, _non_object),
    ("missing_type", 4, _missing_type),
    ("type_not_string", 3, _type_not_string),
    ("unknown_type", 5, _unknown_type),
    ("bad_event_id", 3, _bad_event_id),
    ("wrong_field_types", 12, _wrong_field_types),
    ("session_fields", 8, _session_fields),
    ("huge_string", 0.6, _huge_string),
    ("lone_surrogates", 6, _lone_surrogates),
    ("non_finite", 8, _non_finite),
    ("deep_nesting", 2, _deep_nesting),
    ("binary", 4, _binary),
    ("bad_base64", 4, _bad_base64),
    ("odd_audio", 6, _odd_audio),
    ("wrong_state", 8, _wrong_state),
    ("format_switch", 5, _format_switch),
    ("extra_fields", 5, _extra_fields),
    ("invalid_utf8_text", 0.1, _invalid_utf8_text),
)
CATEGORIES: Final = tuple(name for name, _, _ in GENERATORS)


def generate(seed: int, n: int) -> Iterator[Frame]:
    """``n`` malformed (or wrongly timed) frames, the same for the same seed; every category
    appears at least once when ``n >= len(CATEGORIES)``."""
    rng = random.Random(seed)
    weights = [w for _, w, _ in GENERATORS]
    for i in range(n):
        if i < len(GENERATORS) and n >= len(GENERATORS):
            yield GENERATORS[i][2](rng)
        else:
            yield rng.choices(GENERATORS, weights)[0][2](rng)


# --------------------------------------------------------------------------- the run


@dataclass
class FuzzReport:
    seed: int
    events_sent: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    error_events: Counter[str] = field(default_factory=Counter)
    closes: Counter[str] = field(default_factory=Counter)
    sessions: int = 0
    probes: int = 0
    probes_answered: int = 0
    cycles: int = 0
    abrupt_hangups: int = 0
    #: upgrades refused with ``capacity_exceeded`` and tried again after ``Retry-After``
    capacity_waits: int = 0
    http_5xx: int = 0
    crashes: int = 0
    rest_healthy: bool = False
    unexpected: list[str] = field(default_factory=list)
    elapsed_s: float = 0.0
    #: the last frames sent (category and start), for the report of a stall
    last_sent: list[str] = field(default_factory=list)

    def note(self, problem: str) -> None:
        if len(self.unexpected) < 200:
            self.unexpected.append(problem)

    @property
    def ok(self) -> bool:
        return (
            not self.unexpected
            and self.http_5xx == 0
            and self.crashes == 0
            and self.rest_healthy
            and self.probes_answered == self.probes
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "realtime_fuzz",
            "ok": self.ok,
            "seed": self.seed,
            "events_sent": self.events_sent,
            "by_category": dict(sorted(self.by_category.items())),
            "error_events": sum(self.error_events.values()),
            "error_events_by_code": dict(self.error_events.most_common()),
            "closes": dict(self.closes),
            "sessions": self.sessions,
            "probes": self.probes,
            "probes_answered": self.probes_answered,
            "cycles": self.cycles,
            "abrupt_hangups": self.abrupt_hangups,
            "capacity_waits": self.capacity_waits,
            "http_5xx": self.http_5xx,
            "crashes": self.crashes,
            "rest_healthy": self.rest_healthy,
            "unexpected": len(self.unexpected),
            "unexpected_samples": self.unexpected[:20],
            "elapsed_s": round(self.elapsed_s, 2),
        }


Progress = Callable[[int], None]


def _ws_url(url: str) -> str:
    ws = url.replace("http://", "ws://").replace("https://", "wss://")
    return ws.rstrip("/") + "/v1/realtime?model=voice-agent"


class _Session:
    """One fuzzing connection: a reader task counting events and answering probes."""

    def __init__(self, ws: Any, report: FuzzReport) -> None:
        self.ws = ws
        self.report = report
        self.waiting: dict[str, asyncio.Future[None]] = {}
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.ws:
                if not isinstance(raw, str):
                    self.report.note("server sent a binary frame")
                    continue
                ev = json.loads(raw)
                if ev.get("type") != "error":
                    continue
                err = ev.get("error") or {}
                code = str(err.get("code"))
                eid = err.get("event_id")
                if isinstance(eid, str) and eid in self.waiting:
                    fut = self.waiting.pop(eid)
                    if not fut.done():
                        fut.set_result(None)
                    continue
                self.report.error_events[code] += 1
                if err.get("type") == "server_error":
                    self.report.note(f"server_error event: {code}: {err.get('message')}")
        except ConnectionClosed:
            pass

    async def probe(self, n: int) -> bool:
        """An unknown event with a known ``event_id``; its ``error`` must come back. Sent up
        to :data:`PROBE_TRIES` times, a second apart: a rate limit may refuse one."""
        self.report.probes += 1
        for attempt in range(PROBE_TRIES):
            eid = f"probe-{n}-{attempt}"
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self.waiting[eid] = fut
            try:
                await _bounded_send(self.ws, _dumps({"type": "fuzz.probe", "event_id": eid}), True)
            except TimeoutError:
                return False
            # FIRST_COMPLETED: the reader task only ends with the connection; waiting for
            # both would make every answered probe take the whole PROBE_TIMEOUT_S
            done, _ = await asyncio.wait(
                {fut, self.task}, timeout=PROBE_TIMEOUT_S, return_when=asyncio.FIRST_COMPLETED
            )
            if fut in done:
                self.report.probes_answered += 1
                return True
            if self.task.done():
                return False
            await asyncio.sleep(1.0)
        return False

    async def close(self) -> None:
        from websockets.exceptions import ConnectionClosed

        with contextlib.suppress(ConnectionClosed, TimeoutError, OSError):
            await asyncio.wait_for(self.ws.close(), 10)
        self.task.cancel()


def _capacity_retry_after(response: Any) -> float | None:
    """The ``Retry-After`` of a documented 503 ``capacity_exceeded`` refusal (every call slot
    taken), else None."""
    if response.status_code != 503:
        return None
    try:
        code = json.loads(response.body or b"{}").get("error", {}).get("code")
        wait = float(response.headers.get("Retry-After", ""))
    except (ValueError, AttributeError):
        return None
    return wait if code == "capacity_exceeded" else None


async def _connect(url: str, api_key: str, report: FuzzReport) -> Any | None:
    """A connection, or None (noted). A documented ``capacity_exceeded`` refusal is waited
    out as its ``Retry-After`` asks, :data:`CAPACITY_TRIES` times at most: the fuzz opens
    sessions faster than the server ends the abandoned ones (each holds its call slot while
    its conversation is recorded as ended); a slot that never comes back is still a 5xx."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    for attempt in range(CAPACITY_TRIES):
        try:
            return await asyncio.wait_for(
                connect(
                    _ws_url(url),
                    additional_headers={"Authorization": f"Bearer {api_key}"},
                    max_size=None,
                    open_timeout=CONNECT_TIMEOUT_S,
                ),
                CONNECT_TIMEOUT_S + 5,
            )
        except InvalidStatus as exc:
            wait = _capacity_retry_after(exc.response)
            if wait is not None and attempt + 1 < CAPACITY_TRIES:
                report.capacity_waits += 1
                await asyncio.sleep(min(wait, CAPACITY_WAIT_MAX_S))
                continue
            status = exc.response.status_code
            if status >= 500:
                report.http_5xx += 1
            report.note(f"upgrade refused: HTTP {status}")
            return None
        except (OSError, TimeoutError) as exc:
            report.note(f"cannot connect: {type(exc).__name__}: {exc}")
            return None
    return None


def _close_name(ws: Any) -> str:
    code = ws.close_code
    return f"{code} {ws.close_reason or ''}".strip() if code is not None else "no close frame"


async def _fuzz_session(
    url: str, api_key: str, frames: list[Frame], report: FuzzReport, progress: Progress
) -> None:
    """Frames in batches, each followed by a probe; any close by the server is unexpected."""
    from websockets.exceptions import ConnectionClosed

    ws = await _connect(url, api_key, report)
    if ws is None:
        return
    report.sessions += 1
    sess = _Session(ws, report)
    setup = {"type": "session.update", "session": {"type": "realtime", "greeting": False}}
    try:
        await ws.send(_dumps(setup))
        for start in range(0, len(frames), BATCH):
            batch = frames[start : start + BATCH]
            for k, frame in enumerate(batch):
                try:
                    await _send(ws, frame)
                except TimeoutError:
                    recent = [f"{f.category}: {(f.text or '')[:100]}" for f in batch[: k + 1]]
                    report.note(f"the server stopped reading; frames before: {recent}")
                    ws.transport.abort()
                    return
                report.events_sent += 1
                report.by_category[frame.category] += 1
                report.last_sent = [*report.last_sent[-4:], _describe(frame)]
            progress(len(batch))
            if not await sess.probe(report.probes):
                if sess.task.done():
                    raise ConnectionClosed(None, None)
                recent = [f"{f.category}: {(f.text or '')[:100]}" for f in batch]
                report.note(f"probe after frame {start + len(batch)} not answered: {recent}")
                ws.transport.abort()
                return
    except ConnectionClosed:
        await asyncio.sleep(0)
        name = _close_name(ws)
        report.closes[name] += 1
        report.note(f"server closed the session: {name}")
    finally:
        await sess.close()


def _describe(frame: Frame) -> str:
    body = frame.text if frame.text is not None else repr(frame.data)
    return f"{frame.category}: {body[:120]}"


async def _send(ws: Any, frame: Frame) -> None:
    """Send one frame; ``TimeoutError`` (and the connection aborted) when the server stops
    reading for :data:`SEND_TIMEOUT_S`."""
    if frame.data is not None:
        await _bounded_send(ws, frame.data, frame.utf8_text)
    else:
        await _bounded_send(ws, frame.text or "", True)


async def _bounded_send(ws: Any, message: str | bytes, text: bool) -> None:
    # not asyncio.wait_for: it waits for the cancelled send to unwind, which may not end
    task = asyncio.ensure_future(ws.send(message, text=text))
    done, _ = await asyncio.wait({task}, timeout=SEND_TIMEOUT_S)
    if not done:
        ws.transport.abort()
        task.cancel()
        raise TimeoutError("send did not complete")
    task.result()


async def _closing_frame(url: str, api_key: str, frame: Frame, report: FuzzReport) -> None:
    """A frame documented to end the connection, alone on its own connection: the server
    must close it with the documented code."""
    from websockets.exceptions import ConnectionClosed

    ws = await _connect(url, api_key, report)
    if ws is None:
        return
    report.sessions += 1
    try:
        await asyncio.wait_for(ws.recv(), 10)  # session.created
        await _send(ws, frame)
        report.events_sent += 1
        report.by_category[frame.category] += 1
        while True:
            await asyncio.wait_for(ws.recv(), PROBE_TIMEOUT_S)
    except ConnectionClosed:
        name = _close_name(ws)
        report.closes[name] += 1
        if ws.close_code not in CATEGORY_CLOSES[frame.category]:
            report.note(f"{frame.category}: closed with {name}")
    except TimeoutError:
        report.note(f"{frame.category}: the server neither answered nor closed")
        ws.transport.abort()


async def _cycle(url: str, api_key: str, i: int, rng: random.Random, report: FuzzReport) -> None:
    """One connect/disconnect: clean close, abrupt close before reading, abrupt close while
    the greeting streams, abrupt close in the middle of sending a large frame."""
    from websockets.exceptions import ConnectionClosed

    ws = await _connect(url, api_key, report)
    if ws is None:
        return
    kind = i % 4
    try:
        if kind == 0:
            await asyncio.wait_for(ws.recv(), 10)
            await ws.close()
            return
        report.abrupt_hangups += 1
        if kind == 1:
            ws.transport.abort()
            return
        if kind == 2:
            greet = {"type": "session.update", "session": {"type": "realtime", "greeting": True}}
            await ws.send(_dumps(greet))
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                ev = json.loads(await asyncio.wait_for(ws.recv(), 20))
                if ev.get("type") == "response.output_audio.delta":
                    break
            await asyncio.sleep(rng.random() * 0.2)
            ws.transport.abort()
            return
        audio = _b64(bytes(rng.choice((0, 255)) for _ in range(200_000)))
        send = asyncio.create_task(
            ws.send(_dumps({"type": "input_audio_buffer.append", "audio": audio}))
        )
        await asyncio.sleep(rng.random() * 0.01)
        ws.transport.abort()
        send.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionClosed, OSError):
            await send
    except ConnectionClosed:
        name = _close_name(ws)
        report.closes[name] += 1
        report.note(f"server closed a cycle session: {name}")
    except TimeoutError:
        report.note(f"cycle {i} (kind {kind}): no answer in time")
        ws.transport.abort()


def check_rest(url: str, api_key: str, report: FuzzReport) -> None:
    """REST after the fuzz: a conversation created, a message posted, the list read."""
    headers = {"Authorization": f"Bearer {api_key}"}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=30) as http:
            responses = []
            health = http.get("/healthz")
            responses.append(("GET /healthz", health))
            created = http.post("/v1/conversations", json={"lang": "en"})
            responses.append(("POST /v1/conversations", created))
            if created.status_code in (200, 201):
                cid = created.json()["id"]
                msg = http.post(f"/v1/conversations/{cid}/messages", json={"text": "how much?"})
                responses.append(("POST messages", msg))
                responses.append(("GET conversation", http.get(f"/v1/conversations/{cid}")))
            responses.append(("GET /v1/conversations", http.get("/v1/conversations")))
    except httpx.HTTPError as exc:
        report.crashes += 1
        report.note(f"REST unreachable after the fuzz: {type(exc).__name__}: {exc}")
        return
    healthy = True
    for what, r in responses:
        if r.status_code >= 500:
            report.http_5xx += 1
        if r.status_code not in (200, 201):
            healthy = False
            report.note(f"REST after the fuzz: {what} -> {r.status_code} {r.text[:200]}")
    report.rest_healthy = healthy


async def _bounded(work: Coroutine[Any, Any, None], report: FuzzReport, where: int) -> None:
    """Every session has a deadline (:data:`SESSION_DEADLINE_S`), whatever it waits for."""
    try:
        await asyncio.wait_for(work, SESSION_DEADLINE_S)
    except TimeoutError:
        report.note(
            f"a session (at frame {where}) did not finish in {SESSION_DEADLINE_S:.0f} s; "
            f"last frames sent: {report.last_sent}"
        )


def _no_progress(_: int) -> None:
    pass


async def run_fuzz(
    url: str,
    api_key: str,
    *,
    events: int,
    cycles: int,
    seed: int,
    progress: Progress = _no_progress,
) -> FuzzReport:
    """Send ``events`` generated frames (sessions of :data:`SESSION_FRAMES`), then run
    ``cycles`` connect/disconnect cycles, then check REST."""
    report = FuzzReport(seed=seed)
    t0 = time.perf_counter()
    frames = list(generate(seed, events))
    closing = [f for f in frames if f.category in CATEGORY_CLOSES]
    frames = [f for f in frames if f.category not in CATEGORY_CLOSES]
    for start in range(0, len(frames), SESSION_FRAMES):
        chunk = frames[start : start + SESSION_FRAMES]
        await _bounded(_fuzz_session(url, api_key, chunk, report, progress), report, start)
    for frame in closing:
        await _bounded(_closing_frame(url, api_key, frame, report), report, -1)
        progress(1)
    rng = random.Random(seed + 1)
    for i in range(cycles):
        await _bounded(_cycle(url, api_key, i, rng, report), report, -2 - i)
        report.cycles += 1
        progress(0)
    await asyncio.sleep(1.0)  # let the server finish the hang-ups before looking at REST
    await asyncio.to_thread(check_rest, url, api_key, report)
    report.elapsed_s = time.perf_counter() - t0
    return report


# --------------------------------------------------------------------------- the command


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--url", help="target server (default: start one with speech)")
    p.add_argument("--api-key", default=os.environ.get("VOICE_AGENT_API_KEY"))
    p.add_argument("--events", type=int, default=10_000, help="malformed events to send")
    p.add_argument("--cycles", type=int, default=200, help="connect/disconnect cycles")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", action="store_true", help="one-line JSON")


def run_from_args(args: argparse.Namespace) -> dict[str, Any]:
    from loadtest.progress import bar
    from loadtest.server import target

    total = int(args.events)
    with target(args.url, args.api_key, "fuzz") as server, bar(total, "fuzz events") as advance:
        report = asyncio.run(
            run_fuzz(
                server.url,
                server.api_key,
                events=total,
                cycles=int(args.cycles),
                seed=int(args.seed),
                progress=advance,
            )
        )
    out = report.to_json()
    out["errors"] = 0 if report.ok else max(1, len(report.unexpected))
    out["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0]}
    out["events_per_s"] = (
        round(report.events_sent / report.elapsed_s, 1) if report.elapsed_s else None
    )
    return out
