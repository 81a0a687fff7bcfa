"""Logging a request on a case, and confirming the requester's identity."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from confide.frontend.forms import Form
from confide.platform.requests.schemas import (
    Channel,
    IdentityCheck,
    NewRequest,
    Relation,
    RequestKind,
)

#: What a request on a case can be (FOI is about no case).
CASE_KINDS = (RequestKind.SUBJECT_ACCESS, RequestKind.CASE_FILE)


class LogRequestForm(Form):
    """Who asked, how they relate to the person, when and how it came."""

    order = ("kind", "requester_name", "relation", "received_on", "channel", "summary")
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
