"""The server a load command runs against (:func:`loadtest.server.target`)."""

from __future__ import annotations

import pytest

from loadtest.server import Target, target


def test_a_given_url_is_used_with_its_key() -> None:
    with target("http://127.0.0.1:8000", "k", "fuzz") as server:
        assert server == Target("http://127.0.0.1:8000", "k", None)


@pytest.mark.parametrize("command", ["fuzz", "soak"])
def test_a_given_url_without_a_key_names_the_command(command: str) -> None:
    with pytest.raises(SystemExit) as stopped, target("http://127.0.0.1:8000", None, command):
        pytest.fail("no target without a key")
    assert str(stopped.value) == (
        f"python -m loadtest {command}: give --api-key or set VOICE_AGENT_API_KEY"
    )
