"""Synthetic case work for the demo tenants: invented people, never real data.

``confide seed-demo --idp URL`` fills each demo tenant with about 40 cases:
children and young people aged 2 to 24 with parents or carers, fictional
schools and settings, postcodes made from outward codes invented here, phone
numbers from Ofcom's ranges reserved for drama, ``example.*`` email
addresses, varied safe-contact preferences, contacts and notes (some on the
young person's confidential side, one corrected), consent asked at first
contact (with the parties they were told about and, for a young child, the child's
view; some shares sent with it, one allowed and not sent yet, one authorised by a
manager on safeguarding grounds and sent, a few consents due for review), some cases
closed with an outcome, a police request for one closed case's file authorised by a
manager and sent, and one anonymous enquiry. Every name comes from the lists below;
nothing is imported from anywhere.

The demo staff are recorded exactly as signing in through the development
provider records them (``record_sign_in``, roles from their groups through the
tenant's role mapping), and the cases are made by the case-work services,
acting as those staff, so the audit chain reads as if they had done the work.

A random generator seeded with the tenant's slug makes the same people and
cases every time (dates are relative to today). A tenant that already has
cases is left alone, so running it again adds nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from confide.platform.casework.records import (
    add_contact,
    add_note,
    change_assignment,
    close_case,
    correct_note,
)
from confide.platform.casework.schemas import (
    DEFAULT_TOPICS,
    CloseCase,
    ContactedBy,
    ContactKind,
    Direction,
    NewContact,
    NewNote,
    NewPerson,
    NoteCorrection,
    ReferralRoute,
    SafeContact,
    Side,
)
from confide.platform.casework.tables import Case
from confide.platform.consent.disclosures import send, share
from confide.platform.consent.first_contact import record_first_contact
from confide.platform.consent.schemas import (
    ConsentMethod,
    Decision,
    FirstContact,
    GivenBy,
    ItemKind,
    ItemRef,
    LegalBasis,
    NewConsent,
    NewDisclosure,
    SendMethod,
    SentDisclosure,
)
from confide.platform.consent.tables import Consent
from confide.platform.core.clock import SERVICE_ZONE, add_months, service_today
from confide.platform.core.db import tenant_transaction
from confide.platform.devidp import DEMO_USERS
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.staff import record_sign_in
from confide.tenants.policy.services import DEFAULT_PROFESSIONAL_ROLES
from confide.tenants.roles import StaffRole
from confide.tenants.services import get_active_tenant
from confide.tenants.sso.services import get_sso

__all__ = [
    "DEFAULT_CASES",
    "FIRST_NAMES",
    "LAST_NAMES",
    "PARENT_FIRST_NAMES",
    "PLACES",
    "PRIMARY_NEEDS",
    "SeedResult",
    "seed_demo_cases",
]

DEFAULT_CASES = 40

# --- The built-in lists ---------------------------------------------------------------

FIRST_NAMES = (
    "Oliver", "Amelia", "Muhammad", "Isla", "Noah", "Ava", "Leo", "Freya", "Arthur", "Maya",
    "Jayden", "Zara", "Kai", "Aaliyah", "Reuben", "Imani", "Dylan", "Niamh", "Ibrahim", "Ffion",
    "Harvey", "Priya", "Tomasz", "Zofia", "Kofi", "Ama", "Rhys", "Eilidh", "Yusuf", "Hana",
    "Callum", "Siobhan", "Arjun", "Leila", "Theo", "Grace", "Mateo", "Esme", "Ezra", "Nia",
    "Finley", "Chloe", "Aryan", "Ayesha", "Jake", "Poppy", "Luca", "Amara", "Osian", "Mia",
)  # fmt: skip
PARENT_FIRST_NAMES = (
    "Sarah", "James", "Fatima", "David", "Claire", "Imran", "Joanne", "Michael", "Nadia", "Paul",
    "Lisa", "Abdul", "Karen", "Daniel", "Shabana", "Mark", "Agnieszka", "Marek", "Chidi",
    "Folake", "Gemma", "Wayne", "Sunita", "Rajesh", "Bethan", "Gareth", "Mairead", "Declan",
    "Tanisha", "Marcus", "Rebecca", "Stuart", "Yasmin", "Hassan", "Leanne", "Craig", "Mei",
    "Wei", "Donna", "Lamar",
)  # fmt: skip
LAST_NAMES = (
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Khan", "Patel", "Begum",
    "Hussain", "Ahmed", "Evans", "Thomas", "Roberts", "Walker", "Wright", "Robinson", "Okafor",
    "Mensah", "Adebayo", "Kowalski", "Nowak", "O'Brien", "Murphy", "MacDonald", "Campbell",
    "Singh", "Kaur", "Chen", "Nguyen", "Hughes", "Edwards", "Green", "Hall", "Clarke",
    "Mahmood", "Ali", "Shah", "Lewis", "Morgan", "Ward", "Turner", "Fraser", "Reid", "Owusu",
    "Da Silva", "Novak", "Whitaker", "Pearson", "Lloyd",
)  # fmt: skip
PRIMARY_NEEDS = (
    "Autism",
    "Speech, language and communication",
    "Social, emotional and mental health",
    "Specific learning difficulty",
    "Moderate learning difficulty",
    "Severe learning difficulty",
    "Physical disability",
    "Hearing impairment",
    "Visual impairment",
    "Multi-sensory impairment",
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters a real inward code may use


@dataclass(frozen=True)
class Place:
    """A demo tenant's invented area: outward codes, streets, schools and settings."""

    town: str
    districts: tuple[str, ...]
    outward_codes: tuple[str, ...]  # invented: no real postcode area uses these letters
    landline: str  # an Ofcom drama range: never a real number
    streets: tuple[str, ...]
    early_years: tuple[str, ...]
    primary: tuple[str, ...]
    secondary: tuple[str, ...]
    post_16: tuple[str, ...]


