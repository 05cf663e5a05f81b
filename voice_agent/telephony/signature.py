"""Twilio request validation: the ``X-Twilio-Signature`` header.

Twilio signs every webhook it sends with HMAC-SHA1 keyed by the account's auth token
("Secure webhooks", https://www.twilio.com/docs/usage/webhooks/webhooks-security). The
signed string is:

1. the full URL Twilio requested, scheme, host, path and query string exactly as configured;
2. for an ``application/x-www-form-urlencoded`` POST, each body parameter's name immediately
   followed by its value, no separators, the parameters sorted by name.

The header carries the standard base64 of the 20-byte digest.

Two details are not in the prose of the docs and are taken from Twilio's reference
validator, ``twilio/request_validator.py`` in ``twilio/twilio-python``:

* **Repeated names.** Names are sorted and each appears once; its values are sorted and
  de-duplicated (``for value in sorted(set(values))``) and each is appended after its own
  copy of the name. Its test ``test_compute_signature_duplicate_multi_dict`` pins the result.
* **Ports.** Twilio's back end does not consistently include the port in the URL it signs,
  so ``RequestValidator.validate`` accepts a signature over the URL without its port or
  with it (adding the scheme's default port when the URL has none). :func:`valid_signature`
  does the same. The reference library adds 443 for ``https`` and 80 for anything else;
  here ``wss`` also gets 443 and ``ws`` 80 (for a signed WebSocket handshake URL), and
  schemes without a known default get no added-port variant.

JSON webhooks (signed through a ``bodySHA256`` query parameter) are not handled: the voice
webhooks this server receives are form-encoded.

No I/O here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit

#: Default port added to a URL that has none, per scheme (see the module docstring).
DEFAULT_PORTS: Final[Mapping[str, int]] = {"https": 443, "wss": 443, "http": 80, "ws": 80}


def _utf8(text: str) -> bytes:
    # Lone surrogates cannot come from a well-formed request; encoding them verbatim keeps
    # this total (a forged value just yields a different digest instead of an exception).
    return text.encode("utf-8", "surrogatepass")


def compute_signature(url: str, params: Sequence[tuple[str, str]], auth_token: str) -> str:
    """Base64 HMAC-SHA1 of ``url`` + the sorted ``params``, keyed with ``auth_token``.

    ``params`` are the form fields of the POST in any order, a name possibly repeated.
    Names are visited in sorted order (Python string order, as in the reference library);
    under each name the distinct values are appended in sorted order, each preceded by the
    name. ``url`` is used exactly as given (no port normalisation; see
    :func:`valid_signature`).
    """
    grouped: dict[str, set[str]] = {}
    for name, value in params:
        grouped.setdefault(name, set()).add(value)
    pieces = [url]
    for name in sorted(grouped):
        for value in sorted(grouped[name]):
            pieces.append(name)
            pieces.append(value)
    digest = hmac.new(_utf8(auth_token), _utf8("".join(pieces)), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def url_variants(url: str) -> tuple[str, ...]:
    """The URLs a signature may have been computed over: without and with the port.

    For a URL with an explicit port: the URL with the port removed, then the URL itself.
    For a URL without one: the URL itself, then the URL with the scheme's default port
    (:data:`DEFAULT_PORTS`) when the scheme has one. Anything the standard parser rejects,
    or that is not of the ``scheme://authority`` form, yields just the URL itself. The rest
    of the URL (path, query, fragment, user info) is kept byte for byte.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return (url,)
    separator = url.find("://")
    if separator < 0 or not parts.netloc:
        return (url,)
    start = separator + 3
    netloc = url[start : start + len(parts.netloc)]
    if netloc != parts.netloc:
        return (url,)
    head, tail = url[:start], url[start + len(netloc) :]
    userinfo, at, hostport = netloc.rpartition("@")
    if port is None:
        default = DEFAULT_PORTS.get(parts.scheme)
        if default is None:
            return (url,)
        host = hostport.removesuffix(":")
        return (url, f"{head}{userinfo}{at}{host}:{default}{tail}")
    host = hostport[: hostport.rfind(":")]
    return (f"{head}{userinfo}{at}{host}{tail}", url)


def valid_signature(
    url: str,
    params: Sequence[tuple[str, str]],
    signature: str | None,
    auth_token: str,
) -> bool:
    """Whether ``signature`` (the ``X-Twilio-Signature`` header) signs this request.

    False for a missing or empty header and for an empty ``auth_token`` (an empty key would
    let anyone sign). Every URL variant of :func:`url_variants` is tried and compared with
    :func:`hmac.compare_digest`; never raises.
    """
    if not signature or not auth_token:
        return False
    given = _utf8(signature)
    matched = False
    for candidate in url_variants(url):
        expected = compute_signature(candidate, params, auth_token).encode("ascii")
        matched |= hmac.compare_digest(expected, given)
    return matched
