"""Stream tokens: round trip, expiry, single use, forgery, garbage, bounded memory."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
from typing import cast

import pytest

from voice_agent.telephony.tokens import (
    MAX_TOKEN_CHARS,
    StreamClaims,
    StreamTokens,
    TokenError,
    derive_secret,
)

SECRET = b"s" * 32
CALL = "CA" + "0123456789abcdef" * 2
CUSTOMER = {"From": "+14155550100", "To": "+14155550199", "CallerCity": "SAN FRANCISCO"}


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def _tokens(clock: Clock | None = None, **kw: int) -> StreamTokens:
    return StreamTokens(SECRET, ttl_s=300.0, clock=clock or Clock(), **kw)


def _code(tokens: StreamTokens, token: object) -> str:
    with pytest.raises(TokenError) as info:
        tokens.redeem(cast("str | None", token))
    assert info.value.message == str(info.value)
    return info.value.code


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _forge(payload: object, secret: bytes = SECRET) -> str:
    """A token signed with ``secret`` over any payload (to test the payload checks)."""
    segment = _b64(json.dumps(payload).encode())
    return segment + "." + _b64(hmac.new(secret, segment.encode(), hashlib.sha256).digest())


def test_round_trip() -> None:
    clock = Clock()
    tokens = _tokens(clock)
    token = tokens.mint(CALL, "es", CUSTOMER)
    claims = tokens.redeem(token)
    assert isinstance(claims, StreamClaims)
    assert claims.call_sid == CALL
    assert claims.lang == "es"
    assert dict(claims.customer) == CUSTOMER
    assert claims.expires_at == 1_700_000_300.0
    assert len(claims.nonce) == 16


def test_token_shape_is_url_safe_and_short() -> None:
    token = _tokens().mint(CALL, "en", CUSTOMER)
    segment, mac = token.split(".")
    assert set(token) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.")
    assert len(mac) == 43  # 32 bytes of HMAC-SHA256, unpadded base64url
    assert hmac.compare_digest(
        mac, _b64(hmac.new(SECRET, segment.encode(), hashlib.sha256).digest())
    )
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    assert payload["c"] == CALL
    assert payload["l"] == "en"
    assert payload["u"] == CUSTOMER
    assert len(token) < MAX_TOKEN_CHARS


def test_language_may_be_unknown() -> None:
    tokens = _tokens()
    assert tokens.redeem(tokens.mint(CALL, "", {})).lang == ""


@pytest.mark.parametrize("lang", ["fr", "EN", "en-US", " en"])
def test_mint_rejects_unknown_languages(lang: str) -> None:
    with pytest.raises(ValueError, match="lang"):
        _tokens().mint(CALL, lang, {})


@pytest.mark.parametrize("call_sid", ["", "C" * 65, "CA 1", "CAé", "CA\n", "CA\ud800"])
def test_mint_rejects_bad_call_sids(call_sid: str) -> None:
    with pytest.raises(ValueError, match="call_sid"):
        _tokens().mint(call_sid, "en", {})


def test_customer_values_are_cut_and_fields_capped() -> None:
    tokens = _tokens()
    customer = {f"F{i}": str(i) * 100 for i in range(12)}
    token = tokens.mint(CALL, "en", customer)
    assert len(token) <= MAX_TOKEN_CHARS
    kept = dict(tokens.redeem(token).customer)
    assert 1 <= len(kept) <= 8
    assert list(kept) == [f"F{i}" for i in range(len(kept))]  # the first ones, in order
    assert kept == {name: customer[name][:64] for name in kept}
    assert all(len(value) == 64 for value in kept.values())


def test_eight_short_fields_all_fit() -> None:
    tokens = _tokens()
    customer = {f"k{i}": f"v{i}" for i in range(10)}
    kept = tokens.redeem(tokens.mint(CALL, "en", customer)).customer
    assert dict(kept) == {f"k{i}": f"v{i}" for i in range(8)}


def test_long_names_are_cut_and_unicode_kept() -> None:
    tokens = _tokens()
    customer = {"N" * 50: "José Ñúñez", "bad\ud800": "x\udfffy"}
    kept = dict(tokens.redeem(tokens.mint(CALL, "es", customer)).customer)
    assert kept == {"N" * 32: "José Ñúñez", "bad?": "x?y"}


def test_worst_case_customer_still_fits_twilio() -> None:
    tokens = _tokens(Clock(1_700_000_000.123456))
    customer = {"😀" * 40 + str(i): "😀" * 100 for i in range(20)}
    token = tokens.mint("~" * 64, "es", customer)
    assert len(token) <= MAX_TOKEN_CHARS
    assert len("token") + len(token) < 500
    assert tokens.redeem(token).call_sid == "~" * 64
    token = tokens.mint(CALL, "es", customer)
    assert len(token) <= MAX_TOKEN_CHARS
    assert len("token") + len(token) < 500
    assert tokens.redeem(token).call_sid == CALL


def test_claims_customer_is_read_only() -> None:
    tokens = _tokens()
    customer = dict(CUSTOMER)
    claims = tokens.redeem(tokens.mint(CALL, "en", customer))
    customer["From"] = "changed"
    assert claims.customer["From"] == "+14155550100"
    with pytest.raises(TypeError):
        claims.customer["From"] = "x"  # type: ignore[index]


def test_expired() -> None:
    clock = Clock()
    tokens = _tokens(clock)
    token = tokens.mint(CALL, "en", {})
    clock.now += 299.999
    other = tokens.mint(CALL, "en", {})
    assert tokens.redeem(other).call_sid == CALL  # not yet expired at +299.999 for this one
    clock.now = 1_700_000_300.0
    assert _code(tokens, token) == "token_expired"
    clock.now += 1000
    assert _code(tokens, token) == "token_expired"


def test_valid_just_before_expiry() -> None:
    clock = Clock()
    tokens = _tokens(clock)
    token = tokens.mint(CALL, "en", {})
    clock.now += 299.5
    assert tokens.redeem(token).expires_at == 1_700_000_300.0


def test_reused() -> None:
    tokens = _tokens()
    token = tokens.mint(CALL, "en", {})
    tokens.redeem(token)
    assert _code(tokens, token) == "token_used"
    assert _code(tokens, token) == "token_used"


def test_each_mint_is_a_separate_use() -> None:
    tokens = _tokens()
    first, second = tokens.mint(CALL, "en", {}), tokens.mint(CALL, "en", {})
    assert first != second
    tokens.redeem(first)
    tokens.redeem(second)


def test_another_instance_with_the_same_secret_accepts_the_token() -> None:
    clock = Clock()
    token = _tokens(clock).mint(CALL, "en", CUSTOMER)
    assert _tokens(clock).redeem(token).call_sid == CALL


def test_another_secret_rejects_the_token() -> None:
    token = _tokens().mint(CALL, "en", {})
    other = StreamTokens(b"t" * 32, clock=Clock())
    assert _code(other, token) == "token_invalid"


def test_tampered_payload() -> None:
    tokens = _tokens()
    token = tokens.mint(CALL, "en", CUSTOMER)
    segment, mac = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    payload["c"] = "CA" + "f" * 32
    forged = _b64(json.dumps(payload).encode()) + "." + mac
    assert _code(tokens, forged) == "token_invalid"
    # One character changed anywhere in the payload segment.
    flipped = ("B" if segment[5] == "A" else "A").join((segment[:5], segment[6:]))
    assert _code(tokens, flipped + "." + mac) == "token_invalid"


def test_tampered_mac() -> None:
    tokens = _tokens()
    segment, mac = tokens.mint(CALL, "en", {}).split(".")
    for bad in (mac[:-1], mac + "A", ("A" if mac[0] != "A" else "B") + mac[1:], mac.upper()):
        assert _code(tokens, segment + "." + bad) == "token_invalid"
    assert _code(tokens, segment + "." + mac + "." + mac) == "token_invalid"


def test_expiry_is_signed() -> None:
    clock = Clock()
    tokens = _tokens(clock)
    segment, mac = tokens.mint(CALL, "en", {}).split(".")
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    payload["e"] = 9e18
    clock.now += 10_000
    assert _code(tokens, _b64(json.dumps(payload).encode()) + "." + mac) == "token_invalid"


def test_missing() -> None:
    tokens = _tokens()
    assert _code(tokens, None) == "token_missing"
    assert _code(tokens, "") == "token_missing"


@pytest.mark.parametrize(
    "garbage",
    [
        5,
        1.5,
        True,
        b"bytes",
        ["a", "b"],
        {"token": "x"},
        ".",
        "abc",
        "abc.",
        ".abc",
        "a.b.c",
        "abc def.ghi",
        "YWJj.!!!",
        "é.é",
        "\ud800.\udfff",
        "x" * 5000 + "." + "y" * 43,
        "a" * 10_000_000,
    ],
)
def test_garbage_is_invalid(garbage: object) -> None:
    assert _code(_tokens(), garbage) == "token_invalid"


def test_oversized_input_is_refused_before_any_work() -> None:
    tokens = _tokens()
    valid = tokens.mint(CALL, "en", {})
    with pytest.raises(TokenError) as info:
        tokens.redeem(valid + "A" * 4096)
    assert (info.value.code, info.value.message) == (
        "token_invalid",
        "the stream token is too long",
    )
    assert tokens.redeem(valid).call_sid == CALL


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "string",
        None,
        {},
        {"c": CALL, "l": "en", "u": {}, "e": 1e12},
        {"c": CALL, "l": "en", "u": {}, "e": 1e12, "n": "x", "extra": 1},
        {"c": 5, "l": "en", "u": {}, "e": 1e12, "n": "x"},
        {"c": "", "l": "en", "u": {}, "e": 1e12, "n": "x"},
        {"c": CALL, "l": "fr", "u": {}, "e": 1e12, "n": "x"},
        {"c": CALL, "l": None, "u": {}, "e": 1e12, "n": "x"},
        {"c": CALL, "l": "en", "u": [], "e": 1e12, "n": "x"},
        {"c": CALL, "l": "en", "u": {"a": 1}, "e": 1e12, "n": "x"},
        {"c": CALL, "l": "en", "u": {}, "e": "1e12", "n": "x"},
        {"c": CALL, "l": "en", "u": {}, "e": True, "n": "x"},
        {"c": CALL, "l": "en", "u": {}, "e": None, "n": "x"},
        {"c": CALL, "l": "en", "u": {}, "e": 1e12, "n": ""},
        {"c": CALL, "l": "en", "u": {}, "e": 1e12, "n": 7},
    ],
)
def test_correctly_signed_but_malformed_payloads_are_invalid(payload: object) -> None:
    assert _code(_tokens(), _forge(payload)) == "token_invalid"


def test_correctly_signed_non_json_is_invalid() -> None:
    tokens = _tokens()
    for body in (b"not json", b"\xff\xfe", b'{"e": NaN}', b'{"e": Infinity}', b"[" * 100_000):
        segment = _b64(body)
        if len(segment) > 4096:
            continue
        mac = _b64(hmac.new(SECRET, segment.encode(), hashlib.sha256).digest())
        assert _code(tokens, segment + "." + mac) == "token_invalid"
    # A segment of 1 mod 4 characters is not base64 at all.
    mac = _b64(hmac.new(SECRET, b"abcde", hashlib.sha256).digest())
    assert _code(tokens, "abcde." + mac) == "token_invalid"


def test_deeply_nested_signed_payload_is_invalid() -> None:
    body = b"[" * 2000 + b"]" * 2000
    segment = _b64(body)[:3000]
    mac = _b64(hmac.new(SECRET, segment.encode(), hashlib.sha256).digest())
    assert _code(_tokens(), segment + "." + mac) == "token_invalid"


def test_fuzz_only_token_errors_come_out() -> None:
    rng = random.Random(20240611)
    tokens = _tokens()
    valid = tokens.mint(CALL, "en", CUSTOMER)
    alphabet = 'ABCxyz019-_.=+/ \n"{}[]:,é😀\ud800\x00'
    seen: set[str] = set()
    for _ in range(500):
        kind = rng.randrange(4)
        if kind == 0:
            text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 80)))
        elif kind == 1:  # mutate a valid token
            chars = list(valid)
            for _ in range(rng.randrange(1, 4)):
                chars[rng.randrange(len(chars))] = rng.choice(alphabet)
            text = "".join(chars)
        elif kind == 2:  # truncate / extend a valid token
            text = valid[: rng.randrange(len(valid))] + "".join(
                rng.choice(alphabet) for _ in range(rng.randrange(3))
            )
        else:  # random bytes, base64url'd, signed with a random key
            text = _b64(rng.randbytes(rng.randrange(60))) + "." + _b64(rng.randbytes(32))
        if text == valid:  # a mutation that put back the same character
            continue
        with pytest.raises(TokenError) as info:
            tokens.redeem(text)
        seen.add(info.value.code)
    assert seen <= {"token_invalid", "token_missing"}
    assert "token_invalid" in seen
    # The valid token was never touched by the fuzzing.
    assert tokens.redeem(valid).call_sid == CALL


def test_used_nonces_are_forgotten_once_expired() -> None:
    clock = Clock()
    tokens = _tokens(clock)
    for _ in range(5):
        tokens.redeem(tokens.mint(CALL, "en", {}))
    assert tokens.used_count == 5
    clock.now += 100
    later = tokens.mint(CALL, "en", {})
    tokens.redeem(later)
    assert tokens.used_count == 6
    clock.now += 200  # the first five have expired, ``later`` has not
    with pytest.raises(TokenError):
        tokens.redeem(None)
    assert tokens.used_count == 1
    assert _code(tokens, later) == "token_used"
    clock.now += 100
    assert _code(tokens, later) == "token_expired"
    assert tokens.used_count == 0


def test_replay_memory_is_bounded_oldest_dropped() -> None:
    tokens = _tokens(max_used=3)
    minted = [tokens.mint(CALL, "en", {}) for _ in range(5)]
    for token in minted:
        tokens.redeem(token)
    assert tokens.used_count == 3
    # The two oldest were forgotten (so could be replayed); the newest three are still known.
    for token in minted[2:]:
        assert _code(tokens, token) == "token_used"
    assert tokens.redeem(minted[0]).call_sid == CALL
    assert tokens.used_count == 3


def test_default_replay_memory_is_100_000() -> None:
    tokens = _tokens()
    token = tokens.mint(CALL, "en", {})
    segment, _ = token.split(".")
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    for index in range(100_001):
        payload["n"] = f"n{index}"
        tokens.redeem(_forge(payload))
    assert tokens.used_count == 100_000
    payload["n"] = "n0"
    tokens.redeem(_forge(payload))  # the oldest was dropped
    payload["n"] = "n100000"
    assert _code(tokens, _forge(payload)) == "token_used"


@pytest.mark.parametrize("ttl_s", [0.0, -1.0, float("nan"), float("inf")])
def test_constructor_rejects_bad_ttl(ttl_s: float) -> None:
    with pytest.raises(ValueError, match="ttl_s"):
        StreamTokens(SECRET, ttl_s=ttl_s)


def test_constructor_rejects_short_secret_and_bad_memory() -> None:
    with pytest.raises(ValueError):
        StreamTokens(b"short")
    with pytest.raises(ValueError):
        StreamTokens(SECRET, max_used=0)


def test_derive_secret() -> None:
    expected = hmac.new(b"auth-token", b"voice-agent/stream-token", hashlib.sha256).digest()
    assert derive_secret("auth-token", "stream-token") == expected
    assert len(expected) == 32
    assert derive_secret("auth-token", "other") != expected
    assert derive_secret("other-token", "stream-token") != expected
    with pytest.raises(ValueError):
        derive_secret("", "stream-token")


def test_derived_secret_works_across_instances() -> None:
    clock = Clock()
    secret = derive_secret("twilio-auth-token", "stream-token")
    token = StreamTokens(secret, clock=clock).mint(CALL, "en", {})
    same = StreamTokens(derive_secret("twilio-auth-token", "stream-token"), clock=clock)
    assert same.redeem(token).call_sid == CALL
