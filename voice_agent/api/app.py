"""The Starlette application: REST under /v1/, health, readiness, metrics, OpenAPI."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from voice_agent import metrics
from voice_agent.api.openapi import openapi_document
from voice_agent.api.schemas import CreateConversation, PostMessage, PostOutcome
from voice_agent.errors import (
    ConversationEnded,
    InvalidRequest,
    PayloadTooLarge,
    Unauthorized,
    VoiceAgentError,
)
from voice_agent.services import Services, build_services
from voice_agent.settings import Settings

if TYPE_CHECKING:
    from voice_agent.telephony.audiosocket import AudioSocketServer

log = structlog.get_logger("voice_agent.api")
M = TypeVar("M", bound=BaseModel)

#: Paths that need no API key (the Twilio webhook is checked by its signature instead).
PUBLIC_PATHS = {
    "/healthz",
    "/readyz",
    "/metrics",
    "/v1/openapi.json",
    "/v1/telephony/twilio/voice",
    "/v1/telephony/twilio/after",
    "/widget.js",
    "/static/{name}",
}


def services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def error_response(exc: VoiceAgentError, headers: dict[str, str] | None = None) -> JSONResponse:
    metrics.ERRORS.labels(exc.code).inc()
    if isinstance(exc, Unauthorized):
        headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
    return JSONResponse(exc.to_json(), status_code=exc.status, headers=headers)


#: Deepest nesting of objects and arrays accepted in a request body.
MAX_JSON_DEPTH = 32


def _depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value (iterative: no recursion limit to hit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON: numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text} is out of range: numbers must be finite")
    return value


async def read_json(request: Request, model: type[M]) -> M:
    data = await read_object(request)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "body"
        raise InvalidRequest(f"{where}: {first['msg']}", code="invalid_field", status=422) from exc


async def read_object(request: Request) -> dict[str, object]:
    """The request body as a JSON object (size, depth and encoding checked)."""
    limit = services(request).settings.max_body_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"request body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise PayloadTooLarge(f"request body is larger than {limit} bytes")
    try:
        data = json.loads(body, parse_constant=_no_constant, parse_float=_finite_float)
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise InvalidRequest(f"body is not valid JSON: {exc}", code="invalid_json") from exc
    except RecursionError as exc:
        raise InvalidRequest(
            f"body nests deeper than {MAX_JSON_DEPTH} levels", code="invalid_json"
        ) from exc
    if not isinstance(data, dict):
        raise InvalidRequest("body must be a JSON object", code="invalid_json")
    if _depth(data) > MAX_JSON_DEPTH:
        # deep values would fail later, wherever they are serialised (store, responses)
        raise InvalidRequest(f"body nests deeper than {MAX_JSON_DEPTH} levels", code="invalid_json")
    try:  # \ud800-style escapes decode to lone surrogates, which no UTF-8 output can hold
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidRequest(
            "body is not valid JSON: a string holds a lone UTF-16 surrogate escape",
            code="invalid_json",
        ) from exc
    return data


def check_auth(request: Request) -> None:
    services(request).keys.check(request.headers)


# -- handlers -------------------------------------------------------------------------------
async def create_conversation(request: Request) -> Response:
    check_auth(request)
    body = await read_json(request, CreateConversation)
    orch = services(request).orchestrator
    conv = await orch.create(lang=body.lang, customer=body.customer, channel=body.channel)
    with structlog.contextvars.bound_contextvars(conversation_id=conv.id):
        greeting = await orch.greet(conv)
        log.info("conversation_started", lang=conv.lang, channel=conv.channel)
    return JSONResponse(
        {
            "id": conv.id,
            "lang": conv.lang,
            "channel": conv.channel,
            "phase": conv.phase,
            "created_at": conv.created_at,
            "greeting": {"text": greeting.text},
        },
        status_code=201,
    )


async def post_message(request: Request) -> Response:
    check_auth(request)
    conversation_id = request.path_params["id"]
    svc = services(request)
    body = await read_json(request, PostMessage)
    text = body.text.strip()
    if not text:
        raise InvalidRequest("text must not be empty", code="empty_text", status=422)
    if len(text) > svc.settings.max_text_chars:
        raise InvalidRequest(
            f"text is {len(text)} characters; the limit is {svc.settings.max_text_chars}",
            code="text_too_long",
            status=422,
        )
    conv = await svc.orchestrator.get(conversation_id)
    with structlog.contextvars.bound_contextvars(
        conversation_id=conversation_id, turn=len(conv.turns)
    ):
        result = await svc.orchestrator.turn(conversation_id, text)
        log.info(
            "turn",
            action=result.insights.next_action.name if result.insights.next_action else None,
            fallbacks=list(result.insights.fallbacks),
            total_ms=round(result.timings_ms["total"], 3),
        )
    return JSONResponse(
        {
            "conversation_id": conversation_id,
            "turn": result.customer_turn.index,
            "reply": {"text": result.reply},
            "insights": result.insights.to_json(),
            "timings_ms": {k: round(v, 3) for k, v in result.timings_ms.items()},
        }
    )


async def post_outcome(request: Request) -> Response:
    check_auth(request)
    conversation_id = request.path_params["id"]
    svc = services(request)
    body = await read_json(request, PostOutcome)
    # unknown ids and recorded outcomes fail here, before a lock is made for them (it would
    # never go); a call that ended (hang-up, hand-off) still takes its outcome
    first = await svc.orchestrator.get(conversation_id)
    if first.outcome is not None or (first.ended and first.end_reason is None):
        raise ConversationEnded(conversation_id)
    async with svc.orchestrator.lock(conversation_id):
        conv = await svc.orchestrator.get(conversation_id)
        conv = await svc.orchestrator.end(conv, converted=body.converted, value=body.value)
    log.info("outcome", conversation_id=conversation_id, converted=body.converted)
    return JSONResponse(conv.to_json(with_turns=False))


async def get_conversation(request: Request) -> Response:
    check_auth(request)
    conv = await services(request).orchestrator.get(request.path_params["id"])
    return JSONResponse(conv.to_json())


async def list_conversations(request: Request) -> Response:
    check_auth(request)
    try:
        limit = int(request.query_params.get("limit", "50"))
    except ValueError as exc:
        raise InvalidRequest("limit must be an integer", code="invalid_field", status=422) from exc
    if not 1 <= limit <= 500:
        raise InvalidRequest("limit must be between 1 and 500", code="invalid_field", status=422)
    convs = await services(request).store.list_conversations(limit=limit)
    return JSONResponse({"conversations": [c.to_json(with_turns=False) for c in convs]})


async def create_client_secret(request: Request) -> Response:
    """Mint an ``ek_`` client secret for one ``/v1/realtime`` session (OpenAI's shape)."""
    from voice_agent.realtime.client_secrets import ClientSecretError
    from voice_agent.realtime.endpoint import default_session_config

    check_auth(request)
    svc = services(request)
    body = await read_object(request)
    try:
        minted = svc.client_secrets.mint(body, default_session_config(svc.settings))
    except ClientSecretError as exc:
        raise InvalidRequest(exc.message, code=exc.code, status=422) from None
    log.info(
        "client_secret_minted",
        session=minted.session_id,
        lang=minted.config.language,
        expires_at=minted.expires_at,
    )
    return JSONResponse(minted.to_json())


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    svc = services(request)
    ok = await svc.store.ping()
    body: dict[str, Any] = {"status": "ready" if ok else "not_ready", "store": ok}
    body.update(svc.readiness())
    return JSONResponse(body, status_code=200 if ok else 503)


async def metrics_endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def openapi(request: Request) -> Response:
    return JSONResponse(openapi_document())


# -- errors ---------------------------------------------------------------------------------
async def handle_app_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, VoiceAgentError)
    return error_response(exc)


