"""Playbooks: what a company sells and the lines the agent speaks, loaded from YAML."""

from voice_agent.playbook.errors import PlaybookError, Problem
from voice_agent.playbook.loader import default_playbook_path, load_playbook, parse_playbook
from voice_agent.playbook.schema import LanguageContent, Playbook, Program, Trial

__all__ = [
    "LanguageContent",
    "Playbook",
    "PlaybookError",
    "Problem",
    "Program",
    "Trial",
    "default_playbook_path",
    "load_playbook",
    "parse_playbook",
]
