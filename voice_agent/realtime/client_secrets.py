"""Client secrets (``ek_...``): short-lived keys that open exactly one ``/v1/realtime`` session.

``POST /v1/realtime/client_secrets`` (API key required) mints one, OpenAI-style: the body is
``{"expires_after": {"anchor": "created_at", "seconds": N}, "session": {...}}`` and the
answer ``{"value": "ek_...", "expires_at": <unix s>, "session": {...}}``. The ``session`` is
checked with the parser ``session.update`` uses (:func:`apply_session_update`), so a bad one
gets the same error codes; the resulting settings are sealed into the key. A session opened
with the key starts with them, and what the minting request set (plus the language and the
customer profile, always) is *fixed*: a ``session.update`` changing it is refused with
``session_field_locked`` (see :func:`check_fixed`).

Wire format, URL-safe unpadded base64 (RFC 4648 section 5)::

    "ek_" base64url(payload JSON) "." base64url(HMAC-SHA256(secret, payload segment as ASCII))

The payload is a compact JSON object: ``i`` the session id, ``s`` the session settings (a
``session.update``-shaped object), ``f`` the fixed fields (names from :data:`FIXABLE`), ``e``
the expiry (integer Unix seconds), ``n`` a random nonce and, optionally, ``t`` the tenant of
the API key that minted it (the session's conversation is that tenant's). Keys minted before
``t`` existed still verify; their conversations have no tenant (admin keys see them).

The secret is :func:`client_secret_key` of the server's API keys, so every instance with the
same API keys checks the others' keys without shared state. Single use is enforced per
instance (redeemed nonces are remembered until their key expires, bounded as
:class:`~voice_agent.signing.UsedNonces` says): with several instances behind a balancer a
key could be redeemed once on each within its (short) lifetime.

No I/O here. Not thread-safe: one event loop owns an instance.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final

from voice_agent.call.events import CallError, new_id
from voice_agent.realtime.events import SessionConfig, apply_session_update
from voice_agent.signing import (
    MAX_USED_NONCES,
    Refusal,
    SealError,
    UsedNonces,
    derive_secret,
    open_sealed,
    seal,
)
from voice_agent.validation import InvalidInput, check_int

PREFIX: Final = "ek_"
#: Lifetime bounds and default, in seconds (``expires_after.seconds``).
MIN_TTL_S: Final = 10
MAX_TTL_S: Final = 3600
DEFAULT_TTL_S: Final = 600
#: Longest key minted: it travels in a header (``Authorization`` or a subprotocol).
MAX_SECRET_CHARS: Final = 4096
#: Longest input :meth:`ClientSecrets.redeem` looks at.
MAX_REDEEM_CHARS: Final = 8192
#: What the key derivation is for (see :func:`client_secret_key`).
PURPOSE: Final = "realtime-client-secret"

#: The settings a client secret can fix, with the ``session.update`` parameter naming each.
FIXABLE: Final[Mapping[str, str]] = {
    "language": "session.language",
    "customer": "session.customer",
    "input_format": "session.audio.input.format",
    "output_format": "session.audio.output.format",
    "turn_detection": "session.audio.input.turn_detection",
    "voice": "session.audio.output.voice",
    "greeting": "session.greeting",
    "instructions": "session.instructions",
}
#: Fixed by every client secret, whether the minting request set them or not.
ALWAYS_FIXED: Final = frozenset({"language", "customer"})

_PAYLOAD_KEYS: Final = frozenset({"i", "s", "f", "e", "n"})
_OPTIONAL_PAYLOAD_KEYS: Final = frozenset({"t"})
_BODY_KEYS: Final = frozenset({"expires_after", "session"})
#: The error of a correctly signed key that is refused.
_REFUSED: Final[Mapping[Refusal, tuple[str, str]]] = {
    Refusal.EXPIRED: ("client_secret_expired", "the client secret has expired"),
    Refusal.USED: ("client_secret_used", "the client secret was already used"),
}
_EXPIRES_KEYS: Final = frozenset({"anchor", "seconds"})
_SESSION_ID = re.compile(r"sess_[0-9a-f]{1,64}")


class ClientSecretError(Exception):
    """A client secret (or a request to mint one) that cannot be accepted.

    Redeeming raises ``client_secret_invalid`` (malformed, forged or tampered),
    ``client_secret_expired`` or ``client_secret_used``. Minting raises ``invalid_field``
    (the body) or the code ``session.update`` gives the same session (``unsupported_language``,
    ``invalid_value``, ``unsupported_audio_format``); ``param`` names the field.
    """

    def __init__(self, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.param = param


@dataclass(frozen=True, slots=True)
class ClientSecretClaims:
    """What a redeemed client secret vouches for."""

    session_id: str
    #: The session's settings, fixed at minting.
    config: SessionConfig
    #: Which of :data:`FIXABLE` a ``session.update`` may not change.
    fixed: frozenset[str]
    #: Unix second from which the key is refused.
    expires_at: int
    nonce: str
    #: The tenant of the key that minted it (``None``: minted without one).
    tenant: str | None = None


@dataclass(frozen=True, slots=True)
class MintedClientSecret:
    value: str
    expires_at: int
    session_id: str
    config: SessionConfig

    def to_json(self) -> dict[str, Any]:
        """The answer of ``POST /v1/realtime/client_secrets``."""
        return {
            "value": self.value,
            "expires_at": self.expires_at,
            "session": self.config.to_json(self.session_id),
        }


def client_secret_key(api_keys: Iterable[str]) -> bytes:
    """The signing secret: :func:`~voice_agent.signing.derive_secret` of the API keys (sorted,
    comma-joined) for :data:`PURPOSE`. Instances sharing the API keys agree; changing the keys
    invalidates outstanding client secrets. No keys at all raise :class:`ValueError`."""
    keys = sorted(k for k in api_keys if k)
    return derive_secret(",".join(keys), PURPOSE)


def _field_error(param: str, message: str) -> ClientSecretError:
    return ClientSecretError("invalid_field", f"{param}: {message}", param)


def _invalid(message: str) -> ClientSecretError:
    return ClientSecretError("client_secret_invalid", message)


def _sub(obj: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = obj.get(key)
    return value if isinstance(value, Mapping) else {}


def fields_set(session: Mapping[str, Any]) -> frozenset[str]:
    """Which of :data:`FIXABLE` a (valid) ``session.update`` object sets, on the paths
    :func:`apply_session_update` reads."""
    audio = _sub(session, "audio")
    inp, outp = _sub(audio, "input"), _sub(audio, "output")
    out: set[str] = set()
    if "input_audio_format" in session or inp.get("format") is not None:
        out.add("input_format")
    if "output_audio_format" in session or outp.get("format") is not None:
        out.add("output_format")
    if "turn_detection" in session or "turn_detection" in inp:
        out.add("turn_detection")
    if isinstance(outp.get("voice"), str):
        out.add("voice")
    for name in ("greeting", "instructions"):
        if session.get(name) is not None:
            out.add(name)
    return frozenset(out)


def check_fixed(
    fixed: frozenset[str], current: SessionConfig, new: SessionConfig, event_id: str | None = None
) -> None:
    """Raise ``session_field_locked`` (naming the parameter) if ``new`` changes a fixed field."""
    for name, param in FIXABLE.items():
        if name in fixed and getattr(new, name) != getattr(current, name):
            raise CallError(
                "session_field_locked",
                f"{param} was fixed when the client secret was minted and cannot be changed",
                param=param,
                event_id=event_id,
            )


def _stored(cfg: SessionConfig) -> dict[str, Any]:
    """``cfg`` as a ``session.update`` object that :func:`apply_session_update` reads back."""
    full = cfg.to_json("")
    stored = {k: full[k] for k in ("model", "audio", "customer", "greeting", "language")}
    if cfg.instructions is not None:
        stored["instructions"] = cfg.instructions
    return stored


def _ttl(value: object) -> int:
    if value is None:
        return DEFAULT_TTL_S
    if not isinstance(value, Mapping):
        raise _field_error("expires_after", "must be an object")
    unknown = sorted(set(value) - _EXPIRES_KEYS)
    if unknown:
        raise _field_error(f"expires_after.{unknown[0]}", "unknown field")
    anchor = value.get("anchor", "created_at")
    if anchor != "created_at":
        raise _field_error("expires_after.anchor", "must be 'created_at'")
    try:
        return check_int(
            value.get("seconds", DEFAULT_TTL_S), "expires_after.seconds", MIN_TTL_S, MAX_TTL_S
        )
    except InvalidInput as exc:
        raise ClientSecretError(exc.code, exc.message, exc.param) from None


def parse_mint_request(
    body: Mapping[str, object], base: SessionConfig
) -> tuple[int, SessionConfig, frozenset[str]]:
    """The lifetime, settings and fixed fields a minting request asks for (``base``: the
    server's defaults for a new session); raise :class:`ClientSecretError` if it is bad."""
    unknown = sorted(str(k) for k in set(body) - _BODY_KEYS)
    if unknown:
        raise _field_error(unknown[0], "unknown field")
    ttl = _ttl(body.get("expires_after"))
    session = body.get("session")
    if session is None:
        session = {}
    if not isinstance(session, Mapping):
        raise _field_error("session", "must be an object")
    kind = session.get("type", "realtime")
    if kind != "realtime":
        raise _field_error("session.type", "must be 'realtime'")
    try:
        cfg = apply_session_update(base, session)
    except CallError as exc:
        where = exc.param or "session"
        raise ClientSecretError(exc.code, f"{where}: {exc.message}", exc.param) from None
    return ttl, cfg, fields_set(session) | ALWAYS_FIXED


class ClientSecrets:
    """Mints and redeems client secrets signed with ``secret`` (at least 16 bytes).

    ``clock`` returns Unix seconds (injectable for tests); ``max_used`` bounds the memory of
    redeemed nonces.
    """

    def __init__(
        self,
        secret: bytes,
        *,
        clock: Callable[[], float] = time.time,
        max_used: int = MAX_USED_NONCES,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the client secret key must be at least 16 bytes")
        self._secret = bytes(secret)
        self._clock = clock
        self._used = UsedNonces(max_used)

    @property
    def used_count(self) -> int:
        """How many redeemed nonces are remembered right now."""
        return len(self._used)

    def mint(
        self, body: Mapping[str, object], base: SessionConfig, tenant: str | None = None
    ) -> MintedClientSecret:
        """A key for the request ``body`` (see :func:`parse_mint_request`), for ``tenant``."""
        ttl, cfg, fixed = parse_mint_request(body, base)
        session_id = new_id("sess")
        expires_at = int(self._clock()) + ttl
        payload: dict[str, object] = {
            "i": session_id,
            "s": _stored(cfg),
            "f": sorted(fixed),
            "e": expires_at,
            "n": secrets.token_urlsafe(12),
        }
        if tenant is not None:
            payload["t"] = tenant
        value = PREFIX + seal(self._secret, payload)
        if len(value) > MAX_SECRET_CHARS:
            raise _field_error(
                "session",
                f"the session makes a client secret of {len(value)} characters; at most "
                f"{MAX_SECRET_CHARS} fit in a header (send a smaller customer profile)",
            )
        return MintedClientSecret(value, expires_at, session_id, cfg)

    def redeem(self, value: object) -> ClientSecretClaims:
        """Check ``value`` and mark it used; raise :class:`ClientSecretError` if it is not good.

        Order: well formed and correctly signed (``client_secret_invalid``; the MAC is compared
        in constant time before the payload is decoded), not expired
        (``client_secret_expired``), not redeemed before on this instance
        (``client_secret_used``). Nothing but :class:`ClientSecretError` is raised.
        """
        now = self._clock()
        self._used.prune(now)
        if not isinstance(value, str) or not value.startswith(PREFIX):
            raise _invalid("not a client secret")
        if len(value) > MAX_REDEEM_CHARS:
            raise _invalid("the client secret is too long")
        try:
            payload = open_sealed(self._secret, value.removeprefix(PREFIX))
        except SealError as exc:
            raise _invalid(f"the client secret {exc}") from None
        claims = self._decode(payload)
        refused = self._used.redeem(claims.nonce, claims.expires_at, now)
        if refused is not None:
            raise ClientSecretError(*_REFUSED[refused])
        return claims

    @staticmethod
    def _decode(payload: object) -> ClientSecretClaims:
        """The claims of a correctly signed payload, each field checked."""
        if not isinstance(payload, dict) or set(payload) - _OPTIONAL_PAYLOAD_KEYS != _PAYLOAD_KEYS:
            raise _invalid("the client secret's payload has the wrong shape")
        tenant = payload.get("t")
        if tenant is not None and not isinstance(tenant, str):
            raise _invalid("the client secret's tenant is not a string")
        session_id, session, fixed = payload["i"], payload["s"], payload["f"]
        expires_at, nonce = payload["e"], payload["n"]
        if not isinstance(session_id, str) or not _SESSION_ID.fullmatch(session_id):
            raise _invalid("the client secret's session id is malformed")
        if not isinstance(session, dict):
            raise _invalid("the client secret's session is not an object")
        if not isinstance(fixed, list) or not all(f in FIXABLE for f in fixed):
            raise _invalid("the client secret's fixed fields are not known")
        if isinstance(expires_at, bool) or not isinstance(expires_at, int):
            raise _invalid("the client secret's expiry is not an integer")
        if not isinstance(nonce, str) or not nonce:
            raise _invalid("the client secret's nonce is not a string")
        try:
            cfg = apply_session_update(SessionConfig(), session)
        except CallError as exc:
            raise _invalid(f"the client secret's session is not valid: {exc.message}") from None
        return ClientSecretClaims(session_id, cfg, frozenset(fixed), expires_at, nonce, tenant)
