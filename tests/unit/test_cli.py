"""Pure helpers of :mod:`voice_agent.cli`."""

from __future__ import annotations

import pytest

from voice_agent.cli import browse_url


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("0.0.0.0", "http://127.0.0.1:8000"),
        ("::", "http://[::1]:8000"),
        ("::1", "http://[::1]:8000"),
        ("localhost", "http://localhost:8000"),
        ("192.168.1.5", "http://192.168.1.5:8000"),
    ],
)
def test_browse_url_is_an_address_a_browser_can_open(host: str, url: str) -> None:
    assert browse_url(host, 8000) == url
