"""Generic fixtures shared by every test directory (keep this file small)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """No ``VOICE_AGENT_*`` variable from the caller's environment leaks into the test."""
    for name in list(os.environ):
        if name.startswith("VOICE_AGENT_"):
            monkeypatch.delenv(name)
    return monkeypatch
