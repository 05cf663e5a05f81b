"""The human telephone prompts of Debian's ``asterisk-core-sounds-<lang>-wav`` packages and
their transcripts (``asterisk-core-sounds-<lang>``): real 8 kHz speech the benchmarks and
tests use. Nothing here downloads; a missing package reads as no recordings."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Final

#: Where the recordings are, one folder per language (``en``, ``es``).
SOUNDS: Final = Path("/usr/share/asterisk/sounds")


def transcript_files(lang: str) -> tuple[Path, ...]:
    """Where the transcripts of ``lang`` may be (either package ships them)."""
    return (
        Path(f"/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz"),
        Path(f"/usr/share/doc/asterisk-core-sounds-{lang}-wav/core-sounds-{lang}.txt.gz"),
    )


def transcripts(lang: str) -> dict[str, str]:
    """Recording name (``vm-goodbye``, ``digits/1``) -> what is said, for ``lang``; empty
    when the packages are not installed."""
    for path in transcript_files(lang):
        if path.is_file():
            out: dict[str, str] = {}
            with gzip.open(path, "rt", encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    key, sep, text = line.partition(":")
                    if sep and not line.startswith(";"):
                        out[key.strip()] = text.strip()
            return out
    return {}


def install_hint(lang: str) -> str:
    """The command that installs the recordings and transcripts of ``lang``."""
    return (
        f"needs asterisk-core-sounds-{lang}-wav and asterisk-core-sounds-{lang} "
        f"(apt-get install asterisk-core-sounds-{lang}-wav asterisk-core-sounds-{lang})"
    )