async def handle_http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    headers: dict[str, str] | None = None
    if exc.status_code == 405:
        # Starlette's Allow names the methods of the first route on the path only
        allowed = {
            m
            for r in request.app.routes
            if isinstance(r, Route) and r.path_regex.match(request.url.path)
            for m in (r.methods or ())
        }
        headers = {"Allow": ", ".join(sorted(allowed))}
    return error_response(
        VoiceAgentError(str(exc.detail), code=code, status=exc.status_code), headers
    )


async def handle_unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unhandled_error", path=request.url.path)
    return error_response(VoiceAgentError("internal server error"))


def routes() -> list[BaseRoute]:
    out: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", readyz, methods=["GET"]),
        Route("/metrics", metrics_endpoint, methods=["GET"]),
        Route("/v1/openapi.json", openapi, methods=["GET"]),
        Route("/v1/conversations", create_conversation, methods=["POST"]),
        Route("/v1/conversations", list_conversations, methods=["GET"]),
        Route("/v1/conversations/{id}", get_conversation, methods=["GET"]),
        Route("/v1/conversations/{id}/messages", post_message, methods=["POST"]),
        Route("/v1/conversations/{id}/outcome", post_outcome, methods=["POST"]),
        Route("/v1/realtime/client_secrets", create_client_secret, methods=["POST"]),
    ]
    from voice_agent.realtime.endpoint import realtime_routes
    from voice_agent.telephony.twilio import twilio_routes
    from voice_agent.web.routes import web_routes

    return out + realtime_routes() + twilio_routes() + web_routes()


async def start_audiosocket(app: Starlette, svc: Services) -> AudioSocketServer | None:
    """The AudioSocket listener when ``VOICE_AGENT_AUDIOSOCKET_PORT`` is set (on the socket
    ``serve`` bound before listening, if it did)."""
    from voice_agent.telephony.audiosocket import AudioSocketServer, bind_socket, parse_allow

    settings = svc.settings
    if settings.audiosocket_port is None:
        return None
    sock = getattr(app.state, "audiosocket_socket", None) or bind_socket(
        settings.audiosocket_host, settings.audiosocket_port
    )
    server = AudioSocketServer(svc, sock, parse_allow(settings.audiosocket_allow))
    await server.start()
    app.state.audiosocket = server
    return server


def describe_telephony(settings: Settings) -> dict[str, object]:
    from voice_agent.telephony.twilio import describe

    return describe(settings)


def create_app(settings: Settings | None = None, svc: Services | None = None) -> Starlette:
    """Build the app. Services are built here (so bad configuration fails at start-up)."""
    settings = settings or (svc.settings if svc else Settings())
    svc = svc or build_services(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await svc.store.open()
        if settings.speech and svc.speech is None:
            from voice_agent.speech_runtime import start_speech

            await start_speech(svc)
        audiosocket = await start_audiosocket(app, svc)
        log.info("server_ready", readiness=svc.readiness(), **describe_telephony(settings))
        try:
            yield
        finally:
            from voice_agent.speech_runtime import stop_speech

            if audiosocket is not None:
                await audiosocket.stop()
            stop_speech(svc)
            await svc.store.close()
            svc.workers.shutdown()

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={
            VoiceAgentError: handle_app_error,
            HTTPException: handle_http_error,
            Exception: handle_unexpected,
        },
    )
    app.state.services = svc
    from voice_agent.web.assets import load_assets

    app.state.web_assets = load_assets()
    return app


__all__ = ["PUBLIC_PATHS", "create_app"]
