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
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

import msgspec

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
    return found


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


def redact(original: Original, marks: list[Mark]) -> Original:
    """The original with ``marks`` applied (a new copy; the original is not changed)."""
    data = json.loads(json.dumps(original.data))
    case = data["case"]
    whole = {(m.kind, m.item) for m in marks if m.start is None}
    ranges: dict[str, list[tuple[int, int]]] = {}
    for m in marks:
        if m.kind is ItemKind.NOTE and m.start is not None and m.end is not None:
            ranges.setdefault(m.item, []).append((m.start, m.end))
    names = [
        _name(p)
        for n, p in enumerate(case.get("people", []))
        if (ItemKind.PERSON, str(n)) in whole and _name(p)
    ]

    def scrub(text: str) -> str:
        for name in sorted(names, key=len, reverse=True):
            text = text.replace(name, REDACTED)
        return text

    people = []
    for n, p in enumerate(case.get("people", [])):
        if (ItemKind.PERSON, str(n)) in whole:
            p = _redact_person(p)
        people.append(p)
    case["people"] = people
    case["contacts"] = [
        {**c, "summary": scrub(c["summary"]), "history": []}
        for c in case.get("contacts", [])
        if (ItemKind.CONTACT, c["id"]) not in whole
    ]
    notes = []
    for note in case.get("notes", []):
        if (ItemKind.NOTE, note["note_id"]) in whole:
            continue
        body = note["current"]["body"]
        cut = note["note_id"] in ranges or any(name in body for name in names)
        body = scrub(_cut(body, ranges.get(note["note_id"], [])))
        history = [] if cut else note["history"]
        notes.append({**note, "current": {**note["current"], "body": body}, "history": history})
    case["notes"] = notes
    kept, attachments = [], dict(original.attachments)
    for document in data.get("documents", []):
        if (ItemKind.DOCUMENT, document["id"]) in whole:
            for name in [a for a in attachments if a.startswith(f"documents/{document['id']}-")]:
                del attachments[name]
            continue
        kept.append(document)
    data["documents"] = kept
    data["document_files"] = sorted(attachments)
    return Original(data, attachments)


def _redact_person(p: dict[str, Any]) -> dict[str, Any]:
    """A person's details replaced, their relationship to the young person kept."""
    if "person" in p:  # the full view
        person = {
            **p["person"],
            "first_name": REDACTED,
            "last_name": "",
            "date_of_birth": None,
            "school_or_setting": None,
            "primary_need": None,
            "address": None,
            "postcode": None,
            "phone": None,
            "email": None,
        }
        return {**p, "person": person}
    return {
        **p, "first_name": REDACTED, "last_name": "", "date_of_birth": None,
        "school_or_setting": None, "primary_need": None,
    }  # fmt: skip


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


def release(archive: bytes, marks: list[Mark]) -> bytes:
    """The released bundle: the original's ZIP with ``marks`` burned in (PDF) and removed
    (JSON, documents), laid out again with a new manifest."""
    return bundle.build_all(case_file(redact(read_original(archive), marks)))
