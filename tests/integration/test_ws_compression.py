"""``VOICE_AGENT_WS_COMPRESSION``: WebSocket permessage-deflate is declined by default (the
server would spend CPU compressing every call's audio) and offered when turned on. A real
server without speech: the upgrade itself negotiates the extension."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from websockets.asyncio.client import connect

from tests.integration.server import ServerProcess, running_server

KEY = "compression-key"


@pytest.fixture(scope="module", params=["default", "on"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    env = {"VOICE_AGENT_API_KEYS": KEY}
    if request.param == "on":
        env["VOICE_AGENT_WS_COMPRESSION"] = "true"
    with running_server(tmp_path_factory, f"ws-{request.param}", env) as srv:
        yield srv


async def _extensions(server: ServerProcess) -> str | None:
    url = server.url.replace("http://", "ws://") + "/v1/realtime"
    async with connect(
        url, additional_headers={"Authorization": f"Bearer {KEY}"}, compression="deflate"
    ) as ws:
        assert ws.response is not None
        offered = ws.request.headers.get("Sec-WebSocket-Extensions") if ws.request else None
        assert offered and "permessage-deflate" in offered  # the client asked
        return ws.response.headers.get("Sec-WebSocket-Extensions")


def test_deflate_only_when_turned_on(server: ServerProcess, request: pytest.FixtureRequest) -> None:
    answered = asyncio.run(asyncio.wait_for(_extensions(server), 30))
    if "on" in request.node.callspec.id:
        assert answered is not None and "permessage-deflate" in answered
    else:
        assert answered is None