PLACES = {
    "northmoor": Place(
        town="Northmoor",
        districts=("Moorside", "Highfield", "Ashby Bridge", "Kettlewell Green", "Town End"),
        outward_codes=("NM1", "NM2", "NM4", "NM7", "NM11"),
        landline="0113 496 0",
        streets=(
            "Heather Lane",
            "Mill Street",
            "Quarry Road",
            "Beacon Crescent",
            "Wharf Terrace",
            "Lark Rise",
            "Station Road",
            "Moorland View",
            "Chapel Fold",
            "Ridge Avenue",
        ),
        early_years=("Little Acorns Nursery, Moorside", "Highfield Children's Centre Nursery"),
        primary=(
            "Northmoor Primary Academy",
            "St Aidan's CE Primary School",
            "Moorside Community Primary School",
            "Highfield Junior and Infant School",
            "Ashby Bridge Primary School",
        ),
        secondary=(
            "Northmoor High School",
            "Moorside Academy",
            "St Hilda's Catholic High School",
            "Beacon Hill Special School",
        ),
        post_16=(
            "Northmoor College",
            "Moorside Sixth Form",
            "Northmoor College (supported internship)",
        ),
    ),
    "eastdale": Place(
        town="Eastdale",
        districts=("Riverside", "Old Town", "Fenwick", "Larkholme", "Saltings"),
        outward_codes=("ED1", "ED3", "ED5", "ED9"),
        landline="0117 496 0",
        streets=(
            "Willow Walk",
            "Harbour Street",
            "Orchard Close",
            "Fen Road",
            "Kingfisher Way",
            "Tannery Lane",
            "Marsh View",
            "Abbey Gardens",
            "Ferry Road",
            "Saltings Drive",
        ),
        early_years=("Riverside Day Nursery", "Fenwick Pre-School"),
        primary=(
            "Eastdale Primary School",
            "Riverside Infant School",
            "Fenwick Junior School",
            "St Cuthbert's RC Primary School",
            "Larkholme Primary Academy",
        ),
        secondary=(
            "Eastdale Academy",
            "Saltings School",
            "Eastdale Grammar School",
            "Kingfisher Specialist College",
        ),
        post_16=(
            "Eastdale Further Education College",
            "Riverside Sixth Form",
            "Eastdale College (foundation learning)",
        ),
    ),
}

