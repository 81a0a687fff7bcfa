"""What the schools directory takes in and gives out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec

from confide.platform.core.edge import check_text
from confide.platform.core.errors import Invalid, NotFound

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^[0-9 +()-]{6,40}$")


class SchoolNotFound(NotFound):
    """No such school in this service's directory (or another service's: the same)."""


@dataclass(frozen=True, slots=True)
class SchoolView:
    id: UUID
    urn: str
    name: str
    phase: str
    kind: str
    status: str
    street: str
    locality: str
    town: str
    postcode: str
    senco_name: str
    senco_email: str
    senco_phone: str

    @property
    def address(self) -> str:
        """Street, locality, town and postcode, the blank ones left out."""
        parts = (self.street, self.locality, self.town, self.postcode)
        return ", ".join(part for part in parts if part)

    @property
    def has_senco(self) -> bool:
        return bool(self.senco_name or self.senco_email)


@dataclass(frozen=True, slots=True)
class SchoolRow:
    """One establishment as read from an import file, checked."""

    urn: str
    name: str
    phase: str
    kind: str
    status: str
    street: str
    locality: str
    town: str
    postcode: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A problem in an import file: its line (the header is line 1) and column."""

    line: int
    column: str
    message: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    """What an import did: schools new to the directory, changed, and already as listed."""

    rows: int
    created: int
    updated: int
    unchanged: int


class ImportRefused(Invalid):
    """An import file with problems: nothing was imported. Every problem found is listed
    by line and column (``problems``), up to ``MAX_PROBLEMS`` of them."""

    detail = "Nothing was imported: correct the file and import it again"

    def __init__(self, problems: list[RowProblem], more: int = 0) -> None:
        super().__init__({"file": f"The file has {len(problems) + more} problems"})
        self.problems = problems
        self.more = more

    def details(self) -> dict[str, Any]:
        return {
            "errors": self.errors,
            "problems": [
                {"line": p.line, "column": p.column, "message": p.message} for p in self.problems
            ],
            "more_problems": self.more,
        }


class SencoContact(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The school's SENCO (special educational needs co-ordinator), as the service knows
    them; any may be left blank."""

    senco_name: str = ""
    senco_email: str = ""
    senco_phone: str = ""

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(
            errors, "senco_name", self.senco_name, label="the SENCO's name", high=200,
            required=False, single_line=True,
        )  # fmt: skip
        email = self.senco_email.strip()
        if email and (len(email) > 320 or not _EMAIL.match(email)):
            errors["senco_email"] = (
                "Enter an email address in the correct format, like name@example.org"
            )
        phone = self.senco_phone.strip()
        if phone and not _PHONE.match(phone):
            errors["senco_phone"] = "Enter a phone number, like 01632 960 001"
        if errors:
            raise Invalid(errors)


class SchoolChoice(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A person's school or setting from the directory; ``null`` clears it."""

    school_id: UUID | None = None


@dataclass(frozen=True, slots=True)
class SchoolFilter:
    """The directory listing's filter: words of the name, a URN or a postcode, and a phase."""

    text: str = ""
    phase: str = ""

    def validate(self) -> None:
        errors: dict[str, str] = {}
        check_text(errors, "q", self.text, label="the search", high=100, required=False,
                   single_line=True)  # fmt: skip
        check_text(errors, "phase", self.phase, label="the phase", high=100, required=False,
                   single_line=True)  # fmt: skip
        if errors:
            raise Invalid(errors)
