from collections import Counter

import pytest

from ml.datagen import generate_utterances
from ml.datagen.utterances import TurnSpec, compose_turn
from voice_agent.core.labels import NEEDS, OBJECTIONS

KEYS = {"id", "lang", "text", "objections", "needs", "buying_signal"}


@pytest.fixture(scope="module")
def rows() -> list[dict[str, object]]:
    return generate_utterances(3000, seed=7)


def test_deterministic_per_seed() -> None:
    assert generate_utterances(300, seed=3) == generate_utterances(300, seed=3)
    assert generate_utterances(300, seed=3) != generate_utterances(300, seed=4)


def test_prefix_stable_when_n_grows() -> None:
    assert generate_utterances(500, seed=5)[:100] == generate_utterances(100, seed=5)


def test_shape_and_label_validity(rows: list[dict[str, object]]) -> None:
    ids = set()
    for r in rows:
        assert set(r) >= KEYS
        assert isinstance(r["text"], str) and r["text"].strip()
        assert set(r["objections"]) <= set(OBJECTIONS)
        assert set(r["needs"]) <= set(NEEDS)
        assert isinstance(r["buying_signal"], bool)
        ids.add(r["id"])
    assert len(ids) == len(rows)


def test_both_languages_and_every_label_present(rows: list[dict[str, object]]) -> None:
    langs = Counter(r["lang"] for r in rows)
    assert langs["en"] == langs["es"] == 1500
    for lang in ("en", "es"):
        sub = [r for r in rows if r["lang"] == lang]
        objs = Counter(o for r in sub for o in r["objections"])
        needs = Counter(n for r in sub for n in r["needs"])
        assert all(objs[o] >= 50 for o in OBJECTIONS), objs
        assert all(needs[n] >= 40 for n in NEEDS), needs
        assert sum(bool(r["buying_signal"]) for r in sub) >= 150


def test_language_subset() -> None:
    rows = generate_utterances(50, seed=1, langs=("es",))
    assert {r["lang"] for r in rows} == {"es"}
    with pytest.raises(ValueError):
        generate_utterances(5, seed=1, langs=("fr",))
    with pytest.raises(ValueError):
        generate_utterances(5, seed=1, langs=())
    with pytest.raises(ValueError):
        generate_utterances(-1, seed=1)


def test_hard_negatives_questions_multilabel_codeswitch(rows: list[dict[str, object]]) -> None:
    tags = Counter(t for r in rows for t in r["tags"])
    n = len(rows)
    assert tags["hard_negative"] > 0.08 * n
    assert tags["question"] > 0.08 * n
    assert tags["multi_label"] > 0.3 * n
    assert tags["neutral"] > 0.15 * n
    assert tags["codeswitch"] > 0.02 * n
    # unlabelled hard negatives exist: a negated objection with no label at all
    neg_only = [r for r in rows if "hard_negative" in r["tags"] and "neutral" in r["tags"]]
    assert len(neg_only) > 0.02 * n


def test_neutral_price_question_is_not_an_objection() -> None:
    spec = TurnSpec(extras=("question",))
    import random

    texts = [compose_turn(spec, "en", "us", random.Random(i)) for i in range(400)]
    assert any("how much" in t.lower() for t in texts)


def test_regional_spanish_and_mostly_stt_style(rows: list[dict[str, object]]) -> None:
    es = [r for r in rows if r["lang"] == "es"]
    assert {r["region"] for r in es} == {"mx", "co", "ar", "es"}
    text = " ".join(str(r["text"]) for r in es).lower()
    for word in ("lana", "plata", "laburo", "vale", "ahorita"):
        assert word in text, word
    raw = sum(1 for r in rows if r["text"] == str(r["text"]).lower() and "," not in str(r["text"]))
    assert raw > 0.5 * len(rows)
    assert any(str(r["text"])[:1].isupper() for r in rows)
