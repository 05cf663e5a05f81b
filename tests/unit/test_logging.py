"""The server's logging setup."""

from __future__ import annotations

import logging
import sys

from voice_agent.logging import ClientFaultFilter, configure_logging


def _record(message: str, level: int = logging.ERROR) -> logging.LogRecord:
    try:
        b"\xed\xa0".decode()
    except UnicodeDecodeError:
        exc_info = sys.exc_info()
    return logging.LogRecord("uvicorn.error", level, __file__, 1, message, (), exc_info)


def test_a_clients_bad_frame_is_one_warning_without_a_traceback() -> None:
    record = _record("Invalid UTF-8 sequence received from client.")
    assert ClientFaultFilter().filter(record)
    assert record.exc_info is None and record.levelname == "WARNING"


def test_other_errors_keep_their_traceback() -> None:
    record = _record("Exception in ASGI application")
    assert ClientFaultFilter().filter(record)
    assert record.exc_info is not None and record.levelname == "ERROR"


def test_configure_logging_installs_the_filter_once() -> None:
    configure_logging("info")
    configure_logging("info")
    filters = logging.getLogger("uvicorn.error").filters
    assert sum(isinstance(f, ClientFaultFilter) for f in filters) == 1
