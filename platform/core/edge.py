"""What comes in from outside, checked once at the edge: text, whole numbers, JSON bodies.

PostgreSQL refuses NUL in text and integers past int8 (DESIGN, known traps), and a JSON
body nested deep enough exhausts the decoder's recursion: each would be a 500. Every
text field of every surface (API, pages, tasks) goes through ``check_text``, numbers
typed into a form through ``whole_number``, paging offsets stop at ``INT8_MAX``, and
every JSON body passes ``json_too_deep`` before it is decoded (``EdgeRequest``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

INT8_MAX = 2**63 - 1  # PostgreSQL's bigint: the largest integer any column or OFFSET takes
MAX_BODY_BYTES = 1_000_000  # request bodies (the longest form or JSON is a fraction of this)
MAX_JSON_DEPTH = 32  # the API's deepest input (an enquiry's parents) nests 3 levels

# C0 controls and DEL. NUL cannot be stored at all; the others have no business in a
# name or a note, except tab, newline and carriage return in text that has lines.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_BREAK = re.compile(r"[\x00-\x1f\x7f]")


def control_characters(value: str, *, single_line: bool = False) -> bool:
    """True when ``value`` holds a control character: any but tab, newline and carriage
    return, and those too when it is ``single_line`` (a name, a phone number)."""
    return (_CONTROL_OR_BREAK if single_line else _CONTROL).search(value) is not None


def check_text(
    errors: dict[str, str],
    field: str,
    value: str | None,
    *,
    label: str,
    low: int = 1,
    high: int,
    required: bool = True,
    single_line: bool = False,
) -> None:
    """Put ``field``'s problem in ``errors``: missing (when ``required``), control
    characters anywhere, fewer than ``low`` or more than ``high`` characters once trimmed.
    ``label`` names it in the message ("a first name", "the note"); ``single_line`` text
    (an input, not a textarea) may not hold line breaks or tabs either."""
    stripped = (value or "").strip()
    name = f"{label[0].upper()}{label[1:]}"
    if not stripped:
        if required:
            errors[field] = f"Enter {label}"
        return
    if control_characters(value or "", single_line=single_line):
        errors[field] = f"{name} must not include control characters"
    elif len(stripped) < low:
        errors[field] = f"{name} must be at least {low} characters"
    elif len(stripped) > high:
        errors[field] = f"{name} must be {high} characters or fewer"


def whole_number(text: str, *, max_digits: int) -> int | None:
    """A whole number as typed into a form (digits 0-9 only, spaces around them allowed),
    or None: never a 500 for "²", "1e9" or a thousand digits."""
    digits = text.strip()
    if digits.isascii() and digits.isdigit() and len(digits) <= max_digits:
        return int(digits)
    return None


# A JSON string (escapes included) or a bracket; anything else is skipped over.
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.DOTALL)
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
BODY = "data"  # the key Litestar's own errors give the body as a whole


def json_too_deep(body: bytes, limit: int = MAX_JSON_DEPTH) -> str | None:
    """None when no array or object in ``body`` nests deeper than ``limit``; otherwise the
    top-level field that does (``BODY`` for the body itself, or a name not worth echoing).

    Linear in the body and stops at the first level too deep; a body with no more than
    ``limit`` brackets at all is passed after two counts."""
    if body.count(b"[") + body.count(b"{") <= limit:
        return None
    depth = 0
    in_object = False
    last_key = b""
    field = BODY
    for match in _JSON_TOKEN.finditer(body):
        token = match[0]
        if token[0] == 0x22:  # a string: at the top level of an object, the key of what follows
            if depth == 1:
                last_key = token
            continue
        if token in (b"]", b"}"):
            depth -= 1
            continue
        depth += 1
        if depth == 1:
            in_object = token == b"{"
        elif depth == 2:
            field = _field_name(last_key) if in_object else BODY
        if depth > limit:
            return field
    return None


def _field_name(token: bytes) -> str:
    try:
        name = json.loads(token)
    except ValueError:
        return BODY
    return name if isinstance(name, str) and _FIELD_NAME.match(name) else BODY


class EdgeRequest(Request[Any, Any, Any]):
    """Litestar's request, with a JSON body refused (400, naming the field) when it nests
    deeper than ``MAX_JSON_DEPTH``, before the decoder recurses into it."""

    async def json(self) -> Any:
        field = json_too_deep(await self.body())
        if field is not None:
            raise ValidationException(
                "Validation failed",
                extra=[
                    {
                        "message": f"Nested more than {MAX_JSON_DEPTH} levels deep",
                        "key": field,
                        "source": "body",
                    }
                ],
            )
        return await super().json()
