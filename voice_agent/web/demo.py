"""Who may use the demo page at ``/`` and the client secrets it mints (no I/O).

``VOICE_AGENT_DEMO`` is ``auto`` (the default), ``on`` or ``off``:

- ``off``: no demo page.
- ``auto``: a demo page only when the server listens on a loopback address (the default
  ``127.0.0.1``), which is what a newcomer runs after the README's first command.
- ``on``: a demo page whatever the address.

A request needs no credentials only when all four hold: the server listens on loopback, the
request comes from a loopback peer, its ``Host`` names a loopback address (a page on another
site whose name was made to resolve to 127.0.0.1, DNS rebinding, sends its own name), and it
carries no proxy header (``Forwarded``, ``X-Forwarded-For``, ``X-Real-IP``): a reverse proxy
on the same machine would otherwise hand sessions to the internet. Every other request must
show an API key, as HTTP Basic credentials (any user name, the key as password; what a
browser asks for on its own) or as ``Authorization: Bearer``.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

DemoMode = Literal["auto", "on", "off"]
DEMO_MODES: Final[tuple[DemoMode, ...]] = ("auto", "on", "off")

#: Headers a reverse proxy adds; their presence means the peer address is not the user's.
PROXY_HEADERS: Final = ("forwarded", "x-forwarded-for", "x-real-ip")
REALM: Final = "voice-agent demo"


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` (an address or ``localhost``) is a loopback address."""
    if not host:
        return False
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class DemoPolicy:
    """The demo page's access rule for one server (from its settings)."""

    enabled: bool
    #: The server listens on loopback only: local browsers may come in without a key.
    loopback: bool

    @classmethod
    def from_settings(cls, mode: DemoMode, host: str) -> DemoPolicy:
        loopback = is_loopback(host)
        enabled = mode == "on" or (mode == "auto" and loopback)
        return cls(enabled=enabled, loopback=loopback)

    def needs_credentials(self, peer: str | None, headers: Mapping[str, str]) -> bool:
        """Whether a request from ``peer`` with these (lower-case keyed) headers must show an
        API key."""
        if not (self.loopback and is_loopback(peer) and is_loopback(host_name(headers))):
            return True
        return any(name in headers for name in PROXY_HEADERS)


def host_name(headers: Mapping[str, str]) -> str | None:
    """The host name of the ``Host`` header, without the port (IPv6 literals unbracketed)."""
    host = headers.get("host")
    if not host:
        return None
    host = host.strip()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def presented_secret(headers: Mapping[str, str]) -> str | None:
    """The key a request shows: the password of HTTP Basic credentials, or a Bearer token;
    ``None`` when there is none or it is malformed."""
    auth = headers.get("authorization")
    if not auth:
        return None
    scheme, _, value = auth.partition(" ")
    value = value.strip()
    if scheme.lower() == "bearer":
        return value or None
    if scheme.lower() != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    _user, colon, password = decoded.partition(":")
    return password if colon and password else None
