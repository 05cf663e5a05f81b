"""A website that talks to visitors through the voice-agent widget.

What a site needs: a page with the ``<script>`` tag, and one backend route the widget calls
for a short-lived client secret (the API key stays on the server). Run it beside a voice-agent
server that allows this site's origin::

    VOICE_AGENT_ALLOWED_ORIGINS=http://127.0.0.1:8080 .venv/bin/voice-agent serve
    VOICE_AGENT_URL=http://127.0.0.1:8000 VOICE_AGENT_API_KEY=$(cat data/api_key) \\
        .venv/bin/uvicorn --app-dir examples/widget_site website:app --port 8080

then open http://127.0.0.1:8080/ and press the talk button.
"""

from __future__ import annotations

import html
import os

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Altura Coaching</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto">
<h1>Altura Coaching</h1>
<p>Coaching for busy executives: fitness, nutrition, stress and energy.</p>
<script src="{server}/widget.js" data-token-url="/voice-agent/token" defer></script>
</body></html>
"""


def create_app(voice_agent_url: str, api_key: str) -> Starlette:
    """The site: ``/`` (the page) and ``POST /voice-agent/token`` (the widget's key)."""

    async def page(request: Request) -> Response:
        return HTMLResponse(PAGE.format(server=html.escape(voice_agent_url)))

    # --- the backend route the widget needs (the README shows these lines) ---
    async def voice_agent_token(request: Request) -> Response:
        # your own checks first: a signed-in visitor, a rate limit per visitor...
        body = await request.json()
        lang = "es" if body.get("lang") == "es" else "en"
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(
                f"{voice_agent_url}/v1/realtime/client_secrets",
                headers={"Authorization": f"Bearer {api_key}"},
                json={
                    "expires_after": {"anchor": "created_at", "seconds": 60},
                    "session": {"language": lang, "customer": {"source": "website"}},
                },
            )
        return JSONResponse(answer.json(), status_code=answer.status_code)

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/voice-agent/token", voice_agent_token, methods=["POST"]),
        ]
    )


def __getattr__(name: str) -> Starlette:
    """``website:app`` for uvicorn, built from the environment when first asked for."""
    if name != "app":
        raise AttributeError(name)
    url, key = os.environ.get("VOICE_AGENT_URL"), os.environ.get("VOICE_AGENT_API_KEY")
    if not (url and key):
        raise SystemExit("set VOICE_AGENT_URL and VOICE_AGENT_API_KEY (see this file's docstring)")
    return create_app(url.rstrip("/"), key)
