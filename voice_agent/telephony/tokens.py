"""One-call stream tokens: the voice webhook hands one to the Media Stream it opens.

The flow: Twilio POSTs the call's webhook (signature checked by
:mod:`voice_agent.telephony.signature`); the server answers with
``<Connect><Stream>`` TwiML carrying a token minted here as a custom ``<Parameter>``; Twilio
opens the WebSocket and repeats the parameter in the ``start`` message's
``customParameters``; the stream handler redeems the token. A token names the call, the
caller's language and a few webhook fields, expires after ``ttl_s`` and can be redeemed once.

Wire format, URL-safe and unpadded base64 (RFC 4648 section 5) throughout::

    base64url(payload JSON) "." base64url(HMAC-SHA256(secret, first segment as ASCII))

The payload is a compact JSON object with one-letter keys: ``c`` call SID, ``l`` language,
``u`` customer fields (name to value), ``e`` expiry (Unix seconds, a JSON number), ``n``
nonce. Twilio wants each ``<Parameter>``'s name and value together under 500 characters
(https://www.twilio.com/docs/voice/twiml/stream), so minting keeps the token within
:data:`MAX_TOKEN_CHARS`: customer values are cut to 64 characters and names to 32, at most 8
fields are kept, and trailing fields are dropped while the token is still too long.

No state is shared between server instances except the secret (see
:func:`voice_agent.signing.derive_secret`);
single use is enforced per instance by remembering redeemed nonces until they expire, at
most :data:`MAX_USED_NONCES` of them (the oldest is forgotten first, so under a flood a
still-valid token could be redeemed twice; memory stays bounded). Not thread-safe: one
event loop owns an instance.

No I/O here.
"""

from __future__ import annotations

import math
import re
import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from voice_agent.core.labels import LANGS
from voice_agent.signing import (
    MAX_USED_NONCES,
    Refusal,
    SealError,
    UsedNonces,
    derive_secret,
    open_sealed,
    seal,
)

__all__ = ["StreamClaims", "StreamTokens", "TokenError", "derive_secret"]

#: Longest token :meth:`StreamTokens.mint` produces (well under Twilio's 500 per parameter).
MAX_TOKEN_CHARS: Final = 400
#: Longest input :meth:`StreamTokens.redeem` looks at; anything longer is ``token_invalid``.
MAX_REDEEM_CHARS: Final = 4096
#: Customer fields kept, and how long a field's name and value may be.
MAX_CUSTOMER_FIELDS: Final = 8
MAX_CUSTOMER_VALUE_CHARS: Final = 64
MAX_CUSTOMER_NAME_CHARS: Final = 32
#: Longest call SID accepted (Twilio's are 34 characters: ``CA`` + 32 hex digits).
MAX_CALL_SID_CHARS: Final = 64
_CALL_SID = re.compile(rf"[\x21-\x7e]{{1,{MAX_CALL_SID_CHARS}}}")
_PAYLOAD_KEYS: Final = frozenset({"c", "l", "u", "e", "n"})
_ALLOWED_LANGS: Final[frozenset[str]] = frozenset((*LANGS, ""))
#: The error of a correctly signed token that is refused.
_REFUSED: Final[Mapping[Refusal, tuple[str, str]]] = MappingProxyType(
    {
        Refusal.EXPIRED: ("token_expired", "the stream token has expired"),
        Refusal.USED: ("token_used", "the stream token was already used"),
    }
)


