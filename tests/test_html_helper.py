"""The page reader the page tests assert through (``tests/helpers/html.py``): if it found
nothing, or everything, their structural asserts would prove nothing."""

from __future__ import annotations

import pytest

from tests.helpers.html import (
    buttons,
    error_summary,
    field_error,
    form_values,
    links,
    page_text,
    parse,
    summary_list,
    table_rows,
)

PAGE = """<!DOCTYPE html><html><body>
<header><form method="post" action="/logout"><input type="hidden" name="_csrf_token"
 value="t"><button>Sign out</button></form></header>
<main>
<div class="govuk-error-summary"><ul class="govuk-list govuk-error-summary__list">
<li><a href="#b">Enter B &amp; more</a></li><li><a href="#a">Enter A</a></li></ul></div>
<dl class="govuk-summary-list" data-testid="facts"><div class="govuk-summary-list__row">
<dt class="govuk-summary-list__key">Topics</dt><dd class="govuk-summary-list__value">
 EHC, <b>Transport</b></dd></div></dl>
<table><thead><tr><th>Who</th><th>Link</th></tr></thead><tbody>
<tr data-testid="row"><td>O&#39;Brien</td><td><a class="govuk-link" href="/t/x/1">Open</a></td></tr>
<tr data-testid="row"><td>Smith</td><td><a href="/elsewhere">Other</a></td></tr></tbody></table>
<form method="get"><input name="q" value="search"></form>
<form method="post"><p id="a-error" class="govuk-error-message"><span
 class="govuk-visually-hidden">Error:</span> Enter A</p>
<input name="a" value="typed"><textarea name="t">two
lines</textarea><input type="checkbox" name="c" value="1" checked>
<input type="checkbox" name="c" value="2"><input type="radio" name="r" value="x">
<select name="s"><option value="1">One</option><option value="2" selected>Two</option></select>
<button name="action" value="save" class="govuk-button">Save</button>
<a class="govuk-button" href="/cancel">Cancel</a></form>
<script>var x = "<b>not text</b>";</script>
</main></body></html>"""


def test_selectors_find_exactly_what_they_say() -> None:
    document = parse(PAGE)
    assert len(document.select("tr[data-testid=row]")) == 2
    assert document.texts("tbody > tr > td") == ["O'Brien", "Open", "Smith", "Other"]
    assert document.select("tbody > td") == []  # a child, not any descendant
    assert [a.get("href") for a in document.select('a[href^="/t/"]')] == ["/t/x/1"]
    assert len(document.select("main form, header form")) == 3
    assert document.first("[data-testid=absent]") is None
    with pytest.raises(AssertionError, match="matched 0"):
        document.one("table.absent")
    with pytest.raises(AssertionError, match="matched 2"):
        document.one("tr[data-testid=row]")


def test_the_govuk_structures() -> None:
    assert error_summary(PAGE) == [("#b", "Enter B & more"), ("#a", "Enter A")]
    assert field_error(PAGE, "a") == "Enter A"
    assert field_error(PAGE, "b") is None
    assert summary_list(PAGE, "[data-testid=facts]") == {"Topics": "EHC, Transport"}
    assert table_rows(PAGE) == [["O'Brien", "Open"], ["Smith", "Other"]]
    assert links(PAGE, "tbody a") == [("Open", "/t/x/1"), ("Other", "/elsewhere")]
    assert buttons(parse(PAGE).one("main")) == ["Save", "Cancel"]
    assert form_values(PAGE) == {"a": "typed", "t": "two\nlines", "c": "1", "s": "2"}
    assert "not text" not in page_text(PAGE)
    assert "Enter B & more" in page_text(PAGE)
