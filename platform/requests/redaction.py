"""Redaction of a subject access bundle (rule 30): pure, no database.

The bundle the export engine built is kept as it was (the unredacted original). A manager
marks items to redact (a contact, a note, a document, a person's details on the case) and
text ranges inside notes. The released bundle is made from the original's JSON copy: the
marked items are removed from it (and a document's file with them), a range's text is
replaced by ``[redacted]`` and the note's earlier versions are left out (they may hold the
same text); a person's details are replaced by ``[redacted]`` wherever their name appears
in the notes and contacts too. The PDF is laid out again from what is left, so what was
redacted is not in it at all (replaced, not covered over), and a new manifest checks it.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec
import msgspec.inspect as mi

from confide.platform.casework.schemas import CaseView
from confide.platform.consent.schemas import CapacityView, ConsentView, DisclosureView, NotAskedView
from confide.platform.documents.schemas import DocumentView
from confide.platform.exports import bundle, parent
from confide.platform.exports.schemas import BundleView
from confide.platform.tasks.schemas import TaskView

REDACTED = "[redacted]"


class ItemKind(StrEnum):
    CONTACT = "contact"
    NOTE = "note"
    DOCUMENT = "document"
    PERSON = "person"  # by its place in the case's list of people
    # The professional records' free text: a share's purpose and recipient, an open task,
    # a consent's note and parties told, who referred.
    DISCLOSURE = "disclosure"  # by its id (the parent's view: its place in the list)
    TASK = "task"
    CONSENT = "consent"  # by its place in the list of consents
    REFERRER = "referrer"  # the case's referrer's name (item "referrer")


@dataclass(frozen=True, slots=True)
class Mark:
    """One redaction: a whole item, or (a note's) text from ``start`` up to ``end``."""

    kind: ItemKind
    item: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Item:
    """Something in the bundle a manager may mark: its kind, its key, a label and text."""

    kind: ItemKind
    item: str
    label: str
    text: str


@dataclass(frozen=True, slots=True)
class Original:
    """The unredacted bundle, read back: its JSON copy and its documents' files."""

    data: dict[str, Any]
    attachments: dict[str, bytes]


def read_original(archive: bytes) -> Original:
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        names = zipped.namelist()
        [name] = [n for n in names if n.endswith(".json") and n != "manifest.json"]
        data = json.loads(zipped.read(name))
        files = {n: zipped.read(n) for n in names if n.startswith("documents/")}
    return Original(data, files)


def _name(person: dict[str, Any]) -> str:
    found = person.get("person", person)  # the full view nests the person
    return f"{found.get('first_name', '')} {found.get('last_name', '')}".strip()


def items(original: Original) -> list[Item]:
    """What a manager may mark, in the bundle's order: people, contacts, notes, documents."""
    case = original.data["case"]
    found = [
        Item(ItemKind.PERSON, str(n), _name(p), p.get("relationship", ""))
        for n, p in enumerate(case.get("people", []))
    ]
    found += [
        Item(ItemKind.CONTACT, c["id"], c["occurred_at"][:10], c["summary"])
        for c in case.get("contacts", [])
    ]
    found += [
        Item(ItemKind.NOTE, n["note_id"], n["current"]["recorded_at"][:10], n["current"]["body"])
        for n in case.get("notes", [])
    ]
    found += [
        Item(ItemKind.DOCUMENT, d["id"], d["title"], d.get("filename", ""))
        for d in original.data.get("documents", [])
    ]
    found += [
        Item(ItemKind.DISCLOSURE, _disclosure_key(n, d), d.get("recipient_org", ""),
             " — ".join(t for t in (d.get("recipient_person"), d.get("purpose")) if t))
        for n, d in enumerate(original.data.get("disclosures", []))
    ]  # fmt: skip
    found += [
        Item(ItemKind.TASK, t["id"], str(t.get("due_on", "")), t.get("title", ""))
        for t in original.data.get("tasks", [])
    ]
    found += [
        Item(ItemKind.CONSENT, str(n), f"Consent version {c.get('version', n + 1)}",
             "; ".join([*c.get("parties_told", []), c.get("note") or ""]).strip("; "))
        for n, c in enumerate(original.data.get("consents", []))
    ]  # fmt: skip
    if case.get("referrer_name"):
        found.append(Item(ItemKind.REFERRER, "referrer", "Referred by", case["referrer_name"]))
    return found


def _disclosure_key(n: int, disclosure: dict[str, Any]) -> str:
    return str(disclosure.get("id") or n)


def _cut(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """``text`` with each range replaced by the marker (overlapping ranges merged)."""
    merged: list[list[int]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    for start, end in reversed(merged):
        text = text[:start] + REDACTED + text[end:]
    return text


def _structured_keys() -> frozenset[str]:
    """The JSON copy's keys whose values are codes, dates, times or ids in every type the
    bundle holds: never free text, so never scrubbed (changing one would not read back)."""
    structured: set[str] = set()
    free: set[str] = set()
    seen: set[Any] = set()
    kinds = (mi.EnumType, mi.DateType, mi.DateTimeType, mi.UUIDType, mi.LiteralType)

    def leaves(t: mi.Type) -> list[mi.Type]:
        if isinstance(t, mi.UnionType):
            return [x for u in t.types for x in leaves(u)]
        return [t]

    def walk(t: mi.Type) -> None:
        for leaf in leaves(t):
            if isinstance(leaf, mi.ListType | mi.SetType | mi.FrozenSetType | mi.VarTupleType):
                walk(leaf.item_type)
            elif isinstance(leaf, mi.DictType):
                walk(leaf.value_type)
            elif isinstance(leaf, mi.DataclassType | mi.StructType):
                if leaf.cls in seen:
                    continue
                seen.add(leaf.cls)
                for f in leaf.fields:
                    types = [x for x in leaves(f.type) if not isinstance(x, mi.NoneType)]
                    if types and all(isinstance(x, kinds) for x in types):
                        structured.add(f.name)
                    elif any(isinstance(x, mi.StrType | mi.ListType) for x in types):
                        free.add(f.name)
                    walk(f.type)

    for kind in (
        CaseView, parent.ParentCase, ConsentView, parent.ParentConsent, CapacityView,
        parent.ParentCapacity, NotAskedView, DisclosureView, parent.ParentDisclosure,
        TaskView, DocumentView,
    ):  # fmt: skip
        walk(mi.type_info(kind))
    return frozenset(structured - free)  # a key free text anywhere is scrubbed everywhere


_STRUCTURED: frozenset[str] | None = None


def structured_keys() -> frozenset[str]:
    global _STRUCTURED
    if _STRUCTURED is None:
        _STRUCTURED = _structured_keys()
    return _STRUCTURED


def _strings(value: Any) -> list[str]:
    """Every free-text string in a JSON value (codes, dates and ids left out)."""
    keys = structured_keys()
    found: list[str] = []

    def walk(v: Any, key: str | None) -> None:
        if isinstance(v, str):
            if key not in keys and v.strip():
                found.append(v)
        elif isinstance(v, dict):
            for k, item in v.items():
                walk(item, k)
        elif isinstance(v, list):
            for item in v:
                walk(item, key)

    walk(value, None)
    return found


def _rewrite(value: Any, change: Any, key: str | None = None) -> Any:
    """``value`` with ``change`` applied to every free-text string in it."""
    if isinstance(value, str):
        return value if key in structured_keys() else change(value)
    if isinstance(value, dict):
        return {k: _rewrite(v, change, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_rewrite(v, change, key) for v in value]
    return value


_RUN = re.compile(r"\[redacted\](?:\s+\[redacted\])+")  # "First Last" once, not twice


def _person(p: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = p.get("person", p)  # the full view nests the person
    return found


#: A person's fields kept when their details are redacted: what they are to the case.
_PERSON_KEPT = frozenset({"id", "relationship", "must_not_be_told", "person"})


class _Scrubber:
    """What the marks take out of every string: each marked text word for word, a cut
    note's whole text turned into its cut text, and a redacted person's names (each part,
    as a whole word, in any case) and details."""

    def __init__(self) -> None:
        self.replaced: dict[str, str] = {}  # a marked note's whole text: what it becomes
        self.texts: set[str] = set()  # marked text, redacted wherever it is written
        self.names: set[str] = set()  # name parts, redacted as whole words
        self._pattern: tuple[int, re.Pattern[str] | None] | None = None

    def add_text(self, text: str | None) -> None:
        if text and len(text.strip()) >= 3:
            self.texts.add(text.strip())

    def add_person(self, person: dict[str, Any]) -> None:
        for key in ("first_name", "last_name", "preferred_name", "known_as"):
            for part in re.split(r"[\s\-']+", str(person.get(key) or "")):
                if len(part) >= 2:
                    self.names.add(part)
        for key, value in person.items():
            if key not in _PERSON_KEPT:
                for text in _strings(value):
                    self.add_text(text)

    def pattern(self) -> re.Pattern[str] | None:
        size = len(self.texts) + len(self.names)
        if self._pattern is None or self._pattern[0] != size:
            self._pattern = (size, self._compile())
        return self._pattern[1]

    def _compile(self) -> re.Pattern[str] | None:
        words = [rf"\b{re.escape(n)}\b" for n in sorted(self.names, key=len, reverse=True)]
        texts = [re.escape(t) for t in sorted(self.texts, key=len, reverse=True)]
        if not words and not texts:
            return None
        return re.compile("|".join(texts + words), re.IGNORECASE)

    def __call__(self, text: str) -> str:
        for whole, cut in self.replaced.items():
            text = text.replace(whole, cut)
        found = self.pattern()
        return _RUN.sub(REDACTED, found.sub(REDACTED, text)) if found else text

    def matches(self, value: Any) -> bool:
        found = self.pattern()
        return any(
            (found is not None and found.search(t)) or any(w in t for w in self.replaced)
            for t in _strings(value)
        )


def redact(original: Original, marks: list[Mark]) -> Original:
    """The original with ``marks`` applied (a new copy; the original is not changed).

    Marked items are removed (a document's file with it) and so are the disclosure items
    that copied them; then every free-text string of the whole copy (disclosures, tasks,
    consents, documents, the case's own fields...) has the marked text, a cut note's
    text and a redacted person's names and details taken out; a note or a contact whose
    earlier versions hold any of it keeps none of them."""
    data = json.loads(json.dumps(original.data))
    case = data["case"]
    whole = {(m.kind, m.item) for m in marks if m.start is None}
    ranges: dict[str, list[tuple[int, int]]] = {}
    for m in marks:
        if m.kind is ItemKind.NOTE and m.start is not None and m.end is not None:
            ranges.setdefault(m.item, []).append((m.start, m.end))
    scrub = _Scrubber()
    gone: set[str] = set()  # the ids of marked items (a disclosure item's ref)

    people = []
    for n, p in enumerate(case.get("people", [])):
        if (ItemKind.PERSON, str(n)) in whole:
            scrub.add_person(_person(p))
            gone.add(str(_person(p).get("id", "")))
            p = _redact_person(p)
        people.append(p)
    case["people"] = people
    contacts = []
    for c in case.get("contacts", []):
        if (ItemKind.CONTACT, c["id"]) in whole:
            gone.add(c["id"])
            scrub.add_text(c.get("summary"))
            for version in c.get("history", []):
                scrub.add_text(version.get("summary"))
            continue
        contacts.append(c)
    notes = []
    for note in case.get("notes", []):
        if (ItemKind.NOTE, note["note_id"]) in whole:
            gone.add(note["note_id"])
            scrub.add_text(note["current"]["body"])
            for version in note.get("history", []):
                scrub.add_text(version.get("body"))
            continue
        body = note["current"]["body"]
        cuts = ranges.get(note["note_id"], [])
        if cuts:
            for start, end in cuts:
                scrub.add_text(body[start:end])
            scrub.replaced[body] = _cut(body, cuts)
            for version in note.get("history", []):
                scrub.add_text(version.get("body"))
            note = {**note, "history": []}
        notes.append(note)
    kept, attachments = [], dict(original.attachments)
    for document in data.get("documents", []):
        if (ItemKind.DOCUMENT, document["id"]) in whole:
            gone.add(document["id"])
            scrub.add_text(document.get("title"))
            scrub.add_text(document.get("filename"))
            for name in [a for a in attachments if a.startswith(f"documents/{document['id']}-")]:
                del attachments[name]
            continue
        kept.append(document)
    data["documents"] = kept
    data["document_files"] = sorted(attachments)
    for n, disclosure in enumerate(data.get("disclosures", [])):
        if (ItemKind.DISCLOSURE, _disclosure_key(n, disclosure)) in whole:
            for key in ("recipient_person", "purpose"):
                if disclosure.get(key):
                    scrub.add_text(disclosure[key])
                    disclosure[key] = REDACTED
    tasks = []
    for task in data.get("tasks", []):
        if (ItemKind.TASK, task["id"]) in whole:
            scrub.add_text(task.get("title"))
            continue
        tasks.append(task)
    data["tasks"] = tasks
    for n, consent in enumerate(data.get("consents", [])):
        if (ItemKind.CONSENT, str(n)) in whole:
            scrub.add_text(consent.get("note"))
            consent["note"] = REDACTED if consent.get("note") else ""
            consent["parties_told"] = []
    if (ItemKind.REFERRER, "referrer") in whole and case.get("referrer_name"):
        scrub.add_text(case["referrer_name"])
        case["referrer_name"] = REDACTED
    # A note or a contact whose earlier versions hold what is taken out keeps none of them.
    case["notes"] = [{**n, "history": []} if scrub.matches(n) else n for n in notes]
    case["contacts"] = [{**c, "history": []} if scrub.matches(c) else c for c in contacts]
    # Disclosure items that copied a marked item (by its id, or word for word) are removed.
    for disclosure in data.get("disclosures", []):
        disclosure["items"] = [
            i for i in disclosure.get("items", [])
            if str(i.get("ref", "")) not in gone
            and not (i.get("text") and i["text"].strip() in scrub.texts)
        ]  # fmt: skip
    # Then every free-text string, wherever it is in the copy.
    for key in [k for k in data if k not in ("view", "made_at", "document_files")]:
        data[key] = _rewrite(data[key], scrub, key)
    return Original(data, attachments)


def _redact_person(p: dict[str, Any]) -> dict[str, Any]:
    """A person's details replaced, what they are to the case (and their ids) kept."""
    person = _person(p)
    cleared: dict[str, Any] = {}
    for key, value in person.items():
        if key == "first_name":
            cleared[key] = REDACTED
        elif key in _PERSON_KEPT or value is None or isinstance(value, bool | int | float):
            cleared[key] = value
        elif key == "date_of_birth":
            cleared[key] = None
        elif isinstance(value, str):
            cleared[key] = value if key in structured_keys() else ""
        elif isinstance(value, list):
            cleared[key] = []
        else:
            cleared[key] = _rewrite(value, lambda _: "")
    return {**p, "person": cleared} if "person" in p else cleared


def case_file(redacted: Original) -> bundle.CaseFile:
    """The bundle's own record read back from its JSON copy, in its view's types."""
    data = redacted.data
    view = BundleView(data["view"])
    if view is BundleView.PARENT:
        case: Any = msgspec.convert(data["case"], parent.ParentCase)
        consents: Any = msgspec.convert(data["consents"], list[parent.ParentConsent])
        capacity: Any = msgspec.convert(data["capacity"], parent.ParentCapacity | None)
        disclosures: Any = msgspec.convert(data["disclosures"], list[parent.ParentDisclosure])
        not_asked = None
    else:
        case = msgspec.convert(data["case"], CaseView)
        consents = msgspec.convert(data["consents"], list[ConsentView])
        capacity = msgspec.convert(data["capacity"], CapacityView | None)
        disclosures = msgspec.convert(data["disclosures"], list[DisclosureView])
        not_asked = msgspec.convert(data["not_asked"], NotAskedView | None)
    return bundle.CaseFile(
        view=view,
        made_at=msgspec.convert(data["made_at"], datetime),
        made_by=data["made_by"],
        case=case,
        consents=consents,
        capacity=capacity,
        not_asked=not_asked,
        disclosures=disclosures,
        tasks=msgspec.convert(data["tasks"], list[TaskView]),
        documents=msgspec.convert(data["documents"], list[DocumentView]),
        attachments=redacted.attachments,
    )
