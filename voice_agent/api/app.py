"""The Starlette application: REST under /v1/, health, readiness, metrics, OpenAPI."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, Final, TypeVar

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ValidationError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from voice_agent import metrics
from voice_agent.api.auth import CONVERSATION_ROLES, METRICS_ROLES, Principal, Role
from voice_agent.api.idempotency import (
    check_same_request,
    idempotency_key,
    message_reply,
    replayed_message,
    request_hash,
)
from voice_agent.api.openapi import openapi_document
from voice_agent.api.schemas import CreateConversation, PostMessage, PostOutcome
from voice_agent.core.conversation import Conversation
from voice_agent.errors import (
    Conflict,
    ConversationEnded,
    ConversationNotFound,
    InvalidRequest,
    Limited,
    PayloadTooLarge,
    Unauthorized,
    VoiceAgentError,
)
from voice_agent.limits import retry_after_header
from voice_agent.services import Services, build_services, model_watch_root
from voice_agent.settings import Settings
from voice_agent.store.base import IdempotencyConflict, IdempotencyRecord, StoredIdempotency
from voice_agent.validation import InvalidInput, parse_json

if TYPE_CHECKING:
    from voice_agent.telephony.audiosocket import AudioSocketServer

log = structlog.get_logger("voice_agent.api")
#: Longest /readyz waits for the database to answer.
READY_PING_S: Final = 2.0
M = TypeVar("M", bound=BaseModel)

#: Paths that need no API key (the Twilio webhook is checked by its signature instead;
#: ``/readyz`` shows its details to metrics and admin keys only).
PUBLIC_PATHS = {
    "/healthz",
    "/readyz",
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
    if isinstance(exc, Limited):
        headers = {**(headers or {}), "Retry-After": retry_after_header(exc.retry_after_s)}
    return JSONResponse(exc.to_json(), status_code=exc.status, headers=headers)


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
    try:  # finite numbers, bounded depth, valid Unicode (see voice_agent.validation)
        data = parse_json(body, "body")
    except InvalidInput as exc:
        raise InvalidRequest(exc.message, code=exc.code) from None
    if not isinstance(data, dict):
        raise InvalidRequest("body must be a JSON object", code="invalid_json")
    return data


def check_auth(request: Request, roles: frozenset[Role] = CONVERSATION_ROLES) -> Principal:
    """The request's principal; 401 without a valid key, 403 ``insufficient_scope`` unless
    its role is one of ``roles``, 400 ``api_key_in_url`` for ``?api_key=``."""
    return services(request).keys.check(request.headers, request.query_params, roles=roles)


async def visible_conversation(
    request: Request, principal: Principal, conversation_id: str
) -> Conversation:
    """The conversation if ``principal`` may see it; another tenant's is ``not found``."""
    conv = await services(request).orchestrator.get(conversation_id)
    if not principal.sees(conv.tenant):
        raise ConversationNotFound(conversation_id)
    return conv


async def find_retry(
    request: Request, principal: Principal, key: str | None, digest: str
) -> StoredIdempotency | None:
    """What the request with ``key`` stored before, if it is a retry (checked the same)."""
    if key is None:
        return None
    svc = services(request)
    stored = await svc.store.find_idempotency(principal.tenant, key, svc.orchestrator.clock())
    if stored is not None:
        check_same_request(stored, digest)
    return stored


# -- handlers -------------------------------------------------------------------------------
async def create_conversation(request: Request) -> Response:
    principal = check_auth(request)
    services(request).live_calls.admit()  # 503 shutting_down once the server is stopping
    body = await read_json(request, CreateConversation)
    orch = services(request).orchestrator
    conv = await orch.create(
        lang=body.lang,
        customer=body.customer,
        channel=body.channel,
        tenant=principal.tenant,
        variant=body.variant,
    )
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
            **(
                {"experiment": conv.tags["experiment"], "variant": conv.tags["variant"]}
                if "variant" in conv.tags
                else {}
            ),
        },
        status_code=201,
    )


