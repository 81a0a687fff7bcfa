"""Documents on an information request and a council's request for a case file (issue 17;
rule 10, policy 5.1), through the API: files checked and stored as case documents are, for
managers only, downloads audited; a case file is released only on the service user's
signed consent form recorded on the request, their own asking, or a manager's legal basis
(which opens the tell-the-client task), on open and closed cases alike; the release is a
disclosure in the case's log with exactly the items released."""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.consent.schemas import (
    MAX_ITEMS,
    GivenBy,
    ItemKind,
    ItemRef,
    LegalBasis,
    SendMethod,
)
from confide.platform.core.clock import service_today
from confide.platform.requests.third_party_schemas import (
    CaseFileRelease,
    ReleaseGround,
    release_refusal,
)
from tests.helpers.casework import NM, as_tenant, new_case
from tests.helpers.consent import add_note, record_consent
from tests.helpers.documents import LETTER
from tests.helpers.documents import upload as upload_case_document
from tests.helpers.environment import STORAGE_FOLDER
from tests.helpers.exports import pdf_pages
from tests.helpers.html import error_summary, parse, table_rows
from tests.helpers.http import csrf_token, post
from tests.helpers.pages import submit
from tests.helpers.tenants import TenantRef

TODAY = service_today()
ED = "/t/eastdale/api"
SIGNED = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nI consent to the release. Ada\n%%EOF\n"


def council_request(case_id: str, **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "case_file",
        "requester_name": "J. Clarke, SEN team",
        "relation": "council_officer",
        "received_on": (TODAY - timedelta(days=3)).isoformat(),
        "channel": "email",
        "case_id": case_id,
        "summary": "The case notes for the annual review",
    }
    body.update(changes)
    return body


async def upload(
    http: httpx.AsyncClient,
    request_id: str,
    files: list[tuple[str, bytes]],
    base: str = NM,
    **fields: str,
) -> httpx.Response:
    return await http.post(
        f"{base}/requests/{request_id}/documents",
        data={"kind": "signed_consent", **fields},
        files=[("file", (name, content, "application/octet-stream")) for name, content in files],
        headers={"x-csrftoken": http.cookies["confide_csrf"]},
    )


def release(ground: str, items: list[dict[str, str]], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "ground": ground,
        "recipient_org": "Northmoor Council SEN team",
        "recipient_role": "Local authority SEN officer",
        "recipient_person": "J. Clarke",
        "items": items,
        "sent_on": TODAY.isoformat(),
        "method": "secure_email",
        "sent_to": "j.clarke@northmoor.example",
        "given_by": "parent",
    }
    body.update(changes)
    return body


