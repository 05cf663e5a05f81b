"""One validation of every value that enters: JSON text, strings, numbers, sizes.

Every entry point (REST bodies, realtime events and ``session.update``, the client-secret
mint, Twilio stream messages) parses and checks what it receives with these functions, so
the same problem gets the same answer everywhere. A check that fails raises
:class:`InvalidInput`, whose ``code`` is one of:

* ``invalid_json`` - the text is not JSON this server accepts: a syntax error, ``NaN`` /
  ``Infinity`` / ``-Infinity``, a number out of the float range (``1e400``), an integer
  literal longer than Python reads, nesting deeper than :data:`MAX_JSON_DEPTH`, or a string
  (value or key) holding a lone UTF-16 surrogate escape (``"\\ud800"``: no UTF-8 output can
  hold it, so it would fail later wherever it is written: store, logs, responses).
* ``invalid_field`` - one value has the wrong type or is out of its stated range; ``param``
  names it (a dotted path).

Each transport maps :class:`InvalidInput` to its own error type once (REST: 400/422 with the
same code; realtime: an ``error`` event, ``invalid_field`` spelt ``invalid_value`` as the
OpenAI Realtime protocol does; Twilio: ``TwilioProtocolError`` with the same code).

Strings: valid Unicode always. Identifiers and names (:func:`check_name`: ids, ``model``,
``voice``) also refuse control characters (C0, DEL, C1), since they end up in log fields and
headers; free text (:func:`check_text`) keeps tab, newline and carriage return and refuses
the other control characters, NUL included. Values inside free-form objects (a customer
profile) are only checked for valid Unicode, depth and size, as REST does.

No I/O here.
"""

from __future__ import annotations

import json
import math
import re
from typing import Final, Literal

InvalidCode = Literal["invalid_json", "invalid_field"]

#: Deepest nesting of objects and arrays accepted in a JSON text.
MAX_JSON_DEPTH: Final = 32

_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_BUT_SPACE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _has_surrogate(text: str) -> bool:
    """Whether ``text`` holds a lone surrogate (C-speed: an ASCII check, then UTF-8)."""
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class InvalidInput(ValueError):
    """A value that did not pass its check; ``code`` as the module docstring says, ``param``
    the dotted path of the value (``None`` for the text as a whole)."""

    def __init__(self, code: InvalidCode, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.code: InvalidCode = code
        self.message = message
        self.param = param


def _field(param: str, why: str) -> InvalidInput:
    return InvalidInput("invalid_field", f"{param} {why}", param)


# --------------------------------------------------------------------------- JSON text


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON: numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:32]} is out of range: numbers must be finite")
    return value


def _depth(value: object) -> int:
    """Nesting depth of a parsed JSON value (iterative: no recursion limit to hit); stops
    counting once past :data:`MAX_JSON_DEPTH`."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: list[object] = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def lone_surrogate_at(value: object, path: str = "") -> str | None:
    """The dotted path of the first string (value or key) in ``value`` holding a lone
    surrogate, or ``None`` when every string is valid Unicode. Iterative."""
    pending: list[tuple[object, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, str):
            if _has_surrogate(item):
                return where
        elif isinstance(item, dict):
            for key, child in item.items():
                step = f"{where}.{key}" if where else str(key)
                if isinstance(key, str) and _has_surrogate(key):
                    return f"{where} (a key)" if where else "(a key)"
                pending.append((child, step))
        elif isinstance(item, list):
            pending.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def parse_json(text: str | bytes | bytearray, what: str = "body") -> object:
    """Parse ``text`` as JSON and check it as a whole (see ``invalid_json`` above).

    ``what`` names the text in messages (``body``, ``message``).
    """
    try:
        data: object = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise InvalidInput(
            "invalid_json", f"{what} nests deeper than {MAX_JSON_DEPTH} levels"
        ) from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise InvalidInput("invalid_json", f"{what} is not valid JSON: {exc}") from None
    if _depth(data) > MAX_JSON_DEPTH:
        raise InvalidInput("invalid_json", f"{what} nests deeper than {MAX_JSON_DEPTH} levels")
    where = lone_surrogate_at(data)
    if where is not None:
        raise InvalidInput(
            "invalid_json",
            f"{what} is not valid JSON: a string holds a lone UTF-16 surrogate escape"
            + (f" (at {where})" if where else ""),
            where or None,
        )
    return data


# --------------------------------------------------------------------------- values


def check_int(value: object, param: str, lo: int, hi: int) -> int:
    """An integer in ``[lo, hi]``: a JSON integer, or a float with an integral finite value
    (``500.0``); never a boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _field(param, "must be an integer")
    if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
        raise _field(param, "must be an integer")
    if not lo <= value <= hi:
        raise _field(param, f"must be between {lo} and {hi}")
    return int(value)


