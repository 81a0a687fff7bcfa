"""What comes in from outside, checked once at the edge: text and whole numbers.

PostgreSQL refuses NUL in text and integers past int8 (DESIGN, known traps): either
reaching the database is a 500. Every text field of every surface (API, pages, tasks)
goes through ``check_text``, numbers typed into a form through ``whole_number``, and
paging offsets stop at ``INT8_MAX``.
"""

from __future__ import annotations

import re

INT8_MAX = 2**63 - 1  # PostgreSQL's bigint: the largest integer any column or OFFSET takes

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
