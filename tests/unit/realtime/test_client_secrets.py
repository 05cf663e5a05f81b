"""Client secrets (ek_...): minting, redeeming, expiry, single use, forgery, fixed fields."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from voice_agent.call.events import CallError
from voice_agent.realtime.client_secrets import (
    ALWAYS_FIXED,
    MAX_SECRET_CHARS,
    ClientSecretError,
    ClientSecrets,
    check_fixed,
    client_secret_key,
)
from voice_agent.realtime.events import SessionConfig, TurnDetectionConfig, apply_session_update
from voice_agent.signing import derive_secret

SECRET = client_secret_key(["key-one", "key-two"])
BASE = SessionConfig(language="en", turn_detection=TurnDetectionConfig(silence_duration_ms=500))


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def secrets_at(clock: Clock, secret: bytes = SECRET, max_used: int = 1000) -> ClientSecrets:
    return ClientSecrets(secret, clock=clock, max_used=max_used)


def code_of(cs: ClientSecrets, value: object) -> str:
    with pytest.raises(ClientSecretError) as err:
        cs.redeem(value)
    return err.value.code


SESSION: dict[str, Any] = {
    "type": "realtime",
    "audio": {
        "input": {
            "format": {"type": "audio/pcmu"},
            "transcription": {"language": "es"},
            "turn_detection": {"type": "server_vad", "silence_duration_ms": 700},
        },
        "output": {"format": {"type": "audio/pcmu"}, "voice": "lucia"},
    },
    "customer": {"name": "Eva", "plan": "basic"},
    "greeting": False,
    "instructions": "be brief",
}


def test_round_trip_gives_the_minted_settings() -> None:
    clock = Clock()
    cs = secrets_at(clock)
    minted = cs.mint(
        {"expires_after": {"anchor": "created_at", "seconds": 120}, "session": SESSION}, BASE
    )
    assert minted.value.startswith("ek_")
    assert minted.expires_at == int(clock.now) + 120
    answer = minted.to_json()
    assert answer["session"]["language"] == "es"
    assert answer["session"]["id"] == minted.session_id
    claims = cs.redeem(minted.value)
    assert claims.session_id == minted.session_id
    assert claims.config == minted.config
    assert claims.config.language == "es"
    assert claims.config.input_format == claims.config.output_format == "audio/pcmu"
    assert claims.config.customer == {"name": "Eva", "plan": "basic"}
    assert claims.config.turn_detection is not None
    assert claims.config.turn_detection.silence_duration_ms == 700
    assert claims.config.greeting is False
    assert claims.config.voice == "lucia"
    assert claims.config.instructions == "be brief"
    assert claims.fixed == frozenset(
        {
            "language",
            "customer",
            "input_format",
            "output_format",
            "turn_detection",
            "voice",
            "greeting",
            "instructions",
        }
    )
    assert claims.expires_at == minted.expires_at


def test_empty_request_takes_the_server_defaults_and_fixes_language_and_customer() -> None:
    cs = secrets_at(Clock())
    minted = cs.mint({}, BASE)
    claims = cs.redeem(minted.value)
    assert claims.config == BASE
    assert claims.fixed == ALWAYS_FIXED
    assert minted.expires_at == int(Clock().now) + 600


def test_manual_turns_survive_the_round_trip() -> None:
    cs = secrets_at(Clock())
    minted = cs.mint({"session": {"audio": {"input": {"turn_detection": None}}}}, BASE)
    claims = cs.redeem(minted.value)
    assert claims.config.turn_detection is None
    assert "turn_detection" in claims.fixed


def test_expiry_with_the_clock() -> None:
    clock = Clock()
    cs = secrets_at(clock)
    one = cs.mint({"expires_after": {"seconds": 10}}, BASE).value
    two = cs.mint({"expires_after": {"seconds": 10}}, BASE).value
    clock.now += 9.5
    cs.redeem(one)
    clock.now += 0.5
    assert code_of(cs, two) == "client_secret_expired"


def test_single_use_and_the_memory_is_pruned_after_expiry() -> None:
    clock = Clock()
    cs = secrets_at(clock)
    value = cs.mint({"expires_after": {"seconds": 60}}, BASE).value
    cs.redeem(value)
    assert code_of(cs, value) == "client_secret_used"
    assert cs.used_count == 1
    clock.now += 61
    assert code_of(cs, value) == "client_secret_expired"
    assert cs.used_count == 0


def test_used_memory_is_bounded() -> None:
    cs = secrets_at(Clock(), max_used=3)
    values = [cs.mint({}, BASE).value for _ in range(5)]
    for v in values:
        cs.redeem(v)
    assert cs.used_count == 3
    assert code_of(cs, values[-1]) == "client_secret_used"


def test_another_instance_with_the_same_keys_accepts_it() -> None:
    clock = Clock()
    value = secrets_at(clock).mint({}, BASE).value
    same = ClientSecrets(client_secret_key(["key-two", "key-one"]), clock=clock)
    same.redeem(value)
    other = ClientSecrets(client_secret_key(["key-one"]), clock=clock)
    assert code_of(other, value) == "client_secret_invalid"
    assert client_secret_key(["k"]) == derive_secret("k", "realtime-client-secret")


def test_every_byte_tampered_is_refused() -> None:
    cs = secrets_at(Clock())
    value = cs.mint({"session": {"language": "es"}}, BASE).value
    for i in range(len(value)):
        for repl in {"A", "z", "_"} - {value[i]}:
            tampered = value[:i] + repl + value[i + 1 :]
            assert code_of(cs, tampered) == "client_secret_invalid", i
    cs.redeem(value)  # the original still works: nothing above was accepted


def test_forged_payload_needs_the_secret() -> None:
    clock = Clock()
    cs = secrets_at(clock)
    value = cs.mint({"session": {"language": "es"}}, BASE).value
    segment, _, signature = value.removeprefix("ek_").partition(".")
    payload = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    payload["s"]["language"] = "en"
    payload["s"]["audio"]["input"]["transcription"]["language"] = "en"
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    assert code_of(cs, f"ek_{forged}.{signature}") == "client_secret_invalid"
    wrong = secrets_at(clock, secret=derive_secret("not-the-key", "realtime-client-secret"))
    assert code_of(wrong, value) == "client_secret_invalid"


@pytest.mark.parametrize(
    "value",
    [None, 5, "", "ek_", "ek_abc", "ek_a.b.c", "ek_%%.ab", "va_abc.def", "ek_" + "a" * 9000 + ".b"],
)
def test_malformed_values(value: object) -> None:
    assert code_of(secrets_at(Clock()), value) == "client_secret_invalid"


@pytest.mark.parametrize(
    ("body", "code", "param"),
    [
        ({"expires_after": {"seconds": 9}}, "invalid_field", "expires_after.seconds"),
        ({"expires_after": {"seconds": 3601}}, "invalid_field", "expires_after.seconds"),
        ({"expires_after": {"seconds": 10.5}}, "invalid_field", "expires_after.seconds"),
        ({"expires_after": {"seconds": True}}, "invalid_field", "expires_after.seconds"),
        ({"expires_after": {"anchor": "now"}}, "invalid_field", "expires_after.anchor"),
        ({"expires_after": {"secs": 60}}, "invalid_field", "expires_after.secs"),
        ({"expires_after": 60}, "invalid_field", "expires_after"),
        ({"ttl": 60}, "invalid_field", "ttl"),
        ({"session": []}, "invalid_field", "session"),
        ({"session": {"type": "transcription"}}, "invalid_field", "session.type"),
        ({"session": {"language": "fr"}}, "unsupported_language", "session.language"),
        (
            {"session": {"audio": {"input": {"format": {"type": "audio/pcma"}}}}},
            "unsupported_audio_format",
            "session.audio.input.format",
        ),
        ({"session": {"customer": "Eva"}}, "invalid_value", "session.customer"),
        ({"session": {"greeting": "yes"}}, "invalid_value", "session.greeting"),
        ({"session": {"customer": {"notes": "x" * 5000}}}, "invalid_field", "session"),
    ],
)
def test_bad_requests_name_the_field(body: dict[str, Any], code: str, param: str) -> None:
    with pytest.raises(ClientSecretError) as err:
        secrets_at(Clock()).mint(body, BASE)
    assert (err.value.code, err.value.param) == (code, param)
    assert param in err.value.message


def test_session_errors_are_the_ones_session_update_gives() -> None:
    session = {"audio": {"input": {"transcription": {"language": "de"}}}}
    with pytest.raises(CallError) as update:
        apply_session_update(BASE, session)
    with pytest.raises(ClientSecretError) as mint:
        secrets_at(Clock()).mint({"session": session}, BASE)
    assert (mint.value.code, mint.value.param) == (update.value.code, update.value.param)


def test_minted_secrets_fit_a_header() -> None:
    cs = secrets_at(Clock())
    value = cs.mint({"session": {**SESSION, "customer": {"notes": "é" * 1000}}}, BASE).value
    assert len(value) <= MAX_SECRET_CHARS
    cs.redeem(value)


def test_fixed_fields_cannot_change() -> None:
    cs = secrets_at(Clock())
    claims = cs.redeem(cs.mint({"session": {"language": "es", "greeting": False}}, BASE).value)
    cfg = claims.config
    for session, param in [
        ({"language": "en"}, "session.language"),
        ({"audio": {"input": {"transcription": {"language": "en-US"}}}}, "session.language"),
        ({"customer": {"name": "Mallory"}}, "session.customer"),
        ({"greeting": True}, "session.greeting"),
    ]:
        with pytest.raises(CallError) as err:
            check_fixed(claims.fixed, cfg, apply_session_update(cfg, session), "ev1")
        assert (err.value.code, err.value.param, err.value.event_id) == (
            "session_field_locked",
            param,
            "ev1",
        )
    # the same values, and fields the secret did not fix, may be sent
    same = apply_session_update(cfg, {"language": "es", "turn_detection": None})
    check_fixed(claims.fixed, cfg, same)
    assert same.turn_detection is None


def test_secret_key_bounds() -> None:
    with pytest.raises(ValueError):
        ClientSecrets(b"short")
    with pytest.raises(ValueError):
        client_secret_key([])
    with pytest.raises(ValueError):
        ClientSecrets(SECRET, max_used=0)


# -- tenants ---------------------------------------------------------------------------------
def test_a_secret_carries_the_tenant_of_the_key_that_minted_it() -> None:
    clock = Clock()
    cs = secrets_at(clock)
    minted = cs.mint({}, BASE, tenant="acme")
    payload = json.loads(base64.urlsafe_b64decode(_segment(minted.value) + "=="))
    assert payload["t"] == "acme"
    assert cs.redeem(minted.value).tenant == "acme"
    assert cs.redeem(cs.mint({}, BASE).value).tenant is None


def test_secrets_minted_before_tenants_still_verify_with_no_tenant() -> None:
    """The payload of a secret minted by the previous release: no ``t``."""
    from voice_agent.signing import seal

    clock = Clock()
    old = {
        "i": "sess_0123abcd",
        "s": {"language": "en"},
        "f": ["customer", "language"],
        "e": int(clock.now) + 60,
        "n": "nonce-1",
    }
    claims = secrets_at(clock).redeem("ek_" + seal(SECRET, old))
    assert (claims.session_id, claims.tenant) == ("sess_0123abcd", None)
    with pytest.raises(ClientSecretError) as err:
        secrets_at(clock).redeem("ek_" + seal(SECRET, {**old, "t": 5}))
    assert err.value.code == "client_secret_invalid"
    with pytest.raises(ClientSecretError):
        secrets_at(clock).redeem("ek_" + seal(SECRET, {**old, "x": 1}))


def _segment(value: str) -> str:
    return value.removeprefix("ek_").split(".")[0]
