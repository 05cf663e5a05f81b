"""Cut a stream of text deltas (an LLM's tokens) into complete sentences, for TTS.

A plain object without I/O: ``push(delta)`` returns the sentences that the new text
completed, ``flush()`` the rest at the end of the stream. A sentence ends at ``.``, ``!``,
``?`` or ``…`` (with any closing quotes or brackets) followed by white space, or at a line
break. It does not end inside numbers (``$2,100.50``), after titles and common
abbreviations (``Dr.``, ``Sra.``, ``e.g.``), after an initial (``J. Smith``), or before a
lowercase word after an ellipsis or a dotted abbreviation (``well... maybe``,
``9 a.m. tomorrow``). Spanish ``¿...?`` and ``¡...!`` need nothing
special: the opening mark is part of the sentence, the closing one ends it. A sentence that
grows beyond ``max_chars`` without an end is cut at its last comma, semicolon or colon (or
space), so speech can start on long run-on replies.
"""

from __future__ import annotations

from typing import Final

_TERMINALS: Final = frozenset(".!?…")
_CLOSERS: Final = frozenset("\"'”’»)]")
#: Words after which a period never ends a sentence (lowercase, without the final period).
ABBREVIATIONS: Final[frozenset[str]] = frozenset(
    {
        # English titles and abbreviations
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "vs", "e.g", "i.e", "a.k.a",
        "approx", "dept", "est", "fig", "inc", "ltd", "co", "corp", "tel", "ext", "cf",
        "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
        # Spanish
        "sra", "srta", "dra", "lic", "ing", "ud", "uds", "aprox", "pág", "núm", "av", "avda",
        "dto", "depto", "admón", "atte", "sres",
    }
)  # fmt: skip


class SentenceSplitter:
    """Incremental sentence splitter; feed deltas with ``push``, end with ``flush``."""

    def __init__(self, *, max_chars: int = 240) -> None:
        if max_chars < 20:
            raise ValueError("max_chars must be at least 20")
        self.max_chars = max_chars
        self._buf = ""
        self._scan = 0  # where to look for the next boundary

    @property
    def pending(self) -> str:
        """Text received but not yet emitted as a sentence."""
        return self._buf

    def push(self, delta: str) -> list[str]:
        """Add text; return the sentences it completed (maybe none)."""
        self._buf += delta
        out: list[str] = []
        while True:
            end = self._next_boundary()
            if end is None:
                break
            self._emit(end, out)
        while len(self._buf.strip()) > self.max_chars:
            self._emit(self._soft_cut(), out)
        return out

    def flush(self) -> list[str]:
        """Return what is left as a final sentence (if anything) and reset."""
        out: list[str] = []
        self._emit(len(self._buf), out)
        self._buf, self._scan = "", 0
        return out

    def _emit(self, end: int, out: list[str]) -> None:
        sentence = " ".join(self._buf[:end].split())
        self._buf = self._buf[end:]
        self._scan = 0
        if sentence:
            out.append(sentence)

    def _next_boundary(self) -> int | None:
        """Index just after the first complete sentence in the buffer, or None to wait."""
        buf = self._buf
        n = len(buf)
        i = self._scan
        while i < n:
            ch = buf[i]
            if ch == "\n":
                if buf[:i].strip():
                    return i + 1
                i += 1
                continue
            if ch not in _TERMINALS:
                i += 1
                continue
            j = i
            while j < n and (buf[j] in _TERMINALS or buf[j] in _CLOSERS):
                j += 1
            if j == n:
                self._scan = i
                return None  # the punctuation may go on in the next delta
            if not buf[j].isspace():
                i = j  # inside a number, a URL, "e.g.x" ...
                continue
            run = buf[i:j]
            if "!" in run or "?" in run:
                return j
            k = j
            while k < n and buf[k].isspace():
                k += 1
            ends = self._period_ends(buf, i, buf[k] if k < n else None)
            if ends is None:
                self._scan = i
                return None  # need the next word to decide
            if not ends:
                i = j
                continue
            return j
        self._scan = n
        return None

    @staticmethod
    def _period_ends(buf: str, i: int, next_char: str | None) -> bool | None:
        """Whether the period (or ellipsis) at ``i`` ends a sentence; ``None`` when that
        depends on the next word's first character (``next_char``), not yet received."""
        start = i
        while start > 0 and not buf[start - 1].isspace():
            start -= 1
        word = buf[start:i].lower().lstrip("\"'“‘«([¿¡")
        single = buf[i] == "." and (i + 1 >= len(buf) or buf[i + 1] != ".")
        if single and word in ABBREVIATIONS:
            return False
        if single and len(word) == 1 and word.isalpha():
            return False  # an initial: "J. Smith"
        if single and "." not in word:
            return True  # a plain word: no need to wait for the next one
        # an ellipsis or a dotted word ("a.m.", "U.S."): a lowercase word continues it
        if next_char is None:
            return None
        return not next_char.islower()

    def _soft_cut(self) -> int:
        """Where to cut an over-long sentence: after the last , ; : or space in range."""
        window = self._buf[: self.max_chars]
        for marks in (",;:", " "):
            cut = max(window.rfind(m) for m in marks)
            if cut > self.max_chars // 3:
                return cut + 1
        return self.max_chars


def split_sentences(text: str, *, max_chars: int = 240) -> list[str]:
    """All sentences of a complete text."""
    splitter = SentenceSplitter(max_chars=max_chars)
    return splitter.push(text) + splitter.flush()
