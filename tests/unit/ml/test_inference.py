from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ml import registry
from voice_agent.analysis.base import (
    BuyingSignalAnalyser,
    ConversionAnalyser,
    LabelAnalyser,
)
from voice_agent.core.labels import NEEDS, OBJECTIONS
from voice_agent.core.types import AnalysisInput, BuyingSignal, Utterance


@pytest.fixture(scope="module")
def analysers(registry_root: Path) -> dict[str, object]:
    loaded = registry.load_champion(registry_root)
    assert not loaded.errors
    return loaded.analysers


def test_protocols(analysers: dict[str, object]) -> None:
    assert isinstance(analysers["objections"], LabelAnalyser)
    assert isinstance(analysers["needs"], LabelAnalyser)
    assert isinstance(analysers["buying_signal"], BuyingSignalAnalyser)
    assert isinstance(analysers["conversion"], ConversionAnalyser)


def test_label_shapes_and_ranges(analysers: dict[str, object]) -> None:
    inp = AnalysisInput(text="that is too expensive and my back hurts", lang="en")
    obj = analysers["objections"].predict(inp)  # type: ignore[attr-defined]
    need = analysers["needs"].predict(inp)  # type: ignore[attr-defined]
    assert list(obj) == list(OBJECTIONS)
    assert list(need) == list(NEEDS)
    assert all(0.0 <= v <= 1.0 for v in [*obj.values(), *need.values()])
    assert obj["price"] >= 0.5 and need["rehab"] >= 0.5
    assert obj["not_interested"] < 0.5


def test_buying_signal_and_conversion(analysers: dict[str, object]) -> None:
    bs = analysers["buying_signal"].predict(  # type: ignore[attr-defined]
        AnalysisInput(text="cómo me apunto", lang="es")
    )
    assert isinstance(bs, BuyingSignal)
    assert bs.value and 0.5 <= bs.p <= 1.0
    history = (Utterance("agent", "tell me more"), Utterance("customer", "i want to lose weight"))
    conv = analysers["conversion"]
    yes = conv.predict(  # type: ignore[attr-defined]
        AnalysisInput(text="how do i sign up", lang="en", history=history)
    )
    no = conv.predict(  # type: ignore[attr-defined]
        AnalysisInput(text="stop calling me", lang="en", history=history)
    )
    assert 0.0 <= no < yes <= 1.0


def test_empty_and_unknown_text(analysers: dict[str, object]) -> None:
    for text in ("", "zzzz qqqq"):
        inp = AnalysisInput(text=text, lang="en")
        assert all(0 <= v <= 1 for v in analysers["objections"].predict(inp).values())  # type: ignore[attr-defined]
        assert 0 <= analysers["conversion"].predict(inp) <= 1  # type: ignore[attr-defined]


def test_thread_safe_same_answers(analysers: dict[str, object]) -> None:
    texts = ["i travel every week", "no tengo tiempo", "how do i sign up", "me duele la espalda"]
    want = {
        t: dict(analysers["objections"].predict(AnalysisInput(text=t, lang="en"))) for t in texts
    }  # type: ignore[attr-defined]
    errors: list[str] = []

    def work() -> None:
        for _ in range(50):
            for t in texts:
                got = analysers["objections"].predict(AnalysisInput(text=t, lang="en"))  # type: ignore[attr-defined]
                if dict(got) != want[t]:
                    errors.append(t)
                analysers["conversion"].predict(AnalysisInput(text=t, lang="en"))  # type: ignore[attr-defined]

    threads = [threading.Thread(target=work) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=60)
    assert errors == []
