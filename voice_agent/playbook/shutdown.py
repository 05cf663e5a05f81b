"""The goodbye a call hears when the server must cut it (``server_shutdown``).

Each language of a playbook may have a ``shutdown`` line: a short apology, a request to call
back, and that nothing said is lost. It is optional: a playbook without one (written before
the line existed) still loads, and its calls hear the bundled line of :data:`FALLBACK` in
their language. The line may use only the placeholders that are always known
(:data:`SHUTDOWN_PLACEHOLDERS`): the customer and the program do not matter any more.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from voice_agent.core.labels import Lang

if TYPE_CHECKING:
    from voice_agent.playbook.schema import Playbook

#: Placeholders a ``shutdown`` line may use.
SHUTDOWN_PLACEHOLDERS: Final[frozenset[str]] = frozenset({"agent_name", "company"})

#: The line said when the playbook has none for the call's language.
FALLBACK: Final[Mapping[Lang, str]] = MappingProxyType(
    {
        "en": (
            "I'm sorry, I have to end our call now. Please call us back in a moment; "
            "everything you told me is saved."
        ),
        "es": (
            "Lo siento, tengo que terminar la llamada ahora. Por favor, vuelva a llamarnos "
            "en un momento; todo lo que me contó quedó guardado."
        ),
    }
)


def shutdown_line(playbook: Playbook | None, lang: Lang) -> str:
    """What a call in ``lang`` hears before it is cut: the playbook's ``shutdown`` line of
    that language, filled in, else :data:`FALLBACK`'s."""
    content = playbook.content.get(lang) if playbook is not None else None
    if playbook is None or content is None or content.shutdown is None:
        return FALLBACK[lang]
    return content.shutdown.format(agent_name=content.agent_name, company=playbook.company.name)
