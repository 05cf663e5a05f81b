"""The browser-facing routes: ``/widget.js`` and ``/static/*`` (public), the demo page ``/``
and the demo's own client secrets ``POST /demo/client_secret`` (see :mod:`.demo` for who may
use them)."""

from __future__ import annotations

from typing import Final

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from voice_agent.api.auth import CONVERSATION_ROLES, Principal
from voice_agent.core.labels import LANGS
from voice_agent.errors import Forbidden, InvalidRequest, Unauthorized, VoiceAgentError
from voice_agent.realtime.client_secrets import ClientSecretError
from voice_agent.realtime.origins import origin_allowed
from voice_agent.services import Services
from voice_agent.web.assets import Asset
from voice_agent.web.demo import REALM, DemoPolicy, presented_secret

log = structlog.get_logger("voice_agent.web")

#: How long a demo client secret lives: the page uses it at once.
DEMO_SECRET_TTL_S: Final = 60
#: The demo page may load only from this server (the widget's WebSocket included).
DEMO_CSP: Final = (
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'none'"
)


class DemoDisabled(VoiceAgentError):
    def __init__(self) -> None:
        super().__init__(
            "the demo page is off on this server: it is on by itself only when the server "
            "listens on loopback; VOICE_AGENT_DEMO=on enables it behind the API key",
            code="demo_disabled",
            status=404,
        )


def _services(request: Request) -> Services:
    svc: Services = request.app.state.services
    return svc


def _policy(request: Request) -> DemoPolicy:
    settings = _services(request).settings
    return DemoPolicy.from_settings(settings.demo, settings.host)


def check_demo_access(request: Request) -> Principal | None:
    """Who uses the demo: ``None`` for a keyless local browser, else the principal of the API
    key it showed. Raise :class:`DemoDisabled` (404) when the demo is off,
    :class:`Unauthorized` (401, asking for Basic credentials) when a key is needed and
    missing or wrong, :class:`Forbidden` when the key may not hold conversations (a
    metrics key)."""
    policy = _policy(request)
    if not policy.enabled:
        raise DemoDisabled()
    peer = request.client.host if request.client else None
    if not policy.needs_credentials(peer, request.headers):
        return None
    secret = presented_secret(request.headers)
    if secret is None:
        raise Unauthorized("the demo needs an API key: any user name, the key as password")
    principal = None if secret.startswith("ek_") else _services(request).keys.principal(secret)
    if principal is None:
        raise Unauthorized("invalid API key", code="invalid_api_key")
    if principal.role not in CONVERSATION_ROLES:
        raise Forbidden(
            f"a {principal.role.value} key cannot hold conversations; use an admin or agent key",
            code="insufficient_scope",
        )
    return principal


def _asset_response(request: Request, asset: Asset) -> Response:
    headers = {
        "ETag": asset.etag,
        "Cache-Control": "no-cache",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
    }
    if asset.not_modified(request.headers.get("if-none-match")):
        return Response(status_code=304, headers=headers)
    return Response(asset.body, media_type=asset.media_type, headers=headers)


def _asset(request: Request, name: str) -> Asset:
    assets: dict[str, Asset] = request.app.state.web_assets
    asset = assets.get(name)
    if asset is None or name == "demo.html":
        raise VoiceAgentError(f"no static file {name!r}", code="not_found", status=404)
    return asset


async def widget_js(request: Request) -> Response:
    return _asset_response(request, _asset(request, "widget.js"))


async def static_file(request: Request) -> Response:
    return _asset_response(request, _asset(request, request.path_params["name"]))


async def demo_page(request: Request) -> Response:
    try:
        check_demo_access(request)
    except Unauthorized as exc:
        return _ask_credentials(exc)
    assets: dict[str, Asset] = request.app.state.web_assets
    page = assets["demo.html"]
    return Response(
        page.body,
        media_type=page.media_type,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": DEMO_CSP,
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )


def _ask_credentials(exc: Unauthorized) -> Response:
    """401 with a Basic challenge, so a browser asks for the key itself."""
    from voice_agent import metrics

    metrics.ERRORS.labels(exc.code).inc()
    return JSONResponse(
        exc.to_json(),
        status_code=401,
        headers={"WWW-Authenticate": f'Basic realm="{REALM}", charset="UTF-8"'},
    )


async def demo_client_secret(request: Request) -> Response:
    """A client secret for one demo session in the language asked (``{"lang": "en"|"es"}``)."""
    from voice_agent.api.app import read_object
    from voice_agent.realtime.endpoint import default_session_config

    try:
        principal = check_demo_access(request)
    except Unauthorized as exc:
        return _ask_credentials(exc)
    svc = _services(request)
    origin = request.headers.get("origin")
    if not origin_allowed(
        origin,
        scheme=request.url.scheme,
        host=request.headers.get("host"),
        allowed=frozenset(),
        public_url=svc.settings.public_url,
    ):
        raise VoiceAgentError(
            f"origin {origin!r} may not mint demo sessions: only the demo page itself may",
            code="origin_not_allowed",
            status=403,
        )
    body = await read_object(request)
    unknown = sorted(set(body) - {"lang"})
    if unknown:
        raise InvalidRequest(f"{unknown[0]}: unknown field", code="invalid_field", status=422)
    lang = body.get("lang", "en")
    if not isinstance(lang, str):
        raise InvalidRequest(
            f"lang: must be a language tag ({', '.join(LANGS)})", code="invalid_field", status=422
        )
    session: dict[str, object] = {"type": "realtime", "language": lang}
    request_body = {
        "expires_after": {"anchor": "created_at", "seconds": DEMO_SECRET_TTL_S},
        "session": session,
    }
    try:
        minted = svc.client_secrets.mint(
            request_body,
            default_session_config(svc.settings),
            tenant=principal.tenant if principal else None,
        )
    except ClientSecretError as exc:
        raise InvalidRequest(f"lang: {exc.message}", code=exc.code, status=422) from None
    log.info("demo_session_minted", session=minted.session_id, lang=minted.config.language)
    return JSONResponse(minted.to_json(), headers={"Cache-Control": "no-store"})


def web_routes() -> list[BaseRoute]:
    return [
        Route("/", demo_page, methods=["GET"]),
        Route("/demo/client_secret", demo_client_secret, methods=["POST"]),
        Route("/widget.js", widget_js, methods=["GET"]),
        Route("/static/{name}", static_file, methods=["GET"]),
    ]
