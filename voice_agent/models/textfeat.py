"""Sparse n-gram TF-IDF features computed without scikit-learn on the hot path.

scikit-learn's ``TfidfVectorizer`` is used once to choose the vocabulary and the idf
weights; afterwards :class:`NgramSpace` turns a text into ``(indices, values)`` with the
same analyzer, in plain Python and numpy, for one text in tens of microseconds.
Training and inference both go through :meth:`NgramSpace.counts`, so they agree exactly.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

Counts = dict[int, float]

_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


@dataclass(eq=False)  # identity equality and hash: used as a cache key
class NgramSpace:
    """A fitted n-gram vocabulary with idf weights (l2-normalised tf-idf vectors)."""

    analyzer: str
    ngram_range: tuple[int, int]
    vocabulary: dict[str, int]
    idf: np.ndarray
    sublinear_tf: bool = True
    _analyze: Callable[[str], list[str]] | None = field(default=None, repr=False, compare=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def size(self) -> int:
        return len(self.vocabulary)

    @classmethod
    def fit(
        cls,
        texts: Sequence[str],
        analyzer: str,
        ngram_range: tuple[int, int],
        min_df: int = 2,
        max_features: int | None = None,
        sublinear_tf: bool = True,
    ) -> NgramSpace:
        vec = TfidfVectorizer(
            analyzer=analyzer,
            ngram_range=ngram_range,
            min_df=min_df,
            max_features=max_features,
            strip_accents="unicode",
            lowercase=True,
            sublinear_tf=sublinear_tf,
            dtype=np.float32,
        )
        vec.fit([normalise(t) for t in texts])
        vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
        return cls(
            analyzer, ngram_range, vocab, np.asarray(vec.idf_, dtype=np.float32), sublinear_tf
        )

    def _analyzer(self) -> Callable[[str], list[str]]:
        fn = self._analyze
        if fn is None:
            with self._lock:
                if self._analyze is None:
                    self._analyze = TfidfVectorizer(
                        analyzer=self.analyzer,
                        ngram_range=self.ngram_range,
                        strip_accents="unicode",
                        lowercase=True,
                    ).build_analyzer()
                fn = self._analyze
        assert fn is not None
        return fn

    def counts(self, text: str) -> Counts:
        """Raw n-gram counts of one text over the vocabulary (unknown n-grams dropped)."""
        vocab = self.vocabulary
        out: Counts = {}
        for gram in self._analyzer()(normalise(text)):
            j = vocab.get(gram)
            if j is not None:
                out[j] = out.get(j, 0.0) + 1.0
        return out

    def weigh(self, counts: Counts) -> tuple[np.ndarray, np.ndarray]:
        """tf-idf weighting and l2 normalisation of counts -> (indices, values)."""
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        if self.sublinear_tf:
            tf = (np.log(tf) + 1.0).astype(np.float32)
        vals = tf * self.idf[idx]
        norm = float(np.sqrt(np.dot(vals, vals)))
        if norm > 0:
            vals = vals / norm
        return idx, vals.astype(np.float32)

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        return self.weigh(self.counts(text))

    def matrix(self, texts: Iterable[str]) -> sparse.csr_matrix:
        return rows_to_csr([self.vector(t) for t in texts], self.size)

    def __getstate__(self) -> dict[str, Any]:
        return {
            "analyzer": self.analyzer,
            "ngram_range": tuple(self.ngram_range),
            "vocabulary": self.vocabulary,
            "idf": self.idf,
            "sublinear_tf": self.sublinear_tf,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.analyzer = state["analyzer"]
        self.ngram_range = (int(state["ngram_range"][0]), int(state["ngram_range"][1]))
        self.vocabulary = state["vocabulary"]
        self.idf = state["idf"]
        self.sublinear_tf = state["sublinear_tf"]
        self._analyze = None
        self._lock = threading.Lock()


def add_counts(parts: Iterable[Counts]) -> Counts:
    out: Counts = {}
    for c in parts:
        for j, v in c.items():
            out[j] = out.get(j, 0.0) + v
    return out


def rows_to_csr(rows: Sequence[tuple[np.ndarray, np.ndarray]], n_cols: int) -> sparse.csr_matrix:
    indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    for i, (idx, _) in enumerate(rows):
        indptr[i + 1] = indptr[i] + len(idx)
    indices = (
        np.concatenate([r[0] for r in rows]) if rows else np.zeros(0, dtype=np.int64)
    ).astype(np.int32)
    data = np.concatenate([r[1] for r in rows]) if rows else np.zeros(0, dtype=np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=(len(rows), n_cols))


@dataclass
class TextSpaces:
    """Several n-gram spaces side by side (e.g. words 1-2 and characters 2-5)."""

    spaces: tuple[NgramSpace, ...]

    @property
    def size(self) -> int:
        return sum(s.size for s in self.spaces)

    @classmethod
    def fit_default(cls, texts: Sequence[str], char: bool = True, min_df: int = 2) -> TextSpaces:
        spaces = [NgramSpace.fit(texts, "word", (1, 2), min_df=min_df)]
        if char:
            spaces.append(NgramSpace.fit(texts, "char_wb", (2, 5), min_df=min_df))
        return cls(tuple(spaces))

    def vector(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        idx_parts: list[np.ndarray] = []
        val_parts: list[np.ndarray] = []
        offset = 0
        for s in self.spaces:
            idx, vals = s.vector(text)
            idx_parts.append(idx + offset)
            val_parts.append(vals)
            offset += s.size
        return np.concatenate(idx_parts), np.concatenate(val_parts)

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return rows_to_csr([self.vector(t) for t in texts], self.size)