_PREFERRED_TIMES = (
    "",
    "Weekdays, school hours only",
    "Mornings before 11",
    "After 3.30pm",
    "Tuesdays and Thursdays",
    "Any time",
)
_NO_TRACE_NOTES = (
    "Do not leave messages: other people use the phone",
    "Partner must not know the service is involved; no letters to the house",
    "Text first and wait for a reply before calling",
    "Shares an email account with family; use phone only",
)
_OUTCOMES = (
    "EHC needs assessment agreed",
    "EHC plan issued; naming of school agreed",
    "Information given; family confident to go ahead alone",
    "Mediation held; agreement reached",
    "Appeal lodged with the tribunal; family supported to prepare",
    "School placement secured",
    "Transport arranged by the council",
    "Family did not respond to follow-up; closed",
)
_FIRST_KINDS = (ContactKind.PHONE, ContactKind.PHONE, ContactKind.EMAIL, ContactKind.VOICEMAIL)
_FIRST_CONTACT = {
    ContactedBy.PARENT: "{parent} phoned, worried {child}'s needs are not being met at {school}.",
    ContactedBy.CARER: "{parent} (carer) got in touch asking how an EHC needs assessment works.",
    ContactedBy.YOUNG_PERSON: "{child} contacted us directly wanting to understand their rights.",
    ContactedBy.PROFESSIONAL: "Referral received for {child}; family consent on the form.",
}
_FOLLOW_UPS = (
    "Talked through the SEND Code of Practice and what the school should be doing.",
    "Went through the draft EHC plan section by section; agreed changes to request.",
    "Explained the 6-week deadline for the council's decision to assess.",
    "Sent the template letter to request an EHC needs assessment.",
    "Prepared together for the annual review meeting.",
    "Supported at a meeting with the SENCo; actions agreed and minuted.",
    "Explained the options after the decision not to assess, including mediation.",
    "Checked in after the school meeting; the new support plan has started.",
)
_NOTES = (
    "Parent feels listened to for the first time; wants to try the school route before"
    " asking for an assessment.",
    "School reports progress with the new timetable; family not convinced. Review in four weeks.",
    "Council confirmed receipt of the request; decision due within six weeks.",
    "Family would like written information in plain English; sent the easy-read guide.",
    "Mediation certificate requested so the family can keep the option of appeal open.",
    "Agreed next step: we draft the parental views section together.",
)
_YOUNG_PERSON_ONLY = (
    "Told us in confidence that they find break times at school very hard and do not want"
    " their parent told yet.",
    "Would like to move to a different college course; has not raised it at home. Agreed"
    " to talk again first.",
    "Shared worries about home that they asked us not to pass on; explained when we would have to.",
)
_CORRECTIONS = (
    ("Annual review booked for the 14th; SENCo to send the invitations.",
     "Wrong date recorded: the review is on the 21st"),
    ("Council asked for more evidence from the educational psychologist.",
     "The request was for evidence from the speech and language therapist"),
)  # fmt: skip


@dataclass(frozen=True)
class SeedResult:
    slug: str
    staff: int
    cases: int
    skipped: str | None = None

    def describe(self) -> str:
        if self.skipped:
            return f"{self.slug}: {self.skipped}; no demo cases added"
        return f"{self.slug}: {self.staff} demo staff, {self.cases} synthetic cases"


# --- Generating -----------------------------------------------------------------------