def check_number(
    value: object, param: str, lo: float, hi: float, *, open_interval: bool = False
) -> float:
    """A finite number in ``[lo, hi]`` (``(lo, hi)`` with ``open_interval``); never a
    boolean."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _field(param, "must be a number")
    number = float(value) if abs(value) < 1e308 else math.inf
    if not math.isfinite(number):
        raise _field(param, "must be a finite number")
    inside = lo < number < hi if open_interval else lo <= number <= hi
    if not inside:
        bounds = f"({lo}, {hi})" if open_interval else f"[{lo}, {hi}]"
        raise _field(param, f"must be in {bounds}")
    return number


def check_bool(value: object, param: str) -> bool:
    if not isinstance(value, bool):
        raise _field(param, "must be a boolean")
    return value


def _check_str(value: object, param: str, max_chars: int, allow_empty: bool) -> str:
    if not isinstance(value, str):
        raise _field(param, "must be a string")
    if len(value) > max_chars:
        raise _field(param, f"must be at most {max_chars} characters")
    if not value and not allow_empty:
        raise _field(param, "must not be empty")
    if _has_surrogate(value):
        raise _field(param, "holds a lone UTF-16 surrogate")
    return value


def check_text(value: object, param: str, max_chars: int, *, allow_empty: bool = True) -> str:
    """Free text: valid Unicode, at most ``max_chars``, no control characters but tab,
    newline and carriage return."""
    text = _check_str(value, param, max_chars, allow_empty)
    if _CONTROL_BUT_SPACE.search(text):
        raise _field(param, "holds a control character")
    return text


def check_name(value: object, param: str, max_chars: int, *, allow_empty: bool = False) -> str:
    """An identifier or a name: valid Unicode, at most ``max_chars``, no control character."""
    text = _check_str(value, param, max_chars, allow_empty)
    if _CONTROL.search(text):
        raise _field(param, "holds a control character")
    return text


def check_object(value: object, param: str, max_chars: int) -> dict[str, object]:
    """A free-form JSON object (a profile): string keys, valid Unicode throughout, nesting
    within :data:`MAX_JSON_DEPTH`, at most ``max_chars`` as compact JSON."""
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise _field(param, "must be an object")
    if _depth(value) > MAX_JSON_DEPTH:
        raise _field(param, f"nests deeper than {MAX_JSON_DEPTH} levels")
    where = lone_surrogate_at(value, param)
    if where is not None:
        raise InvalidInput("invalid_field", f"{where} holds a lone UTF-16 surrogate", where)
    try:
        size = len(json.dumps(value, separators=(",", ":"), allow_nan=False))
    except (ValueError, TypeError):
        raise _field(param, "must hold only finite JSON values") from None
    if size > max_chars:
        raise _field(param, f"is larger than {max_chars} characters as JSON")
    return value


__all__ = [
    "MAX_JSON_DEPTH",
    "InvalidInput",
    "check_bool",
    "check_int",
    "check_name",
    "check_number",
    "check_object",
    "check_text",
    "lone_surrogate_at",
    "parse_json",
]
