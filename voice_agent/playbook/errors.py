"""The one error a playbook can raise: it names the file, the field and the problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a playbook: where (dotted path) and what."""

    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.field}: {self.problem}"


class PlaybookError(ValueError):
    """A playbook file is missing, unreadable or malformed.

    ``str(err)`` reads ``<file>: <field>: <problem>`` (e.g.
    ``config/playbooks/x.yaml: programs[1].price: must be a positive number``), followed by
    the other problems found, one per line, when there are several. ``field`` is a dotted
    path with list indexes (0-based) in brackets; ``(file)``, ``(yaml)`` and ``(root)`` name
    problems with the file itself.
    """

    code = "playbook_invalid"

    def __init__(self, file: str, field: str, problem: str, *, others: tuple[Problem, ...] = ()):
        self.file = file
        self.field = field
        self.problem = problem
        self.problems: tuple[Problem, ...] = (Problem(field, problem), *others)
        message = f"{file}: {field}: {problem}"
        if others:
            more = "\n".join(f"  {file}: {p}" for p in others)
            message = f"{message}\n  ({len(others)} more problem(s))\n{more}"
        super().__init__(message)
