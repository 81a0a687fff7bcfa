"""Pages read as a browser reads them: parsed into elements (the standard library's HTML
parser), found by CSS-like selectors, and read as text with the entities decoded.

Tests assert on structure through this module, not on substrings of the markup: a field's
error message, the error summary's links in order, a table's rows, a summary list's
values, the links and buttons someone is offered.

Selectors: ``tag``, ``#id``, ``.class``, ``[attr]``, ``[attr=value]``, ``[attr^=value]``,
``[attr*=value]`` and ``[data-testid=x]`` combined (``a.govuk-link[href^="/t/"]``), with
descendant (space) and child (``>``) combinators, and ``,`` between alternatives.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import httpx

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


@dataclass(eq=False)
class Element:
    """One element of a parsed page, with its attributes and children."""

    tag: str
    attrs: dict[str, str]
    parent: Element | None = None
    children: list[Element | str] = field(default_factory=list)

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def descendants(self) -> Iterator[Element]:
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.descendants()

    @property
    def text(self) -> str:
        """The element's text as a reader sees it: entities decoded, white space collapsed."""
        return " ".join("".join(self._strings()).split())

    def _strings(self) -> Iterator[str]:
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in {"script", "style", "template"}:
                if child.tag in {"br", "p", "div", "li", "tr", "td", "th", "dt", "dd"}:
                    yield " "
                yield from child._strings()
                yield " " if child.tag not in {"a", "span", "strong", "em", "code"} else ""

    def select(self, selector: str) -> list[Element]:
        """Every element under this one that ``selector`` matches, in document order."""
        alternatives = [_parse_selector(part) for part in selector.split(",")]
        return [e for e in self.descendants() if any(_matches(e, alt) for alt in alternatives)]

    def one(self, selector: str) -> Element:
        """The single element ``selector`` matches; fails when there are none or several."""
        found = self.select(selector)
        assert len(found) == 1, f"{selector!r} matched {len(found)} elements"
        return found[0]

    def first(self, selector: str) -> Element | None:
        found = self.select(selector)
        return found[0] if found else None

    def texts(self, selector: str) -> list[str]:
        return [e.text for e in self.select(selector)]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v if v is not None else "" for k, v in attrs}, self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        walk: Element | None = self.open
        while walk is not None and walk.tag != tag:
            walk = walk.parent
        if walk is not None and walk.parent is not None:  # an end tag with no start is dropped
            self.open = walk.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parse(page: str | httpx.Response) -> Element:
    """The page's document element tree."""
    builder = _Builder()
    builder.feed(page.text if isinstance(page, httpx.Response) else page)
    builder.close()
    return builder.root


# Selectors

_COMPOUND = re.compile(
    r"(?P<tag>[a-zA-Z][\w-]*|\*)?"
    r"(?P<rest>(?:#[\w-]+|\.[\w-]+|\[[\w-]+(?:[\^*$]?=(?:\"[^\"]*\"|'[^']*'|[^\]]*))?\])*)"
)
_PART = re.compile(
    r"#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)"
    r"|\[(?P<attr>[\w-]+)(?:(?P<op>[\^*$]?=)(?P<value>\"[^\"]*\"|'[^']*'|[^\]]*))?\]"
)


@dataclass(frozen=True)
class _Compound:
    tag: str | None
    tests: tuple[tuple[str, str, str | None], ...]  # (attribute, operator, value)


def _parse_compound(text: str) -> _Compound:
    found = _COMPOUND.fullmatch(text)
    assert found, f"unsupported selector {text!r}"
    tests = []
    for part in _PART.finditer(found["rest"]):
        if part["id"]:
            tests.append(("id", "=", part["id"]))
        elif part["cls"]:
            tests.append(("class", "~=", part["cls"]))
        else:
            value = part["value"]
            if value is not None and value[:1] in {'"', "'"}:
                value = value[1:-1]
            tests.append((part["attr"], part["op"] or "", value))
    tag = found["tag"] if found["tag"] not in {None, "*"} else None
    return _Compound(tag, tuple(tests))


def _parse_selector(selector: str) -> list[tuple[str, _Compound]]:
    """``[(combinator, compound), ...]`` left to right; the first combinator is unused."""
    steps: list[tuple[str, _Compound]] = []
    combinator = " "
    for token in re.findall(r">|(?:[^\s>\[]|\[[^\]]*\])+", selector.strip()):
        if token == ">":
            combinator = ">"
            continue
        steps.append((combinator, _parse_compound(token)))
        combinator = " "
    assert steps, f"empty selector {selector!r}"
    return steps


