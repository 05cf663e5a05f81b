"""API keys: ``Authorization: Bearer KEY`` (and, for browsers' WebSockets, ``?api_key=`` or the
``openai-insecure-api-key.KEY`` subprotocol)."""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from voice_agent.errors import Unauthorized


class KeyChecker:
    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = [k.encode() for k in keys if k]
        if not self._keys:
            raise ValueError("at least one API key is required")

    def valid(self, key: str | None) -> bool:
        if not key:
            return False
        candidate = key.encode()
        # compare against every key so timing does not tell which prefix matched
        return any([hmac.compare_digest(candidate, k) for k in self._keys])

    def check(
        self,
        headers: Mapping[str, str],
        query: Mapping[str, str] | None = None,
        subprotocols: Iterable[str] = (),
    ) -> None:
        """Raise :class:`Unauthorized` unless the request carries a valid API key.

        A client secret (``ek_...``) is refused with ``client_secret_not_allowed``: it opens
        ``/v1/realtime`` only (see :mod:`voice_agent.realtime.client_secrets`)."""
        key = presented_key(headers, query, subprotocols)
        if key.startswith(CLIENT_SECRET_PREFIX):
            raise Unauthorized(
                "a client secret (ek_...) opens /v1/realtime only; use an API key",
                code="client_secret_not_allowed",
            )
        if not self.valid(key):
            raise Unauthorized("invalid API key", code="invalid_api_key")


#: How client secrets start (``voice_agent.realtime.client_secrets.PREFIX``).
CLIENT_SECRET_PREFIX = "ek_"


def presented_key(
    headers: Mapping[str, str],
    query: Mapping[str, str] | None = None,
    subprotocols: Iterable[str] = (),
) -> str:
    """The key a request carries: ``Authorization: Bearer``, else ``?api_key=``, else the
    ``openai-insecure-api-key.KEY`` subprotocol; :class:`Unauthorized` if there is none."""
    auth = headers.get("authorization")
    key: str | None = None
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("Authorization header must be 'Bearer <API key>'")
        key = value.strip()
    elif query and query.get("api_key"):
        key = query["api_key"]
    else:
        for proto in subprotocols:
            if proto.startswith("openai-insecure-api-key."):
                key = proto.removeprefix("openai-insecure-api-key.")
    if key is None:
        raise Unauthorized("missing API key: send 'Authorization: Bearer <API key>'")
    return key


def ensure_key_file(data_dir: Path) -> tuple[str, Path, bool]:
    """Return the generated key kept in the data directory, creating it on first start."""
    path = data_dir / "api_key"
    if path.exists():
        key = path.read_text(encoding="utf-8").strip()
        if key:
            return key, path, False
    data_dir.mkdir(parents=True, exist_ok=True)
    key = "va_" + secrets.token_urlsafe(24)
    # created owner-only: write_text then chmod left the key readable by all for a moment
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")
    path.chmod(0o600)  # an existing empty file may have had wider permissions
    return key, path, True