def _phone(rng: random.Random, place: Place) -> str:
    if rng.random() < 0.7:
        return f"07700 900{rng.randint(0, 999):03d}"  # Ofcom's drama mobile range
    return f"{place.landline}{rng.randint(0, 999):03d}"


def _email(rng: random.Random, first: str, last: str) -> str:
    clean = "".join(c for c in f"{first}.{last}".lower() if c.isalpha() or c == ".")
    domain = rng.choice(("example.com", "example.org", "example.net"))
    return f"{clean}{rng.randint(1, 99)}@{domain}"


def _postcode(rng: random.Random, place: Place) -> str:
    letters = "".join(rng.choice(_INWARD_LETTERS) for _ in range(2))
    return f"{rng.choice(place.outward_codes)} {rng.randint(1, 9)}{letters}"


def _address(rng: random.Random, place: Place) -> str:
    street = f"{rng.randint(1, 180)} {rng.choice(place.streets)}"
    return f"{street}\n{rng.choice(place.districts)}\n{place.town}"


def _setting(rng: random.Random, place: Place, age: int) -> str:
    if age < 4:
        return rng.choice(place.early_years)
    if age < 11:
        return rng.choice(place.primary)
    if age < 16:
        return rng.choice(place.secondary)
    if age < 19:
        return rng.choice(place.post_16)
    return rng.choice((*place.post_16[-1:], "Not in education, employment or training"))


def _person(
    rng: random.Random,
    place: Place,
    first: str,
    last: str,
    *,
    reachable: bool = True,
) -> NewPerson:
    """A contactable person with one of several safe-contact patterns."""
    if not reachable:
        return NewPerson(first_name=first, last_name=last)
    pattern = rng.choices(("open", "no_trace", "email_only", "phone_only"), (5, 3, 1, 1))[0]
    phone = _phone(rng, place)
    email = _email(rng, first, last)
    address = _address(rng, place)
    # (phone, voicemail, text, email, post), and what to bear in mind
    if pattern == "open":
        consent, note = (True, True, True, True, True), ""
    elif pattern == "no_trace":  # no voicemail, no post
        consent = (True, False, rng.random() < 0.5, rng.random() < 0.5, False)
        note = rng.choice(_NO_TRACE_NOTES[:3])
    elif pattern == "email_only":
        consent, note = (False, False, False, True, False), "Email only, please"
    else:
        consent, note = (True, False, False, False, False), _NO_TRACE_NOTES[3]
    may_phone, may_leave_voicemail, may_text, may_email, may_post = consent
    return NewPerson(
        first_name=first,
        last_name=last,
        address=address,
        postcode=_postcode(rng, place),
        phone=phone,
        email=email,
        may_phone=may_phone,
        may_leave_voicemail=may_leave_voicemail,
        may_text=may_text,
        may_email=may_email,
        may_post=may_post,
        preferred_times=rng.choice(_PREFERRED_TIMES),
        safe_contact_note=note,
    )


@dataclass
class _Plan:
    enquiry: FirstContact
    age: int