class TokenError(Exception):
    """A stream token that cannot be accepted.

    ``code`` is one of ``token_missing`` (no token at all), ``token_invalid`` (malformed or
    forged), ``token_expired`` and ``token_used`` (already redeemed on this instance).
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class StreamClaims:
    """What a redeemed token vouches for."""

    call_sid: str
    #: ``"en"``, ``"es"`` or ``""`` (not known when the token was minted).
    lang: str
    #: Caller number and other webhook fields, as truncated at minting (read-only).
    customer: Mapping[str, str]
    #: Unix time from which the token is refused.
    expires_at: float
    #: Random, unique per token; what single use is enforced on.
    nonce: str


def _clean(text: str, limit: int) -> str:
    # Lone surrogates would not survive UTF-8; replace them (with "?") before cutting.
    return text.encode("utf-8", "replace").decode("utf-8")[:limit]


def _invalid(message: str) -> TokenError:
    return TokenError("token_invalid", message)


class StreamTokens:
    """Mints and redeems one-call stream tokens signed with ``secret``.

    ``clock`` returns Unix seconds (injectable for tests); ``max_used`` bounds the memory of
    redeemed nonces.
    """

    def __init__(
        self,
        secret: bytes,
        *,
        ttl_s: float = 300.0,
        clock: Callable[[], float] = time.time,
        max_used: int = MAX_USED_NONCES,
    ) -> None:
        if len(secret) < 16:
            raise ValueError("the token secret must be at least 16 bytes")
        if not (math.isfinite(ttl_s) and ttl_s > 0):
            raise ValueError(f"ttl_s must be a positive number of seconds, got {ttl_s!r}")
        self._secret = bytes(secret)
        self._ttl_s = ttl_s
        self._clock = clock
        self._used = UsedNonces(max_used)

    @property
    def used_count(self) -> int:
        """How many redeemed nonces are remembered right now."""
        return len(self._used)

    def mint(self, call_sid: str, lang: str, customer: Mapping[str, str]) -> str:
        """A token for ``call_sid``, valid for ``ttl_s`` from now and for one redemption.

        ``lang`` must be ``"en"``, ``"es"`` or ``""``; ``call_sid`` 1 to
        :data:`MAX_CALL_SID_CHARS` printable ASCII characters (else :class:`ValueError`).
        ``customer`` is trimmed as the module docstring says; the result is at most
        :data:`MAX_TOKEN_CHARS` long.
        """
        if not _CALL_SID.fullmatch(call_sid):
            raise ValueError(f"call_sid must be 1..{MAX_CALL_SID_CHARS} printable ASCII characters")
        if lang not in _ALLOWED_LANGS:
            raise ValueError(f"lang must be one of {sorted(_ALLOWED_LANGS)}, got {lang!r}")
        fields: dict[str, str] = {}
        for name, value in customer.items():
            if len(fields) == MAX_CUSTOMER_FIELDS:
                break
            key = _clean(name, MAX_CUSTOMER_NAME_CHARS)
            if key not in fields:
                fields[key] = _clean(value, MAX_CUSTOMER_VALUE_CHARS)
        payload: dict[str, object] = {
            "c": call_sid,
            "l": lang,
            "u": fields,
            "e": self._clock() + self._ttl_s,
            "n": secrets.token_urlsafe(12),
        }
        token = seal(self._secret, payload)
        while len(token) > MAX_TOKEN_CHARS and fields:
            fields.popitem()
            token = seal(self._secret, payload)
        # Without customer fields a token is under 300 characters, so this always fits.
        assert len(token) <= MAX_TOKEN_CHARS
        return token

    def redeem(self, token: str | None) -> StreamClaims:
        """Check ``token`` and mark it used; raise :class:`TokenError` if it is not good.

        Order of checks: present (``token_missing``), well formed and correctly signed
        (``token_invalid``; the MAC is compared in constant time before the payload is
        decoded), not expired (``token_expired``), not redeemed before (``token_used``).
        Whatever is passed (a non-string off a JSON message included), nothing but
        :class:`TokenError` is ever raised.
        """
        now = self._clock()
        self._used.prune(now)
        if token is None:
            raise TokenError("token_missing", "no stream token")
        if not isinstance(token, str):
            raise _invalid("the stream token is not a string")
        if not token:
            raise TokenError("token_missing", "no stream token")
        if len(token) > MAX_REDEEM_CHARS:
            raise _invalid("the stream token is too long")
        try:
            payload = open_sealed(self._secret, token)
        except SealError as exc:
            raise _invalid(f"the stream token {exc}") from None
        claims = self._decode(payload)
        refused = self._used.redeem(claims.nonce, claims.expires_at, now)
        if refused is not None:
            raise TokenError(*_REFUSED[refused])
        return claims

    @staticmethod
    def _decode(payload: object) -> StreamClaims:
        """The claims of a correctly signed payload, each field type-checked."""
        if not isinstance(payload, dict) or set(payload) != _PAYLOAD_KEYS:
            raise _invalid("the stream token's payload has the wrong shape")
        call_sid, lang, customer = payload["c"], payload["l"], payload["u"]
        expires_at, nonce = payload["e"], payload["n"]
        if not isinstance(call_sid, str) or not call_sid:
            raise _invalid("the stream token's call SID is not a string")
        if not isinstance(lang, str) or lang not in _ALLOWED_LANGS:
            raise _invalid("the stream token's language is not known")
        if not isinstance(customer, dict) or not all(
            isinstance(value, str) for value in customer.values()
        ):
            raise _invalid("the stream token's customer fields are not strings")
        if (
            isinstance(expires_at, bool)
            or not isinstance(expires_at, int | float)
            or not math.isfinite(expires_at)
        ):
            raise _invalid("the stream token's expiry is not a number")
        if not isinstance(nonce, str) or not nonce:
            raise _invalid("the stream token's nonce is not a string")
        return StreamClaims(
            call_sid=call_sid,
            lang=lang,
            customer=MappingProxyType(dict(customer)),
            expires_at=float(expires_at),
            nonce=nonce,
        )
