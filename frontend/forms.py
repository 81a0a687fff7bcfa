"""The one way a page reads a posted form: ``Form``.

A form keeps everything that was typed (to show it again), reads its fields
into the domain's types (text, a radio answer, a GOV.UK date, a whole
number, ticked boxes), and collects the problems on the form's own field
names, in the order the page shows its fields, each with the element its
error-summary link goes to. A domain service's ``Invalid`` is taken in with
``absorb``, its keys turned into the form's names by ``field_of``; nothing is
saved unless both the form and the service found nothing wrong.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self, TypeVar

from litestar.datastructures import FormMultiDict

from confide.platform.core.edge import whole_number
from confide.platform.core.errors import Invalid

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")
YES = "yes"
DATE_PARTS = ("day", "month", "year")
# Never kept or shown again: the CSRF token comes fresh with every page.
_NOT_KEPT = frozenset({"_csrf_token"})
# Where the summary links a problem with the whole request rather than one field.
PAGE_CONTENT = "main-content"


def date_fields(name: str, day: date) -> dict[str, str]:
    """A GOV.UK date input's values for ``day`` (a blank form's "today")."""
    parts = (day.day, day.month, day.year)
    return {f"{name}-{part}": str(n) for part, n in zip(DATE_PARTS, parts, strict=True)}


class Form:
    """A posted form: what was typed, readers into domain types, and its problems.

    A subclass names its fields in page order (``order``, for the error summary), its
    repeated fields (``lists``: checkbox groups), its GOV.UK date inputs (``dates``:
    their errors link to the day box), the keys of problems with the whole request
    (``page_wide``: a closed case, a decided request; they link to the page's content),
    the fields read once and never shown again (``secret``: a password, a client secret),
    and overrides ``field_of`` where the service's error keys differ from its field names.
    """

    order: ClassVar[tuple[str, ...]] = ()
    lists: ClassVar[tuple[str, ...]] = ()
    dates: ClassVar[tuple[str, ...]] = ()
    page_wide: ClassVar[tuple[str, ...]] = ()
    secret: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        values: Mapping[str, str] | None = None,
        lists: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        given = dict(values or {})
        self._secrets = {name: given.pop(name) for name in self.secret if name in given}
        self.values: dict[str, str] = given
        self.repeated: dict[str, list[str]] = {k: list(v) for k, v in (lists or {}).items()}
        self._errors: dict[str, str] = {}

    @classmethod
    def posted(cls, data: FormMultiDict) -> Self:
        """The form as the browser sent it: single fields trimmed (secrets as typed),
        repeated ones as lists."""
        values = {
            str(key): str(data.get(key, ""))
            if key in cls.secret
            else str(data.get(key, "")).strip()
            for key in data
            if key not in _NOT_KEPT and key not in cls.lists
        }
        lists = {name: [str(v) for v in data.getall(name, [])] for name in cls.lists}
        return cls(values, lists)

    # What templates read

    def get(self, name: str, default: str = "") -> str:
        return self.values.get(name, default)

    def getall(self, name: str) -> list[str]:
        return self.repeated.get(name, [])

    @property
    def errors(self) -> dict[str, str]:
        """Each field's first problem, in the page's order (then any others as found)."""
        rank = {name: i for i, name in enumerate(self.order)}
        found = list(self._errors)
        ordered = sorted(found, key=lambda n: (rank.get(n, len(rank)), found.index(n)))
        return {name: self._errors[name] for name in ordered}

    @property
    def anchors(self) -> dict[str, str]:
        """Where each problem's summary link goes, where not the field itself."""
        anchors = {name: f"{name}-day" for name in self._errors if name in self.dates}
        anchors.update((name, PAGE_CONTENT) for name in self._errors if name in self.page_wide)
        return anchors

    # Readers: each notes its field's problem and returns None (or a stand-in) for it

    def text(self, name: str) -> str:
        return self.values.get(name, "")

    def optional(self, name: str) -> str | None:
        return self.values.get(name) or None

    def ticked(self, name: str) -> bool:
        return self.values.get(name) == YES

    def secret_text(self, name: str) -> str:
        """A ``secret`` field as typed; it is not among the values shown again."""
        return self._secrets.get(name, "")

    def choice(self, kind: type[E], name: str, message: str, default: str = "") -> E | None:
        """A radio answer as its enum; ``message`` when none (or one not offered) came."""
        try:
            return kind(self.values.get(name, default))
        except ValueError:
            self.fail(name, message)
            return None

    def number(self, name: str, message: str, *, max_digits: int = 6) -> int | None:
        """A whole number typed in digits (never a 500 for "²" or a thousand digits)."""
        number = whole_number(self.values.get(name, ""), max_digits=max_digits)
        if number is None:
            self.fail(name, message)
        return number

    def date(self, name: str, label: str, *, required: str | None = None) -> date | None:
        """A GOV.UK date input (``name-day``, ``-month``, ``-year``): None when empty, with
        ``required`` as the problem when the date must be given."""
        parts = [self.values.get(f"{name}-{part}", "") for part in DATE_PARTS]
        if not any(parts):
            if required:
                self.fail(name, required)
            return None
        if not all(parts):
            missing = [part for part, value in zip(DATE_PARTS, parts, strict=True) if not value]
            self.fail(name, f"{label} must include a {' and '.join(missing)}")
            return None
        day, month, year = (whole_number(part, max_digits=4) for part in parts)
        try:
            if day is None or month is None or year is None or year < 1000:
                raise ValueError
            return date(year, month, day)
        except ValueError:
            self.fail(name, f"{label} must be a real date")
            return None

    # Problems

    def fail(self, name: str, message: str) -> None:
        """Note a problem with ``name`` (the first one found for a field stands)."""
        self._errors.setdefault(name, message)

    def field_of(self, key: str) -> str:
        """The form's field for a service's error key (``young_person.first_name``)."""
        return key

    def absorb(self, problems: Invalid | Mapping[str, str]) -> None:
        """Take in a service's problems (its ``Invalid``, or the field-to-message map a
        service's checks return), on the form's field names."""
        errors = problems.errors if isinstance(problems, Invalid) else problems
        for key, message in errors.items():
            self.fail(self.field_of(key), message)

    def check(self, validate: Callable[[], Any]) -> None:
        """Run a service's own check on what could be read (an input's ``validate``), so
        one pass shows the form's problems and the service's together."""
        try:
            validate()
        except Invalid as invalid:
            self.absorb(invalid)

    async def save(self, act: Callable[[], Awaitable[T]]) -> T | None:
        """Run ``act`` (the one service call that saves) only when nothing is wrong; a
        service's ``Invalid`` is taken in. ``ok`` afterwards says whether it was saved."""
        if not self.ok:
            return None
        try:
            return await act()
        except Invalid as invalid:
            self.absorb(invalid)
            return None

    @property
    def ok(self) -> bool:
        return not self._errors

    def raise_if_invalid(self) -> None:
        """Stop here (``Invalid`` with the form's own problems) when there are any."""
        if self._errors:
            raise Invalid(self.errors)
