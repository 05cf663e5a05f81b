"""Which pages may open /v1/realtime: origin normalisation and the allow rule."""

from __future__ import annotations

import pytest

from voice_agent.realtime.origins import normalize_origin, origin_allowed, parse_allowed
from voice_agent.settings import Settings


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://www.example.com", "https://www.example.com"),
        ("HTTPS://WWW.Example.com:443/", "https://www.example.com"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:3000", "http://[::1]:3000"),
    ],
)
def test_normalize(text: str, expected: str) -> None:
    assert normalize_origin(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "*",
        "www.example.com",
        "ftp://x.com",
        "https://x.com/path",
        "https://u@x.com",
        "null",
        "https://x.com:99999",
        "https://*.x.com",
        "https://x.com?q=1",
    ],
)
def test_not_origins(text: str) -> None:
    with pytest.raises(ValueError, match="not an origin"):
        normalize_origin(text)


ALLOWED = parse_allowed("https://shop.example.com, http://localhost:3000")


@pytest.mark.parametrize(
    ("origin", "ok"),
    [
        (None, True),  # not a browser
        ("https://shop.example.com", True),
        ("http://localhost:3000", True),
        ("http://127.0.0.1:8000", True),  # same origin as the request
        ("https://evil.example.com", False),
        ("http://127.0.0.1:8001", False),  # other port
        ("https://127.0.0.1:8000", False),  # other scheme
        ("null", False),
        ("https://agent.example.com", True),  # the public URL's origin
    ],
)
def test_origin_allowed(origin: str | None, ok: bool) -> None:
    got = origin_allowed(
        origin,
        scheme="ws",
        host="127.0.0.1:8000",
        allowed=ALLOWED,
        public_url="https://agent.example.com/base",
    )
    assert got is ok


def test_empty_setting_means_same_origin_only() -> None:
    assert parse_allowed("") == frozenset()
    assert origin_allowed("http://a.test", scheme="ws", host="a.test", allowed=frozenset())
    assert not origin_allowed("http://b.test", scheme="ws", host="a.test", allowed=frozenset())
    assert origin_allowed("https://a.test", scheme="wss", host="a.test:443", allowed=frozenset())


def test_setting_is_validated() -> None:
    from voice_agent.errors import ConfigError
    from voice_agent.settings import load_settings

    assert Settings(allowed_origins="https://a.test").allowed_origins == "https://a.test"
    with pytest.raises(ConfigError, match=r"VOICE_AGENT_ALLOWED_ORIGINS: .*not an origin"):
        load_settings(allowed_origins="https://a.test,a.test")
