"""The browser files the server hands out (read once from the package, served from memory).

``widget.js`` is embedded by other sites, so every asset may be fetched cross-origin
(``Access-Control-Allow-Origin: *``: the AudioWorklet module is fetched in CORS mode). Each
carries a strong ``ETag``; browsers revalidate (``Cache-Control: no-cache``) and get a 304.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import Final

#: Files under ``voice_agent/web/static`` and their media types.
MEDIA_TYPES: Final = MappingProxyType(
    {
        ".js": "text/javascript; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".html": "text/html; charset=utf-8",
    }
)


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    body: bytes
    media_type: str
    etag: str

    def not_modified(self, if_none_match: str | None) -> bool:
        """Whether a request with this ``If-None-Match`` already has this version."""
        if not if_none_match:
            return False
        tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return self.etag in tags or "*" in tags


def load_assets() -> dict[str, Asset]:
    """Every file of the static folder, by name (a missing folder is a broken install)."""
    folder = resources.files("voice_agent.web").joinpath("static")
    out: dict[str, Asset] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if not entry.is_file() or suffix not in MEDIA_TYPES:
            continue
        body = entry.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        out[entry.name] = Asset(entry.name, body, MEDIA_TYPES[suffix], etag)
    return out
