"""The forms of a case's life (issue 14): a person's or the case's details changed with a
reason, a contact corrected, a case reopened, a returning family's new case.

A changed-details form is shown filled with the details as they stand and posts them all
back; the service keeps only the fields that differ, each with its old value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

from confide.frontend.casework.forms import SAFE_CONTACT_FIELDS, SUPPORT_LEVELS, read_contact
from confide.frontend.forms import YES, Form, date_fields
from confide.platform.casework.schemas import (
    CaseChange,
    CaseView,
    ContactCorrection,
    ContactedBy,
    ContactView,
    PersonChange,
    PersonView,
    ReferralRoute,
    Reopen,
    ReturningFamily,
)

PERSON_TEXT = ("first_name", "last_name", "school_or_setting", "primary_need", "phone",
               "email", "address", "postcode", "preferred_times", "safe_contact_note")  # fmt: skip
CHILD_ONLY = ("date_of_birth", "school_or_setting", "primary_need")
NOTHING_CHANGED = "changes"


class PersonForm(Form):
    """A person's details and safe-contact preferences, and why they change."""

    order = (
        NOTHING_CHANGED,
        "first_name",
        "last_name",
        "date_of_birth",
        "school_or_setting",
        "primary_need",
        "phone",
        "email",
        "address",
        "postcode",
        *SAFE_CONTACT_FIELDS,
        "preferred_times",
        "safe_contact_note",
        "reason",
    )
    dates = ("date_of_birth",)
    page_wide = (NOTHING_CHANGED,)

    @classmethod
    def of(cls, person: PersonView) -> PersonForm:
        values = {name: getattr(person, name) or "" for name in PERSON_TEXT if
                  name not in ("preferred_times", "safe_contact_note")}  # fmt: skip
        values["preferred_times"] = person.safe_contact.preferred_times
        values["safe_contact_note"] = person.safe_contact.note
        for name in SAFE_CONTACT_FIELDS:
            if getattr(person.safe_contact, name):
                values[name] = YES
        if person.date_of_birth is not None:
            values.update(date_fields("date_of_birth", person.date_of_birth))
        return cls(values)

    def change(self, child: bool) -> PersonChange:
        """Every field the page shows, as it was posted (the service keeps what differs)."""
        change = PersonChange(
            reason=self.text("reason"),
            first_name=self.text("first_name"),
            last_name=self.text("last_name"),
            phone=self.optional("phone"),
            email=self.optional("email"),
            address=self.optional("address"),
            postcode=self.optional("postcode"),
            preferred_times=self.text("preferred_times"),
            safe_contact_note=self.text("safe_contact_note"),
            may_phone=self.ticked("may_phone"),
            may_leave_voicemail=self.ticked("may_leave_voicemail"),
            may_text=self.ticked("may_text"),
            may_email=self.ticked("may_email"),
            may_post=self.ticked("may_post"),
        )
        if child:
            change.date_of_birth = self.date("date_of_birth", "Date of birth")
            change.school_or_setting = self.optional("school_or_setting")
            change.primary_need = self.optional("primary_need")
        return change


class CaseDetailsForm(Form):
    """Who got in touch, the referral, topics and support level, and why they change."""

    order = (
        NOTHING_CHANGED,
        "contacted_by",
        "referral_route",
        "referrer_name",
        "referrer_consent_on",
        "referrer_consent_confirmed",
        "topics",
        "support_level",
        "reason",
    )
    lists = ("topics",)
    dates = ("referrer_consent_on",)
    page_wide = (NOTHING_CHANGED,)

    @classmethod
    def of(cls, case: CaseView) -> CaseDetailsForm:
        values = {
            "contacted_by": case.contacted_by,
            "referral_route": case.referral_route,
            "referrer_name": case.referrer_name or "",
            "support_level": str(case.support_level),
        }
        if case.referrer_consent_confirmed:
            values["referrer_consent_confirmed"] = YES
        if case.referrer_consent_on is not None:
            values.update(date_fields("referrer_consent_on", case.referrer_consent_on))
        return cls(values, {"topics": case.topics})

    def change(self) -> CaseChange:
        contacted_by = self.choice(ContactedBy, "contacted_by", "Select who got in touch")
        route = self.choice(ReferralRoute, "referral_route", "Select how they came")
        support = self.text("support_level")
        if support not in SUPPORT_LEVELS:
            self.fail("support_level", "Select the level of support")
        return CaseChange(
            reason=self.text("reason"),
            contacted_by=contacted_by or ContactedBy.PARENT,
            referral_route=route or ReferralRoute.SELF,
            referrer_name=self.optional("referrer_name"),
            referrer_consent_on=self.date("referrer_consent_on", "The date consent was given"),
            referrer_consent_confirmed=self.ticked("referrer_consent_confirmed"),
            topics=self.getall("topics"),
            support_level=int(support) if support in SUPPORT_LEVELS else 1,
        )


class ContactCorrectionForm(Form):
    """A contact's corrected version, and why (the first is kept)."""

    order = ("kind", "direction", "with_person_id", "occurred_on", "duration_minutes",
             "summary", "reason")  # fmt: skip
    dates = ("occurred_on",)

    @classmethod
    def of(cls, contact: ContactView) -> ContactCorrectionForm:
        values = {
            "kind": contact.kind,
            "direction": contact.direction,
            "summary": contact.summary,
            "with_person_id": str(contact.with_person_id or ""),
            "duration_minutes": ""
            if contact.duration_minutes is None
            else str(contact.duration_minutes),
            **date_fields("occurred_on", contact.occurred_at.date()),
        }
        return cls(values)

    def correction(self, contact: ContactView) -> ContactCorrection | None:
        """The correction; it keeps the contact's time unless its day changes (then noon)."""
        read = read_contact(self)
        person_id = None
        if with_person := self.text("with_person_id"):
            try:
                person_id = UUID(with_person)
            except ValueError:
                self.fail("with_person_id", "Choose someone on this case")
        if read is None:
            return None
        occurred_at = contact.occurred_at
        day = self.date("occurred_on", "The date of the contact")
        if day is not None and day != contact.occurred_at.date():
            occurred_at = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        return ContactCorrection(
            kind=read.kind,
            direction=read.direction,
            occurred_at=occurred_at,
            summary=read.summary,
            duration_minutes=read.duration_minutes,
            with_person_id=person_id,
            reason=self.text("reason"),
        )


class ReopenForm(Form):
    order = ("reason",)
    page_wide = ("case",)

    def reopen(self) -> Reopen:
        return Reopen(reason=self.text("reason"))


class ReturningForm(Form):
    """A new case for a family who come back: who got in touch, what about, how much help
    (a self-referral; the case's details page changes the referral later)."""

    order = ("contacted_by", "topics", "support_level")
    lists = ("topics",)
    page_wide = ("case",)

    def returning(self) -> ReturningFamily:
        contacted_by = self.choice(ContactedBy, "contacted_by", "Select who got in touch")
        support = self.text("support_level")
        if support not in SUPPORT_LEVELS:
            self.fail("support_level", "Select the level of support")
        return ReturningFamily(
            contacted_by=contacted_by or ContactedBy.PARENT,
            topics=self.getall("topics"),
            support_level=int(support) if support in SUPPORT_LEVELS else 1,
        )
