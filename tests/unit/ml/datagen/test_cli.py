import json
from pathlib import Path

import pytest

from ml.datagen.cli import main


@pytest.mark.parametrize("kind", ["utterances", "conversations"])
def test_cli_writes_jsonl(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "sub" / f"{kind}.jsonl"
    assert main([kind, "--n", "40", "--seed", "3", "--out", str(out), "--no-progress"]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 40
    assert {r["lang"] for r in rows} == {"en", "es"}
    from ml.datagen import generate_conversations, generate_utterances

    gen = generate_utterances if kind == "utterances" else generate_conversations
    assert rows == json.loads(json.dumps(gen(40, 3), ensure_ascii=False))
    assert not list(tmp_path.glob("**/*.tmp"))


def test_cli_rejects_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "x.jsonl"
    assert main(["utterances", "--n", "-1", "--out", str(out)]) == 2
    assert main(["utterances", "--n", "3", "--langs", "en,fr", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "bad_argument" in err
    assert not out.exists()


def test_cli_reports_io_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert (
        main(["utterances", "--n", "3", "--out", str(blocker / "out.jsonl"), "--no-progress"]) == 1
    )
    assert "io_error" in capsys.readouterr().err
