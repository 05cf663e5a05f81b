import numpy as np

from ml.datagen import generate_conversations, generate_utterances
from ml.datagen.quality import QuickModels, conversion_features, ece


def test_ece_is_zero_when_calibrated_and_large_when_not() -> None:
    y = np.array([0, 1] * 50)
    assert ece(y, np.full(100, 0.5)) < 1e-9
    assert ece(y, np.where(y == 1, 0.0, 1.0)) > 0.99


def test_quick_models_learn_generated_labels() -> None:
    train = generate_utterances(1500, seed=21)
    test = generate_utterances(300, seed=22)
    report = QuickModels().fit(train).evaluate(test)
    assert set(report) == {"en", "es"}
    # Well above chance (about 0.2 for seven labels), which is what this checks: the quick
    # models score 0.59-0.70 across seeds (seeds 5, 9, 21 with 1,000 test utterances), so a
    # bound at 0.6 failed whenever new phrasings moved the draws.
    for lang in ("en", "es"):
        assert report[lang]["objections_macro_f1"] > 0.5
        assert report[lang]["needs_micro_f1"] > 0.5


def test_conversion_features_have_fixed_length() -> None:
    models = QuickModels().fit(generate_utterances(600, seed=3))
    convs = generate_conversations(20, seed=4)
    lengths = {len(conversion_features(models, c)) for c in convs}
    assert len(lengths) == 1
