"""What the sharing templates show: every item of a case that can be shared, in words and
grouped, and the choices of the forms (legal bases, ways of sending and telling)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from confide.frontend.casework.presenters import people_of
from confide.frontend.labels import DOCUMENT_KIND_LABELS, SEND_METHOD_LABELS, TELL_METHOD_LABELS
from confide.platform.casework.schemas import CaseView, Side
from confide.platform.consent.disclosures import (
    FIELD_LABELS,
    LEGAL_BASIS_LABELS,
    contact_detail,
    field_text,
)
from confide.platform.consent.schemas import CaseField, ItemKind
from confide.platform.documents.schemas import DocumentView

PREVIEW_CHARS = 120
LEGAL_BASES = [(basis.value, label) for basis, label in LEGAL_BASIS_LABELS.items()]
SEND_METHODS = [(method.value, label) for method, label in SEND_METHOD_LABELS.items()]
TELL_METHODS = [(method.value, label) for method, label in TELL_METHOD_LABELS.items()]


@dataclass(frozen=True, slots=True)
class ItemChoice:
    """One checkbox of the share form: what it shares, in words."""

    key: str  # "note:<id>", "contact:<id>", "field:<name>", "address:<person id>"...
    element_id: str
    label: str
    hint: str
    young_person_only: bool = False


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= PREVIEW_CHARS else flat[: PREVIEW_CHARS - 1].rstrip() + "…"


def item_choices(
    case: CaseView, documents: Sequence[DocumentView] = ()
) -> list[tuple[str, list[ItemChoice]]]:
    """Every item of the case that can be shared, grouped: notes, contacts, documents (their
    latest version, which the share records), case details, and people's contact details.
    Nothing is ticked for anyone (need-to-know, policy 4.5)."""
    notes = [
        (
            f"note:{n.note_id}",
            f"Note of {n.current.recorded_at.day} {n.current.recorded_at:%B %Y}"
            + (" (corrected)" if n.history else ""),
            _shorten(n.current.body),
            n.side is Side.YOUNG_PERSON_ONLY,
        )
        for n in sorted(case.notes, key=lambda n: n.current.recorded_at, reverse=True)
    ]
    contacts = [
        (
            f"contact:{c.id}",
            f"{c.kind.replace('_', ' ').capitalize()} on {c.occurred_at.day} {c.occurred_at:%B %Y}",
            _shorten(c.summary),
            c.side is Side.YOUNG_PERSON_ONLY,
        )
        for c in sorted(case.contacts, key=lambda c: c.occurred_at, reverse=True)
    ]
    files = [
        (
            f"document:{d.id}@{d.version}",  # the version shown is the one shared
            f"{d.title} (version {d.version})",
            f"{DOCUMENT_KIND_LABELS[d.kind]}: {d.filename}",
            d.side is Side.YOUNG_PERSON_ONLY,
        )
        for d in documents
    ]
    fields = [
        (f"field:{f.value}", FIELD_LABELS[f], value, False)
        for f in CaseField
        if (value := field_text(case, f)) is not None
    ]
    details = [
        (f"{kind.value}:{person.id}", f"{label} ({part.lower()})", text, False)
        for part, person in people_of(case)
        for kind in (ItemKind.ADDRESS, ItemKind.PHONE)
        for label, text in [contact_detail(person, kind)]
        if text is not None
    ]
    groups: list[tuple[str, list[ItemChoice]]] = []
    count = 0
    for title, entries in (
        ("Notes", notes),
        ("Contacts", contacts),
        ("Documents", files),
        ("Case details", fields),
        ("Contact details (for a safeguarding referral, for example)", details),
    ):
        choices = []
        for key, label, hint, yp_only in entries:
            element_id = "items" if count == 0 else f"items-{count}"
            choices.append(ItemChoice(key, element_id, label, hint, yp_only))
            count += 1
        if choices:
            groups.append((title, choices))
    return groups


def chosen(
    case: CaseView, keys: list[str], documents: Sequence[DocumentView] = ()
) -> list[ItemChoice]:
    """The items ticked, in the order they were, as the share form words them."""
    by_key = {c.key: c for _, group in item_choices(case, documents) for c in group}
    return [by_key[k] for k in keys if k in by_key]
