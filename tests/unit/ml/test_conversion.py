from __future__ import annotations

import pickle

import numpy as np
import pytest

from ml.conversion import (
    SEMANTIC_FEATURES,
    last_prefix,
    prefixes,
    train_conversion_model,
)
from ml.train import TrainResult
from ml.utterance import UtteranceModel
from tests.unit.ml.sample import conversations


@pytest.fixture(scope="module")
def utt(trained: TrainResult) -> UtteranceModel:
    from ml import registry

    loaded = registry.load_champion(trained.path.parent)
    model = loaded.analysers["objections"].model
    assert isinstance(model, UtteranceModel)
    return model


def test_prefixes_end_with_customer_turns() -> None:
    conv = conversations(1, 3)[0]
    prs = prefixes(conv)
    assert len(prs) == sum(t["role"] == "customer" for t in conv["turns"])
    assert all(p.turns[-1][0] == "customer" for p in prs)
    assert last_prefix(conv).turns == prs[-1].turns


def test_semantic_feature_set(utt: UtteranceModel) -> None:
    convs = conversations(80, 5)
    model, diag = train_conversion_model(convs, utt, feature_set="semantic", stacker="lr")
    assert set(model.feature_names) <= set(SEMANTIC_FEATURES)
    assert "rule_conversion_logit" in model.feature_names
    assert diag["stacker"] == "lr"
    ps = np.array([model.predict_prefix(last_prefix(c)) for c in conversations(20, 6)])
    assert ((ps > 0) & (ps < 1)).all()
    copy = pickle.loads(pickle.dumps(model))
    copy.utterance = utt
    c = conversations(1, 7)[0]
    assert copy.predict_prefix(last_prefix(c)) == pytest.approx(
        model.predict_prefix(last_prefix(c))
    )


def test_full_feature_set_without_utterance_model() -> None:
    model, _ = train_conversion_model(conversations(80, 8), None, feature_set="full")
    assert model.feature_names[:3] == ["text_customer", "text_agent", "text_last"]
    assert not any(n.startswith("obj_") for n in model.feature_names)
    p = model.predict_prefix(last_prefix(conversations(1, 9)[0]))
    assert 0.0 < p < 1.0


def test_unknown_feature_set() -> None:
    with pytest.raises(ValueError):
        train_conversion_model(conversations(40, 1), None, feature_set="everything")
