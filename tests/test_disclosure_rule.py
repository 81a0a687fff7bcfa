"""The disclosure decision's truth table: every branch of ``decide``, one row each, without
the database. A row says what is shared with whom, on what consent, for which young person
and case, and what the rule must answer."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4

import pytest

from confide.platform.consent.disclosures import decide
from confide.platform.consent.schemas import (
    CapacityDecisionView,
    CapacityView,
    CheckCode,
    ConsentMethod,
    ConsentView,
    Decision,
    GivenBy,
)
from confide.tenants.policy.services import PolicyView

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 10, 30, tzinfo=UTC)
POLICY = PolicyView()  # roles: School or SENCO, Local authority SEN team, Health, ...
WARNS = PolicyView(lapsed_consent_blocks=False)


def given(
    decision: Decision = Decision.FULL,
    *,
    by: GivenBy = GivenBy.PARENT,
    roles: tuple[str, ...] = (),
    told: tuple[str, ...] = ("School or SENCO",),
    lapsed: bool = False,
) -> ConsentView:
    return ConsentView(
        id=uuid4(),
        case_id=uuid4(),
        version=1,
        decision=decision,
        roles=list(roles),
        given_by=by,
        method=ConsentMethod.VERBAL,
        given_on=TODAY - timedelta(days=30),
        advised_of_limits=decision is Decision.REFUSED,
        parties_told=list(told),
        young_person_view="",
        note="",
        review_due=TODAY - timedelta(days=1) if lapsed else TODAY + timedelta(days=300),
        lapsed=lapsed,
        recorded_by=uuid4(),
        recorded_by_name="Aisha Rahman",
        recorded_at=datetime(2026, 10, 30, 10, 0),
    )


def aged(age: int | None, *, judged: bool | None = None) -> CapacityView:
    """A young person of ``age`` (None: not recorded), with a decision when ``judged``."""
    decision = None
    if judged is not None:
        decision = CapacityDecisionView(
            uuid4(), judged, TODAY, uuid4(), "Aisha Rahman", "Judged at a meeting", NOW
        )
    has = judged if judged is not None else (None if age is None else age >= 12)
    return CapacityView(age, 12, has, decision, [decision] if decision else [])


@dataclass(frozen=True)
class Row:
    consent: ConsentView | None
    role: str = "School or SENCO"
    capacity: CapacityView | None = None
    young_person_items: int = 0
    closed: bool = False
    anonymous: bool = False
    policy: PolicyView = POLICY


FOURTEEN = aged(14)
NINE = aged(9)
PARENT = given()
RESTRICTED = given(Decision.RESTRICTED, roles=("School or SENCO",))
OWN = given(by=GivenBy.YOUNG_PERSON)

# (id, row, allowed, code, words the reason or warning must contain)
TABLE = [
    # The case itself.
    ("anonymous", Row(None, anonymous=True), False, CheckCode.ANONYMOUS, "anonymous enquiry"),
    ("closed", Row(PARENT, capacity=FOURTEEN, closed=True), False, CheckCode.CASE_CLOSED,
     "closed"),
    ("anonymous before closed", Row(PARENT, anonymous=True, closed=True), False,
     CheckCode.ANONYMOUS, "anonymous enquiry"),
    ("closed before anything else", Row(given(Decision.REFUSED), role="Police", closed=True),
     False, CheckCode.CASE_CLOSED, "closed"),
    # Recipients no consent covers, whatever the consent.
    ("police, full consent", Row(PARENT, role="Police", capacity=FOURTEEN), False,
     CheckCode.LEGAL_BASIS_ONLY, "Police is not one of the professional roles"),
    ("court, full consent", Row(PARENT, role="Court", capacity=FOURTEEN), False,
     CheckCode.LEGAL_BASIS_ONLY, "Court is not"),
    ("other, full consent", Row(PARENT, role="Other", capacity=FOURTEEN), False,
     CheckCode.LEGAL_BASIS_ONLY, "Other is not"),
    ("a role no longer on the list", Row(given(Decision.RESTRICTED, roles=("Youth justice",)),
     role="Youth justice", capacity=FOURTEEN), False, CheckCode.LEGAL_BASIS_ONLY,
     "Youth justice is not"),
    # The consent.
    ("no consent", Row(None, capacity=FOURTEEN), False, CheckCode.NO_CONSENT, "No consent"),
    ("refused", Row(given(Decision.REFUSED, told=()), capacity=FOURTEEN), False,
     CheckCode.REFUSED, "refused consent"),
    ("restricted, other role", Row(RESTRICTED, role="Health", capacity=FOURTEEN), False,
     CheckCode.RESTRICTED_EXCLUDES, "Health is not one of them"),
    ("restricted, its role", Row(RESTRICTED, capacity=FOURTEEN), True,
     CheckCode.RESTRICTED_INCLUDES, "includes School or SENCO"),
    ("full", Row(PARENT, capacity=FOURTEEN), True, CheckCode.FULL, "Full consent"),
    ("full, told about no-one", Row(given(told=()), capacity=FOURTEEN), True, CheckCode.FULL,
     "told about no particular parties"),
    ("full, a role they were not told about", Row(PARENT, role="Health", capacity=FOURTEEN),
     True, CheckCode.FULL, "not Health: tell them who it is going to"),
    # Whose consent covers what: the young person's own needs capacity.
    ("own consent, 14", Row(OWN, capacity=FOURTEEN, young_person_items=2), True,
     CheckCode.FULL, "Full consent"),
    ("own consent, 9", Row(OWN, capacity=NINE), False, CheckCode.YOUNG_PERSON_CANNOT_DECIDE,
     "under the service's age of 12"),
    ("own consent, 9, judged able", Row(OWN, capacity=aged(9, judged=True)), True,
     CheckCode.FULL, "Full consent"),
    ("own consent, 14, judged not able", Row(OWN, capacity=aged(14, judged=False)), False,
     CheckCode.YOUNG_PERSON_CANNOT_DECIDE, "not able to decide"),
    ("own consent, age unknown", Row(OWN, capacity=aged(None)), False,
     CheckCode.YOUNG_PERSON_CANNOT_DECIDE, "age is not recorded"),
    ("own consent, no young person on the case", Row(OWN), False,
     CheckCode.YOUNG_PERSON_CANNOT_DECIDE, "A parent's or carer's consent is needed"),
    # A parent's consent: the parent's side only for a young person who can decide.
    ("parent, 14, their confidences", Row(PARENT, capacity=FOURTEEN, young_person_items=1),
     False, CheckCode.YOUNG_PERSON_SIDE, "at or over the service's age of 12"),
    ("parent, age unknown, confidences", Row(PARENT, capacity=aged(None),
     young_person_items=1), False, CheckCode.YOUNG_PERSON_SIDE, "age is not recorded"),
    ("parent, no young person, confidences", Row(PARENT, young_person_items=1), False,
     CheckCode.YOUNG_PERSON_SIDE, "parent's side only"),
    ("parent, 14, the parent's side", Row(PARENT, capacity=FOURTEEN), True, CheckCode.FULL,
     "Full consent"),
    ("parent, 9, their confidences", Row(PARENT, capacity=NINE, young_person_items=1), True,
     CheckCode.FULL, "Full consent"),
    ("parent, 14 judged not able, confidences", Row(PARENT, capacity=aged(14, judged=False),
     young_person_items=1), True, CheckCode.FULL, "Full consent"),
    ("carer, restricted, 14, confidences", Row(replace(RESTRICTED, given_by=GivenBy.CARER),
     capacity=FOURTEEN, young_person_items=1), False, CheckCode.YOUNG_PERSON_SIDE,
     "parent's side only"),
    # A consent past its review date.
    ("lapsed, the tenant blocks", Row(given(lapsed=True), capacity=FOURTEEN), False,
     CheckCode.LAPSED, "due for review"),
    ("lapsed, the tenant warns", Row(given(lapsed=True), capacity=FOURTEEN, policy=WARNS), True,
     CheckCode.LAPSED_WARNING, "review it with them soon"),
    ("lapsed restricted, the tenant blocks", Row(replace(RESTRICTED, lapsed=True),
     capacity=FOURTEEN), False, CheckCode.LAPSED, "Review it with the service user"),
    ("lapsed, warns, a role they were not told about", Row(given(lapsed=True), role="Health",
     capacity=FOURTEEN, policy=WARNS), True, CheckCode.LAPSED_WARNING,
     "review it with them soon. When they gave consent they were told about School or SENCO,"
     " not Health"),
    ("lapsed restricted, warns", Row(replace(RESTRICTED, lapsed=True), capacity=FOURTEEN,
     policy=WARNS), True, CheckCode.LAPSED_WARNING, "due for review"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "allowed", "code", "words"),
    [pytest.param(row, allowed, code, words, id=name) for name, row, allowed, code, words in TABLE],
)
def test_the_disclosure_decision(row: Row, allowed: bool, code: CheckCode, words: str) -> None:
    result = decide(
        row.consent,
        row.role,
        row.policy,
        capacity=row.capacity,
        young_person_items=row.young_person_items,
        closed=row.closed,
        anonymous=row.anonymous,
    )
    assert (result.allowed, result.code) == (allowed, code)
    assert words in f"{result.reason} {result.warning or ''}"
    assert result.recipient_role == row.role
    assert result.consent is row.consent


def test_every_outcome_of_the_decision_is_in_the_table() -> None:
    # A case file released on an information request is recorded with its own code by the
    # release (rule 10), never decided by the share rule.
    decided = set(CheckCode) - {CheckCode.INFORMATION_REQUEST}
    assert {code for _, _, _, code, _ in TABLE} == decided


@pytest.mark.parametrize(
    "row",
    [pytest.param(row, id=name) for name, row, allowed, _, _ in TABLE if not allowed],
)
def test_a_refusal_carries_no_warning(row: Row) -> None:
    refused = decide(row.consent, row.role, row.policy, capacity=row.capacity,
                     young_person_items=row.young_person_items, closed=row.closed,
                     anonymous=row.anonymous)  # fmt: skip
    assert refused.warning is None


def test_an_allowed_share_with_nothing_to_warn_of_carries_no_warning() -> None:
    for consent in (PARENT, RESTRICTED):
        allowed = decide(consent, "School or SENCO", POLICY, capacity=FOURTEEN)
        assert allowed.allowed
        assert allowed.warning is None
