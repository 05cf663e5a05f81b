"""The runtime/training boundary: ``voice_agent`` (the server, with the model runtime in
``voice_agent.models``) never imports the training package ``ml``, except the CLI's
optional ``voice-agent ml`` commands; the training package depends on the runtime."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import voice_agent

PACKAGE = Path(voice_agent.__file__).resolve().parent
#: The only module allowed to import ``ml``: it adds the `ml` commands when installed.
OPTIONAL_IMPORTERS = {"cli.py"}


def _ml_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [n for n in names if n == "ml" or n.startswith("ml.")]
    return found


def test_the_ast_scan_sees_ml_imports(tmp_path: Path) -> None:
    src = tmp_path / "m.py"
    src.write_text("import os\nfrom ml.registry import x\ndef f():\n    import ml.cli\n")
    assert _ml_imports(src) == ["ml.registry", "ml.cli"]


def test_runtime_package_never_imports_training() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): _ml_imports(p)
        for p in sorted((PACKAGE / "models").rglob("*.py"))
        if _ml_imports(p)
    }
    assert offenders == {}


def test_server_imports_training_only_for_the_optional_cli_commands() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): _ml_imports(p)
        for p in sorted(PACKAGE.rglob("*.py"))
        if _ml_imports(p) and str(p.relative_to(PACKAGE)) not in OPTIONAL_IMPORTERS
    }
    assert offenders == {}
    assert _ml_imports(PACKAGE / "cli.py") == ["ml.cli"]


def test_bundled_champion_lives_in_the_runtime_package() -> None:
    from voice_agent.models.registry import champion_version, default_registry_dir

    root = default_registry_dir()
    assert root.is_relative_to(PACKAGE / "models")
    assert champion_version(root) is not None


def test_the_command_line_loads_no_trainer() -> None:
    """Building ``voice-agent``'s parser (every ``serve`` does) with the training package
    installed imports neither LightGBM nor scikit-learn: they cost the server about 2 s of
    start-up and their memory for nothing (the runtime models need neither)."""
    code = (
        "import sys, voice_agent.cli; voice_agent.cli.build_parser(); "
        "print(sorted(m for m in ('lightgbm', 'sklearn', 'ml.conversion') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "[]", out.stdout
