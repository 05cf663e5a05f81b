from __future__ import annotations

from pathlib import Path

import pytest

from ml.train import TrainResult, train
from tests.unit.ml.sample import conversations, utterances


@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    root = tmp_path_factory.mktemp("registry") / "models"
    return train(
        utterances(300, 1),
        conversations(120, 2),
        root,
        seed=0,
        mlflow_uri=None,
        progress=False,
    )


@pytest.fixture(scope="session")
def registry_root(trained: TrainResult) -> Path:
    return trained.path.parent
