"""Each page's form (frontend/*/forms.py) on its own, without the app: what it reads into the
service's input from a good post, the problem each kind of bad input gives, the order the
error summary lists them in, and where each summary link goes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TypeVar
from uuid import uuid4

import pytest
from litestar.datastructures import FormMultiDict

from confide.frontend.admin.forms import (
    CaseListsForm,
    ConsentSettingsForm,
    SsoForm,
    StaffStatusForm,
)
from confide.frontend.casework.forms import (
    AssignmentForm,
    CloseForm,
    ContactForm,
    CorrectionForm,
    EnquiryForm,
    NoteForm,
)
from confide.frontend.consent.forms import CapacityForm, ConsentForm, ReviewForm
from confide.frontend.forms import Form
from confide.frontend.operator_forms import NewTenantForm, SignInForm, TenantStatusForm
from confide.frontend.sharing.forms import DecisionForm, RecordForm, ShareForm, TaskForm
from confide.platform.casework.schemas import (
    ContactedBy,
    ContactKind,
    Direction,
    ReferralRoute,
    Side,
)
from confide.platform.consent.schemas import (
    ConsentMethod,
    Decision,
    GivenBy,
    ItemKind,
    LegalBasis,
    SendMethod,
    TellMethod,
)
from confide.platform.core.clock import service_today
from confide.platform.core.errors import Invalid
from confide.platform.identity.schemas import StaffStatus
from confide.tenants.roles import StaffRole
from confide.tenants.schemas import ControllerKind, TenantStatus

TODAY = service_today()
F = TypeVar("F", bound=Form)


def posted(form: type[F], /, **fields: str | list[str]) -> F:
    """``form`` as a browser posts it (``field__part`` names a ``field-part`` input)."""
    pairs: list[tuple[str, str]] = [("_csrf_token", "token")]
    for name, value in fields.items():
        key = name.replace("__", "-")
        pairs += [(key, v) for v in value] if isinstance(value, list) else [(key, value)]
    return form.posted(FormMultiDict(pairs))


def day(prefix: str, when: date) -> dict[str, str]:
    return {f"{prefix}__day": str(when.day), f"{prefix}__month": str(when.month),
            f"{prefix}__year": str(when.year)}  # fmt: skip


# A new enquiry


def good_enquiry(**changes: str | list[str]) -> dict[str, str | list[str]]:
    fields: dict[str, str | list[str]] = {
        "contacted_by": "parent",
        "yp__first_name": "Jamie",
        "yp__last_name": "Smith",
        **day("yp__date_of_birth", date(2014, 3, 27)),
        "yp__may_post": "yes",
        "parent__first_name": "Ada",
        "parent__last_name": "Smith",
        "parent__phone": "01632 960001",
        "parent__may_phone": "yes",
        "referral_route": "self",
        "topics": ["EHC needs assessment", "Exclusion"],
        "support_level": "2",
        "consent__decision": "restricted",
        "consent__roles": ["Health"],
        "consent__parties_told": ["Health", "Social care"],
        "consent__given_by": "parent",
        "consent__method": "verbal",
        **day("consent__given_on", TODAY),
        "contact__kind": "phone",
        "contact__direction": "incoming",
        "contact__duration_minutes": "20",
        "contact__summary": "Asked about an assessment.",
    }
    return {**fields, **changes}


def test_an_enquiry_is_read_into_the_services_input() -> None:
    form = posted(EnquiryForm, **good_enquiry())
    enquiry, contact = form.first_contact()
    assert form.ok, form.errors
    assert enquiry.contacted_by is ContactedBy.PARENT
    assert enquiry.referral_route is ReferralRoute.SELF
    assert enquiry.young_person is not None
    assert enquiry.young_person.first_name == "Jamie"
    assert enquiry.young_person.date_of_birth == date(2014, 3, 27)
    assert (enquiry.young_person.may_post, enquiry.young_person.may_phone) == (True, False)
    assert [p.first_name for p in enquiry.parents] == ["Ada"]
    assert enquiry.parents[0].date_of_birth is None  # only the young person's is asked
    assert enquiry.topics == ["EHC needs assessment", "Exclusion"]
    assert enquiry.support_level == 2
    assert enquiry.consent is not None
    assert enquiry.consent.decision is Decision.RESTRICTED
    assert enquiry.consent.roles == ["Health"]
    assert enquiry.consent.parties_told == ["Health", "Social care"]
    assert enquiry.consent.given_on == TODAY
    assert enquiry.consent_not_asked is None
    assert contact is not None
    assert (contact.kind, contact.direction, contact.duration_minutes) == (
        ContactKind.PHONE,
        Direction.INCOMING,
        20,
    )
    assert form.getall("topics") == ["EHC needs assessment", "Exclusion"]


def test_a_blank_parent_section_records_no_one_and_not_asked_carries_why() -> None:
    fields = good_enquiry(consent__decision="not_asked", consent__not_asked_because="In a hurry")
    fields = {k: v for k, v in fields.items() if not k.startswith("parent__")}
    enquiry, _ = posted(EnquiryForm, **fields).first_contact()
    assert enquiry.parents == []
    assert (enquiry.consent, enquiry.consent_not_asked) == (None, "In a hurry")


def test_an_anonymous_enquiry_with_nothing_about_anyone_has_no_young_person() -> None:
    fields = {
        k: v
        for k, v in good_enquiry(anonymous="yes").items()
        if not k.startswith(("yp__", "parent__", "consent__"))
    }
    form = posted(EnquiryForm, **fields)
    enquiry, _ = form.first_contact()
    assert form.ok, form.errors
    assert enquiry.anonymous
    assert (enquiry.young_person, enquiry.parents, enquiry.consent) == (None, [], None)


def test_an_enquirys_problems_are_listed_in_page_order_with_date_anchors() -> None:
    form = posted(
        EnquiryForm,
        **good_enquiry(
            contacted_by="",
            yp__date_of_birth__month="13",
            support_level="5",
            consent__given_by="",
            consent__given_on__day="",
            contact__kind="",
            contact__duration_minutes="²",
        ),
    )
    _, contact = form.first_contact()
    assert contact is None  # no kind: no contact, and nothing may be saved
    assert list(form.errors) == [
        "contacted_by",
        "yp-date_of_birth",
        "support_level",
        "consent-given_by",
        "consent-given_on",
        "contact-kind",
        "contact-duration_minutes",
    ]
    assert form.errors["yp-date_of_birth"] == "Date of birth must be a real date"
    assert form.errors["consent-given_on"] == "The date consent was given must include a day"
    assert form.anchors == {
        "yp-date_of_birth": "yp-date_of_birth-day",
        "consent-given_on": "consent-given_on-day",
    }
    assert form.get("contact-duration_minutes") == "²", "what was typed is kept"


def test_the_services_keys_land_on_the_enquiry_forms_fields() -> None:
    form = posted(EnquiryForm, **good_enquiry())
    _, contact = form.first_contact()
    assert contact is not None
    form.absorb(
        {
            "young_person.first_name": "Enter their first name",
            "young_person": "Record the child or young person",
            "parents.0.email": "Enter a real email address",
            "consent": "Record their answer about consent, or why it was not asked yet",
            "consent.roles": "Choose roles from the list",
            "consent_not_asked": "Say why it was not asked yet",
            "topics": "Choose topics from the list",
        }
    )
    contact.summary = ""
    form.check_contact(contact)
    assert list(form.errors) == [
        "yp-first_name",
        "parent-email",
        "topics",
        "consent-decision",
        "consent-not_asked_because",
        "consent-roles",
        "contact-summary",
    ]
    assert form.errors["yp-first_name"] == "Enter their first name", "the first problem stands"


def test_consent_answers_that_do_not_go_with_the_decision_are_not_held_against_anyone() -> None:
    refused = posted(
        ConsentForm,
        consent__decision="refused",
        consent__roles=["Health"],
        consent__parties_told=["Health"],
        consent__advised_of_limits="yes",
        consent__given_by="young_person",
        consent__method="written",
        **day("consent__given_on", TODAY),
    ).consent()
    assert (refused.roles, refused.parties_told, refused.advised_of_limits) == ([], [], True)
    assert (refused.given_by, refused.method) == (GivenBy.YOUNG_PERSON, ConsentMethod.WRITTEN)
    full = posted(
        ConsentForm,
        consent__decision="full",
        consent__roles=["Health"],
        consent__advised_of_limits="yes",
        consent__given_by="parent",
        consent__method="verbal",
        **day("consent__given_on", TODAY),
    ).consent()
    assert (full.roles, full.advised_of_limits) == ([], False)


def test_a_consent_form_with_nothing_chosen_names_every_question() -> None:
    form = posted(ConsentForm, consent__note="Called back later")
    consent = form.consent()
    assert list(form.errors) == [
        "consent-decision",
        "consent-given_by",
        "consent-method",
        "consent-given_on",
    ]
    assert form.errors["consent-given_on"] == "Enter the date consent was given"
    assert consent.note == "Called back later"  # built anyway, so the service checks run too
    form.absorb(Invalid({"case": "This case is closed", "young_person_view": "Record it"}))
    assert form.errors["consent-decision"] == "Select whether information may be shared"
    assert "consent-young_person_view" in form.errors
    blank = ConsentForm.blank()
    assert blank.get("consent-given_on-year") == str(TODAY.year)


# Contacts, notes, closing, assigning


def test_a_contact_on_an_earlier_day_is_at_noon_and_a_young_persons_stays_theirs() -> None:
    person = uuid4()
    earlier = TODAY - timedelta(days=3)
    form = posted(
        ContactForm,
        kind="voicemail",
        direction="incoming",
        with_person_id=str(person),
        summary="Left a message",
        side="young_person_only",
        **day("occurred_on", earlier),
    )
    contact = form.contact()
    assert form.ok, form.errors
    assert contact is not None
    assert contact.occurred_at == datetime(earlier.year, earlier.month, earlier.day, 12, tzinfo=UTC)
    assert (contact.with_person_id, contact.side) == (person, Side.YOUNG_PERSON_ONLY)
    assert contact.duration_minutes is None
    today = posted(ContactForm, kind="phone", direction="outgoing", summary="x").contact()
    assert today is not None
    assert today.side is Side.SHARED
    assert abs(today.occurred_at - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({}, {"kind": "Select the kind of contact",
              "direction": "Select whether it was incoming or outgoing"}),
        ({"kind": "fax", "direction": "incoming"}, {"kind": "Select the kind of contact"}),
        ({"kind": "phone", "direction": "incoming", "with_person_id": "someone"},
         {"with_person_id": "Choose someone on this case"}),
        ({"kind": "phone", "direction": "incoming", "duration_minutes": "1" * 20},
         {"duration_minutes": "Enter the duration as a whole number of minutes"}),
        ({"kind": "phone", "direction": "incoming", **day("occurred_on", TODAY + timedelta(1))},
         {"occurred_on": "The date of the contact must not be in the future"}),
    ],
)  # fmt: skip
def test_a_contact_that_cannot_be_read_says_why(
    fields: dict[str, str], errors: dict[str, str]
) -> None:
    form = posted(ContactForm, **fields)
    form.contact()
    assert form.errors == errors
    assert form.anchors == ({"occurred_on": "occurred_on-day"} if "occurred_on" in errors else {})


def test_notes_corrections_closing_and_assigning_read_their_inputs() -> None:
    note = posted(NoteForm, body="Told us in confidence", side="young_person_only").note()
    assert (note.body, note.side) == ("Told us in confidence", Side.YOUNG_PERSON_ONLY)
    assert posted(NoteForm, body="x", side="anything").note().side is Side.SHARED
    correction = posted(CorrectionForm, body="New text", reason="Typo").correction()
    assert (correction.body, correction.reason) == ("New text", "Typo")
    close = posted(CloseForm, outcome="  Resolved  ")
    assert close.close().outcome == "Resolved"
    close.absorb(Invalid({"case": "This case is already closed"}))
    assert close.errors == {"outcome": "This case is already closed"}
    staff_id = uuid4()
    assign = posted(AssignmentForm, staff_id=str(staff_id))
    assert (assign.staff_id(), assign.assigned) == (staff_id, True)
    unassign = posted(AssignmentForm, staff_id="nobody", assigned="false")
    assert (unassign.staff_id(), unassign.assigned) == (None, False)
    assert unassign.errors == {"staff_id": "Choose a caseworker"}


# Capacity and review


def test_capacity_needs_an_answer_and_a_date() -> None:
    form = posted(CapacityForm, note="Talked it through")
    decision = form.decision()
    assert list(form.errors.items()) == [
        ("has_capacity", "Select whether they can decide for themselves"),
        ("judged_on", "Enter the date it was judged"),
    ]
    assert form.anchors == {"judged_on": "judged_on-day"}
    assert decision.judged_on == TODAY  # a stand-in, so the service's checks run too
    good = posted(CapacityForm, has_capacity="no", note="Too young", **day("judged_on", TODAY))
    assert (good.decision().has_capacity, good.ok) == (False, True)
    good.absorb(Invalid({"case": "An anonymous enquiry has no young person"}))
    assert list(good.errors) == ["has_capacity"]


def test_a_review_is_confirmed_changed_or_a_problem() -> None:
    assert posted(ReviewForm, changed="changed").changed
    confirmed = posted(ReviewForm, changed="confirmed", note="Still fine")
    review = confirmed.review()
    assert review is not None
    assert review.note == "Still fine"
    neither = posted(ReviewForm)
    assert neither.review() is None
    assert neither.errors == {"changed": "Select whether anything has changed"}
    confirmed.absorb(Invalid({"consent": "No consent to review"}))
    assert confirmed.errors == {"changed": "No consent to review"}


# Sharing


def share_fields(**changes: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "recipient_org": "Northmoor Academy",
        "recipient_role": "School or SENCO",
        "recipient_person": "Ms Patel",
        "purpose": "To plan support",
        "items": [f"note:{uuid4()}", "field:name"],
        **changes,
    }


def test_a_share_is_read_with_its_action_and_a_check_needs_no_legal_basis() -> None:
    check = posted(ShareForm, **share_fields(legal_basis="safeguarding", justification="Risk"))
    assert check.action == "check"
    data = check.disclosure()
    assert check.ok, check.errors
    assert [i.kind for i in data.items] == [ItemKind.NOTE, ItemKind.FIELD]
    assert (data.legal_basis, data.justification, data.ask_manager) == (None, "", False)
    assert not check.over_consent
    legal = posted(
        ShareForm, **share_fields(action="share", legal_basis="court_order", justification="Order")
    )
    data = legal.disclosure()
    assert (data.legal_basis, data.justification) == (LegalBasis.COURT_ORDER, "Order")
    assert legal.over_consent
    ask = posted(ShareForm, **share_fields(action="ask"))
    assert ask.disclosure().ask_manager
    assert posted(ShareForm, action="publish").action == "check"
    assert check.carried() == [
        ("recipient_org", "Northmoor Academy"),
        ("recipient_role", "School or SENCO"),
        ("recipient_person", "Ms Patel"),
        ("purpose", "To plan support"),
    ]


def test_a_shares_problems_in_order_and_whole_request_ones_link_to_the_page() -> None:
    form = posted(ShareForm, **share_fields(action="share", items=["memo:1"], legal_basis="hunch"))
    form.disclosure()
    form.absorb(Invalid({"case": "This case is closed", "purpose": "Enter the purpose"}))
    assert list(form.errors) == ["purpose", "items", "legal_basis", "case"]
    assert form.errors["items"] == "Choose items from this case"
    assert form.errors["legal_basis"] == "Select the legal basis for sharing without consent"
    assert form.anchors == {"case": "main-content"}
    assert not form.only_legal_problems
    legal_only = posted(ShareForm, **share_fields(action="share", legal_basis="safeguarding"))
    legal_only.disclosure()
    legal_only.absorb(Invalid({"justification": "Enter the justification"}))
    assert legal_only.only_legal_problems


def test_recording_a_share_sent_or_not() -> None:
    form = posted(RecordForm, method="post", sent_to="Ms Patel, by hand", **day("sent_on", TODAY))
    sent = form.sent()
    assert sent is not None
    assert (sent.sent_on, sent.method, sent.sent_to) == (
        TODAY,
        SendMethod.POST,
        "Ms Patel, by hand",
    )
    missing = posted(RecordForm, method="pigeon")
    assert missing.sent() is None
    assert list(missing.errors.items()) == [
        ("sent_on", "Enter the date it was sent"),
        ("method", "Select how it was sent"),
        ("sent_to", "Enter who it was sent to"),
    ]
    assert missing.anchors == {"sent_on": "sent_on-day"}
    assert posted(RecordForm, reason="No longer needed").cancel().reason == "No longer needed"
    assert RecordForm.blank().get("sent_on-day") == str(TODAY.day)


def test_a_managers_decision_needs_a_basis_and_a_justification() -> None:
    form = posted(DecisionForm)
    assert form.authorisation() is None
    assert list(form.errors.items()) == [
        ("legal_basis", "Select the legal basis for sharing without consent"),
        ("justification", "Enter the justification"),
    ]
    good = posted(DecisionForm, legal_basis="police_request", justification="A written request")
    authorisation = good.authorisation()
    assert authorisation is not None
    assert authorisation.legal_basis is LegalBasis.POLICE_REQUEST
    good.absorb(Invalid({"disclosure": "This request has already been decided"}))
    assert good.anchors == {"disclosure": "main-content"}
    assert posted(DecisionForm, reason="Not needed").decline().reason == "Not needed"


def test_telling_and_delaying() -> None:
    told = posted(TaskForm, told_how="letter", note="Sent", **day("told_on", TODAY)).told()
    assert told is not None
    assert (told.told_on, told.told_how, told.note) == (TODAY, TellMethod.LETTER, "Sent")
    form = posted(TaskForm, told_how="phone")
    assert form.told() is None
    assert form.errors == {"told_on": "Enter the date they were told"}
    assert form.get("told_how") == "phone"
    later = TODAY + timedelta(days=10)
    delay = posted(TaskForm, reason="Risk at home", **day("new_due_on", later)).delay()
    assert delay is not None
    assert delay.new_due_on == later
    nothing = posted(TaskForm)
    assert nothing.delay() is None
    assert list(nothing.errors) == ["reason", "new_due_on"]
    assert nothing.anchors == {"new_due_on": "new_due_on-day"}


# The tenant admin


def test_sign_in_settings_keep_no_secret_and_map_groups_to_roles() -> None:
    form = posted(
        SsoForm,
        issuer="https://login.example.org",
        client_id="abc",
        client_secret=" s3cret ",
        scopes="openid email",
        groups_claim="groups",
        allowed_email_domains="Northmoor.gov.uk, , example.org",
        groups_caseworker="cw\n\n mgr ",
        groups_manager="mgr",
    )
    settings = form.settings()
    assert settings.client_secret == " s3cret ", "a secret is taken as typed"
    assert "client_secret" not in form.values, "and never shown again"
    assert settings.role_mapping == {
        "cw": (StaffRole.CASEWORKER,),
        "mgr": tuple(sorted((StaffRole.CASEWORKER, StaffRole.MANAGER))),
    }
    assert settings.allowed_email_domains == ("northmoor.gov.uk", "example.org")
    assert posted(SsoForm, issuer="x").settings().client_secret is None  # keep the stored one


def test_case_lists_and_consent_settings() -> None:
    lists = posted(
        CaseListsForm,
        topics="Exclusion\n\n  Transport  \n",
        support_level_1="Information",
        support_level_2="Advice",
    )
    assert lists.topics() == ["Exclusion", "Transport"]
    assert lists.support_levels() == ["Information", "Advice", "", ""]
    lists.absorb(Invalid({"support_levels": "Name every level"}))
    assert lists.errors == {"support_level_1": "Name every level"}
    settings = posted(
        ConsentSettingsForm,
        roles="Health\nSocial care",
        review_months="twelve",
        review_notice_days="28",
        lapsed="blocks",
        tell_client_days="5",
        capacity_age="12",
        unsent_share_days="5",
    )
    read = settings.settings()
    assert read.roles == ["Health", "Social care"]
    assert (read.review_months, read.lapsed_blocks, read.capacity_age) == (1, True, 12)
    assert settings.errors == {
        "review_months": "Enter the review interval as a whole number of months"
    }
    unanswered = posted(ConsentSettingsForm, roles="Health")
    unanswered.settings()
    assert list(unanswered.errors) == [
        "review_months",
        "review_notice_days",
        "lapsed",
        "tell_client_days",
        "capacity_age",
        "unsent_share_days",
    ]


def test_a_staff_status_is_only_active_or_suspended() -> None:
    assert posted(StaffStatusForm, status="suspended").status() is StaffStatus.SUSPENDED
    assert posted(StaffStatusForm, status="active").status() is StaffStatus.ACTIVE
    with pytest.raises(Invalid) as refused:
        posted(StaffStatusForm, status="deleted").status()
    assert refused.value.errors == {"status": "Choose active or suspended"}


# Platform operators


def test_operator_sign_in_shows_only_the_email_again_and_cut_short() -> None:
    long_email = "a" * 400 + "@example.org"
    form = posted(SignInForm, email=long_email, password=" pass word ", code="123456")
    assert form.credentials() == (long_email, " pass word ", "123456")
    assert form.get("email") == long_email[:320]
    assert set(form.values) == {"email"}


def test_a_new_tenant_names_each_missing_field_and_the_registrys_problems_as_sentences() -> None:
    form = posted(NewTenantForm, controller_kind="government")
    assert form.tenant() is None
    assert list(form.errors.items()) == [
        ("slug", "Enter the service's short name"),
        ("display_name", "Enter the service's name"),
        ("controller_kind", "Select who runs the service"),
    ]
    good = posted(NewTenantForm, slug="cumbria", display_name="Cumbria", controller_kind="charity")
    assert good.tenant() == ("cumbria", "Cumbria", ControllerKind.CHARITY)
    good.absorb(Invalid({"slug": "a tenant with this slug exists"}))
    assert good.errors == {"slug": "A tenant with this slug exists"}
    assert NewTenantForm.blank().get("controller_kind") == "council"
    assert posted(TenantStatusForm, status="suspended").status() is TenantStatus.SUSPENDED
    assert posted(TenantStatusForm, status="gone").status() is None
