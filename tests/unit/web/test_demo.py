"""Who may use the demo page: the policy matrix, the key a request shows, loopback addresses."""

from __future__ import annotations

import base64
import itertools

import pytest

from voice_agent.web.demo import (
    DEMO_MODES,
    PROXY_HEADERS,
    DemoMode,
    DemoPolicy,
    is_loopback,
    presented_secret,
)

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")
OTHER_HOSTS = ("0.0.0.0", "192.168.1.5", "", "::")
LOOPBACK_PEERS = ("127.0.0.1", "::1", "127.0.0.2")
OTHER_PEERS = ("192.168.1.20", "203.0.113.9", "2001:db8::1", None, "")
#: What each proxy header looks like when a reverse proxy on the same machine forwards.
PROXIED = (
    {"forwarded": "for=203.0.113.9;proto=https"},
    {"x-forwarded-for": "203.0.113.9"},
    {"x-real-ip": "203.0.113.9"},
    # even a proxy that claims the user is local is a proxy
    {"x-forwarded-for": "127.0.0.1"},
)


def _basic(user_pass: str | bytes) -> dict[str, str]:
    raw = user_pass.encode("utf-8") if isinstance(user_pass, str) else user_pass
    return {"authorization": "Basic " + base64.b64encode(raw).decode("ascii")}


# -- enabled ----------------------------------------------------------------------------------
@pytest.mark.parametrize("host", LOOPBACK_HOSTS)
def test_auto_and_on_enable_a_loopback_server_off_does_not(host: str) -> None:
    assert DemoPolicy.from_settings("auto", host) == DemoPolicy(enabled=True, loopback=True)
    assert DemoPolicy.from_settings("on", host) == DemoPolicy(enabled=True, loopback=True)
    assert DemoPolicy.from_settings("off", host) == DemoPolicy(enabled=False, loopback=True)


@pytest.mark.parametrize("host", OTHER_HOSTS)
def test_only_on_enables_a_server_on_another_address(host: str) -> None:
    assert DemoPolicy.from_settings("auto", host) == DemoPolicy(enabled=False, loopback=False)
    assert DemoPolicy.from_settings("on", host) == DemoPolicy(enabled=True, loopback=False)
    assert DemoPolicy.from_settings("off", host) == DemoPolicy(enabled=False, loopback=False)


def test_the_modes_are_the_settings_values() -> None:
    assert DEMO_MODES == ("auto", "on", "off")
    assert set(PROXY_HEADERS) == {"forwarded", "x-forwarded-for", "x-real-ip"}


# -- credentials ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("mode", "host", "peer"),
    list(itertools.product(("auto", "on", "off"), LOOPBACK_HOSTS, LOOPBACK_PEERS)),
)
def test_loopback_server_and_peer_without_proxy_headers_need_no_key(
    mode: DemoMode, host: str, peer: str
) -> None:
    policy = DemoPolicy.from_settings(mode, host)
    for name in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "localhost", "127.0.0.1"):
        assert not policy.needs_credentials(peer, {"host": name}), name
        assert not policy.needs_credentials(
            peer, {"host": name, "user-agent": "x", "origin": "http://x"}
        )


@pytest.mark.parametrize(
    "host_header",
    ["rebound.example:8000", "rebound.example", "10.0.0.1:8000", "[fe80::1]:8000", "", None],
)
def test_a_host_header_naming_another_site_needs_a_key(host_header: str | None) -> None:
    """DNS rebinding: a page on another site whose name resolves to 127.0.0.1 reaches a
    loopback server from a loopback peer, but its requests carry its own name."""
    policy = DemoPolicy.from_settings("auto", "127.0.0.1")
    headers = {} if host_header is None else {"host": host_header}
    assert policy.needs_credentials("127.0.0.1", headers)


@pytest.mark.parametrize(
    ("mode", "host", "headers"),
    list(itertools.product(("auto", "on"), LOOPBACK_HOSTS, PROXIED)),
)
def test_a_proxy_header_needs_a_key_even_from_loopback(
    mode: DemoMode, host: str, headers: dict[str, str]
) -> None:
    policy = DemoPolicy.from_settings(mode, host)
    for peer in LOOPBACK_PEERS:
        assert policy.needs_credentials(peer, {"host": "127.0.0.1:8000", **headers})


