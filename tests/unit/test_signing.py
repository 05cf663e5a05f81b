"""The shared sealing helpers and nonce memory of :mod:`voice_agent.signing`."""

from __future__ import annotations

import pytest

from voice_agent.signing import (
    Refusal,
    SealError,
    UsedNonces,
    b64url,
    derive_secret,
    mac,
    open_sealed,
    seal,
)

SECRET = derive_secret("master", "tests")


def test_derive_secret_depends_on_master_and_purpose() -> None:
    assert len(SECRET) == 32
    assert derive_secret("master", "tests") == SECRET
    assert derive_secret("master", "other") != SECRET
    assert derive_secret("other", "tests") != SECRET
    with pytest.raises(ValueError):
        derive_secret("", "tests")


def test_seal_round_trips_unicode_payload() -> None:
    payload = {"name": "Begoña ☎", "n": 3, "list": [1, 2]}
    value = seal(SECRET, payload)
    segment, _, signature = value.partition(".")
    assert "=" not in value and set(segment) | set(signature) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    )
    assert open_sealed(SECRET, value) == payload


def test_other_secret_or_tampered_payload_is_refused() -> None:
    value = seal(SECRET, {"a": 1})
    with pytest.raises(SealError, match="signature"):
        open_sealed(derive_secret("master", "elsewhere"), value)
    signature = value.partition(".")[2]
    forged = b64url(b'{"a":2}')
    with pytest.raises(SealError, match="signature"):
        open_sealed(SECRET, f"{forged}.{signature}")


@pytest.mark.parametrize("value", ["", "abc", "a.b.c", "a=.b", ".x", "x.", "ä.b"])
def test_malformed_values_are_refused(value: str) -> None:
    with pytest.raises(SealError):
        open_sealed(SECRET, value)


@pytest.mark.parametrize(
    "segment", [b64url(b"not json"), b64url(b"NaN"), b64url(b"\xff\xfe"), "abcde"]
)
def test_correctly_signed_garbage_is_refused(segment: str) -> None:
    with pytest.raises(SealError, match="not JSON"):
        open_sealed(SECRET, f"{segment}.{mac(SECRET, segment)}")


def test_deep_nesting_is_refused_not_crashing() -> None:
    segment = b64url(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(SealError):
        open_sealed(SECRET, f"{segment}.{mac(SECRET, segment)}")


def test_used_nonces_forget_expired_and_stay_bounded() -> None:
    used = UsedNonces(max_used=2)
    used.add("a", 10.0)
    used.add("b", 20.0)
    assert "a" in used and len(used) == 2
    used.add("c", 30.0)  # over the bound: the oldest goes
    assert "a" not in used and len(used) == 2
    used.prune(20.0)
    assert "b" not in used and "c" in used
    with pytest.raises(ValueError):
        UsedNonces(max_used=0)


def test_redeem_marks_a_nonce_used_once_until_it_expires() -> None:
    used = UsedNonces()
    assert used.redeem("a", expires_at=10.0, now=5.0) is None
    assert "a" in used
    assert used.redeem("a", expires_at=10.0, now=6.0) is Refusal.USED
    used.prune(10.0)  # its token expired: forgotten, and refused as expired, not as used
    assert "a" not in used
    assert used.redeem("a", expires_at=10.0, now=10.0) is Refusal.EXPIRED


def test_an_expired_token_is_refused_without_being_remembered() -> None:
    used = UsedNonces()
    assert used.redeem("b", expires_at=10.0, now=10.0) is Refusal.EXPIRED
    assert "b" not in used and len(used) == 0
    # expiry is checked first: a used nonce past its expiry is "expired"
    assert used.redeem("c", expires_at=10.0, now=9.0) is None
    assert used.redeem("c", expires_at=10.0, now=11.0) is Refusal.EXPIRED