async def logged(fiona: httpx.AsyncClient, case_id: str) -> str:
    response = await post(fiona, f"{NM}/requests", council_request(case_id))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_files_on_a_request_are_checked_stored_for_managers_and_downloads_audited(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    rid = await logged(fiona, case["id"])

    made = await upload(fiona, rid, [("consent.pdf", SIGNED)], title="Signed consent form")
    assert made.status_code == 201, made.text
    [document] = made.json()
    assert (document["kind"], document["title"], document["content_type"]) == (
        "signed_consent",
        "Signed consent form",
        "application/pdf",
    )
    # The same checks as a case document: the type from the bytes, the kind named.
    bad = await upload(fiona, rid, [("consent.pdf", b"MZ\x90\x00 not a pdf")])
    assert bad.status_code == 400
    assert "file" in bad.json()["errors"]
    wrong_kind = await upload(fiona, rid, [("consent.pdf", SIGNED)], kind="contract")
    assert wrong_kind.status_code == 400
    assert "kind" in wrong_kind.json()["errors"]
    nothing = await upload(fiona, rid, [])
    assert (nothing.status_code, list(nothing.json()["errors"])) == (400, ["file"])

    # Managers only: a caseworker, even the case's own, is refused.
    assert (await upload(aisha, rid, [("consent.pdf", SIGNED)])).status_code == 403
    # Refused before the body is read: a broken body from a caseworker is a 403 too.
    broken = await aisha.post(
        f"{NM}/requests/{rid}/documents",
        content=b"--x\r\nbroken",
        headers={
            "content-type": "multipart/form-data; boundary=x",
            "x-csrftoken": aisha.cookies["confide_csrf"],
        },
    )
    assert broken.status_code == 403, broken.text
    assert (await aisha.get(f"{NM}/requests/{rid}/documents")).status_code == 403
    path = f"{NM}/requests/{rid}/documents/{document['id']}/file"
    assert (await aisha.get(path)).status_code == 403

    listed = await fiona.get(f"{NM}/requests/{rid}/documents")
    assert [d["id"] for d in listed.json()] == [document["id"]]
    download = await fiona.get(path)
    assert download.status_code == 200
    assert download.content == SIGNED
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["cache-control"] == "no-store"

    # Stored sealed: the bytes in the store are not the file's.
    [row] = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT object_id, sha256 FROM request_documents WHERE id = $1",
        uuid.UUID(document["id"]),
    )
    assert row["sha256"] == hashlib.sha256(SIGNED).hexdigest()
    sealed = (STORAGE_FOLDER / str(tenants["northmoor"].id) / str(row["object_id"])).read_bytes()
    assert SIGNED not in sealed
    assert b"I consent to the release" not in sealed
    actions = [
        r["action"]
        for r in await as_tenant(
            owner_conn,
            tenants["northmoor"],
            "SELECT action FROM audit_entries WHERE subject_id = $1 ORDER BY seq",
            uuid.UUID(rid),
        )
    ]
    assert "request_document_added" in actions
    assert "request_document_downloaded" in actions

    # Another tenant's manager finds nothing.
    other = await bronwen.get(f"{ED}/requests/{rid}/documents/{document['id']}/file")
    assert other.status_code == 404
    assert (await upload(bronwen, rid, [("c.pdf", SIGNED)], base=ED)).status_code == 404


async def test_a_council_request_waits_for_the_signed_consent_form_then_is_a_disclosure(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Advice on the EHC needs assessment")
    await add_note(aisha, cid, "Another note, not released")
    rid = await logged(fiona, cid)
    items = [{"kind": "note", "id": note}, {"kind": "field", "id": "name"}]

    # Nothing on the request yet: refused, naming what is missing.
    refused = await post(fiona, f"{NM}/requests/{rid}/release", release("signed_consent", items))
    assert refused.status_code == 400, refused.text
    assert "signed consent form" in refused.json()["errors"]["consent_document_id"]
    log = await fiona.get(f"{NM}/cases/{cid}/disclosures")
    assert log.json()["items"] == []

    # A letter the service sent is not the service user's consent.
    letter = await upload(fiona, rid, [("letter.pdf", SIGNED)], kind="letter_sent")
    body = release("signed_consent", items, consent_document_id=letter.json()[0]["id"])
    refused = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert refused.status_code == 400
    assert "consent_document_id" in refused.json()["errors"]

    [form] = (await upload(fiona, rid, [("consent.pdf", SIGNED)])).json()
    body = release("signed_consent", items, consent_document_id=form["id"])
    assert (await post(aisha, f"{NM}/requests/{rid}/release", body)).status_code == 403
    released = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert released.status_code == 201, released.text
    disclosure = released.json()
    assert disclosure["status"] == "shared"
    assert disclosure["basis"] == "service_user"
    assert [(i["kind"], i["ref"].split("@")[0]) for i in disclosure["items"]] == [
        ("note", note),
        ("field", "name"),
    ]
    log = (await fiona.get(f"{NM}/cases/{cid}/disclosures")).json()["items"]
    assert [e["id"] for e in log] == [disclosure["id"]]
    # No tell-the-client task: the service user consented.
    tasks = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT id FROM tell_client_tasks WHERE disclosure_id = $1",
        uuid.UUID(disclosure["id"]),
    )
    assert tasks == []
    again = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert again.status_code == 400
    assert "already been released" in again.json()["errors"]["request"]
    # The database ties a release's form to its own request: another request's is refused.
    elsewhere = await logged(fiona, cid)
    with pytest.raises(asyncpg.ForeignKeyViolationError):
        await as_tenant(
            owner_conn,
            tenants["northmoor"],
            "INSERT INTO request_releases (id, tenant_id, request_id, case_id, disclosure_id,"
            " ground, consent_document_id, released_by) SELECT gen_random_uuid(), tenant_id,"
            " $1, case_id, disclosure_id, ground, consent_document_id, released_by"
            " FROM request_releases WHERE request_id = $2",
            uuid.UUID(elsewhere),
            uuid.UUID(rid),
        )

    # Closing the request records the release on it.
    closed = await post(fiona, f"{NM}/requests/{rid}/close", {"outcome": "Released"})
    assert closed.status_code == 200, closed.text
    assert disclosure["id"] in closed.json()["released"]

    # A closed request releases nothing.
    other = await logged(fiona, cid)
    shut = await post(fiona, f"{NM}/requests/{other}/close", {"outcome": "Withdrawn"})
    assert shut.status_code == 200, shut.text
    assert shut.json()["released"] == ""
    [form] = (await upload(fiona, other, [("consent.pdf", SIGNED)])).json()
    body = release("signed_consent", items, consent_document_id=form["id"])
    late = await post(fiona, f"{NM}/requests/{other}/release", body)
    assert late.status_code == 400
    assert "closed" in late.json()["errors"]["request"]


