"""API keys: KeyChecker and the generated key file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from voice_agent.api.auth import KeyChecker, ensure_key_file
from voice_agent.errors import Unauthorized

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


def test_query_parameter_and_subprotocol() -> None:
    KEYS.check({}, query={"api_key": "alpha-key"})
    KEYS.check({}, subprotocols=["realtime", "openai-insecure-api-key.beta-key"])
    with pytest.raises(Unauthorized) as err:
        KEYS.check({}, query={"api_key": "nope"})
    assert err.value.code == "invalid_api_key"
    with pytest.raises(Unauthorized) as err:
        KEYS.check({}, subprotocols=["openai-insecure-api-key.nope"])
    assert err.value.code == "invalid_api_key"
    with pytest.raises(Unauthorized) as err:
        KEYS.check({}, query={"api_key": ""}, subprotocols=["realtime"])
    assert err.value.code == "unauthorized"


def test_header_wins_over_query() -> None:
    with pytest.raises(Unauthorized):
        KEYS.check({"authorization": "Bearer nope"}, query={"api_key": "alpha-key"})


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
        ({}, {"api_key": "ek_abc.def"}, ()),
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
