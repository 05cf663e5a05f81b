"""Which web pages may open ``/v1/realtime`` sessions (the WebSocket ``Origin`` header).

``VOICE_AGENT_ALLOWED_ORIGINS`` lists origins (``scheme://host[:port]``, comma separated). An
upgrade carrying an ``Origin`` is accepted if that origin is listed or is the server's own:
the request's ``Host`` with the scheme it came in on (``ws`` -> ``http``, ``wss`` ->
``https``), or the origin of ``VOICE_AGENT_PUBLIC_URL``. Without an ``Origin`` header
(non-browser clients) nothing is checked. No I/O here.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def normalize_origin(text: str) -> str:
    """``text`` as ``scheme://host[:port]`` (lower case, default port dropped); raise
    :class:`ValueError` if it is not an http(s) origin (a path, query, user or ``*`` is not)."""
    candidate = text.strip()
    try:
        parts = urlsplit(candidate)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"not an origin (scheme://host[:port]): {text!r}") from exc
    scheme = parts.scheme.lower()
    if (
        scheme not in _DEFAULT_PORTS
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path not in ("", "/")
        or parts.query
        or parts.fragment
        or "*" in candidate
    ):
        raise ValueError(f"not an origin (scheme://host[:port]): {text!r}")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or port == _DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def parse_allowed(setting: str) -> frozenset[str]:
    """The normalised origins of a comma-separated setting (``ValueError`` on a bad one)."""
    return frozenset(normalize_origin(part) for part in setting.split(",") if part.strip())


def origin_allowed(
    origin: str | None,
    *,
    scheme: str,
    host: str | None,
    allowed: frozenset[str],
    public_url: str | None = None,
) -> bool:
    """Whether a WebSocket upgrade with this ``Origin`` header may proceed.

    ``scheme`` is the request's (``ws``/``wss``/``http``/``https``), ``host`` its ``Host``
    header; ``allowed`` from :func:`parse_allowed`.
    """
    if origin is None:
        return True
    try:
        seen = normalize_origin(origin)
    except ValueError:
        return False  # "null" (sandboxed pages, file://) and garbage
    if seen in allowed:
        return True
    own: set[str] = set()
    if host:
        web = {"ws": "http", "wss": "https"}.get(scheme, scheme)
        with contextlib.suppress(ValueError):
            own.add(normalize_origin(f"{web}://{host}"))
    if public_url:
        try:
            parts = urlsplit(public_url)
            own.add(normalize_origin(f"{parts.scheme}://{parts.netloc}"))
        except ValueError:
            pass
    return seen in own
