"""Load a playbook file (YAML) into a checked ``Playbook``, or raise ``PlaybookError``."""

from __future__ import annotations

import difflib
import os
from collections.abc import Sequence
from pathlib import Path
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from voice_agent.playbook.errors import PlaybookError, Problem
from voice_agent.playbook.schema import Playbook, semantic_problems

#: Environment variable naming the playbook file to use instead of the bundled one.
PLAYBOOK_ENV = "VOICE_AGENT_PLAYBOOK"
_BUNDLED = Path("config") / "playbooks" / "altura.yaml"


def default_playbook_path() -> Path:
    """The playbook to use when none is configured: ``$VOICE_AGENT_PLAYBOOK`` when set,
    else the bundled ``config/playbooks/altura.yaml`` at the repository root (found from
    this package's location, then from the working directory)."""
    env = os.environ.get(PLAYBOOK_ENV, "").strip()
    if env:
        return Path(env)
    repo_root = Path(__file__).resolve().parents[2]
    for candidate in (repo_root / _BUNDLED, Path.cwd() / _BUNDLED):
        if candidate.is_file():
            return candidate
    return repo_root / _BUNDLED


def load_playbook(path: str | os.PathLike[str] | None = None) -> Playbook:
    """Read, parse and check a playbook; ``None`` loads ``default_playbook_path()``."""
    file_path = Path(path) if path is not None else default_playbook_path()
    name = str(path) if path is not None else str(file_path)
    try:
        text = file_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlaybookError(name, "(file)", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PlaybookError(name, "(file)", f"cannot read file: {exc}") from None
    return parse_playbook(text, name)


def parse_playbook(text: str, name: str = "<playbook>") -> Playbook:
    """Parse and check playbook YAML text; ``name`` is used in error messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise PlaybookError(name, "(yaml)", f"invalid YAML{where}: {problem}") from None
    if not isinstance(data, dict):
        raise PlaybookError(name, "(root)", "must be a mapping of keys to values")
    try:
        playbook = Playbook.model_validate(data)
    except ValidationError as exc:
        _raise(name, [_problem(err, data) for err in exc.errors()])
    _raise(name, semantic_problems(playbook))
    return playbook


def _raise(name: str, problems: Sequence[Problem]) -> None:
    if problems:
        first, *others = problems
        raise PlaybookError(name, first.field, first.problem, others=tuple(others))


def _field_path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(root)"


def _problem(err: Any, data: Any) -> Problem:
    loc: tuple[int | str, ...] = tuple(err["loc"])
    kind: str = err["type"]
    msg: str = err["msg"]
    if kind == "extra_forbidden":
        return Problem(_field_path(loc), _unknown_key(loc, data))
    if kind == "missing":
        return Problem(_field_path(loc), "is required")
    if kind == "too_short":
        minimum = (err.get("ctx") or {}).get("min_length", 1)
        return Problem(
            _field_path(loc),
            "must not be empty" if minimum == 1 else f"needs at least {minimum} items",
        )
    if kind == "value_error":
        msg = msg.removeprefix("Value error, ")
    elif kind in ("literal_error", "string_pattern_mismatch"):
        msg = f"{msg}, got {err.get('input')!r}"
    return Problem(_field_path(loc), msg[:1].lower() + msg[1:])


def _unknown_key(loc: tuple[int | str, ...], data: Any) -> str:
    key = str(loc[-1])
    model = _model_at(loc[:-1], data)
    if model is None:
        return f"unknown key '{key}'"
    allowed = sorted(model.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown key '{key}' (allowed: {', '.join(allowed)}){hint}"


def _model_at(loc: tuple[int | str, ...], data: Any) -> type[BaseModel] | None:
    """The model class that validates the value at ``loc`` (to list its allowed keys)."""
    current: Any = Playbook
    for part in loc:
        if _is_model(current) and isinstance(part, str):
            field = current.model_fields.get(part)
            if field is None:
                return None
            current = field.annotation
        else:  # a list item or a dict value
            args = get_args(current)
            current = args[-1] if args else None
        current = _strip(current)
    return current if _is_model(current) else None


def _strip(annotation: Any) -> Any:
    """``Annotated[X, ...]`` -> X, ``X | None`` -> X."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            annotation = next(a for a in get_args(annotation) if a is not type(None))
        else:
            return annotation


def _is_model(obj: Any) -> bool:
    return isinstance(obj, type) and issubclass(obj, BaseModel)
