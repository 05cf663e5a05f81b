import random

import pytest

from ml.datagen.surface import Segment, number_to_words, render


@pytest.mark.parametrize(
    ("n", "en", "es"),
    [
        (0, "zero", "cero"),
        (21, "twenty one", "veintiuno"),
        (52, "fifty two", "cincuenta y dos"),
        (100, "one hundred", "cien"),
        (135, "one hundred thirty five", "ciento treinta y cinco"),
        (500, "five hundred", "quinientos"),
        (1500, "one thousand five hundred", "mil quinientos"),
    ],
)
def test_number_words(n: int, en: str, es: str) -> None:
    assert number_to_words(n, "en") == en
    assert number_to_words(n, "es") == es


def test_number_words_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        number_to_words(-1, "en")
    with pytest.raises(ValueError):
        number_to_words(3, "fr")


def test_render_styles_vary_and_raw_is_lowercase_without_punctuation() -> None:
    segs = [Segment("I am #52# and I run a company"), Segment("how much is it", question=True)]
    outs = [render(segs, "en", random.Random(i)) for i in range(300)]
    raw = [o for o in outs if o == o.lower() and "?" not in o and "," not in o]
    careful = [o for o in outs if o.endswith("?") and o[0].isupper()]
    assert raw and careful
    assert any("fifty two" in o for o in outs) and any("52" in o for o in outs)


def test_spanish_questions_and_contractions() -> None:
    segs = [Segment("antes de el viaje"), Segment("cuánto cuesta", question=True)]
    outs = [render(segs, "es", random.Random(i)) for i in range(300)]
    assert any("¿" in o for o in outs)
    assert all("de el" not in o.lower() for o in outs)
    assert any("del viaje" in o.lower() for o in outs)


def test_render_needs_segments() -> None:
    with pytest.raises(ValueError):
        render([], "en", random.Random(0))
