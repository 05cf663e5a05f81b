"""Word errors of real telephone recordings through ``/v1/realtime``, spoken by a client of the
official ``openai`` SDK, against the same Whisper model run directly on the same files.

Each recording is one session: ``session.update`` (language, ``audio/pcmu`` both ways like a
phone line, no greeting), 300 ms of silence, the recording, 1.5 s of silence, all streamed
in 40 ms chunks at real-time pace; what the server transcribed is every
``conversation.item.input_audio_transcription.completed`` of the session, in order (a pause
inside a recording may make two turns). A turn the server heard but could not put into
words (``...transcription.failed``, ``no_speech_recognized``) counts as empty: its words are
all errors.

:func:`run_wer_realtime` returns the same report as the Twilio path's
:func:`loadtest.telephony.run_wer` (``wer_realtime_path`` instead of ``wer_twilio_path``).
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, cast

import numpy as np
import numpy.typing as npt

from loadtest.telephony import Recording, wer_report
from voice_agent.audio import codec
from voice_agent.audio.resample import resample

if TYPE_CHECKING:
    from openai.types.realtime import RealtimeSessionCreateRequestParam

CHUNK_MS: Final = 40
LEAD_S: Final = 0.3
TAIL_S: Final = 1.5
MODEL: Final = "voice-agent"
PCMU: Final = codec.AudioFormat.parse("audio/pcmu")


@dataclass
class HeardTurns:
    """What the server made of one recording's session."""

    started: int = 0  # input_audio_buffer.speech_started
    texts: dict[str, str] = field(default_factory=dict)  # item id -> transcript
    order: list[str] = field(default_factory=list)  # item ids as their turns started
    failed: dict[str, str] = field(default_factory=dict)  # item id -> error code
    errors: list[str] = field(default_factory=list)  # error events' codes

    def take(self, kind: str, event: dict[str, Any]) -> None:
        """Account for one server event (``kind`` is its ``type``)."""
        item = str(event.get("item_id") or "")
        if kind == "input_audio_buffer.speech_started":
            self.started += 1
            if item and item not in self.order:
                self.order.append(item)
        elif kind == "conversation.item.input_audio_transcription.completed":
            self.texts[item] = str(event.get("transcript") or "")
            if item not in self.order:
                self.order.append(item)
        elif kind == "conversation.item.input_audio_transcription.failed":
            error = event.get("error")
            code = error.get("code") if isinstance(error, dict) else None
            self.failed[item] = str(code or "failed")
        elif kind == "error":
            error = event.get("error")
            code = error.get("code") if isinstance(error, dict) else None
            self.errors.append(str(code or "error"))

    def settled(self) -> bool:
        """Every turn the server started has been transcribed (or failed), and there was one."""
        return self.started > 0 and len(self.texts) + len(self.failed) >= self.started

    def transcript(self) -> str:
        return " ".join(t for i in self.order if (t := self.texts.get(i, "").strip()))


def stream_chunks(samples8k: npt.NDArray[np.int16]) -> list[bytes]:
    """The caller's line for one recording, as mu-law chunks of :data:`CHUNK_MS`: lead
    silence, the recording, tail silence (the last chunk may be shorter)."""
    lead = np.zeros(int(LEAD_S * 8000), dtype=np.int16)
    tail = np.zeros(int(TAIL_S * 8000), dtype=np.int16)
    line = np.concatenate([lead, samples8k.astype(np.int16), tail])
    step = 8000 * CHUNK_MS // 1000
    return [codec.encode(line[i : i + step], PCMU) for i in range(0, line.size, step)]


def session_settings(lang: str) -> dict[str, Any]:
    """The ``session.update`` of a recording's session: ``lang``, 8 kHz mu-law, no
    greeting (an extension field; the server's turn detection is left as it is)."""
    fmt = {"type": "audio/pcmu"}
    return {
        "type": "realtime",
        "audio": {
            "input": {"format": fmt, "transcription": {"language": lang}},
            "output": {"format": fmt},
        },
        "greeting": False,
    }


def _plain(event: object) -> dict[str, Any]:
    dump = getattr(event, "model_dump", None)
    data = dump() if callable(dump) else event
    return dict(data) if isinstance(data, dict) else {}


async def realtime_transcript(
    url: str, api_key: str, rec: Recording, lang: str, *, settle_s: float = 30.0
) -> HeardTurns:
    """Speak ``rec`` into one ``/v1/realtime`` session at real-time pace (official SDK);
    what the server transcribed. Waits at most ``settle_s`` after the end of the stream."""
    from openai import AsyncOpenAI

    ws_base = url.replace("http://", "ws://").replace("https://", "wss://").rstrip("/") + "/v1"
    client = AsyncOpenAI(
        api_key=api_key, base_url=url.rstrip("/") + "/v1", websocket_base_url=ws_base
    )
    heard = HeardTurns()
    updated = asyncio.Event()
    async with client.realtime.connect(model=MODEL, max_retries=0) as conn:

        async def read() -> None:
            async for event in conn:
                data = _plain(event)
                kind = str(data.get("type", ""))
                if kind == "session.updated":
                    updated.set()
                heard.take(kind, data)

        reader = asyncio.create_task(read())
        try:
            settings = cast("RealtimeSessionCreateRequestParam", session_settings(lang))
            await conn.session.update(session=settings)
            await asyncio.wait_for(updated.wait(), 10.0)
            t0 = time.monotonic()
            for k, chunk in enumerate(stream_chunks(rec.samples8k)):
                delay = t0 + k * CHUNK_MS / 1000 - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                await conn.input_audio_buffer.append(audio=base64.b64encode(chunk).decode())
            deadline = time.monotonic() + settle_s
            while not heard.settled():  # the tail's silence has ended every turn
                if time.monotonic() > deadline:
                    heard.errors.append("timeout")
                    break
                await asyncio.sleep(0.05)
        except TimeoutError:
            heard.errors.append("timeout")
        finally:
            reader.cancel()
            await asyncio.gather(reader, return_exceptions=True)
    return heard


async def run_wer_realtime(
    url: str,
    api_key: str,
    recordings: list[Recording],
    transcribe: Callable[[npt.NDArray[np.float32]], str],
    lang: str,
    *,
    concurrency: int = 2,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Each recording through ``/v1/realtime`` (``concurrency`` sessions at once) and
    directly through ``transcribe`` (16 kHz float32 -> text); the WER report."""
    sem = asyncio.Semaphore(concurrency)
    done = 0
    failures: dict[str, int] = {}

    async def one(rec: Recording) -> tuple[str, str]:
        nonlocal done
        async with sem:
            heard = await realtime_transcript(url, api_key, rec, lang)
        for code in [*heard.failed.values(), *heard.errors]:
            failures[code] = failures.get(code, 0) + 1
        x16 = resample(rec.samples8k, 8000, 16000).astype(np.float32) / np.float32(32768.0)
        direct = await asyncio.to_thread(transcribe, x16)
        done += 1
        if progress is not None:
            progress(done, len(recordings))
        return direct, heard.transcript()

    results = await asyncio.gather(*(one(r) for r in recordings))
    report = wer_report(recordings, list(results), "realtime")
    report["failures"] = dict(sorted(failures.items()))
    return report
