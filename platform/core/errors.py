"""The one error hierarchy of the domains, mapped to HTTP once by each surface.

A domain service raises one of these, or a subclass that names its case
(``CaseNotFound(NotFound)``); the API answers each base class with one JSON
shape (``platform/api/errors.py``) and the pages with one page
(``frontend/errors.py``). A message never repeats what was typed: it may be
logged, and what was typed may be personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar


class DomainError(Exception):
    """Something a service refused, for its caller to answer; never a bug."""

    status_code: ClassVar[int] = 400
    detail: ClassVar[str] = "The request cannot be carried out"

    def details(self) -> dict[str, Any]:
        """What the caller may be told beyond ``detail`` (ids and codes, never prose typed
        by someone)."""
        return {}


class Invalid(DomainError):
    """Input that breaks a rule: a message per field, in the order of the input's fields
    (the order a form's error summary lists them)."""

    detail = "Check the fields"

    def __init__(self, errors: Mapping[str, str]) -> None:
        if not errors:
            raise ValueError("Invalid needs at least one field's message")
        self.errors = dict(errors)
        super().__init__("invalid: " + ", ".join(self.errors))  # field names only

    @property
    def message(self) -> str:
        """Every field's message, for a person at a command line (never for a log)."""
        if len(self.errors) == 1:
            return next(iter(self.errors.values()))
        return "; ".join(f"{field}: {text}" for field, text in self.errors.items())

    def details(self) -> dict[str, Any]:
        return {"errors": self.errors}


class NotFound(DomainError):
    """No such record here: it never existed, or it is another tenant's, which the caller
    must not be able to tell apart."""

    status_code = 404
    detail = "Not Found"

    def __init__(self) -> None:
        super().__init__(type(self).__name__)


class Forbidden(DomainError):
    """The person may not do this (their role, or no need-to-know for the case)."""

    status_code = 403
    detail = "Forbidden"

    def __init__(self, message: str = "forbidden") -> None:
        super().__init__(message)


class Conflict(DomainError):
    """The act cannot happen under a rule or in the record's present state (a share the
    consent check refuses, a task already done); ``code`` says which."""

    status_code = 409
    detail = "The request conflicts with the record's present state"

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def details(self) -> dict[str, Any]:
        return {"code": self.code}
