from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from voice_agent.models.textfeat import NgramSpace, TextSpaces

TEXTS = [
    "that's way too expensive for me",
    "Ya tengo un entrenador, gracias",
    "my calendar is packed  every week",
    "too expensive and i travel every week",
    "ya tengo un entrenador personal",
]


@pytest.mark.parametrize("analyzer,ngrams", [("word", (1, 2)), ("char_wb", (2, 5))])
def test_fast_vector_equals_sklearn(analyzer: str, ngrams: tuple[int, int]) -> None:
    space = NgramSpace.fit(TEXTS, analyzer, ngrams, min_df=1)
    ref = TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        min_df=1,
        strip_accents="unicode",
        sublinear_tf=True,
    ).fit([" ".join(t.lower().split()) for t in TEXTS])
    for text in [*TEXTS, "unseen words entirely", ""]:
        want = ref.transform([" ".join(text.lower().split())]).toarray()[0]
        got = np.zeros(space.size)
        idx, vals = space.vector(text)
        got[idx] = vals
        assert np.allclose(got, want, atol=1e-6)


def test_text_spaces_offsets_and_matrix() -> None:
    spaces = TextSpaces.fit_default(TEXTS, min_df=1)
    m = spaces.matrix(TEXTS)
    assert m.shape == (len(TEXTS), spaces.size)
    idx, _ = spaces.vector(TEXTS[0])
    assert idx.max() < spaces.size
    assert np.allclose(np.asarray(m[0].todense()).ravel()[idx], spaces.vector(TEXTS[0])[1])


def test_space_survives_pickle() -> None:
    import pickle

    space = NgramSpace.fit(TEXTS, "word", (1, 2), min_df=1)
    copy = pickle.loads(pickle.dumps(space))
    a, b = space.vector(TEXTS[3]), copy.vector(TEXTS[3])
    assert np.array_equal(a[0], b[0]) and np.allclose(a[1], b[1])