async def post_message(request: Request) -> Response:
    principal = check_auth(request)
    conversation_id = request.path_params["id"]
    svc = services(request)
    body = await read_json(request, PostMessage)
    key = idempotency_key(request.headers)
    digest = request_hash("POST", request.url.path, body.model_dump())
    text = body.text.strip()
    if not text:
        raise InvalidRequest("text must not be empty", code="empty_text", status=422)
    if len(text) > svc.settings.max_text_chars:
        raise InvalidRequest(
            f"text is {len(text)} characters; the limit is {svc.settings.max_text_chars}",
            code="text_too_long",
            status=422,
        )
    conv = await visible_conversation(request, principal, conversation_id)
    stored = await find_retry(request, principal, key, digest)
    if stored is not None:
        return JSONResponse(replayed_message(conv, stored))
    record = None
    if key is not None:
        record = IdempotencyRecord(
            principal.tenant, key, digest, "message", svc.orchestrator.clock()
        )
    with structlog.contextvars.bound_contextvars(
        conversation_id=conversation_id, turn=len(conv.turns)
    ):
        try:
            result = await svc.orchestrator.turn(conversation_id, text, record)
        except IdempotencyConflict:  # the same request, sent twice at once, stored first
            stored = await find_retry(request, principal, key, digest)
            if stored is None:
                raise
            conv = await visible_conversation(request, principal, conversation_id)
            return JSONResponse(replayed_message(conv, stored))
        log.info(
            "turn",
            action=result.insights.next_action.name if result.insights.next_action else None,
            fallbacks=list(result.insights.fallbacks),
            total_ms=round(result.timings_ms["total"], 3),
        )
    return JSONResponse(message_reply(conversation_id, result.customer_turn, result.agent_turn))


async def post_outcome(request: Request) -> Response:
    principal = check_auth(request)
    conversation_id = request.path_params["id"]
    svc = services(request)
    body = await read_json(request, PostOutcome)
    key = idempotency_key(request.headers)
    digest = request_hash("POST", request.url.path, body.model_dump())
    # unknown ids and recorded outcomes fail here, before a lock is made for them (it would
    # never go); a call that ended (hang-up, hand-off) still takes its outcome
    first = await visible_conversation(request, principal, conversation_id)
    if await find_retry(request, principal, key, digest) is not None:
        return JSONResponse(first.to_json(with_turns=False))
    if first.outcome is not None or (first.ended and first.end_reason is None):
        raise ConversationEnded(conversation_id)
    record = None
    if key is not None:
        record = IdempotencyRecord(
            principal.tenant, key, digest, "outcome", svc.orchestrator.clock()
        )
    async with svc.orchestrator.lock(conversation_id):
        conv = await svc.orchestrator.get(conversation_id)
        # a copy of this request, sent at the same time, may have ended it meanwhile
        if await find_retry(request, principal, key, digest) is not None:
            return JSONResponse(conv.to_json(with_turns=False))
        try:
            conv = await svc.orchestrator.end(
                conv, converted=body.converted, value=body.value, idempotency=record
            )
        except IdempotencyConflict:  # another instance stored it first
            svc.orchestrator.forget(conversation_id)
            raise Conflict(
                "a request with this Idempotency-Key is being handled; retry",
                code="idempotency_key_in_use",
            ) from None
    log.info("outcome", conversation_id=conversation_id, converted=body.converted)
    return JSONResponse(conv.to_json(with_turns=False))


async def get_conversation(request: Request) -> Response:
    principal = check_auth(request)
    conv = await visible_conversation(request, principal, request.path_params["id"])
    return JSONResponse(conv.to_json())


async def list_conversations(request: Request) -> Response:
    principal = check_auth(request)
    try:
        limit = int(request.query_params.get("limit", "50"))
    except ValueError as exc:
        raise InvalidRequest("limit must be an integer", code="invalid_field", status=422) from exc
    if not 1 <= limit <= 500:
        raise InvalidRequest("limit must be between 1 and 500", code="invalid_field", status=422)
    # an agent key sees its tenant's conversations; an admin key everyone's
    tenant = None if principal.admin else principal.tenant
    convs = await services(request).store.list_conversations(limit=limit, tenant=tenant)
    return JSONResponse({"conversations": [c.to_json(with_turns=False) for c in convs]})


