"""Logging a request on a case, and confirming the requester's identity."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from confide.frontend.forms import Form
from confide.platform.requests.schemas import (
    Channel,
    Clarification,
    Closing,
    Extension,
    IdentityCheck,
    NewRequest,
    Relation,
    RequestKind,
)

#: What a request on a case can be (FOI is about no case).
CASE_KINDS = (RequestKind.SUBJECT_ACCESS, RequestKind.CASE_FILE)


class LogRequestForm(Form):
    """Who asked, how they relate to the person, when and how it came."""

    order = (
        "kind", "requester_name", "relation", "subject_person_id", "received_on", "channel",
        "summary",
    )  # fmt: skip
    dates = ("received_on",)

    def request(self, case_id: UUID, today: date) -> NewRequest | None:
        kind = self.choice(RequestKind, "kind", "Choose what kind of request it is")
        if kind is not None and kind not in CASE_KINDS:
            self.fail("kind", "Choose what kind of request it is")
        relation = self.choice(Relation, "relation", "Choose how the requester relates to them")
        received = self.date("received_on", "The date received", required="Enter the date received")
        channel = self.choice(Channel, "channel", "Choose how the request came")
        if not self.text("requester_name"):
            self.fail("requester_name", "Enter the requester's name")
        subject: UUID | None = None
        if chosen := self.text("subject_person_id"):
            try:
                subject = UUID(chosen)
            except ValueError:
                self.fail("subject_person_id", "Choose someone on the case")
        if kind is not RequestKind.SUBJECT_ACCESS:
            subject = None  # only a subject access request names whom it is about
        if kind is None or relation is None or received is None or channel is None or not self.ok:
            return None
        data = NewRequest(
            kind=kind,
            requester_name=self.text("requester_name"),
            relation=relation,
            received_on=received,
            channel=channel,
            case_id=case_id,
            summary=self.text("summary"),
            subject_person_id=subject,
        )
        self.check(lambda: data.validate(today))
        return data if self.ok else None


class FoiRequestForm(Form):
    """An FOI request as it arrived (rule 11): who asked, when and how, and what they asked
    for. It is about no case and no one, so the requester is recorded as "other"."""

    order = ("requester_name", "received_on", "channel", "summary")
    dates = ("received_on",)

    def request(self, today: date) -> NewRequest | None:
        if not self.text("requester_name"):
            self.fail("requester_name", "Enter the requester's name")
        received = self.date("received_on", "The date received", required="Enter the date received")
        channel = self.choice(Channel, "channel", "Choose how the request came")
        if not self.text("summary"):
            self.fail("summary", "Enter what was asked for")
        if received is None or channel is None or not self.ok:
            return None
        data = NewRequest(
            kind=RequestKind.FOI,
            requester_name=self.text("requester_name"),
            relation=Relation.OTHER,
            received_on=received,
            channel=channel,
            summary=self.text("summary"),
        )
        self.check(lambda: data.validate(today))
        return data if self.ok else None


class IdentityForm(Form):
    """The day identity was confirmed and what was seen: the clock starts."""

    order = ("confirmed_on", "evidence")
    dates = ("confirmed_on",)

    def identity(self, today: date, received_on: date) -> IdentityCheck | None:
        confirmed = self.date(
            "confirmed_on", "The date confirmed", required="Enter the date identity was confirmed"
        )
        if not self.text("evidence"):
            self.fail("evidence", "Enter what was seen")
        if confirmed is None or not self.ok:
            return None
        data = IdentityCheck(confirmed_on=confirmed, evidence=self.text("evidence"))
        self.check(lambda: data.validate(today, received_on))
        return data if self.ok else None


class ClarificationForm(Form):
    """Clarification asked for (the clock stops) and, once it comes, received."""

    order = ("asked_on", "received_on")
    dates = ("asked_on", "received_on")

    def clarification(self, today: date, request_received_on: date) -> Clarification | None:
        asked = self.date("asked_on", "The date asked", required="Enter the date asked")
        answered = self.date("received_on", "The date received")
        if asked is None or not self.ok:
            return None
        data = Clarification(asked_on=asked, received_on=answered)
        self.check(lambda: data.validate(today, request_received_on))
        return data if self.ok else None


class ExtensionForm(Form):
    """One or two further months (FOI: further working days), and why."""

    order = ("months", "working_days", "reason")

    def extension(self, kind: RequestKind) -> Extension | None:
        months = days = 0
        if kind is RequestKind.FOI:
            days = self.number("working_days", "Enter between 1 and 20 further working days") or 0
        else:
            months = self.number("months", "Choose an extension of 1 or 2 further months") or 0
        if not self.text("reason"):
            self.fail("reason", "Enter why it is extended")
        if not self.ok:
            return None
        data = Extension(reason=self.text("reason"), months=months, working_days=days)
        self.check(lambda: data.validate(kind))
        return data if self.ok else None


class ClosingForm(Form):
    """The outcome, and what was released."""

    order = ("outcome", "released")

    def closing(self) -> Closing | None:
        if not self.text("outcome"):
            self.fail("outcome", "Enter the outcome")
        if not self.ok:
            return None
        data = Closing(outcome=self.text("outcome"), released=self.text("released"))
        self.check(data.validate)
        return data if self.ok else None
