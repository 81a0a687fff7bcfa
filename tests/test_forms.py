"""The one form reader (frontend/forms.py): what it reads, what it refuses, in what order."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import pytest
from litestar.datastructures import FormMultiDict

from confide.frontend.forms import Form
from confide.platform.core.errors import Invalid


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"


class Sample(Form):
    order = ("name", "colour", "born", "count", "ticks")
    lists = ("ticks",)
    dates = ("born",)

    def field_of(self, key: str) -> str:
        return {"person.name": "name"}.get(key, key)


def _posted(**fields: str | list[str]) -> Sample:
    pairs: list[tuple[str, str]] = []
    for name, value in fields.items():
        pairs += [(name, v) for v in value] if isinstance(value, list) else [(name, value)]
    form = Sample.posted(FormMultiDict(pairs))
    assert isinstance(form, Sample)
    return form


def test_what_was_typed_is_kept_trimmed_without_the_csrf_token() -> None:
    form = _posted(name="  Ada  ", ticks=["a", "b"], _csrf_token="secret")
    assert form.get("name") == "Ada"
    assert form.getall("ticks") == ["a", "b"]
    assert "_csrf_token" not in form.values


def test_readers_turn_fields_into_domain_types() -> None:
    form = _posted(colour="blue", **{"born-day": "7", "born-month": "3", "born-year": "2012"})
    assert form.choice(Colour, "colour", "Select a colour") is Colour.BLUE
    assert form.date("born", "Date of birth") == date(2012, 3, 7)
    assert form.ok


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("7", "", "2012"), "Date of birth must include a month"),
        (("31", "2", "2012"), "Date of birth must be a real date"),
        (("1", "1", "99"), "Date of birth must be a real date"),
        (("1", "1", "2" * 30), "Date of birth must be a real date"),
        (("²", "1", "2012"), "Date of birth must be a real date"),
    ],
)
def test_a_date_that_cannot_be_read_is_a_problem_on_its_field(
    parts: tuple[str, str, str], message: str
) -> None:
    day, month, year = parts
    form = _posted(**{"born-day": day, "born-month": month, "born-year": year})
    assert form.date("born", "Date of birth") is None
    assert form.errors == {"born": message}
    assert form.anchors == {"born": "born-day"}, "a date's link goes to its day box"


def test_a_missing_date_is_a_problem_only_when_required() -> None:
    form = _posted()
    assert form.date("born", "Date of birth") is None
    assert form.ok
    assert form.date("born", "Date of birth", required="Enter the date of birth") is None
    assert form.errors == {"born": "Enter the date of birth"}


def test_problems_are_listed_in_the_pages_order_and_the_first_for_a_field_stands() -> None:
    form = _posted(colour="green", count="1e9")
    form.number("count", "Enter a whole number")
    form.choice(Colour, "colour", "Select a colour")
    form.absorb(Invalid({"person.name": "Enter their name", "count": "Too many"}))
    assert list(form.errors.items()) == [
        ("name", "Enter their name"),
        ("colour", "Select a colour"),
        ("count", "Enter a whole number"),
    ]
    with pytest.raises(Invalid) as stopped:
        form.raise_if_invalid()
    assert list(stopped.value.errors) == ["name", "colour", "count"]


class CaseAct(Form):
    """A form with a whole-request problem and a secret."""

    order = ("note", "password")
    page_wide = ("case",)
    secret = ("password",)


def test_a_whole_request_problem_links_to_the_page_and_a_secret_is_never_kept() -> None:
    form = CaseAct.posted(FormMultiDict([("note", " hi "), ("password", " p ")]))
    assert form.secret_text("password") == " p ", "taken as typed"
    assert form.values == {"note": "hi"}, "never shown again"
    form.absorb({"case": "This case is closed"})
    assert form.anchors == {"case": "main-content"}


async def test_the_services_check_and_save_take_its_problems_and_save_nothing_after_one() -> None:
    saved: list[str] = []

    def validate() -> None:
        raise Invalid({"note": "Enter a note"})

    async def act() -> str:
        saved.append("saved")
        return "done"

    form = CaseAct()
    form.check(validate)
    assert await form.save(act) is None
    assert (form.errors, saved) == ({"note": "Enter a note"}, [])
    clean = CaseAct()
    clean.check(lambda: None)
    assert await clean.save(act) == "done"
    assert (clean.ok, saved) == (True, ["saved"])

    async def refused() -> str:
        raise Invalid({"password": "Wrong"})

    assert await clean.save(refused) is None
    assert clean.errors == {"password": "Wrong"}
