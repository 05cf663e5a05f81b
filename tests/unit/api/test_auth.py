"""API keys: KeyChecker and the generated key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from voice_agent.api.auth import (
    CONVERSATION_ROLES,
    METRICS_ROLES,
    KeyChecker,
    Principal,
    Role,
    ensure_key_file,
    parse_key_entry,
    tenant_of,
)
from voice_agent.errors import Forbidden, InvalidRequest, Unauthorized

KEYS = KeyChecker(["alpha-key", "beta-key"])


@pytest.mark.parametrize("key", ["alpha-key", "beta-key"])
def test_every_configured_key_is_accepted(key: str) -> None:
    KEYS.check({"authorization": f"Bearer {key}"})
    KEYS.check({"authorization": f"bearer   {key}  "})
    assert KEYS.valid(key)


@pytest.mark.parametrize("key", ["", None, "alpha", "alpha-key2", "ALPHA-KEY", "beta-key "])
def test_other_keys_are_not_valid(key: str | None) -> None:
    assert not KEYS.valid(key)


def test_missing_key() -> None:
    with pytest.raises(Unauthorized) as err:
        KEYS.check({})
    assert err.value.code == "unauthorized"
    assert err.value.status == 401
    assert "Bearer" in err.value.message


def test_wrong_key() -> None:
    with pytest.raises(Unauthorized) as err:
        KEYS.check({"authorization": "Bearer gamma-key"})
    assert err.value.code == "invalid_api_key"
    assert err.value.status == 401
    assert err.value.to_json() == {
        "error": {"code": "invalid_api_key", "message": "invalid API key"}
    }


@pytest.mark.parametrize("header", ["Basic YWxwaGEta2V5", "Bearer", "Bearer   ", "alpha-key"])
def test_malformed_authorization_header(header: str) -> None:
    with pytest.raises(Unauthorized) as err:
        KEYS.check({"authorization": header})
    assert err.value.code == "unauthorized"


def test_subprotocol() -> None:
    KEYS.check({}, subprotocols=["realtime", "openai-insecure-api-key.beta-key"])
    with pytest.raises(Unauthorized) as err:
        KEYS.check({}, subprotocols=["openai-insecure-api-key.nope"])
    assert err.value.code == "invalid_api_key"
    with pytest.raises(Unauthorized) as err:
        KEYS.check({}, subprotocols=["realtime"])
    assert err.value.code == "unauthorized"


@pytest.mark.parametrize("value", ["alpha-key", "nope", "", "ek_abc.def"])
def test_keys_in_urls_are_refused_even_good_ones(value: str) -> None:
    """Finding 5: ``?api_key=`` was accepted; URLs end up in logs. Refused with its own code,
    whatever else the request carries."""
    for headers in ({}, {"authorization": "Bearer alpha-key"}):
        with pytest.raises(InvalidRequest) as err:
            KEYS.check(headers, query={"api_key": value})
        assert err.value.code == "api_key_in_url"
        assert err.value.status == 400
        assert "Authorization: Bearer" in err.value.message


def test_no_keys_is_refused() -> None:
    with pytest.raises(ValueError):
        KeyChecker([])
    with pytest.raises(ValueError):
        KeyChecker(["", ""])


def test_key_file_is_created_once_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    key, path, created = ensure_key_file(data_dir)
    assert created
    assert path == data_dir / "api_key"
    assert key.startswith("va_") and len(key) > 20
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again, path2, created2 = ensure_key_file(data_dir)
    assert (again, path2, created2) == (key, path, False)
    KeyChecker([again]).check({"authorization": f"Bearer {key}"})


def test_empty_key_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "api_key").write_text("\n")
    (tmp_path / "api_key").chmod(0o644)
    key, _, created = ensure_key_file(tmp_path)
    assert created
    assert stat.S_IMODE((tmp_path / "api_key").stat().st_mode) == 0o600
    assert (tmp_path / "api_key").read_text().strip() == key


def test_two_data_dirs_get_different_keys(tmp_path: Path) -> None:
    a, _, _ = ensure_key_file(tmp_path / "a")
    b, _, _ = ensure_key_file(tmp_path / "b")
    assert a != b


@pytest.mark.parametrize(
    ("headers", "query", "protocols"),
    [
        ({"authorization": "Bearer ek_abc.def"}, None, ()),
        ({}, None, ("realtime", "openai-insecure-api-key.ek_abc.def")),
    ],
)
def test_client_secrets_are_refused_where_api_keys_are_checked(
    headers: dict[str, str], query: dict[str, str] | None, protocols: tuple[str, ...]
) -> None:
    with pytest.raises(Unauthorized) as err:
        KEYS.check(headers, query, protocols)
    assert err.value.code == "client_secret_not_allowed"
    assert err.value.status == 401


# -- roles and tenants ---------------------------------------------------------------------
def test_a_bare_key_is_admin_with_a_tenant_derived_from_it() -> None:
    entry = parse_key_entry("alpha-key")
    assert entry.key == "alpha-key"
    assert entry.principal == Principal(Role.ADMIN, tenant_of("alpha-key"))
    assert entry.principal.tenant.startswith("t_") and "alpha" not in entry.principal.tenant
    assert tenant_of("alpha-key") != tenant_of("beta-key")


def test_role_and_tenant_entries() -> None:
    assert parse_key_entry("k1:agent").principal == Principal(Role.AGENT, tenant_of("k1"))
    assert parse_key_entry("k1:agent:acme").principal == Principal(Role.AGENT, "acme")
    assert parse_key_entry(" k2:metrics ").principal.role is Role.METRICS


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("k:root", "unknown role 'root'"),
        ("k:agent:", "tenant ''"),
        ("k:agent:a b", "tenant 'a b'"),
        ("k:agent:t:x", "KEY:ROLE:TENANT"),
        (":agent", "KEY:ROLE:TENANT"),
    ],
)
def test_bad_entries_are_refused_with_what_is_wrong(entry: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_key_entry(entry)


def test_check_answers_the_principal_and_enforces_roles() -> None:
    keys = KeyChecker(["root", "a1:agent:acme", "m1:metrics"])
    assert keys.check({"authorization": "Bearer root"}).admin
    agent = keys.check({"authorization": "Bearer a1"}, roles=CONVERSATION_ROLES)
    assert agent == Principal(Role.AGENT, "acme")
    assert keys.check({"authorization": "Bearer m1"}, roles=METRICS_ROLES).role is Role.METRICS
    with pytest.raises(Forbidden) as err:
        keys.check({"authorization": "Bearer m1"}, roles=CONVERSATION_ROLES)
    assert (err.value.code, err.value.status) == ("insufficient_scope", 403)
    with pytest.raises(Forbidden):
        keys.check({"authorization": "Bearer a1"}, roles=METRICS_ROLES)
    assert keys.principal("a1:agent:acme") is None  # the entry is not the key


def test_who_sees_what() -> None:
    admin, agent = Principal(Role.ADMIN, "t_x"), Principal(Role.AGENT, "acme")
    assert admin.sees(None) and admin.sees("acme") and admin.sees("other")
    assert agent.sees("acme")
    assert not agent.sees("other") and not agent.sees(None)