def _enquiry(rng: random.Random, place: Place, today: date) -> _Plan:
    days_old = rng.randint(2 * 366, 24 * 365 + 300)  # aged 2 to 24
    dob = today - timedelta(days=days_old)
    age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    if age >= 16 and rng.random() < 0.35:
        contacted_by = ContactedBy.YOUNG_PERSON
    else:
        contacted_by = rng.choices(
            (ContactedBy.PARENT, ContactedBy.CARER, ContactedBy.PROFESSIONAL), (14, 3, 3)
        )[0]
    child = _person(rng, place, first, last, reachable=age >= 14)
    child = NewPerson(
        **{
            **{f: getattr(child, f) for f in child.__struct_fields__},
            "date_of_birth": dob,
            "school_or_setting": _setting(rng, place, age),
            "primary_need": rng.choice(PRIMARY_NEEDS),
            "postcode": child.postcode or _postcode(rng, place),
        }
    )
    parents = []
    count = (
        rng.choice((0, 1)) if contacted_by is ContactedBy.YOUNG_PERSON else rng.choice((1, 1, 2))
    )
    for _ in range(count):
        parent_last = last if rng.random() < 0.75 else rng.choice(LAST_NAMES)
        parents.append(_person(rng, place, rng.choice(PARENT_FIRST_NAMES), parent_last))
    route = ReferralRoute.SELF
    referral: dict[str, object] = {}
    if contacted_by is ContactedBy.PROFESSIONAL or rng.random() < 0.1:
        route = rng.choice((ReferralRoute.PROFESSIONAL, ReferralRoute.EARLY_HELP))
        referral = {
            "referrer_consent_confirmed": True,
            "referrer_name": rng.choice(
                (
                    f"SENCo, {child.school_or_setting}",
                    "Health visitor",
                    "Early Help keyworker",
                    "Family support worker",
                    "Educational psychologist",
                )
            ),
            "referrer_consent_on": today - timedelta(days=rng.randint(1, 20)),
        }
    topics = rng.sample(DEFAULT_TOPICS[:-1], rng.choice((1, 1, 2, 3)))
    if rng.random() < 0.1:
        topics.append("Other")
    return _Plan(
        FirstContact(
            contacted_by=contacted_by,
            young_person=child,
            parents=parents,
            referral_route=route,
            topics=topics,
            support_level=rng.choices((1, 2, 3, 4), (3, 4, 2, 1))[0],
            **referral,  # type: ignore[arg-type]
        ),
        age,
    )


def _when(rng: random.Random, day: date, now: datetime) -> datetime:
    at = datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), SERVICE_ZONE)
    return min(at, now - timedelta(minutes=5))


def _contact_kind(rng: random.Random, person: SafeContact | None) -> ContactKind:
    """How we would get in touch, within what the person allowed (rule 8)."""
    if person is None:
        return ContactKind.MEETING
    allowed = [ContactKind.MEETING, ContactKind.VIDEO]
    if person.may_phone:
        allowed += [ContactKind.PHONE] * 3
    if person.may_email:
        allowed += [ContactKind.EMAIL] * 2
    if person.may_post:
        allowed.append(ContactKind.LETTER)
    return rng.choice(allowed)


# --- Seeding --------------------------------------------------------------------------


async def _demo_staff(slug: str, issuer: str) -> dict[str, StaffView]:
    """The demo users a sign-in would admit, recorded as signing in records them."""
    sso = await get_sso()
    staff: dict[str, StaffView] = {}
    if sso is None:
        return staff
    for user in DEMO_USERS:
        if user.tenant_slug != slug:
            continue
        roles = sso.roles_for(list(user.groups))
        if not roles:
            continue  # a sign-in with no mapped group is refused: no staff row
        staff[user.sub] = await record_sign_in(
            issuer=issuer, subject=user.sub, email=user.email, name=user.name, roles=roles
        )
    return staff


async def seed_demo_cases(slug: str, issuer: str, *, cases: int = DEFAULT_CASES) -> SeedResult:
    """Fill demo tenant ``slug`` with synthetic cases, unless it has some (run as owner)."""
    if slug not in PLACES:
        raise ValueError(f"{slug!r} is not a demo tenant")
    tenant = await get_active_tenant(slug)
    if tenant is None:
        return SeedResult(slug, 0, 0, "not an active tenant")
    async with tenant_transaction(tenant.id):
        if await Case.count() > 0:
            return SeedResult(slug, 0, 0, "already has cases")
        staff = await _demo_staff(slug, issuer)
        workers = [s for s in staff.values() if s.has(StaffRole.CASEWORKER)]
        managers = [s for s in staff.values() if s.has(StaffRole.MANAGER)]
        if not workers or not managers:
            return SeedResult(slug, len(staff), 0, "no demo caseworkers and manager to sign in")
        rng = random.Random(f"confide-demo:{slug}")  # noqa: S311 - repeatable, not a secret
        made = await _make_cases(rng, PLACES[slug], workers, managers[0], cases)
        return SeedResult(slug, len(staff), made)


