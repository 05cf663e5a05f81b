"""A real local HTTP server speaking the OpenAI Chat Completions streaming protocol (SSE
``data: {...}`` chunks, ``data: [DONE]``), written from the published format, on port 0:
what the LLM generator's tests talk to through the official ``openai`` SDK."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

STALL_S = 30.0


class FakeChatCompletions:
    """A Chat Completions endpoint whose behaviour each test sets."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | error | stall_headers | stall_first | stall_mid | empty
        self.tokens: list[str] = ["Hello there."]
        self.stall_at = 0
        self.gate_at: int | None = None
        self.release = asyncio.Event()
        self.sent = 0
        self.base_url = ""

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append({"headers": dict(request.headers), "body": body})
        if self.mode == "error":
            return JSONResponse(
                {"error": {"message": "upstream exploded", "type": "server_error", "code": None}},
                status_code=500,
            )
        if self.mode == "stall_headers":
            await asyncio.sleep(STALL_S)
        return StreamingResponse(self._events(body["model"]), media_type="text/event-stream")

    async def _events(self, model: str) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            data = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(data)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        if self.mode == "stall_first":
            await asyncio.sleep(STALL_S)
        tokens = [] if self.mode == "empty" else self.tokens
        for i, token in enumerate(tokens):
            if self.mode == "stall_mid" and i == self.stall_at:
                await asyncio.sleep(STALL_S)
            if self.gate_at is not None and i == self.gate_at:
                await asyncio.wait_for(self.release.wait(), timeout=10)
            self.sent += 1
            yield chunk({"content": token})
            await asyncio.sleep(0.005)
        yield chunk({}, finish="stop")
        yield "data: [DONE]\n\n"


@contextlib.asynccontextmanager
async def running_chat_server() -> AsyncIterator[FakeChatCompletions]:
    """The server, started in the running loop, stopped on exit."""
    fake = FakeChatCompletions()
    app = Starlette(routes=[Route("/v1/chat/completions", fake.chat, methods=["POST"])])
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    async with asyncio.timeout(10):
        while not srv.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
    port = srv.servers[0].sockets[0].getsockname()[1]
    fake.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield fake
    finally:
        fake.release.set()
        srv.should_exit = True
        await asyncio.wait_for(task, timeout=10)
