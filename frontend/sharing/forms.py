"""The sharing pages' forms: a share (checked, recorded, or asked of a manager), a manager's
authorisation or refusal, a share sent or not sent, telling the service user, a delay."""

from __future__ import annotations

from uuid import UUID

from confide.frontend.forms import Form, date_fields
from confide.platform.consent.schemas import (
    Authorisation,
    CancelShare,
    Decline,
    DelayTelling,
    ItemKind,
    ItemRef,
    LegalBasis,
    NewDisclosure,
    SendMethod,
    SentDisclosure,
    TellMethod,
    ToldClient,
)
from confide.platform.core.clock import service_today

CHECK = "check"
SHARE = "share"
ASK = "ask"
ACTIONS = (CHECK, SHARE, ASK)
LEGAL_BASIS_MISSING = "Select the legal basis for sharing without consent"
# Problems with the whole request (a closed case, a decided request, a done task).
WHOLE_REQUEST = ("case", "disclosure", "task", "ask_manager")
# The share form's fields a result page carries on as hidden inputs (with the items).
CARRIED = ("recipient_org", "recipient_role", "recipient_person", "purpose")
LEGAL = ("legal_basis", "justification")


class ShareForm(Form):
    """What to share, with whom and why; ``action`` says what to do with it: ``check``
    explains the consent check, ``share`` records it, ``ask`` asks a manager."""

    order = (*CARRIED, "items", *LEGAL)
    lists = ("items",)
    page_wide = WHOLE_REQUEST

    @property
    def action(self) -> str:
        action = self.text("action") or CHECK
        return action if action in ACTIONS else CHECK

    @property
    def over_consent(self) -> bool:
        """A share beyond consent: a manager's legal basis (the service refuses anyone else)."""
        return self.action != CHECK and bool(self.text("legal_basis"))

    @property
    def only_legal_problems(self) -> bool:
        """The share is over consent and only its legal basis needs another look: the check
        page, where the basis was given, shows the problems (else the share form does)."""
        return self.over_consent and set(self.errors) <= set(LEGAL)

    def carried(self) -> list[tuple[str, str]]:
        return [(name, value) for name, value in self.values.items() if name in CARRIED]

    def disclosure(self) -> NewDisclosure:
        """The share as the service takes it (a check needs no legal basis)."""
        basis = None
        if self.text("legal_basis"):  # optional; one that is given must be real
            basis = self.choice(LegalBasis, "legal_basis", LEGAL_BASIS_MISSING)
        checking = self.action == CHECK
        return NewDisclosure(
            recipient_org=self.text("recipient_org"),
            recipient_role=self.text("recipient_role"),
            recipient_person=self.text("recipient_person"),
            purpose=self.text("purpose"),
            items=self._items(),
            legal_basis=None if checking else basis,
            justification="" if checking else self.text("justification"),
            ask_manager=self.action == ASK,
        )

    def _items(self) -> list[ItemRef]:
        refs = []
        for key in self.getall("items"):
            kind, _, ident = key.partition(":")
            try:
                refs.append(ItemRef(kind=ItemKind(kind), id=ident))
            except ValueError:
                self.fail("items", "Choose items from this case")
        return refs


class RecordForm(Form):
    """The record's two forms: it was sent (when, how, to whom exactly), or it will not be
    (why). One page shows both, so one form keeps what was typed into either."""

    order = ("sent_on", "method", "sent_to", "reason")
    dates = ("sent_on",)
    page_wide = WHOLE_REQUEST

    @classmethod
    def blank(cls) -> RecordForm:
        """Sent today, unless the person sending it says otherwise."""
        return cls(date_fields("sent_on", service_today()))

    def sent(self) -> SentDisclosure | None:
        sent_on = self.date(
            "sent_on", "The date it was sent", required="Enter the date it was sent"
        )
        method = self.choice(SendMethod, "method", "Select how it was sent")
        if not self.text("sent_to"):
            self.fail("sent_to", "Enter who it was sent to")
        if sent_on is None or method is None:
            return None
        return SentDisclosure(sent_on=sent_on, method=method, sent_to=self.text("sent_to"))

    def cancel(self) -> CancelShare:
        return CancelShare(reason=self.text("reason"))


class DecisionForm(Form):
    """A manager's decision on a request: authorise on a legal basis, or decline (why)."""

    order = (*LEGAL, "reason")
    page_wide = WHOLE_REQUEST

    def authorisation(self) -> Authorisation | None:
        basis = self.choice(LegalBasis, "legal_basis", LEGAL_BASIS_MISSING)
        if not self.text("justification"):
            self.fail("justification", "Enter the justification")
        if basis is None:
            return None
        return Authorisation(legal_basis=basis, justification=self.text("justification"))

    def decline(self) -> Decline:
        return Decline(reason=self.text("reason"))


class TaskForm(Form):
    """The task page's forms: they were told (when, how), or a manager's delay (why, until)."""

    order = (
        "told_on",
        "told_how",
        "told_person_id",
        "note",
        "safe_contact_exception",
        "reason",
        "new_due_on",
    )
    dates = ("told_on", "new_due_on")
    page_wide = WHOLE_REQUEST

    def told(self) -> ToldClient | None:
        told_on = self.date(
            "told_on", "The date they were told", required="Enter the date they were told"
        )
        how = self.choice(TellMethod, "told_how", "Select how they were told")
        person_id = None
        if self.text("told_person_id"):
            try:
                person_id = UUID(self.text("told_person_id"))
            except ValueError:
                self.fail("told_person_id", "Choose someone on this case")
        if told_on is None or how is None:
            return None
        return ToldClient(
            told_on=told_on,
            told_how=how,
            note=self.text("note"),
            told_person_id=person_id,
            safe_contact_exception=self.text("safe_contact_exception") or None,
        )

    def delay(self) -> DelayTelling | None:
        if not self.text("reason"):
            self.fail("reason", "Enter the reason to delay")
        new_due = self.date("new_due_on", "The new due date", required="Enter the new due date")
        if new_due is None:
            return None
        return DelayTelling(reason=self.text("reason"), new_due_on=new_due)
