"""Subject access (issue 17, rule 30): a request routed by the young person's age and
capacity (the service's capacity age, default 12), its steps audited with ids and codes,
and its bundle built by the export engine in the route's view, linked to the request."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.exports.schemas import BundleView, ExportKind
from confide.platform.requests.routing import Route, WaitsFor, route
from confide.platform.requests.schemas import Relation
from tests.helpers.casework import NM, as_tenant, enquiry, new_case
from tests.helpers.consent import TODAY, add_note
from tests.helpers.exports import (
    approve_release,
    archive_texts,
    open_bundle,
    storage_keys_held,
    wait_until_finished,
)
from tests.helpers.html import parse, table_rows
from tests.helpers.http import post
from tests.helpers.tenants import TenantRef

ED = "/t/eastdale/api"


@pytest.mark.parametrize(
    ("relation", "has_capacity", "agreed", "expected"),
    [
        # The young person's own request: proceeds while they can decide for themselves.
        (Relation.SELF, True, False, (Route.OWN, None, BundleView.FULL)),
        (Relation.SELF, False, False, (Route.OWN, WaitsFor.CAPACITY, BundleView.FULL)),
        (Relation.SELF, None, False, (Route.OWN, WaitsFor.CAPACITY, BundleView.FULL)),
        # Someone else's about a young person who cannot decide: the parent's view at once.
        (Relation.PARENT, False, False, (Route.FOR_CHILD, None, BundleView.PARENT)),
        (Relation.CARER, False, True, (Route.FOR_CHILD, None, BundleView.PARENT)),
        # About one who can: their agreement first, and still only the parent's view.
        (
            Relation.PARENT, True, False,
            (Route.NEEDS_AGREEMENT, WaitsFor.AGREEMENT, BundleView.PARENT),
        ),
        (Relation.PARENT, True, True, (Route.NEEDS_AGREEMENT, None, BundleView.PARENT)),
        (
            Relation.SOLICITOR, True, False,
            (Route.NEEDS_AGREEMENT, WaitsFor.AGREEMENT, BundleView.PARENT),
        ),
        # About one whose capacity no one knows: their agreement or a judgement.
        (
            Relation.PARENT, None, False,
            (Route.CAPACITY_UNKNOWN, WaitsFor.AGREEMENT_OR_CAPACITY, BundleView.PARENT),
        ),
        (Relation.PARENT, None, True, (Route.CAPACITY_UNKNOWN, None, BundleView.PARENT)),
    ],
)  # fmt: skip
def test_a_request_is_routed_by_the_young_persons_capacity(
    relation: Relation, has_capacity: bool | None, agreed: bool, expected: tuple[Any, ...]
) -> None:
    found = route(relation, has_capacity, agreed, about_young_person=True)
    assert (found.route, found.waits_for, found.view) == expected
    assert found.proceeds is (expected[1] is None)
    # A "self" request about someone else on the case (a parent's own): never the full view.
    if relation is Relation.SELF:
        other = route(relation, has_capacity, agreed, about_young_person=False)
        assert other.route is not Route.OWN
        assert other.view is BundleView.PARENT


def born(age: int) -> str:
    """A date of birth making the young person ``age`` today."""
    return date(TODAY.year - age, 1, 1).isoformat()


async def case_aged(http: httpx.AsyncClient, age: int) -> dict[str, Any]:
    young = {**enquiry()["young_person"], "date_of_birth": born(age)}
    return await new_case(http, young_person=young)


async def log_sar(
    http: httpx.AsyncClient,
    case_id: str,
    relation: str = "parent",
    api: str = NM,
    **more: Any,
) -> str:
    body = {
        **more,
        "kind": "subject_access",
        "requester_name": "Ada Okafor",
        "relation": relation,
        "received_on": str(TODAY - timedelta(days=2)),
        "channel": "email",
        "case_id": case_id,
    }
    logged = await post(http, f"{api}/requests", body)
    assert logged.status_code == 201, logged.text
    return str(logged.json()["id"])


async def confirm_identity(http: httpx.AsyncClient, rid: str) -> None:
    body = {"confirmed_on": str(TODAY), "evidence": "Passport seen at the office"}
    confirmed = await post(http, f"{NM}/requests/{rid}/identity", body)
    assert confirmed.status_code == 200, confirmed.text


async def under_review(
    http: httpx.AsyncClient, case_id: str, worker: subprocess.Popen[str], **log: Any
) -> tuple[str, str]:
    """A subject access request logged for the case (``log_sar``'s ``log``), its identity
    confirmed, its original built by the worker and its review begun: the request's id and
    its steps' API path."""
    rid = await log_sar(http, case_id, **log)
    await confirm_identity(http, rid)
    base = f"{NM}/requests/{rid}/subject-access"
    asked = await post(http, f"{base}/bundle", {})
    assert asked.status_code == 202, asked.text
    built = await wait_until_finished(http, asked.json()["export_id"], worker)
    assert built["status"] == "ready", built
    assert (await post(http, f"{base}/review", {})).status_code == 200
    return rid, base


async def standing(http: httpx.AsyncClient, rid: str, api: str = NM) -> dict[str, Any]:
    found = await http.get(f"{api}/requests/{rid}/subject-access")
    assert found.status_code == 200, found.text
    result: dict[str, Any] = found.json()
    return result


async def steps_audited(
    owner: asyncpg.Connection, tenant: TenantRef, rid: str
) -> list[tuple[str, str, dict[str, Any]]]:
    import json

    rows = await as_tenant(
        owner, tenant,
        "SELECT action, reason_code, detail FROM audit_entries"
        " WHERE subject_kind = 'information_request' AND subject_id = $1 ORDER BY seq",
        uuid.UUID(rid),
    )  # fmt: skip
    return [
        (r["action"], r["reason_code"], json.loads(r["detail"]) if r["detail"] else {})
        for r in rows
    ]


async def test_a_parents_request_about_a_child_under_the_capacity_age_proceeds_in_the_parents_view(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await case_aged(aisha, 8)
    rid = await log_sar(fiona, case["id"])
    found = await standing(fiona, rid)
    assert (found["route"], found["waits_for"], found["proceeds"]) == ("for_child", None, True)
    assert (found["view"], found["age"], found["capacity_age"]) == ("parent", 8, 12)
    assert found["can_build"] is False  # identity first
    early = await post(fiona, f"{NM}/requests/{rid}/subject-access/bundle", {})
    assert early.status_code == 400
    assert set(early.json()["errors"]) == {"bundle"}

    await confirm_identity(fiona, rid)
    asked = await post(fiona, f"{NM}/requests/{rid}/subject-access/bundle", {})
    assert asked.status_code == 202, asked.text
    export_id = asked.json()["export_id"]
    assert asked.json()["export_status"] == "queued"
    export = await fiona.get(f"{NM}/exports/{export_id}")
    assert (export.json()["view"], export.json()["case_id"]) == ("parent", case["id"])
    assert (await standing(fiona, rid))["export_id"] == export_id


async def test_a_young_persons_own_request_proceeds_and_their_parents_waits_for_their_agreement(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await case_aged(aisha, 14)
    own = await log_sar(fiona, case["id"], relation="self")
    found = await standing(fiona, own)
    assert (found["route"], found["waits_for"], found["view"]) == ("own", None, "full")

    parents = await log_sar(fiona, case["id"])
    found = await standing(fiona, parents)
    assert (found["route"], found["waits_for"], found["proceeds"]) == (
        "needs_agreement", "agreement", False,
    )  # fmt: skip
    await confirm_identity(fiona, parents)
    refused = await post(fiona, f"{NM}/requests/{parents}/subject-access/bundle", {})
    assert refused.status_code == 400
    assert set(refused.json()["errors"]) == {"bundle"}

    body = {"agreed_on": str(TODAY), "evidence": "Signed letter from the young person"}
    agreed = await post(fiona, f"{NM}/requests/{parents}/subject-access/agreement", body)
    assert agreed.status_code == 200, agreed.text
    assert (agreed.json()["waits_for"], agreed.json()["proceeds"]) == (None, True)
    assert (agreed.json()["view"], agreed.json()["agreed_on"]) == ("parent", str(TODAY))
    built = await post(fiona, f"{NM}/requests/{parents}/subject-access/bundle", {})
    assert built.status_code == 202, built.text

    audited = await steps_audited(owner_conn, tenants["northmoor"], parents)
    codes = [(action, code) for action, code, _ in audited]
    assert ("request_step", "sar_agreement") in codes
    assert ("request_step", "sar_bundle") in codes
    for _, _, detail in audited:  # ids and codes only
        assert "Ada" not in str(detail)
        assert "Signed letter" not in str(detail)


async def test_a_managers_judgement_that_they_lack_capacity_lets_a_parents_request_proceed(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient, bronwen: httpx.AsyncClient
) -> None:
    case = await case_aged(aisha, 14)
    rid = await log_sar(fiona, case["id"])
    body = {"judged_on": str(TODAY), "note": "Judged at a meeting with the family"}
    # A caseworker does not handle requests; another service does not find this one.
    assert (
        await post(aisha, f"{NM}/requests/{rid}/subject-access/no-capacity", body)
    ).status_code == 403
    assert (await aisha.get(f"{NM}/requests/{rid}/subject-access")).status_code == 403
    assert (await bronwen.get(f"{ED}/requests/{rid}/subject-access")).status_code == 404
    judged = await post(fiona, f"{NM}/requests/{rid}/subject-access/no-capacity", body)
    assert judged.status_code == 200, judged.text
    assert (judged.json()["route"], judged.json()["waits_for"]) == ("for_child", None)
    assert judged.json()["has_capacity"] is False
    # One capacity record: the case's shows the judgement.
    capacity = await aisha.get(f"{NM}/cases/{case['id']}/capacity")
    assert capacity.status_code == 200, capacity.text
    assert capacity.json()["has_capacity"] is False


async def test_a_subject_access_steps_bad_input_is_a_400_naming_the_field(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await case_aged(aisha, 14)
    rid = await log_sar(fiona, case["id"])
    tomorrow = str(TODAY + timedelta(days=1))
    wrong = await post(
        fiona, f"{NM}/requests/{rid}/subject-access/agreement",
        {"agreed_on": tomorrow, "evidence": " "},
    )  # fmt: skip
    assert wrong.status_code == 400
    assert set(wrong.json()["errors"]) == {"agreed_on", "evidence"}
    wrong = await post(
        fiona, f"{NM}/requests/{rid}/subject-access/no-capacity",
        {"judged_on": tomorrow, "note": "x"},
    )  # fmt: skip
    assert set(wrong.json()["errors"]) == {"judged_on", "note"}
    own = await log_sar(fiona, case["id"], relation="self")
    wrong = await post(
        fiona, f"{NM}/requests/{own}/subject-access/agreement",
        {"agreed_on": str(TODAY), "evidence": "Said so"},
    )  # fmt: skip
    assert set(wrong.json()["errors"]) == {"agreed_on"}
    # Not a subject access request: not found.
    body = {
        "kind": "case_file", "requester_name": "A council officer", "relation": "council_officer",
        "received_on": str(TODAY), "channel": "email", "case_id": case["id"],
    }  # fmt: skip
    other = (await post(fiona, f"{NM}/requests", body)).json()["id"]
    assert (await fiona.get(f"{NM}/requests/{other}/subject-access")).status_code == 404


async def test_only_a_managers_no_capacity_decision_for_the_request_lets_it_proceed(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 30: a caseworker's "cannot decide" on the case's record does not stand in for
    the manager's decision recorded for the request; the manager's is recorded once, on
    or after the request came, and not for a day before the young person reached the
    capacity age."""
    case = await case_aged(aisha, 14)
    judged = await post(aisha, f"{NM}/cases/{case['id']}/capacity", {
        "has_capacity": False, "judged_on": str(TODAY), "note": "Caseworker's view",
    })  # fmt: skip
    assert judged.status_code == 201, judged.text
    rid = await log_sar(fiona, case["id"])
    found = await standing(fiona, rid)
    assert (found["route"], found["waits_for"], found["proceeds"]) == (
        "needs_agreement", "agreement", False,
    )  # fmt: skip
    base = f"{NM}/requests/{rid}/subject-access"
    early = await post(fiona, f"{base}/no-capacity", {
        "judged_on": str(TODAY - timedelta(days=3)), "note": "Judged at a meeting",
    })  # fmt: skip
    assert (early.status_code, set(early.json()["errors"])) == (400, {"judged_on"})
    body = {"judged_on": str(TODAY), "note": "Judged at a meeting with the family"}
    decided = await post(fiona, f"{base}/no-capacity", body)
    assert decided.status_code == 200, decided.text
    assert (decided.json()["route"], decided.json()["proceeds"]) == ("for_child", True)
    again = await post(fiona, f"{base}/no-capacity", body)
    assert (again.status_code, set(again.json()["errors"])) == (400, {"judged_on"})


async def test_a_no_capacity_decision_before_the_capacity_birthday_or_an_early_agreement_is_refused(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 30: a "no" judged while the young person was under the capacity age would
    lapse at once; an agreement dated before the request came is not an agreement to it;
    and an agreement is recorded once."""
    birthday = TODAY - timedelta(days=1)
    born_on = date(birthday.year - 12, birthday.month, birthday.day)
    young = {**enquiry()["young_person"], "date_of_birth": born_on.isoformat()}
    case = await new_case(aisha, young_person=young)
    rid = await log_sar(fiona, case["id"])  # received two days ago, when they were 11
    base = f"{NM}/requests/{rid}/subject-access"
    assert (await standing(fiona, rid))["route"] == "needs_agreement"  # 12 since yesterday
    wrong = await post(fiona, f"{base}/no-capacity", {
        "judged_on": str(TODAY - timedelta(days=2)), "note": "Judged at a meeting",
    })  # fmt: skip
    assert (wrong.status_code, set(wrong.json()["errors"])) == (400, {"judged_on"})
    assert "under 12" in wrong.json()["errors"]["judged_on"]
    early = {"agreed_on": str(TODAY - timedelta(days=3)), "evidence": "Said so in person"}
    wrong = await post(fiona, f"{base}/agreement", early)
    assert (wrong.status_code, set(wrong.json()["errors"])) == (400, {"agreed_on"})
    body = {"agreed_on": str(TODAY), "evidence": "Said so in person"}
    assert (await post(fiona, f"{base}/agreement", body)).status_code == 200
    again = await post(fiona, f"{base}/agreement", {**body, "evidence": "Changed"})
    assert (again.status_code, set(again.json()["errors"])) == (400, {"agreed_on"})


async def test_the_route_is_worked_out_again_at_approval_and_release(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 30: yesterday a parent's request about an 11-year-old proceeded and its
    bundle was asked for; today they are 12, so approving or releasing it waits for their
    agreement."""
    import time_machine

    yesterday = TODAY - timedelta(days=1)
    twelve = date(TODAY.year - 12, TODAY.month, TODAY.day)  # 12 today
    young = {**enquiry()["young_person"], "date_of_birth": twelve.isoformat()}
    base = ""
    with time_machine.travel(datetime.now(UTC) - timedelta(days=1), tick=True):
        case = await new_case(aisha, young_person=young)
        rid = await log_sar(fiona, case["id"])
        identity = {"confirmed_on": str(yesterday), "evidence": "Passport seen at the office"}
        assert (await post(fiona, f"{NM}/requests/{rid}/identity", identity)).status_code == 200
        base = f"{NM}/requests/{rid}/subject-access"
        assert (await standing(fiona, rid))["route"] == "for_child"
        assert (await post(fiona, f"{base}/bundle", {})).status_code == 202
    found = await standing(fiona, rid)
    assert (found["route"], found["proceeds"]) == ("needs_agreement", False)
    refused = await post(fiona, f"{base}/approve", {})
    assert (refused.status_code, set(refused.json()["errors"])) == (400, {"approve"})
    # The refusal says what to do: the records that let the request go on.
    said = refused.json()["errors"]["approve"]
    assert "record their agreement" in said
    assert "lack capacity" in said
    refused = await post(fiona, f"{base}/approve/rebuild", {})
    assert refused.json()["errors"]["approve"] == said
    refused = await post(fiona, f"{base}/release", {"method": "email"})
    assert (refused.status_code, set(refused.json()["errors"])) == (400, {"method"})


async def test_the_gates_records_stand_once_made_whoever_writes(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 30, as the application role in raw SQL: the young person's agreement is
    recorded once; once approved, the release columns cannot change but to record the
    release, once; and no mark can be made or taken back."""
    tenant = tenants["northmoor"]
    case = await case_aged(aisha, 14)
    rid = uuid.UUID(await log_sar(fiona, case["id"]))
    body = {"agreed_on": str(TODAY), "evidence": "Signed letter from the young person"}
    assert (
        await post(fiona, f"{NM}/requests/{rid}/subject-access/agreement", body)
    ).status_code == 200

    async def run(sql: str) -> None:
        async with app_conn.transaction():
            await app_conn.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
            await app_conn.execute(sql + " WHERE request_id = $1", rid)

    async def refused(sql: str) -> None:
        with pytest.raises(asyncpg.IntegrityConstraintViolationError):
            await run(sql)

    row = "UPDATE subject_access_requests SET "
    await refused(row + "agreement_evidence = 'Something else'")
    await refused(row + "agreed_on = agreed_on - 1")
    await run(row + "released_id = gen_random_uuid(), released_sha256 = 'x',"
              " approved_by = agreed_by, approved_at = now()")  # fmt: skip
    await refused(row + "released_sha256 = 'y'")
    await refused(row + "released_id = gen_random_uuid()")
    await refused(row + "approved_at = now() - interval '1 day'")
    await run(row + "released_by = agreed_by, released_at = now(), release_method = 'post'")
    await refused(row + "release_method = 'email'")
    await refused(
        "INSERT INTO subject_access_redactions (id, tenant_id, request_id, kind, item,"
        " marked_by) SELECT gen_random_uuid(), tenant_id, request_id, 'note', 'x',"
        " agreed_by FROM subject_access_requests"
    )


@pytest.mark.parametrize(
    ("born_days_from_twelve", "expected"),
    [
        (0, ("needs_agreement", "agreement")),  # 12 today: presumed able to decide
        (1, ("for_child", None)),  # 12 tomorrow: not yet
        (None, ("capacity_unknown", "agreement_or_capacity")),  # no date of birth
    ],
)
async def test_a_parents_request_is_routed_by_the_capacity_birthday_through_the_api(
    born_days_from_twelve: int | None,
    expected: tuple[str, str | None],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
) -> None:
    young = {**enquiry()["young_person"]}
    if born_days_from_twelve is None:
        young.pop("date_of_birth")
    else:
        on = TODAY + timedelta(days=born_days_from_twelve)
        young["date_of_birth"] = date(on.year - 12, on.month, on.day).isoformat()
    case = await new_case(aisha, young_person=young)
    found = await standing(fiona, await log_sar(fiona, case["id"]))
    assert (found["route"], found["waits_for"]) == expected


@pytest.fixture
async def capacity_age_15(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """Northmoor presumes capacity from 15 for the test, and from 12 (the default) after."""
    from confide.platform.core.db import tenant_transaction
    from confide.tenants.policy.services import DEFAULT_PROFESSIONAL_ROLES, set_consent_settings

    async def to(age: int) -> None:
        async with tenant_transaction(tenants["northmoor"].id):
            await set_consent_settings(
                DEFAULT_PROFESSIONAL_ROLES, 12, True, 5, capacity_age=age, unsent_share_days=5
            )

    await to(15)
    yield
    await to(12)


async def test_the_services_capacity_age_sets_the_route(
    capacity_age_15: None, aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await case_aged(aisha, 14)
    found = await standing(fiona, await log_sar(fiona, case["id"]))
    assert (found["route"], found["proceeds"], found["capacity_age"]) == ("for_child", True, 15)


async def test_a_real_worker_builds_a_parents_request_in_the_parents_view(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await case_aged(aisha, 8)
    secret = f"Confided {uuid.uuid4().hex[:10]} secret"
    await add_note(aisha, case["id"], secret, side="young_person_only")
    shared = f"Shared {uuid.uuid4().hex[:10]} note"
    await add_note(aisha, case["id"], shared)
    rid = await log_sar(fiona, case["id"])
    await confirm_identity(fiona, rid)
    asked = await post(fiona, f"{NM}/requests/{rid}/subject-access/bundle", {})
    assert asked.status_code == 202, asked.text
    done = await wait_until_finished(fiona, asked.json()["export_id"], worker)
    assert done["status"] == "ready", done
    assert (await standing(fiona, rid))["export_status"] == "ready"
    content = await fiona.get(f"{NM}/exports/{done['id']}/download")
    assert content.status_code == 200
    bundle = open_bundle(content.content)
    assert shared in bundle.pdf_text
    assert shared in bundle.json_text
    assert secret not in bundle.pdf_text
    assert secret not in bundle.json_text


async def test_a_parent_logged_as_self_gets_nothing_of_the_young_persons_confidential_side(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 30: "self" is the young person themselves. A request logged as "self" but
    about the parent on the case (the parent asking for their own data) is answered in
    the parent's view, and waits like any other for the 14-year-old's agreement."""
    case = await case_aged(aisha, 14)
    secret = f"Confided {uuid.uuid4().hex[:10]} secret"
    await add_note(aisha, case["id"], secret, side="young_person_only")
    [parent] = [p["person"]["id"] for p in case["people"] if p["relationship"] == "parent_or_carer"]
    wrong = await post(fiona, f"{NM}/requests", {
        "kind": "subject_access", "requester_name": "Ada Okafor", "relation": "self",
        "received_on": str(TODAY), "channel": "email", "case_id": case["id"],
        "subject_person_id": str(uuid.uuid4()),
    })  # fmt: skip
    assert (wrong.status_code, set(wrong.json()["errors"])) == (400, {"subject_person_id"})
    rid = await log_sar(fiona, case["id"], relation="self", subject_person_id=parent)
    found = await standing(fiona, rid)
    assert (found["route"], found["view"], found["proceeds"]) == (
        "needs_agreement", "parent", False,
    )  # fmt: skip
    await confirm_identity(fiona, rid)
    body = {"agreed_on": str(TODAY), "evidence": "Signed letter from the young person"}
    agreed = await post(fiona, f"{NM}/requests/{rid}/subject-access/agreement", body)
    assert agreed.status_code == 200, agreed.text
    base = f"{NM}/requests/{rid}/subject-access"
    asked = await post(fiona, f"{base}/bundle", {})
    assert asked.status_code == 202, asked.text
    built = await wait_until_finished(fiona, asked.json()["export_id"], worker)
    assert built["status"] == "ready", built
    assert (await post(fiona, f"{base}/review", {})).status_code == 200
    await approve_release(fiona, base, worker)
    for which in ("original", "released"):
        out = await fiona.get(f"{base}/{which}")
        assert out.status_code == 200, out.text
        for name, text in archive_texts(out.content):
            assert secret not in text, name


def _original() -> Any:
    from confide.platform.requests.redaction import Original

    note = {
        "note_id": "n1", "side": "shared", "history": [{"body": "Old: Peter Grimes called"}],
        "current": {"body": "Peter Grimes called about Sam", "recorded_at": "2026-01-02T10:00"},
    }  # fmt: skip
    other = {"note_id": "n2", "side": "shared", "history": [],
             "current": {"body": "A visit", "recorded_at": "2026-01-03T10:00"}}  # fmt: skip
    contact = {"id": "c1", "summary": "Met Peter Grimes", "occurred_at": "2026-01-02T10:00",
               "history": []}  # fmt: skip
    data = {
        "case": {
            "people": [{"relationship": "other", "first_name": "Peter", "last_name": "Grimes"}],
            "contacts": [contact], "notes": [note, other],
        },
        "documents": [{"id": "d1", "title": "Report", "filename": "r.pdf"}],
        "document_files": ["documents/d1-v1.pdf"],
        "disclosures": [{"purpose": "For peter GRIMES", "items": [
            {"kind": "note", "ref": "n2", "label": "Note", "text": "A visit"},
            {"kind": "note", "ref": "n1", "label": "Note", "text": "Peter Grimes called about Sam"},
        ]}],
        "tasks": [{"id": "t1", "title": "Ring Grimes back", "due_on": "2026-01-05"}],
        "consents": [{"version": 1, "note": "Dr Okoro agreed", "parties_told": ["School"]}],
    }  # fmt: skip
    return Original(data, {"documents/d1-v1.pdf": b"%PDF-"})


def test_redaction_removes_items_and_replaces_text_ranges() -> None:
    from confide.platform.requests.redaction import REDACTED, ItemKind, Mark, items, redact

    original = _original()
    # A range of a note's text: replaced; its earlier versions left out; overlaps merged.
    out = redact(original, [Mark(ItemKind.NOTE, "n1", 0, 5), Mark(ItemKind.NOTE, "n1", 3, 12)])
    [first, second] = out.data["case"]["notes"]
    assert first["current"]["body"] == f"{REDACTED} called about Sam"
    assert (first["history"], second["current"]["body"]) == ([], "A visit")
    # Whole items: gone, a document's file with it.
    out = redact(original, [Mark(ItemKind.NOTE, "n2"), Mark(ItemKind.CONTACT, "c1"),
                            Mark(ItemKind.DOCUMENT, "d1")])  # fmt: skip
    assert [n["note_id"] for n in out.data["case"]["notes"]] == ["n1"]
    assert (out.data["case"]["contacts"], out.data["documents"], out.attachments) == ([], [], {})
    assert out.data["document_files"] == []
    # A person's details: replaced, and their name wherever it is written.
    out = redact(original, [Mark(ItemKind.PERSON, "0")])
    assert "Peter" not in str(out.data)
    assert "Grimes" not in str(out.data)
    assert out.data["case"]["people"][0]["relationship"] == "other"
    assert out.data["case"]["contacts"][0]["summary"] == f"Met {REDACTED}"
    assert out.data["case"]["notes"][0]["history"] == []  # an earlier version named him
    assert out.data["disclosures"][0]["purpose"] == f"For {REDACTED}"
    assert out.data["tasks"][0]["title"] == f"Ring {REDACTED} back"
    # A marked note's copies in a share go with it; a cut note's copy is cut the same way.
    out = redact(original, [Mark(ItemKind.NOTE, "n2"), Mark(ItemKind.NOTE, "n1", 0, 12)])
    [item] = out.data["disclosures"][0]["items"]
    assert (item["ref"], item["text"]) == ("n1", f"{REDACTED} called about Sam")
    # The professional records' free text is markable: a share, a task, a consent.
    kinds = {i.kind for i in items(original)}
    assert {ItemKind.DISCLOSURE, ItemKind.TASK, ItemKind.CONSENT} <= kinds
    out = redact(original, [Mark(ItemKind.DISCLOSURE, "0"), Mark(ItemKind.TASK, "t1"),
                            Mark(ItemKind.CONSENT, "0")])  # fmt: skip
    assert "GRIMES" not in str(out.data["disclosures"])
    assert (out.data["tasks"], out.data["consents"][0]["parties_told"]) == ([], [])
    assert "Okoro" not in str(out.data)
    # The original is not changed.
    assert original.data == _original().data


async def test_a_manager_redacts_approves_and_releases_the_bundle_and_the_original_is_kept(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await case_aged(aisha, 8)
    third = f"Grimes{uuid.uuid4().hex[:6]}"
    body = f"Spoke to Mr {third} next door about Sam"
    await add_note(aisha, case["id"], body)
    rid = await log_sar(fiona, case["id"])
    await confirm_identity(fiona, rid)
    base = f"{NM}/requests/{rid}/subject-access"
    early = await post(fiona, f"{base}/review", {})
    assert set(early.json()["errors"]) == {"review"}  # nothing built yet
    asked = await post(fiona, f"{base}/bundle", {})
    assert (await wait_until_finished(fiona, asked.json()["export_id"], worker))[
        "status"
    ] == "ready"

    # An export past its expiry is refused as one (a 400, not a 500).
    expiry = "UPDATE exports SET expires_at = now() {} interval '1 day' WHERE id = $1"
    export_id = uuid.UUID(asked.json()["export_id"])
    await as_tenant(owner_conn, tenants["northmoor"], expiry.format("-"), export_id)
    expired = await post(fiona, f"{base}/review", {})
    assert (expired.status_code, set(expired.json()["errors"])) == (400, {"review"})
    await as_tenant(owner_conn, tenants["northmoor"], expiry.format("+"), export_id)
    started = await post(fiona, f"{base}/review", {})
    assert started.status_code == 200, started.text
    assert started.json()["original_kept"] is True
    review = (await fiona.get(f"{base}/review")).json()
    [note] = [i for i in review["items"] if i["kind"] == "note" and third in i["text"]]
    start = note["text"].index(third)
    wrong = await post(fiona, f"{base}/redactions", {"kind": "note", "item": note["item"],
                                                     "start": 0, "end": 100000})  # fmt: skip
    assert set(wrong.json()["errors"]) == {"end"}
    wrong = await post(fiona, f"{base}/redactions", {"kind": "contact", "item": "nothing"})
    assert set(wrong.json()["errors"]) == {"item"}
    marked = await post(
        fiona, f"{base}/redactions",
        {"kind": "note", "item": note["item"], "start": start, "end": start + len(third)},
    )  # fmt: skip
    assert marked.status_code == 201, marked.text
    # Marking and taking a mark back answer with the one mark changed and the marks
    # standing, never the review's items (they are read a page at a time).
    assert set(marked.json()) == {"request_id", "mark", "removed", "marks"}
    assert marked.json()["marks"] == 1
    assert marked.json()["removed"] is False
    assert {k: marked.json()["mark"][k] for k in ("kind", "item", "start", "end")} == {
        "kind": "note", "item": note["item"], "start": start, "end": start + len(third),
    }  # fmt: skip
    extra = await post(fiona, f"{base}/redactions", {"kind": "note", "item": note["item"]})
    assert (extra.status_code, extra.json()["marks"]) == (201, 2), extra.text
    taken = await post(fiona, f"{base}/redactions/{extra.json()['mark']['id']}/remove", {})
    assert taken.status_code == 200, taken.text
    assert set(taken.json()) == {"request_id", "mark", "removed", "marks"}
    assert (taken.json()["mark"], taken.json()["removed"], taken.json()["marks"]) == (
        extra.json()["mark"], True, 1,
    )  # fmt: skip
    again = await post(fiona, f"{base}/redactions/{extra.json()['mark']['id']}/remove", {})
    assert (again.status_code, set(again.json()["errors"])) == (400, {"mark"})

    refused = await post(fiona, f"{base}/release", {"method": "email"})
    assert set(refused.json()["errors"]) == {"method"}  # approval first
    # Approval records the decision and queues the redacted bundle for the worker; until
    # it is built (the test holds the storage keys the worker reads the original with),
    # nothing can be released or downloaded.
    async with storage_keys_held():
        approved = await post(fiona, f"{base}/approve", {})
        assert approved.status_code == 202, approved.text
        assert approved.json()["approved_at"] is not None
        assert approved.json()["release_ready"] is False
        waiting = await post(fiona, f"{base}/release", {"method": "email"})
        assert (waiting.status_code, set(waiting.json()["errors"])) == (400, {"method"})
        assert (await fiona.get(f"{base}/released")).status_code == 404
    built = await wait_until_finished(fiona, approved.json()["release_export_id"], worker)
    assert built["status"] == "ready", built
    assert (await standing(fiona, rid))["release_ready"] is True
    # The release's export is no bundle to take away through /exports: its copy is
    # downloaded from the request (audited as the request's), and only by a manager.
    release = approved.json()["release_export_id"]
    assert (await fiona.get(f"{NM}/exports/{release}/download")).status_code == 404
    assert (await fiona.get(f"/t/northmoor/exports/{release}/download")).status_code == 404
    page = parse(await fiona.get(f"/t/northmoor/exports/{release}"))
    assert page.select("[data-testid=release-kept]")
    assert not page.select("[data-testid=download]")
    # Even were it a caseworker's own (here as though Aisha had asked for it), it is not
    # in their list nor theirs to open.
    await as_tenant(
        owner_conn, tenants["northmoor"],
        "UPDATE exports SET requested_by = (SELECT id FROM staff_users"
        " WHERE subject = 'northmoor-cw-1') WHERE id = $1",
        uuid.UUID(release),
    )  # fmt: skip
    listed = (await aisha.get(f"{NM}/exports", params={"limit": 100})).json()
    assert release not in [e["id"] for e in listed["items"]]
    assert (await aisha.get(f"{NM}/exports/{release}")).status_code == 404
    assert release in [
        e["id"] for e in (await fiona.get(f"{NM}/exports", params={"limit": 100})).json()["items"]
    ]
    late = await post(fiona, f"{base}/redactions", {"kind": "note", "item": note["item"]})
    assert set(late.json()["errors"]) == {"item"}
    early = await post(fiona, f"{NM}/requests/{rid}/close", {"outcome": "Released, redacted"})
    assert (early.status_code, set(early.json()["errors"])) == (400, {"outcome"})
    released = await post(fiona, f"{base}/release", {"method": "secure_link"})
    assert released.status_code == 200, released.text
    assert released.json()["release_method"] == "secure_link"
    assert released.json()["released_at"] is not None

    out = open_bundle((await fiona.get(f"{base}/released")).content)
    assert third not in out.json_text
    assert third not in out.pdf_text
    assert "Spoke to Mr [redacted] next door" in out.json_text
    assert "[redacted]" in out.pdf_text
    for which in ("original", "released"):  # a caseworker never downloads either
        assert (await aisha.get(f"{base}/{which}")).status_code in (403, 404)
    kept = open_bundle((await fiona.get(f"{base}/original")).content)
    assert body in kept.json_text
    audited = [code for _, code, _ in await steps_audited(owner_conn, tenants["northmoor"], rid)]
    for code in (
        "sar_original_kept", "sar_redaction_marked", "sar_approved", "sar_release_built",
        "sar_released",
    ):  # fmt: skip
        assert code in audited
    closed = await post(fiona, f"{NM}/requests/{rid}/close", {"outcome": "Released, redacted"})
    assert closed.status_code == 200, closed.text


#: What the audit trail says of each kind of export asked for (its request entry).
ASKED_FOR = {
    ExportKind.CASE_BUNDLE: "Asked for the case bundle",
    ExportKind.SAR_RELEASE: "Asked for the redacted bundle of a subject access request",
    ExportKind.ANNUAL_RETURN: "Asked for the annual return",
}


@pytest.mark.parametrize("kind", list(ExportKind))
def test_each_kind_of_export_asked_for_is_labelled_as_its_kind(kind: ExportKind) -> None:
    """Seen red: a subject access release asked for read "Asked for the case bundle". The
    entry names the export's kind as its reason code (entries from before then named a case
    bundle's view, and read as a case bundle still)."""
    from confide.frontend.labels import action_label
    from confide.platform.audit.actions import Action

    assert action_label(Action.EXPORT_REQUESTED, kind.value) == ASKED_FOR[kind]
    for before in ("full", "parent", None):
        assert action_label(Action.EXPORT_REQUESTED, before) == "Asked for the case bundle"


def test_a_subject_access_requests_files_downloaded_are_not_labelled_the_case_bundle() -> None:
    """Seen red: the request's original and released files, downloaded, read "Downloaded
    the case bundle" (``requests.subject_access`` records them as ``sar_<which>``)."""
    from confide.frontend.labels import action_label
    from confide.platform.audit.actions import Action

    assert action_label(Action.EXPORT_DOWNLOADED, "sar_original") == (
        "Downloaded the original bundle of a subject access request"
    )
    assert action_label(Action.EXPORT_DOWNLOADED, "sar_released") == (
        "Downloaded the released bundle of a subject access request"
    )
    for view in ("full", "parent", None):
        assert action_label(Action.EXPORT_DOWNLOADED, view) == "Downloaded the case bundle"


async def test_the_cases_access_history_names_each_export_asked_for_by_its_kind(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """The page that shows a case's audit entries: a case bundle, a subject access
    request's original (a case bundle in the request's view) and its redacted release, each
    asked for and shown as what it is. (An annual return is of no case: no case's history
    shows it.) Seen red: the release read "Asked for the case bundle"."""
    case = await case_aged(aisha, 8)
    asked = await post(aisha, f"{NM}/cases/{case['id']}/exports/bundle", {"view": "full"})
    assert asked.status_code == 202, asked.text
    assert (await wait_until_finished(aisha, asked.json()["id"], worker))["status"] == "ready"
    _, base = await under_review(fiona, case["id"], worker)
    await approve_release(fiona, base, worker)

    page = await fiona.get(f"/t/northmoor/cases/{case['id']}/access-history")
    assert page.status_code == 200, page.text
    asked_for = [
        (who, what) for _, who, what, _ in table_rows(page, "[data-testid=access-table]")
        if what.startswith("Asked for")
    ]  # fmt: skip
    assert asked_for == [  # newest first
        ("Fiona MacLeod", ASKED_FOR[ExportKind.SAR_RELEASE]),
        ("Fiona MacLeod", ASKED_FOR[ExportKind.CASE_BUNDLE]),
        ("Aisha Rahman", ASKED_FOR[ExportKind.CASE_BUNDLE]),
    ]


async def test_nothing_marked_survives_anywhere_in_the_released_bundle(
    worker: subprocess.Popen[str], aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 30: a marked note and a marked person are gone from every file of the
    released ZIP (the PDF's text, the JSON, the manifest, the file names), their copies in
    a share, its purpose and recipient and the other notes included; the name's parts one
    by one, in any case."""
    from tests.helpers.consent import record_consent, send, share_body

    tag = uuid.uuid4().hex[:6]
    first, last = f"Peregrine{tag}", f"Thistlewood{tag}"
    parents = [{"first_name": first, "last_name": last, "may_email": False}]
    young = {**enquiry()["young_person"], "date_of_birth": born(8)}
    case = await new_case(aisha, young_person=young, parents=parents)
    cid = case["id"]
    [person] = [n for n, p in enumerate(case["people"]) if p["person"]["first_name"] == first]
    marked = f"Marked {tag} words about the neighbour's dog"
    secret_note = await add_note(aisha, cid, marked)
    mentions = await add_note(aisha, cid, f"{last.upper()} rang; {first.lower()} was upset")
    await record_consent(aisha, cid, young_person_view="Happy for school to know")
    shared = await post(aisha, f"{NM}/cases/{cid}/disclosures", share_body(
        "School or SENCO", [("note", secret_note), ("note", mentions)],
        purpose=f"Asked for by {first} {last}", recipient_person=f"Mr {last}",
    ))  # fmt: skip
    assert shared.status_code == 201, shared.text
    sent = await send(aisha, cid, shared.json()["id"])
    assert sent.status_code == 200, sent.text

    _, base = await under_review(fiona, cid, worker)
    original = await fiona.get(f"{base}/original")
    assert marked in open_bundle(original.content).json_text
    for item in ({"kind": "note", "item": secret_note}, {"kind": "person", "item": str(person)}):
        done = await post(fiona, f"{base}/redactions", item)
        assert done.status_code == 201, done.text
    await approve_release(fiona, base, worker)
    released = await fiona.get(f"{base}/released")
    assert released.status_code == 200
    members = archive_texts(released.content)
    assert {n for n, _ in members} >= {"manifest.json"}
    for name, text in members:
        for gone in (marked, first, last):
            assert gone.lower() not in text.lower(), (name, gone)
    assert "[redacted] rang; [redacted] was upset" in open_bundle(released.content).json_text


async def test_retention_erases_the_files_kept_with_a_cases_subject_access_request(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    from tests.helpers.environment import STORAGE_FOLDER
    from tests.helpers.retention import confirm_and_sweep, old_case

    tenant = tenants["northmoor"]

    def stored() -> set[str]:
        folder = STORAGE_FOLDER / str(tenant.id)
        return {p.name for p in folder.iterdir()} if folder.exists() else set()

    case = await old_case(aisha, 9)
    rid, base = await under_review(fiona, case["id"], worker, relation="self")
    await approve_release(fiona, base, worker)
    assert (await post(fiona, f"{base}/release", {"method": "post"})).status_code == 200
    closed = await post(fiona, f"{NM}/requests/{rid}/close", {"outcome": "Released in full"})
    assert closed.status_code == 200, closed.text
    [row] = await as_tenant(
        owner_conn, tenant,
        "SELECT original_id, released_id FROM subject_access_requests WHERE request_id = $1",
        uuid.UUID(rid),
    )  # fmt: skip
    kept = {str(row["original_id"]), str(row["released_id"])}
    assert kept <= stored()

    counts = await confirm_and_sweep(owner_conn, tenant, "northmoor-admin")
    assert counts["erased"] >= 1
    assert not kept & stored()
    left = await as_tenant(
        owner_conn, tenant, "SELECT 1 FROM subject_access_requests WHERE request_id = $1",
        uuid.UUID(rid),
    )  # fmt: skip
    assert left == []


async def test_a_failed_redacted_bundle_is_built_again_and_only_then_released(
    worker: subprocess.Popen[str],
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 30: when the worker cannot build the approved release's redacted bundle (here
    its kept original is gone from the store while the build waits), the export fails, the
    release stays refused, and the manager asks for it again: the approval and the marks
    stand, and once the new build is ready it is released."""
    from tests.helpers.environment import STORAGE_FOLDER

    tenant = tenants["northmoor"]
    case = await case_aged(aisha, 8)
    rid, base = await under_review(fiona, case["id"], worker)
    early = await post(fiona, f"{base}/approve/rebuild", {})
    assert (early.status_code, set(early.json()["errors"])) == (400, {"approve"})
    [row] = await as_tenant(
        owner_conn, tenant,
        "SELECT original_id FROM subject_access_requests WHERE request_id = $1", uuid.UUID(rid),
    )  # fmt: skip
    original = STORAGE_FOLDER / str(tenant.id) / str(row["original_id"])
    aside = original.with_name(original.name + ".aside")
    async with storage_keys_held():
        approved = await post(fiona, f"{base}/approve", {})
        assert approved.status_code == 202, approved.text
        original.rename(aside)
    failed = await wait_until_finished(fiona, approved.json()["release_export_id"], worker)
    assert failed["status"] == "failed", failed
    refused = await post(fiona, f"{base}/release", {"method": "post"})
    assert (refused.status_code, set(refused.json()["errors"])) == (400, {"method"})
    page = await fiona.get(f"/t/northmoor/requests/{rid}")
    assert parse(page).select("[data-testid=rebuild-release]")

    aside.rename(original)
    # A caseworker does not handle requests; another service's manager does not find it.
    assert (await post(aisha, f"{base}/approve/rebuild", {})).status_code == 403
    ed_base = f"{ED}/requests/{rid}/subject-access"
    assert (await post(bronwen, f"{ed_base}/approve/rebuild", {})).status_code == 404
    assert (await post(aisha, f"{base}/approve", {})).status_code == 403
    assert (await post(bronwen, f"{ed_base}/approve", {})).status_code == 404
    again = await post(fiona, f"{base}/approve/rebuild", {})
    assert again.status_code == 202, again.text
    assert again.json()["release_export_id"] != approved.json()["release_export_id"]
    assert again.json()["approved_at"] == approved.json()["approved_at"]
    built = await wait_until_finished(fiona, again.json()["release_export_id"], worker)
    assert built["status"] == "ready", built
    released = await post(fiona, f"{base}/release", {"method": "post"})
    assert released.status_code == 200, released.text
    twice = await post(fiona, f"{base}/approve/rebuild", {})
    assert (twice.status_code, set(twice.json()["errors"])) == (400, {"approve"})
