"""The SHA-256 of a file, read in 1 MiB blocks: how every model file shipped or trained here
(the speech models' checks, the registry's model cards) is identified."""

from __future__ import annotations

import hashlib
from pathlib import Path

_BLOCK = 1 << 20


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of the file at ``path`` (``OSError`` if it cannot be read)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(_BLOCK), b""):
            digest.update(block)
    return digest.hexdigest()
