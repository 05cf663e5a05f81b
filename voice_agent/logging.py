"""structlog configuration: JSON lines, with contextvars such as conversation_id and turn."""

from __future__ import annotations

import logging
import sys
from typing import Any, Final

import structlog

#: What uvicorn logs with a traceback although the client is at fault (it answers correctly:
#: a text frame that is not UTF-8 gets close 1007). Kept, as one warning line without it.
CLIENT_FAULTS: Final = frozenset({"Invalid UTF-8 sequence received from client."})


class ClientFaultFilter(logging.Filter):
    """Turns uvicorn's log of a client's malformed frame into one warning line: a client
    cannot fill the server's log with tracebacks."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.getMessage() in CLIENT_FAULTS:
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def configure_logging(level: str = "info", fmt: str = "json") -> None:
    lvl = getattr(logging, level.upper(), logging.INFO)
    uvicorn_errors = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, ClientFaultFilter) for f in uvicorn_errors.filters):
        uvicorn_errors.addFilter(ClientFaultFilter())
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if fmt == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(lvl),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