async def test_a_refusal_of_consent_recorded_after_the_form_is_the_newer_word(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rule 10: the signed form is the service user's word when it was recorded; a refusal
    of consent recorded on the case since then refuses the release until a newer form."""
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Advice on the annual review")
    rid = await logged(fiona, cid)
    items = [{"kind": "note", "id": note}]
    [form] = (await upload(fiona, rid, [("consent.pdf", SIGNED)])).json()
    await record_consent(aisha, cid, decision="refused", roles=[], advised_of_limits=True)
    body = release("signed_consent", items, consent_document_id=form["id"])
    refused = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert refused.status_code == 400, refused.text
    assert "refusal of consent" in refused.json()["errors"]["consent_document_id"]
    no_giver = release("signed_consent", items, consent_document_id=form["id"], given_by=None)
    named = await post(fiona, f"{NM}/requests/{rid}/release", no_giver)
    assert (named.status_code, list(named.json()["errors"])) == (400, ["given_by"])

    [newer] = (await upload(fiona, rid, [("consent.pdf", SIGNED)])).json()
    body = release("signed_consent", items, consent_document_id=newer["id"])
    released = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert released.status_code == 201, released.text
    assert released.json()["given_by"] == "parent"


async def test_what_the_young_person_said_in_confidence_is_not_released_on_their_word(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Rules 10 and 15: on the service user's word the young person's confidences stay out;
    a document goes as the exact version released."""
    case = await new_case(aisha)
    cid = case["id"]
    secret = await add_note(aisha, cid, "Told us in confidence", side="young_person_only")
    shared = await add_note(aisha, cid, "Advice on the plan")
    made = await upload(fiona, await logged(fiona, cid), [("consent.pdf", SIGNED)])
    assert made.status_code == 201, made.text
    letter = await upload_case_document(aisha, cid, [("letter.pdf", LETTER)], title="Letter")
    assert letter.status_code == 201, letter.text
    rid = await logged(fiona, cid)
    [form] = (await upload(fiona, rid, [("consent.pdf", SIGNED)])).json()
    items = [{"kind": "note", "id": secret}, {"kind": "note", "id": shared}]
    body = release("signed_consent", items, consent_document_id=form["id"])
    refused = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert refused.status_code == 400, refused.text
    assert "in confidence" in refused.json()["errors"]["items"]
    # Another request's signed form is not this one's.
    other_form = made.json()[0]["id"]
    items = [{"kind": "note", "id": shared}, {"kind": "document", "id": letter.json()[0]["id"]}]
    body = release("signed_consent", items, consent_document_id=other_form)
    refused = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert (refused.status_code, list(refused.json()["errors"])) == (400, ["consent_document_id"])
    body["consent_document_id"] = form["id"]
    released = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert released.status_code == 201, released.text
    [note, document] = released.json()["items"]
    assert note["kind"] == "note"
    assert (document["kind"], document["ref"]) == ("document", f"{letter.json()[0]['id']}@1")


async def test_a_closed_cases_file_goes_on_a_legal_basis_and_the_family_is_to_be_told(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Notes of the tribunal preparation")
    closed = await post(aisha, f"{NM}/cases/{cid}/close", {"outcome": "Advice given"})
    assert closed.status_code == 200, closed.text
    rid = await logged(fiona, cid)
    items = [{"kind": "note", "id": note}]

    missing = await post(fiona, f"{NM}/requests/{rid}/release", release("legal_basis", items))
    assert missing.status_code == 400
    assert "legal_basis" in missing.json()["errors"]
    body = release(
        "legal_basis",
        items,
        recipient_org="Northmoor Crown Court",
        recipient_role="Court",
        legal_basis="court_order",
        justification="Order of 3 March for the case file",
    )
    released = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert released.status_code == 201, released.text
    disclosure = released.json()
    assert (disclosure["basis"], disclosure["legal_basis"]) == ("legal", "court_order")
    tasks = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT status FROM tell_client_tasks WHERE disclosure_id = $1",
        uuid.UUID(disclosure["id"]),
    )
    assert [t["status"] for t in tasks] == ["open"]

    # The service user's asking sends the file to them or their solicitor only.
    other = await logged(fiona, cid)
    asked = release("user_asked", items, justification="Ada asked by phone on Monday")
    refused = await post(fiona, f"{NM}/requests/{other}/release", asked)
    assert refused.status_code == 400
    assert "solicitor" in refused.json()["errors"]["recipient_role"]
    asked["recipient_role"] = "Solicitor"
    unconfirmed = await post(fiona, f"{NM}/requests/{other}/release", asked)
    assert unconfirmed.status_code == 400
    assert "identity" in unconfirmed.json()["errors"]["request"]
    step = {"confirmed_on": TODAY.isoformat(), "evidence": "Passport seen"}
    assert (await post(fiona, f"{NM}/requests/{other}/identity", step)).status_code == 200
    done = await post(fiona, f"{NM}/requests/{other}/release", asked)
    assert done.status_code == 201, done.text
    assert done.json()["basis"] == "service_user"
    # How the service user asked is kept with the release.
    assert done.json()["justification"] == "Ada asked by phone on Monday"
    # Its printable package names the basis in words.
    package = await fiona.get(f"{NM}/cases/{cid}/disclosures/{done.json()['id']}/package")
    assert package.status_code == 200, package.text
    first = pdf_pages(package.content)[0]
    assert "own request" in first
    assert "Not decided" not in first


async def test_only_a_case_file_request_is_released_and_bad_input_is_named(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    sar = council_request(case["id"], kind="subject_access", relation="parent")
    rid = (await post(fiona, f"{NM}/requests", sar)).json()["id"]
    body = release("user_asked", [{"kind": "field", "id": "name"}], recipient_role="Solicitor")
    refused = await post(fiona, f"{NM}/requests/{rid}/release", body)
    assert refused.status_code == 400
    assert "request" in refused.json()["errors"]
    rid = await logged(fiona, case["id"])
    empty = await post(fiona, f"{NM}/requests/{rid}/release", release("user_asked", []))
    assert empty.status_code == 400
    assert "items" in empty.json()["errors"]
    twice = release("user_asked", [{"kind": "field", "id": "name"}] * 2, recipient_role="Solicitor")
    answer = await post(fiona, f"{NM}/requests/{rid}/release", twice)
    assert (answer.status_code, list(answer.json()["errors"])) == (400, ["items"])
    many = [{"kind": "field", "id": f"f{n}"} for n in range(MAX_ITEMS + 1)]
    answer = await post(fiona, f"{NM}/requests/{rid}/release", release("user_asked", many))
    assert (answer.status_code, list(answer.json()["errors"])) == (400, ["items"])
    nul = release("user_asked", [{"kind": "field", "id": "name"}], recipient_org="a\x00b")
    answer = await post(fiona, f"{NM}/requests/{rid}/release", nul)
    assert answer.status_code == 400
    assert "recipient_org" in answer.json()["errors"]
    missing = f"{NM}/requests/{uuid.uuid4()}/release"
    assert (await post(fiona, missing, body)).status_code == 404


def _release(ground: ReleaseGround, **changes: Any) -> CaseFileRelease:
    values: dict[str, Any] = {
        "ground": ground,
        "recipient_org": "Council",
        "recipient_role": "Local authority SEN officer",
        "items": [ItemRef(kind=ItemKind.FIELD, id="name")],
        "sent_on": TODAY,
        "method": SendMethod.SECURE_EMAIL,
        "sent_to": "officer@council.example",
        "given_by": GivenBy.PARENT,
    }
    values.update(changes)
    return CaseFileRelease(**values)


FORM = uuid.uuid4()


@pytest.mark.parametrize(
    ("data", "forms", "missing"),
    [
        (_release(ReleaseGround.SIGNED_CONSENT), frozenset(), "consent_document_id"),
        (
            _release(ReleaseGround.SIGNED_CONSENT, consent_document_id=uuid.uuid4()),
            frozenset({FORM}),
            "consent_document_id",
        ),
        (_release(ReleaseGround.SIGNED_CONSENT, consent_document_id=FORM), frozenset({FORM}), None),
        (
            _release(ReleaseGround.SIGNED_CONSENT, consent_document_id=FORM, given_by=None),
            frozenset({FORM}),
            "given_by",
        ),
        (_release(ReleaseGround.USER_ASKED, justification="asked"), frozenset(), "recipient_role"),
        (
            _release(ReleaseGround.USER_ASKED, recipient_role="Service user"),
            frozenset(),
            "justification",
        ),
        (
            _release(ReleaseGround.USER_ASKED, recipient_role="Solicitor", justification="letter"),
            frozenset(),
            None,
        ),
        (_release(ReleaseGround.LEGAL_BASIS), frozenset({FORM}), "legal_basis"),
        (
            _release(ReleaseGround.LEGAL_BASIS, legal_basis=LegalBasis.COURT_ORDER),
            frozenset(),
            "justification",
        ),
        (
            _release(
                ReleaseGround.LEGAL_BASIS, legal_basis=LegalBasis.SAFEGUARDING, justification="x"
            ),
            frozenset(),
            None,
        ),
    ],
)
def test_the_release_rule(
    data: CaseFileRelease, forms: frozenset[uuid.UUID], missing: str | None
) -> None:
    refusal = release_refusal(data, signed_consent_ids=forms, identity_confirmed=True)
    assert (next(iter(refusal)) if refusal else None) == missing


async def test_the_case_file_page_names_the_missing_consent_form_then_releases(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case = await new_case(aisha)
    cid = case["id"]
    note = await add_note(aisha, cid, "Advice on the annual review")
    rid = await logged(fiona, cid)
    page_path = f"/t/northmoor/requests/{rid}/case-file"
    page = await fiona.get(page_path)
    assert page.status_code == 200, page.text
    assert (await aisha.get(page_path)).status_code == 403
    pairs = [
        ("ground", "signed_consent"),
        ("given_by", "parent"),
        ("recipient_org", "Northmoor Council SEN team"),
        ("recipient_role", "Local authority SEN officer"),
        ("items", f"note:{note}"),
        ("sent_on-day", str(TODAY.day)),
        ("sent_on-month", str(TODAY.month)),
        ("sent_on-year", str(TODAY.year)),
        ("method", "secure_email"),
        ("sent_to", "j.clarke@northmoor.example"),
    ]
    refused = await submit(fiona, page_path, f"/t/northmoor/requests/{rid}/release", pairs)
    assert refused.status_code == 400
    [(anchor, message)] = error_summary(refused)
    assert anchor == "#consent_document_id"
    assert "signed consent form" in message

    form = await fiona.get(page_path)
    uploaded = await fiona.post(
        f"/t/northmoor/requests/{rid}/documents",
        data={"_csrf_token": csrf_token(form.text), "kind": "signed_consent", "title": "Form"},
        files=[("file", ("consent.pdf", SIGNED, "application/pdf"))],
    )
    assert uploaded.status_code == 303, uploaded.text
    page = await fiona.get(page_path)
    assert [row[0] for row in table_rows(page, "table[data-testid=request-documents]")] == ["Form"]
    [form_id] = [i.attrs["value"] for i in parse(page).select("input[name=consent_document_id]")]
    pairs.append(("consent_document_id", form_id))
    released = await submit(fiona, page_path, f"/t/northmoor/requests/{rid}/release", pairs)
    assert released.status_code == 303, released.text
    log = (await fiona.get(f"{NM}/cases/{cid}/disclosures")).json()["items"]
    assert [e["basis"] for e in log] == ["service_user"]


async def test_retention_erases_a_requests_files_and_their_stored_objects_with_its_case(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    """Rule 14: a case erased takes its requests' files, rows and sealed objects, with it."""
    import contextlib
    from datetime import UTC, datetime

    import time_machine

    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.errors import Conflict
    from confide.platform.core.sql import raw
    from confide.platform.identity.staff import get_staff
    from confide.platform.retention import services as retention

    tenant = tenants["northmoor"]

    def stored() -> set[str]:
        folder = STORAGE_FOLDER / str(tenant.id)
        return {p.name for p in folder.iterdir()} if folder.exists() else set()

    then = datetime.now(UTC) - timedelta(days=366 * 9)
    with time_machine.travel(then, tick=True):
        young = {"first_name": "Rhiannon", "last_name": f"Req{uuid.uuid4().hex[:6]}",
                 "date_of_birth": "1999-03-02"}  # fmt: skip
        case = await new_case(aisha, young_person=young)
        made = await post(
            fiona,
            f"{NM}/requests",
            council_request(case["id"], received_on=service_today().isoformat()),
        )
        assert made.status_code == 201, made.text
        rid = made.json()["id"]
        [document] = (await upload(fiona, rid, [("consent.pdf", SIGNED)])).json()
        # An open request holds its case back from erasure (DPA 2018 s. 173): closed here.
        answered = await post(fiona, f"{NM}/requests/{rid}/close", {"outcome": "Refused"})
        assert answered.status_code == 200, answered.text
        closed = await post(aisha, f"{NM}/cases/{case['id']}/close", {"outcome": "Advice given"})
        assert closed.status_code == 200, closed.text
    [row] = await as_tenant(
        owner_conn, tenant, "SELECT object_id FROM request_documents WHERE id = $1",
        uuid.UUID(document["id"]),
    )  # fmt: skip
    assert str(row["object_id"]) in stored()

    async with tenant_transaction(tenant.id):
        [admin] = await raw("SELECT id FROM staff_users WHERE subject = 'northmoor-admin'")
        admin_staff = await get_staff(admin["id"])
        assert admin_staff is not None
        with contextlib.suppress(Conflict):
            await retention.confirm(admin_staff)
    async with tenant_transaction(tenant.id):
        counts = await retention.sweep()
    assert counts["erased"] >= 1
    assert str(row["object_id"]) not in stored()
    left = await as_tenant(
        owner_conn, tenant, "SELECT 1 FROM request_documents WHERE request_id = $1",
        uuid.UUID(rid),
    )  # fmt: skip
    assert left == []


@pytest.mark.parametrize(
    ("given_by", "in_parents_bundle"),
    [(GivenBy.PARENT, True), (GivenBy.CARER, True), (GivenBy.YOUNG_PERSON, False)],
)
def test_a_parents_bundle_leaves_out_a_release_on_the_young_persons_word(
    given_by: GivenBy, in_parents_bundle: bool
) -> None:
    from datetime import UTC, datetime

    from confide.platform.consent.schemas import (
        Basis,
        CheckCode,
        DisclosureStatus,
        DisclosureView,
        SharedItem,
    )
    from confide.platform.exports import parent

    now = datetime.now(UTC)
    released = DisclosureView(
        id=uuid.uuid4(), case_id=uuid.uuid4(), case_reference="NM-1", recipient_org="A firm",
        recipient_role="Solicitor", recipient_person="", purpose="Their file",
        items=[SharedItem(ItemKind.FIELD, "name", "Name", "Sam")],
        status=DisclosureStatus.SHARED, basis=Basis.SERVICE_USER, consent_id=None,
        consent_version=None, check_code=CheckCode.INFORMATION_REQUEST, check_reason="",
        legal_basis=None, justification="Asked by letter", tell_not_possible=None,
        decline_reason=None, requested_by=uuid.uuid4(), requested_by_name="F",
        requested_at=now, authorised_by=None, authorised_by_name=None, decided_at=now,
        sent_on=TODAY, sent_method=SendMethod.SECURE_EMAIL, sent_to="x", sent_by_name="F",
        shared_at=now, cancel_reason=None, cancelled_by_name=None, cancelled_at=None,
        given_by=given_by,
    )  # fmt: skip
    assert bool(parent.disclosures([released], [])) is in_parents_bundle


def test_the_bundles_disclosures_name_the_basis_in_words() -> None:
    from datetime import UTC, datetime
    from types import SimpleNamespace

    from confide.platform.consent.disclosures import BASIS_LABELS, LEGAL_BASIS_LABELS
    from confide.platform.consent.schemas import Basis
    from confide.platform.exports.bundle import TEMPLATES

    now = datetime.now(UTC)
    shares = [
        SimpleNamespace(
            recipient_role="Solicitor",
            recipient_org="A firm",
            status="shared",
            requested_by_name="F",
            requested_at=now,
            purpose="Their file",
            basis=basis,
            legal_basis=legal,
            justification="",
            sent_on=TODAY,
            items=[],
        )
        for basis, legal in ((Basis.SERVICE_USER, None), (Basis.LEGAL, LegalBasis.COURT_ORDER))
    ]
    html = TEMPLATES.get_template("disclosures.html").render(
        f=SimpleNamespace(disclosures=shares),
        full=False,
        bases=BASIS_LABELS,
        legal_bases=LEGAL_BASIS_LABELS,
    )
    assert "service_user" not in html
    assert "court_order" not in html
    assert "signed consent or own request" in html
    assert "Court order" in html


async def test_the_page_upload_checks_its_csrf_token_itself(
    fiona: httpx.AsyncClient, aisha: httpx.AsyncClient
) -> None:
    """The page's upload leaves Litestar's CSRF middleware (which would read the whole body
    before the guard) and checks the token itself: without it, 403 and nothing stored."""
    case = await new_case(aisha)
    rid = await logged(fiona, str(case["id"]))
    page = f"/t/northmoor/requests/{rid}/case-file"
    files = [("file", ("form.pdf", SIGNED, "application/pdf"))]
    fields = {"kind": "signed_consent", "title": "Signed form"}
    forged = await fiona.post(f"/t/northmoor/requests/{rid}/documents", data=fields, files=files)
    assert forged.status_code == 403
    assert (await fiona.get(f"{NM}/requests/{rid}/documents")).json() == []
    token = csrf_token(await fiona.get(page))
    sent = await fiona.post(
        f"/t/northmoor/requests/{rid}/documents",
        data={**fields, "_csrf_token": token},
        files=files,
    )
    assert sent.status_code == 303, sent.text
    assert len((await fiona.get(f"{NM}/requests/{rid}/documents")).json()) == 1
