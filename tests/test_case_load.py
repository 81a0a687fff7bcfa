"""The case file read in one round trip is the same as reading it table by table."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from tests.helpers.casework import NM, new_case
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef


async def _reference_load(case_id: uuid.UUID, grounds: Any, *, for_parent: bool) -> Any:
    """The case file read one table at a time (how it was read before the single query)."""
    from confide.platform.casework import queries
    from confide.platform.casework.schemas import CasePersonView, CaseView, PersonKind, Side
    from confide.platform.casework.tables import Case, CasePerson, Contact, Note, Person
    from confide.platform.core.tables import json_list
    from confide.platform.identity.tables import StaffUser

    case = await Case.select().where(Case.id == case_id).first()
    assert case is not None
    subject = None
    if case["subject_id"] is not None:
        row = await Person.select().where(Person.id == case["subject_id"]).first()
        subject = queries.person_view(row) if row else None
    linked = await CasePerson.select(CasePerson.person_id, CasePerson.relationship).where(
        CasePerson.case_id == case_id
    )
    rows = await Person.select().where(Person.id.is_in([r["person_id"] for r in linked]))
    by_id = {r["id"]: queries.person_view(r) for r in rows}
    people = [CasePersonView(PersonKind(r["relationship"]), by_id[r["person_id"]]) for r in linked]
    contact_query = Contact.select().where(Contact.case_id == case_id)
    note_query = Note.select().where(Note.case_id == case_id)
    if for_parent:
        contact_query = contact_query.where(Contact.side == Side.SHARED)
        note_query = note_query.where(Note.side == Side.SHARED)
    contacts = await contact_query.order_by(Contact.occurred_at)
    notes = await note_query.order_by(Note.recorded_at)
    staff = await StaffUser.select(StaffUser.id, StaffUser.display_name)
    names = {r["id"]: r["display_name"] for r in staff}
    return CaseView(
        id=case["id"],
        reference=case["reference"],
        status=case["status"],
        anonymous=case["anonymous"],
        contacted_by=case["contacted_by"],
        referral_route=case["referral_route"],
        referrer_consent_confirmed=case["referrer_consent_confirmed"],
        referrer_name=case["referrer_name"],
        referrer_consent_on=case["referrer_consent_on"],
        topics=json_list(case["topics"]),
        support_level=case["support_level"],
        opened_on=case["opened_on"],
        closed_on=case["closed_on"],
        outcome=case["outcome"],
        subject=subject,
        people=people,
        assignments=await queries.assignments(case["tenant_id"], case_id),
        contacts=[queries.contact_view(r, names) for r in contacts],
        notes=queries.note_views(notes, names),
        grounds=grounds,
        parent_view=for_parent,
    )


async def test_the_one_query_case_file_matches_reading_table_by_table(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.casework import queries, records
    from confide.platform.casework.schemas import Grounds
    from confide.platform.core.db import tenant_transaction

    parents = [
        {"first_name": "Ada", "last_name": "Okafor", "may_email": True, "email": "a@example.org"},
        {"first_name": "Ben", "last_name": "Okafor", "phone": "07700 900456", "may_text": True},
    ]
    case = await new_case(aisha, parents=parents, contacted_by="young_person")
    path = f"{NM}/cases/{case['id']}"
    person_id = case["subject"]["id"]
    now = datetime.now(UTC)
    for hours, side, summary, who in (
        (5, "shared", "Talked about the plan", aisha),
        (3, "young_person_only", "Private worry", aisha),
        (1, "shared", "Meeting booked", fiona),
    ):
        contact = {
            "kind": "phone",
            "direction": "incoming",
            "occurred_at": (now - timedelta(hours=hours)).isoformat(),
            "summary": summary,
            "side": side,
            "with_person_id": person_id,
            "duration_minutes": hours * 10,
        }
        assert (await post(who, f"{path}/contacts", contact)).status_code == 201
    first = await post(aisha, f"{path}/notes", {"body": "First note"})
    assert first.status_code == 201
    hidden = await post(aisha, f"{path}/notes", {"body": "Hidden", "side": "young_person_only"})
    assert hidden.status_code == 201
    assert (await post(fiona, f"{path}/notes", {"body": "Manager's note"})).status_code == 201
    for n, who in ((1, fiona), (2, aisha)):
        corrected = await post(
            who,
            f"{path}/notes/{first.json()['note_id']}/corrections",
            {"body": f"First note, corrected {n}", "reason": f"Typo {n}"},
        )
        assert corrected.status_code == 201, corrected.text
    staff_id = case["assignments"][0]["staff_id"]
    manager_id = (await post(fiona, f"{path}/notes", {"body": "Who am I"})).json()["current"][
        "recorded_by"
    ]
    assigned = await post(fiona, f"{path}/assignments", {"staff_id": manager_id})
    assert assigned.status_code == 200, assigned.text
    ended = await post(fiona, f"{path}/assignments", {"staff_id": manager_id, "assigned": False})
    assert ended.status_code == 200, ended.text

    case_id = uuid.UUID(case["id"])
    aisha_id = uuid.UUID(staff_id)
    async with tenant_transaction(tenants["northmoor"].id):
        for for_parent in (False, True):
            loaded = await records._load(case_id, Grounds.ASSIGNED, for_parent=for_parent)
            expected = await _reference_load(case_id, Grounds.ASSIGNED, for_parent=for_parent)
            assert loaded == expected
            # The need-to-know row and the file in one query: the same file.
            found = await queries.find_case_file(
                tenants["northmoor"].id,
                case_id,
                aisha_id,
                works_cases=True,
                reads_every_case=False,
                for_parent=for_parent,
            )
            assert found is not None
            assert found[0].assigned
            assert found[1] is not None
            assert queries.case_view(found[1], Grounds.ASSIGNED, for_parent=for_parent) == loaded
        # Without grounds, none of the file leaves the database.
        for someone, works, every in ((uuid.uuid4(), True, False), (aisha_id, False, True)):
            row, file = await queries.find_case_file(
                tenants["northmoor"].id,
                case_id,
                someone,
                works_cases=works,
                reads_every_case=every,
                for_parent=False,
            ) or (None, None)
            assert row is not None
            assert file is None
    assert sorted(p.person.first_name for p in loaded.people) == ["Ada", "Ben"]
    assert [c.summary for c in loaded.contacts] == ["Talked about the plan", "Meeting booked"]
    assert {c.recorded_by_name for c in loaded.contacts} == {"Aisha Rahman", "Fiona MacLeod"}
    [note, *_] = loaded.notes
    assert [v.version for v in [note.current, *note.history]] == [3, 2, 1]
    assert [a.ended_at is None for a in loaded.assignments] == [True, False]
    assert loaded.assignments[0].staff_id == uuid.UUID(staff_id)
    assert "Hidden" not in repr(loaded)
    assert "Private worry" not in repr(loaded)


async def test_the_consent_now_in_one_query_is_the_current_version_and_why_not_asked(
    aisha: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    """``consent_now`` (the case page's one query) gives what ``consent_versions`` and
    ``not_asked`` give, for a case with a reviewed consent and one not asked yet."""
    from confide.platform.consent import queries as consent_queries
    from confide.platform.core.clock import service_today
    from confide.platform.core.db import tenant_transaction
    from tests.helpers.consent import record_consent

    asked = await new_case(aisha)
    await record_consent(aisha, asked["id"])
    await record_consent(aisha, asked["id"], note="Second version")
    reviewed = await post(aisha, f"{NM}/cases/{asked['id']}/consents/reviews", {"note": "Fine"})
    assert reviewed.status_code == 201, reviewed.text
    not_asked = await new_case(aisha)
    northmoor = tenants["northmoor"].id
    today = service_today()
    async with tenant_transaction(northmoor):
        consent, why = await consent_queries.consent_now(northmoor, uuid.UUID(asked["id"]), today)
        [expected] = await consent_queries.consent_versions(
            northmoor, uuid.UUID(asked["id"]), today, latest_only=True
        )
        assert consent == expected
        assert consent is not None
        assert consent.version == 2
        assert len(consent.reviews) == 1
        # (The service shows why it was not asked only while there is no consent.)
        assert why == await consent_queries.not_asked(northmoor, uuid.UUID(asked["id"]))
        consent, why = await consent_queries.consent_now(
            northmoor, uuid.UUID(not_asked["id"]), today
        )
        assert consent is None
        assert why == await consent_queries.not_asked(northmoor, uuid.UUID(not_asked["id"]))
        assert why is not None