async def _make_cases(
    rng: random.Random, place: Place, workers: list[StaffView], manager: StaffView, count: int
) -> int:
    now = datetime.now(SERVICE_ZONE)
    today = now.date()
    anonymous_at = min(7, count - 1)
    corrected = False
    police_asked = False
    for i in range(count):
        lead = workers[i % len(workers)] if rng.random() < 0.8 else rng.choice(workers)
        # Opened earlier this year (the reference carries the year), oldest first.
        age_days = max(
            0, min((today - date(today.year, 1, 1)).days, (count - i) * 5 + rng.randint(0, 4))
        )
        opened_on = today - timedelta(days=age_days)
        if i == anonymous_at:
            await _anonymous(rng, lead, opened_on, now)
            continue
        plan = _enquiry(rng, place, today)
        enquiry = plan.enquiry
        enquiry.consent = _first_consent(rng, enquiry.contacted_by, opened_on, plan.age, i)
        case = await record_first_contact(enquiry, lead)
        assert case.subject is not None
        assert enquiry.young_person is not None
        people = [(case.subject.id, enquiry.young_person)] + [
            (p.person.id, new) for p, new in zip(case.people, enquiry.parents, strict=True)
        ]
        # The saved people's own preferences: the case file lists its people in no set
        # order, so ``people`` may pair an id with another parent's entry.
        preferences = {p.person.id: p.person.safe_contact for p in case.people}
        preferences[case.subject.id] = case.subject.safe_contact
        caller = (
            people[0]
            if enquiry.contacted_by is ContactedBy.YOUNG_PERSON or len(people) == 1
            else people[1]
        )
        if i % 6 == 3 and len(workers) > 1:  # co-worked, or handed over
            other = next(w for w in workers if w.id != lead.id)
            await change_assignment(case.id, manager, other.id)
            if i % 12 == 3:
                await change_assignment(case.id, manager, lead.id, assigned=False)
                lead = other
        days = sorted(rng.sample(range(age_days + 1), min(age_days + 1, rng.randint(1, 4))))
        first_kind = rng.choice(_FIRST_KINDS)
        # Follow-ups are with the parents, unless the young person came to us themselves.
        followed_up = people if caller is people[0] else people[1:]
        names = {
            "parent": caller[1].first_name if caller[1] else "",
            "child": enquiry.young_person.first_name if enquiry.young_person else "",
            "school": enquiry.young_person.school_or_setting if enquiry.young_person else "",
        }
        for n, offset in enumerate(days):
            day = opened_on + timedelta(days=offset)
            with_id, _ = caller if n == 0 else rng.choice(followed_up)
            if n == 0:
                kind, direction = first_kind, Direction.INCOMING
                summary = _FIRST_CONTACT[enquiry.contacted_by].format(**names)
            else:
                kind = _contact_kind(rng, preferences[with_id])
                direction = Direction.OUTGOING
                summary = rng.choice(_FOLLOW_UPS)
            await add_contact(
                case.id,
                lead,
                NewContact(
                    kind=kind,
                    direction=direction,
                    occurred_at=_when(rng, day, now),
                    summary=summary,
                    duration_minutes=rng.choice((10, 20, 30, 45, 60))
                    if kind in (ContactKind.PHONE, ContactKind.MEETING, ContactKind.VIDEO)
                    else None,
                    with_person_id=with_id,
                ),
            )
        notes = [
            await add_note(case.id, lead, NewNote(body=body))
            for body in rng.sample(_NOTES, rng.randint(1, 2))
        ]
        await _sharing(rng, case.id, lead, manager, enquiry.consent, notes[0].note_id, i)
        if plan.age >= 11 and (
            enquiry.contacted_by is ContactedBy.YOUNG_PERSON or rng.random() < 0.3
        ):
            await add_contact(
                case.id,
                lead,
                NewContact(
                    kind=ContactKind.PHONE,
                    direction=Direction.INCOMING,
                    occurred_at=_when(rng, today - timedelta(days=rng.randint(0, age_days)), now),
                    summary="Spoke with the young person on their own, at their request.",
                    duration_minutes=20,
                    with_person_id=case.subject.id,
                    side=Side.YOUNG_PERSON_ONLY,
                ),
            )
            secret = NewNote(body=rng.choice(_YOUNG_PERSON_ONLY), side=Side.YOUNG_PERSON_ONLY)
            await add_note(case.id, lead, secret)
        if not corrected or i % 15 == 0:
            body, reason = rng.choice(_CORRECTIONS)
            wrong = await add_note(case.id, lead, NewNote(body=body))
            fixed = body.replace("14th", "21st").replace(
                "educational psychologist", "speech and language therapist"
            )
            await correct_note(
                case.id, wrong.note_id, lead, NoteCorrection(body=fixed, reason=reason)
            )
            corrected = True
        closed_on = None
        if i < count * 0.6 and rng.random() < 0.4:  # the older cases
            await close_case(case.id, lead, CloseCase(outcome=rng.choice(_OUTCOMES)))
            closed_on = min(today, opened_on + timedelta(days=days[-1] + rng.randint(1, 10)))
            if not police_asked:
                await _police_request(case.id, manager, notes[0].note_id)
                police_asked = True
        await _backdate(case.id, opened_on, closed_on)
    return count