@pytest.mark.parametrize(("mode", "host"), list(itertools.product(DEMO_MODES, LOOPBACK_HOSTS)))
def test_a_loopback_server_asks_other_peers_for_a_key(mode: DemoMode, host: str) -> None:
    policy = DemoPolicy.from_settings(mode, host)
    for peer in OTHER_PEERS:
        assert policy.needs_credentials(peer, {"host": "127.0.0.1:8000"}), peer


@pytest.mark.parametrize(("mode", "host"), list(itertools.product(DEMO_MODES, OTHER_HOSTS)))
def test_a_server_on_another_address_always_asks_for_a_key(mode: DemoMode, host: str) -> None:
    policy = DemoPolicy.from_settings(mode, host)
    for peer in (*LOOPBACK_PEERS, *OTHER_PEERS):
        assert policy.needs_credentials(peer, {"host": "127.0.0.1:8000"}), peer
        for headers in PROXIED:
            assert policy.needs_credentials(peer, headers), (peer, headers)


# -- the key a request shows ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (_basic("alice:the-key"), "the-key"),
        (_basic("anyone at all:the-key"), "the-key"),
        (_basic(":the-key"), "the-key"),  # no user name
        (_basic("user:pass:with:colons"), "pass:with:colons"),
        (_basic("user: spaced "), " spaced "),
        (_basic("usuario:contraseña"), "contraseña"),
        ({"authorization": "basic " + base64.b64encode(b"u:k").decode()}, "k"),
        ({"authorization": "BASIC " + base64.b64encode(b"u:k").decode()}, "k"),
        ({"authorization": "Bearer the-key"}, "the-key"),
        ({"authorization": "bearer the-key"}, "the-key"),
        ({"authorization": "Bearer   the-key  "}, "the-key"),
        ({"authorization": "Bearer ek_abc"}, "ek_abc"),  # refused later, not here
    ],
)
def test_presented_secret(headers: dict[str, str], expected: str) -> None:
    assert presented_secret(headers) == expected


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": ""},
        {"authorization": "Bearer"},
        {"authorization": "Bearer "},
        {"authorization": "Basic"},
        {"authorization": "Basic "},
        {"authorization": "Basic !!!not-base64!!!"},
        {"authorization": "Basic dTpr"[:-1]},  # truncated: bad padding
        {"authorization": "Basic " + base64.b64encode(b"u:k").decode() + "@"},
        _basic("no-colon-at-all"),  # missing colon
        _basic("user:"),  # empty password
        _basic(":"),
        _basic(b"user:\xff\xfe"),  # not UTF-8
        {"authorization": "Digest username=x, response=y"},
        {"authorization": "Token the-key"},
        {"authorization": "Negotiate dXNlcjprZXk="},
        {"authorization": "the-key"},
        {"x-api-key": "the-key"},
    ],
)
def test_presented_secret_is_none_when_missing_or_malformed(headers: dict[str, str]) -> None:
    assert presented_secret(headers) is None


# -- loopback addresses -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.8.0.1",
        "127.255.255.254",
        "::1",
        "[::1]",
        "::1%lo",  # with a zone
        "0:0:0:0:0:0:0:1",
        "localhost",
        "LocalHost",
        " 127.0.0.1 ",
    ],
)
def test_is_loopback(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        None,
        "",
        " ",
        "0.0.0.0",
        "::",
        "[::]",
        "192.168.1.5",
        "10.0.0.1",
        "128.0.0.1",
        "2001:db8::1",
        "localhost.evil.example",
        "evil.localhost.example",
        "127.0.0.1.nip.io",
        "127.0.0.1:8080",  # with a port: not an address
        "[::1]:8080",
        "127.1",  # shorthand that some resolvers accept; ipaddress does not
        "garbage",
        "[]",
    ],
)
def test_is_not_loopback(host: str | None) -> None:
    assert not is_loopback(host)
