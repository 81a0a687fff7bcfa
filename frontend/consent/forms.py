"""The consent pages' forms: a consent (also asked on the new-enquiry page), a review, a
decision about the young person's capacity.

The consent questions carry the ``consent-`` prefix wherever they are asked, so the
new-enquiry page and the consent page read them with one reader, ``read_consent``.
"""

from __future__ import annotations

from confide.frontend.forms import Form, date_fields
from confide.platform.consent.schemas import (
    ConsentMethod,
    Decision,
    GivenBy,
    NewCapacityDecision,
    NewConsent,
    ReviewConsent,
)
from confide.platform.core.clock import service_today

CONSENT = "consent-"
DECISION = f"{CONSENT}decision"
ROLES = f"{CONSENT}roles"
PARTIES = f"{CONSENT}parties_told"
GIVEN_ON = f"{CONSENT}given_on"
# At first contact the answer may be "not asked yet", with why.
NOT_ASKED = "not_asked"
NOT_ASKED_BECAUSE = f"{CONSENT}not_asked_because"
# The consent questions in the order consent/_fields.html asks them.
CONSENT_ORDER = (
    DECISION,
    NOT_ASKED_BECAUSE,
    ROLES,
    PARTIES,
    f"{CONSENT}advised_of_limits",
    f"{CONSENT}given_by",
    f"{CONSENT}method",
    GIVEN_ON,
    f"{CONSENT}young_person_view",
    f"{CONSENT}note",
)


def read_consent(form: Form) -> NewConsent:
    """The consent questions as the service's input. Built even when an answer is missing
    (a stand-in, its problem already on the form), so the service's own checks run too and
    one pass shows every problem."""
    decision = form.choice(Decision, DECISION, "Select whether information may be shared")
    given_by = form.choice(GivenBy, f"{CONSENT}given_by", "Select who gave the answer")
    method = form.choice(ConsentMethod, f"{CONSENT}method", "Select how the answer was given")
    given_on = form.date(
        GIVEN_ON, "The date consent was given", required="Enter the date consent was given"
    )
    # Roles only go with a restricted consent, and parties told with a consent to share:
    # with JavaScript off every box is visible, so ticks left under another answer are not
    # held against the person.
    roles = form.getall(ROLES) if decision is Decision.RESTRICTED else []
    parties = form.getall(PARTIES) if decision is not Decision.REFUSED else []
    return NewConsent(
        decision=decision or Decision.FULL,
        given_by=given_by or GivenBy.PARENT,
        method=method or ConsentMethod.VERBAL,
        given_on=given_on or service_today(),
        roles=list(roles),
        parties_told=list(parties),
        advised_of_limits=decision is Decision.REFUSED
        and form.ticked(f"{CONSENT}advised_of_limits"),
        young_person_view=form.text(f"{CONSENT}young_person_view"),
        note=form.text(f"{CONSENT}note"),
    )


class ConsentForm(Form):
    """A new version of the consent (``/cases/<id>/consent/new``)."""

    order = CONSENT_ORDER
    lists = (ROLES, PARTIES)
    dates = (GIVEN_ON,)

    @classmethod
    def blank(cls) -> ConsentForm:
        """Nothing answered yet; given today unless the caseworker changes it."""
        return cls(date_fields(GIVEN_ON, service_today()))

    def field_of(self, key: str) -> str:
        # "case": closed or anonymous, shown on the first question.
        return DECISION if key == "case" else f"{CONSENT}{key}"

    def consent(self) -> NewConsent:
        return read_consent(self)


class CapacityForm(Form):
    """A decision about whether the young person can decide for themselves."""

    order = ("has_capacity", "judged_on", "note")
    dates = ("judged_on",)
    ANSWERS = (("yes", "They can decide for themselves"), ("no", "They cannot decide yet"))

    @classmethod
    def blank(cls) -> CapacityForm:
        return cls(date_fields("judged_on", service_today()))

    def field_of(self, key: str) -> str:
        return "has_capacity" if key == "case" else key  # "case": an anonymous enquiry

    def decision(self) -> NewCapacityDecision:
        """The decision as the service takes it (a stand-in date when none could be read)."""
        answer = self.text("has_capacity")
        if answer not in ("yes", "no"):
            self.fail("has_capacity", "Select whether they can decide for themselves")
        judged_on = self.date(
            "judged_on", "The date it was judged", required="Enter the date it was judged"
        )
        return NewCapacityDecision(
            has_capacity=answer == "yes",
            judged_on=judged_on or service_today(),
            note=self.text("note"),
        )


class ReviewForm(Form):
    """The review: confirmed as it stands, or changed (then the consent questions again)."""

    CONFIRMED = "confirmed"
    CHANGED = "changed"
    order = ("changed", "note")

    def field_of(self, key: str) -> str:
        # "case" (closed, anonymous) and "consent" (none to review) are about the answer.
        return "changed" if key in ("case", "consent") else key

    @property
    def changed(self) -> bool:
        return self.text("changed") == self.CHANGED

    def review(self) -> ReviewConsent | None:
        """The confirmed review; None (its problem noted) when neither answer was chosen."""
        if self.text("changed") != self.CONFIRMED:
            self.fail("changed", "Select whether anything has changed")
            return None
        return ReviewConsent(note=self.text("note"))
