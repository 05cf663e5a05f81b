"""Shared pieces of the server's signed, single-use tokens (no I/O).

Used by the Twilio stream tokens (:mod:`voice_agent.telephony.tokens`) and the realtime client
secrets (:mod:`voice_agent.realtime.client_secrets`): the secret derivation, URL-safe unpadded
base64 (RFC 4648 section 5), sealing a JSON payload as ``base64url(JSON) "." base64url(MAC)``
and opening it again (:func:`seal`, :func:`open_sealed`), and a bounded memory of redeemed
nonces that redeems them (:meth:`UsedNonces.redeem`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections import OrderedDict
from collections.abc import Mapping
from enum import StrEnum
from typing import Final

#: Redeemed nonces remembered at most by default.
MAX_USED_NONCES: Final = 100_000


def derive_secret(master: str, purpose: str) -> bytes:
    """HMAC-SHA256 keyed with ``master`` over ``"voice-agent/" + purpose``.

    The server derives each token secret from a configured secret (the Twilio auth token, the
    API keys), so every instance with the same settings accepts the others' tokens while the
    configured secret itself keys nothing else. An empty ``master`` raises :class:`ValueError`.
    """
    if not master:
        raise ValueError("cannot derive a secret from an empty master key")
    message = ("voice-agent/" + purpose).encode("utf-8", "surrogatepass")
    return hmac.new(master.encode("utf-8", "surrogatepass"), message, hashlib.sha256).digest()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(segment: str) -> bytes:
    """Decode a segment already checked to be ``[A-Za-z0-9_-]+`` (``binascii.Error`` if its
    length is 1 mod 4: not base64 at all)."""
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def mac(secret: bytes, segment: str) -> str:
    """base64url(HMAC-SHA256(secret, segment as ASCII))."""
    return b64url(hmac.new(secret, segment.encode("ascii"), hashlib.sha256).digest())


_SEGMENT = re.compile(r"[A-Za-z0-9_-]+")


class SealError(ValueError):
    """A sealed value that is malformed, forged or tampered with (the message says which)."""


def seal(secret: bytes, payload: Mapping[str, object]) -> str:
    """``base64url(compact JSON of payload) "." mac(secret, first segment)``."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    segment = b64url(body.encode("utf-8"))
    return f"{segment}.{mac(secret, segment)}"


def _reject_constant(name: str) -> float:
    raise ValueError(f"non-finite number {name}")


def open_sealed(secret: bytes, value: str) -> object:
    """The JSON payload of a value made by :func:`seal` with ``secret``.

    Raises :class:`SealError` if ``value`` is not two base64url segments, if the MAC does not
    match (compared in constant time before anything is decoded), or if the payload is not
    JSON (NaN and infinities included). Nothing else is raised.
    """
    segment, dot, signature = value.partition(".")
    if not dot or not _SEGMENT.fullmatch(segment) or not _SEGMENT.fullmatch(signature):
        raise SealError("is not two base64url segments")
    if not hmac.compare_digest(mac(secret, segment).encode("ascii"), signature.encode("ascii")):
        raise SealError("signature does not match")
    try:
        raw = unb64url(segment)
        return json.loads(raw.decode("utf-8"), parse_constant=_reject_constant)
    except (binascii.Error, ValueError, RecursionError) as exc:
        raise SealError(f"payload is not JSON: {exc}") from None


class Refusal(StrEnum):
    """Why a correctly signed single-use token is refused (:meth:`UsedNonces.redeem`)."""

    #: its expiry has passed
    EXPIRED = "expired"
    #: it was redeemed before (on this instance)
    USED = "used"


class UsedNonces:
    """Nonces of redeemed tokens, each remembered until its token expires.

    At most ``max_used`` are kept (the oldest is forgotten first, so under a flood a still-valid
    token could be redeemed twice; memory stays bounded). Not thread-safe.
    """

    def __init__(self, max_used: int = MAX_USED_NONCES) -> None:
        if max_used < 1:
            raise ValueError(f"max_used must be at least 1, got {max_used!r}")
        self._max_used = max_used
        # nonce -> expiry, in redemption order; OrderedDict pops from the front in O(1).
        self._used: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        return len(self._used)

    def __contains__(self, nonce: object) -> bool:
        return nonce in self._used

    def prune(self, now: float) -> None:
        """Forget nonces whose tokens have expired (oldest first)."""
        used = self._used
        while used:
            expires_at = next(iter(used.values()))
            if expires_at > now:
                break
            used.popitem(last=False)

    def redeem(self, nonce: str, expires_at: float, now: float) -> Refusal | None:
        """Redeem the token of ``nonce``, valid until ``expires_at``: remembered as used and
        ``None`` returned, or, without remembering anything, why it is refused at ``now``:
        expired (checked first), or redeemed before."""
        if now >= expires_at:
            return Refusal.EXPIRED
        if nonce in self._used:
            return Refusal.USED
        self.add(nonce, expires_at)
        return None

    def add(self, nonce: str, expires_at: float) -> None:
        while len(self._used) >= self._max_used:
            self._used.popitem(last=False)
        self._used[nonce] = expires_at