def _compound_matches(element: Element, compound: _Compound) -> bool:
    if compound.tag is not None and element.tag != compound.tag.lower():
        return False
    for name, op, value in compound.tests:
        have = element.attrs.get(name)
        if have is None:
            return False
        if op == "~=" and value not in have.split():
            return False
        if op == "=" and have != value:
            return False
        if op == "^=" and not have.startswith(value or ""):
            return False
        if op == "*=" and (value or "") not in have:
            return False
        if op == "$=" and not have.endswith(value or ""):
            return False
    return True


def _matches(element: Element, steps: list[tuple[str, _Compound]]) -> bool:
    """Whether ``element`` is the last step, with ancestors matching the steps before."""
    *before, (combinator, last) = steps
    if not _compound_matches(element, last):
        return False
    if not before:
        return True
    ancestor = element.parent
    if combinator == ">":
        return ancestor is not None and _matches(ancestor, before)
    while ancestor is not None:
        if _matches(ancestor, before):
            return True
        ancestor = ancestor.parent
    return False


# The GOV.UK Frontend structures the pages are made of


def page_text(page: str | httpx.Response) -> str:
    """What a reader sees of the page's body, entities decoded, white space collapsed."""
    document = parse(page)
    return (document.first("body") or document).text


def error_summary(page: str | httpx.Response) -> list[tuple[str, str]]:
    """The error summary's links, in order: (the field it points at, the message)."""
    summary = parse(page).first(".govuk-error-summary")
    if summary is None:
        return []
    return [(a.get("href") or "", a.text) for a in summary.select(".govuk-error-summary__list a")]


def field_error(page: str | httpx.Response, field_id: str) -> str | None:
    """The error message shown with the field ``field_id`` (GOV.UK's ``<id>-error``), without
    its visually hidden "Error:" prefix; None when the field shows none."""
    message = parse(page).first(f"#{field_id}-error")
    if message is None:
        return None
    hidden = message.first(".govuk-visually-hidden")
    text = message.text
    if hidden is not None and text.startswith(hidden.text):
        text = text[len(hidden.text) :].strip()
    return text


def summary_list(page: str | httpx.Response | Element, selector: str = "") -> dict[str, str]:
    """A summary list's rows, key to value (the first list under ``selector``)."""
    root = page if isinstance(page, Element) else parse(page)
    within = root.one(selector) if selector else root
    found = (
        within if "govuk-summary-list" in within.classes else within.first(".govuk-summary-list")
    )
    assert found is not None, "no summary list"
    return {
        row.one(".govuk-summary-list__key").text: row.one(".govuk-summary-list__value").text
        for row in found.select(".govuk-summary-list__row")
    }


def table_rows(page: str | httpx.Response | Element, selector: str = "table") -> list[list[str]]:
    """The body rows of the first table ``selector`` finds, each as its cells' text."""
    root = page if isinstance(page, Element) else parse(page)
    table = root.first(selector)
    assert table is not None, f"no table {selector!r}"
    body = table.first("tbody") or table
    return [[cell.text for cell in row.select("td, th")] for row in body.select("tr")]


def links(page: str | httpx.Response | Element, selector: str = "a[href]") -> list[tuple[str, str]]:
    """(text, href) of each link ``selector`` finds, in order."""
    root = page if isinstance(page, Element) else parse(page)
    return [(a.text, a.get("href") or "") for a in root.select(selector)]


def buttons(page: str | httpx.Response | Element) -> list[str]:
    """The text of every button offered: ``<button>``, submit inputs and button links."""
    root = page if isinstance(page, Element) else parse(page)
    return [
        e.text or (e.get("value") or "")
        for e in root.select("button, input[type=submit], a.govuk-button")
    ]


def form_values(
    page: str | httpx.Response | Element, selector: str = "main form[method=post]"
) -> dict[str, str]:
    """What the first form ``selector`` finds would send as it stands: text and hidden
    inputs, checked boxes and radios, selected options, text areas. By default the main
    content's first form that posts (the header's sign-out form comes before it)."""
    root = page if isinstance(page, Element) else parse(page)
    form = root.first(selector)
    assert form is not None, f"no form {selector!r}"
    values: dict[str, str] = {}
    for e in form.select("input[name], textarea[name], select[name]"):
        name = e.get("name") or ""
        if e.tag == "textarea":
            values[name] = "".join(c for c in e.children if isinstance(c, str))
        elif e.tag == "select":
            chosen = e.first("option[selected]")
            values[name] = (chosen.get("value") or chosen.text) if chosen else ""
        elif e.get("type") in {"checkbox", "radio"}:
            if "checked" in e.attrs:
                values[name] = e.get("value") or "on"
        else:
            values[name] = e.get("value") or ""
    return values
