"""API keys and what each may do: ``Authorization: Bearer KEY`` (for browsers' WebSockets, the
``openai-insecure-api-key.KEY`` subprotocol, usually with an ``ek_`` client secret).

``VOICE_AGENT_API_KEYS`` entries are ``KEY``, ``KEY:ROLE`` or ``KEY:ROLE:TENANT``:

* ``admin`` (a bare ``KEY``, and the key generated in ``data/api_key``): everything;
* ``agent``: creates conversations and sees only those of its tenant;
* ``metrics``: ``/metrics`` and the details of ``/readyz`` only.

A key's tenant defaults to :func:`tenant_of` the key (a short id, never the key itself).
Keys in URLs (``?api_key=``) are refused with ``api_key_in_url``.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from voice_agent.errors import Forbidden, InvalidRequest, Unauthorized


class Role(StrEnum):
    ADMIN = "admin"
    AGENT = "agent"
    METRICS = "metrics"


#: Who may use the conversation API (and open realtime sessions).
CONVERSATION_ROLES: Final = frozenset({Role.ADMIN, Role.AGENT})
#: Who may read ``/metrics`` and the details of ``/readyz``.
METRICS_ROLES: Final = frozenset({Role.ADMIN, Role.METRICS})
_TENANT = re.compile(r"[A-Za-z0-9_.-]{1,64}")


def tenant_of(key: str) -> str:
    """The default tenant of ``key``: ``t_`` and 12 hex digits of a hash of it."""
    return "t_" + hashlib.sha256(b"voice-agent-tenant:" + key.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Principal:
    """Who a request is: its key's role and tenant."""

    role: Role
    tenant: str

    @property
    def admin(self) -> bool:
        return self.role is Role.ADMIN

    def sees(self, tenant: str | None) -> bool:
        """May this principal see a conversation of ``tenant`` (``None``: admin only)?"""
        return self.admin or (tenant is not None and tenant == self.tenant)


@dataclass(frozen=True, slots=True)
class KeyEntry:
    key: str
    principal: Principal


def parse_key_entry(entry: str) -> KeyEntry:
    """``KEY``, ``KEY:ROLE`` or ``KEY:ROLE:TENANT``; :class:`ValueError` names what is wrong."""
    parts = entry.strip().split(":")
    key = parts[0]
    if not key or len(parts) > 3:
        raise ValueError(
            f"an entry must be KEY, KEY:ROLE or KEY:ROLE:TENANT (got {len(parts)} parts)"
        )
    role = Role.ADMIN
    if len(parts) >= 2:
        try:
            role = Role(parts[1])
        except ValueError:
            raise ValueError(
                f"unknown role {parts[1]!r}: one of {', '.join(r.value for r in Role)}"
            ) from None
    tenant = tenant_of(key)
    if len(parts) == 3:
        if not _TENANT.fullmatch(parts[2]):
            raise ValueError(
                f"tenant {parts[2]!r} must be 1 to 64 letters, digits, '_', '.' or '-'"
            )
        tenant = parts[2]
    return KeyEntry(key, Principal(role, tenant))


class KeyChecker:
    def __init__(self, entries: Iterable[str]) -> None:
        parsed = [parse_key_entry(e) for e in entries if e.strip()]
        if not parsed:
            raise ValueError("at least one API key is required")
        self._entries = [(e.key.encode(), e.principal) for e in parsed]

    def principal(self, key: str | None) -> Principal | None:
        """The principal of ``key``, ``None`` if it is not a key of this server."""
        if not key:
            return None
        candidate = key.encode()
        # compare against every key so timing does not tell which prefix matched
        matches = [hmac.compare_digest(candidate, k) for k, _ in self._entries]
        for matched, (_, principal) in zip(matches, self._entries, strict=True):
            if matched:
                return principal
        return None

    def valid(self, key: str | None) -> bool:
        return self.principal(key) is not None

    def check(
        self,
        headers: Mapping[str, str],
        query: Mapping[str, str] | None = None,
        subprotocols: Iterable[str] = (),
        roles: frozenset[Role] = frozenset(Role),
    ) -> Principal:
        """The principal of the request's API key; raise :class:`Unauthorized` unless it
        carries a valid one, :class:`Forbidden` (``insufficient_scope``) unless its role is
        one of ``roles``.

        A client secret (``ek_...``) is refused with ``client_secret_not_allowed``: it opens
        ``/v1/realtime`` only (see :mod:`voice_agent.realtime.client_secrets`)."""
        key = presented_key(headers, query, subprotocols)
        if key.startswith(CLIENT_SECRET_PREFIX):
            raise Unauthorized(
                "a client secret (ek_...) opens /v1/realtime only; use an API key",
                code="client_secret_not_allowed",
            )
        principal = self.principal(key)
        if principal is None:
            raise Unauthorized("invalid API key", code="invalid_api_key")
        if principal.role not in roles:
            raise Forbidden(
                f"this {principal.role.value} key may not do this; it needs the role "
                + " or ".join(sorted(r.value for r in roles)),
                code="insufficient_scope",
            )
        return principal


#: How client secrets start (``voice_agent.realtime.client_secrets.PREFIX``).
CLIENT_SECRET_PREFIX = "ek_"


def presented_key(
    headers: Mapping[str, str],
    query: Mapping[str, str] | None = None,
    subprotocols: Iterable[str] = (),
) -> str:
    """The key a request carries: ``Authorization: Bearer``, else the
    ``openai-insecure-api-key.KEY`` subprotocol; :class:`Unauthorized` if there is none.
    A key in the URL (``?api_key=``) is refused with ``api_key_in_url`` (URLs end up in
    logs and browser histories)."""
    if query is not None and "api_key" in query:
        raise InvalidRequest(
            "API keys are not accepted in URLs (?api_key=): send 'Authorization: Bearer <key>',"
            " or from a browser the subprotocol 'openai-insecure-api-key.<ek_ client secret>'",
            code="api_key_in_url",
        )
    auth = headers.get("authorization")
    key: str | None = None
    if auth is not None:
        scheme, _, value = auth.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("Authorization header must be 'Bearer <API key>'")
        key = value.strip()
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