_CHILD_VIEWS = (
    "Happy for school to know; does not want to miss lessons for meetings.",
    "Wants their teacher to know they find the dinner hall too loud.",
    "Did not want to talk about it today; mum will ask again.",
)


def _first_consent(
    rng: random.Random, contacted_by: ContactedBy, opened_on: date, age: int, i: int
) -> NewConsent:
    """Consent asked at first contact: who was told about which parties, and for a child
    under the demo services' age of capacity (12), the child's own view."""
    given_by = {
        ContactedBy.YOUNG_PERSON: GivenBy.YOUNG_PERSON,
        ContactedBy.CARER: GivenBy.CARER,
    }.get(contacted_by, GivenBy.PARENT)
    decision = (
        Decision.REFUSED
        if i == 5
        else rng.choices((Decision.RESTRICTED, Decision.FULL, Decision.REFUSED), (6, 3, 1))[0]
    )
    roles = (
        rng.sample(DEFAULT_PROFESSIONAL_ROLES[:3], rng.randint(1, 2))
        if decision is Decision.RESTRICTED
        else []
    )
    told = [] if decision is Decision.REFUSED else (roles or list(DEFAULT_PROFESSIONAL_ROLES[:2]))
    view = ""
    if given_by is not GivenBy.YOUNG_PERSON and age < 12:
        view = "Too young to ask." if age < 5 else rng.choice(_CHILD_VIEWS)
    return NewConsent(
        decision=decision,
        given_by=given_by,
        method=rng.choice(list(ConsentMethod)),
        given_on=opened_on,
        roles=roles,
        parties_told=told,
        advised_of_limits=decision is Decision.REFUSED,
        young_person_view=view,
    )