async def create_client_secret(request: Request) -> Response:
    """Mint an ``ek_`` client secret for one ``/v1/realtime`` session (OpenAI's shape)."""
    from voice_agent.realtime.client_secrets import ClientSecretError
    from voice_agent.realtime.endpoint import default_session_config

    principal = check_auth(request)
    svc = services(request)
    body = await read_object(request)
    try:
        minted = svc.client_secrets.mint(
            body, default_session_config(svc.settings), tenant=principal.tenant
        )
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
    """``{"status": ..., "calls": {"active", "max"}}`` for anyone (load balancers); with a
    metrics or admin key, the details (store, models, generator, speech). ``?for=calls``:
    also not ready without speech (``no_speech``) or when every call slot is taken
    (``at_capacity``), so a load balancer sends new calls elsewhere while this instance still
    answers REST conversations."""
    svc = services(request)
    detailed = "authorization" in request.headers
    if detailed:
        check_auth(request, METRICS_ROLES)
    purpose = request.query_params.get("for")
    if purpose not in (None, "calls"):
        raise InvalidRequest("for: only 'calls' is known", code="invalid_field", status=422)
    try:
        ok = await asyncio.wait_for(svc.store.ping(), READY_PING_S)
    except TimeoutError:  # a database that does not answer is not ready either
        ok = False
    if not svc.live_calls.admitting:  # stopping: load balancers send no new calls
        status = "shutting_down"
    elif not ok:
        status = "not_ready"
    elif purpose == "calls" and not svc.limits.calls.free():
        status = "at_capacity"
    elif purpose == "calls" and svc.speech is None:  # speech off, or not loaded yet
        status = "no_speech"
    else:
        status = "ready"
    body: dict[str, Any] = {"status": status, "calls": svc.limits.calls.to_json()}
    if detailed:
        body["store"] = ok
        body.update(svc.readiness())
    return JSONResponse(body, status_code=200 if status == "ready" else 503)


async def metrics_endpoint(request: Request) -> Response:
    check_auth(request, METRICS_ROLES)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


async def list_experiments(request: Request) -> Response:
    """The running experiment's report (admin and metrics keys: it spans tenants)."""
    check_auth(request, METRICS_ROLES)
    exp = services(request).orchestrator.experiment
    if exp is None:
        return JSONResponse({"experiments": []})
    report = (await exp.report()).to_json()
    report["shares"] = dict(zip(exp.names, await exp.current_shares(), strict=True))
    report["min_share"] = exp.config.min_share
    return JSONResponse({"experiments": [report]})


async def openapi(request: Request) -> Response:
    exp = services(request).orchestrator.experiment
    return JSONResponse(openapi_document(exp.names if exp is not None else ()))


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
        Route("/v1/experiments", list_experiments, methods=["GET"]),
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
        from voice_agent.store.maintenance import Maintenance

        maintenance = Maintenance(
            svc.store,
            retention_days=settings.retention_days,
            retention_mode=settings.retention_mode,
            instance=settings.instance,
            clock=svc.orchestrator.clock,
            heartbeat_s=settings.heartbeat_s,
        )
        await maintenance.start()  # calls a stopped process left open; retention
        from voice_agent.heap import HeapTrimmer

        heap = HeapTrimmer()
        heap.start()  # freed memory goes back to the system once a minute
        from voice_agent.models.watch import ModelWatcher

        models = ModelWatcher(
            model_watch_root(settings),
            serving=svc.model_version,
            swap=svc.swap_models,
            poll_s=settings.model_poll_s,
        )
        await models.start()  # a new champion in the registry serves without a restart
        from voice_agent.learning_status import watch_learning

        learning = await watch_learning(settings)  # the worker's learning.json as metrics
        learner = None
        if settings.learn:
            from voice_agent.learner import Learner

            learner = Learner(settings.data_dir)
            await learner.start()  # retrains from recorded calls, in its own process
        if settings.speech and svc.speech is None:
            from voice_agent.speech_runtime import start_speech

            await start_speech(svc)
        audiosocket = await start_audiosocket(app, svc)
        log.info("server_ready", readiness=svc.readiness(), **describe_telephony(settings))
        try:
            yield
        finally:
            from voice_agent.call.events import EndReason
            from voice_agent.speech_runtime import stop_speech

            # calls the drain could not end (a server without GracefulServer, a forced
            # exit) are still stored before the store closes
            await svc.live_calls.close_all(EndReason.SERVER_SHUTDOWN)
            if audiosocket is not None:
                await audiosocket.stop()
            stop_speech(svc)
            await maintenance.stop()
            if learner is not None:
                await learner.stop()
            await models.stop()
            await learning.stop()
            await heap.stop()
            await svc.store.close()
            svc.workers.shutdown()

    from starlette.middleware import Middleware

    from voice_agent.api.middleware import LimitsMiddleware

    app = Starlette(
        routes=routes(),
        middleware=[Middleware(LimitsMiddleware)],
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