async def _sharing(
    rng: random.Random,
    case_id: UUID,
    lead: StaffView,
    manager: StaffView,
    consent: NewConsent | None,
    note_id: UUID,
    i: int,
) -> None:
    """Some cases shared with consent (sent, but one allowed and not sent yet), one by a
    manager on safeguarding grounds (sent, so its tell-the-client task shows), a few
    consents due for review."""
    assert consent is not None
    if i % 10 == 1:  # a few consents from an earlier enquiry, due for review about now
        due = service_today() + timedelta(days=rng.randint(-6, 20))
        await Consent.update(
            {Consent.review_due: due, Consent.given_on: add_months(due, -12)}
        ).where(Consent.case_id == case_id)
    item = [ItemRef(kind=ItemKind.NOTE, id=str(note_id))]
    if i == 5:
        made = await share(
            case_id,
            manager,
            NewDisclosure(
                recipient_org="Children's social care, front door",
                recipient_role="Social care",
                purpose="A concern that a child may be at risk of serious harm.",
                items=item,
                legal_basis=LegalBasis.SAFEGUARDING,
                justification="Information at the last contact suggested a risk of serious"
                " harm; the threshold for sharing without consent is met.",
            ),
        )
        sent = SentDisclosure(
            sent_on=service_today(),
            method=SendMethod.SECURE_EMAIL,
            sent_to="Duty social worker, children's front door (secure email)",
        )
        await send(case_id, made.id, manager, sent)
    elif consent.decision is not Decision.REFUSED and rng.random() < 0.3:
        role = consent.roles[0] if consent.roles else "School or SENCO"
        made = await share(
            case_id,
            lead,
            NewDisclosure(
                recipient_org="The child's school" if role == "School or SENCO" else "Council",
                recipient_role=role,
                recipient_person="",
                purpose="To agree the next steps with the family's permission.",
                items=item,
            ),
        )
        if i % 4:  # the rest wait to be sent
            sent = SentDisclosure(
                sent_on=service_today(),
                method=rng.choice((SendMethod.SECURE_EMAIL, SendMethod.POST)),
                sent_to=f"{role}, {made.recipient_org}",
            )
            await send(case_id, made.id, lead, sent)


async def _police_request(case_id: UUID, manager: StaffView, note_id: UUID) -> None:
    """The usual case of policy 5.1: the police ask for a closed file; a manager authorises
    sharing one note on that legal basis and records sending it, so the family is told."""
    made = await share(
        case_id,
        manager,
        NewDisclosure(
            recipient_org="Police, Public Protection Unit",
            recipient_role="Police",
            recipient_person="Detective Constable on the request",
            purpose="A written police request for the record of advice given, for an"
            " investigation.",
            items=[ItemRef(kind=ItemKind.NOTE, id=str(note_id))],
            legal_basis=LegalBasis.POLICE_REQUEST,
            justification="A signed request under the data protection exemption for the"
            " prevention and detection of crime; only the note asked for is shared.",
        ),
    )
    sent = SentDisclosure(
        sent_on=service_today(),
        method=SendMethod.SECURE_EMAIL,
        sent_to="Detective Constable, Public Protection Unit (secure police email)",
    )
    await send(case_id, made.id, manager, sent)


async def _anonymous(rng: random.Random, lead: StaffView, opened_on: date, now: datetime) -> None:
    case = await record_first_contact(
        FirstContact(contacted_by=ContactedBy.PARENT, anonymous=True, topics=["Exclusion"]), lead
    )
    await add_contact(
        case.id,
        lead,
        NewContact(
            kind=ContactKind.PHONE,
            direction=Direction.INCOMING,
            occurred_at=_when(rng, opened_on, now),
            duration_minutes=25,
            summary="A parent asked about their rights after a suspension from school;"
            " did not want to give names.",
        ),
    )
    await add_note(
        case.id,
        lead,
        NewNote(
            body="Explained how to ask the governors to consider the suspension."
            " Caller may ring back."
        ),
    )
    await _backdate(case.id, opened_on, None)


async def _backdate(case_id: UUID, opened_on: date, closed_on: date | None) -> None:
    """Spread the demo cases over the year: the services open and close them today."""
    values: dict[object, object] = {Case.opened_on: opened_on}
    if closed_on is not None:
        values[Case.closed_on] = closed_on
    await Case.update(values).where(Case.id == case_id)  # type: ignore[arg-type]
