"""Safe contact, enforced (rule 8): an outgoing contact, or telling a service user of a
share, by a route the person's preferences forbid is refused, naming the field and the
preference; a manager may set them aside with a reason (kept and audited); incoming
contacts are always recordable."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import asyncpg
import httpx
import pytest

from confide.platform.casework.safe_contact import refusal
from confide.platform.casework.schemas import ContactTarget, SafeContact
from confide.platform.core.clock import service_today
from tests.helpers.casework import NM, as_tenant, case_audit, new_case
from tests.helpers.consent import task_after_override
from tests.helpers.html import error_summary, field_error, parse
from tests.helpers.http import post
from tests.helpers.pages import enquiry_form, record_enquiry, submit, text
from tests.helpers.tenants import TenantRef

PAGES = "/t/northmoor"


def _target(name: str, **allowed: bool) -> ContactTarget:
    flags = {k: allowed.get(k, False) for k in
             ("may_phone", "may_leave_voicemail", "may_text", "may_email", "may_post")}  # fmt: skip
    return ContactTarget(uuid.uuid4(), name, SafeContact(**flags, preferred_times="", note=""))


SAM = _target("Sam Okafor", may_phone=True)
ADA = _target("Ada Okafor", may_email=True)


@pytest.mark.parametrize(
    ("route", "person", "targets", "refused_because"),
    [
        ("phone", SAM, [SAM, ADA], None),
        ("video", ADA, [SAM, ADA], None),  # arranged, like a meeting
        ("voicemail", SAM, [SAM, ADA], "may_leave_voicemail"),
        ("text", SAM, [SAM, ADA], "may_text"),
        ("email", SAM, [SAM, ADA], "may_email"),
        ("email", ADA, [SAM, ADA], None),
        ("letter", ADA, [SAM, ADA], "may_post"),
        ("phone", ADA, [SAM, ADA], "may_phone"),
        ("meeting", ADA, [SAM, ADA], None),  # no route to give them away
        ("phone", None, [SAM, ADA], None),  # no-one named: someone on the case allows it
        ("voicemail", None, [SAM, ADA], "may_leave_voicemail"),  # nobody allows it
        ("letter", None, [], None),  # an anonymous case: nobody to protect
    ],
)
def test_the_route_each_preference_forbids(
    route: str,
    person: ContactTarget | None,
    targets: list[ContactTarget],
    refused_because: str | None,
) -> None:
    why = refusal(route, None if person is None else person.person_id, targets)
    if refused_because is None:
        assert why is None
    else:
        assert why is not None
        assert f"{refused_because}: no" in why


def _contact(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "voicemail",
        "direction": "outgoing",
        "occurred_at": datetime.now(UTC).isoformat(),
        "summary": "Left a message about the meeting",
    }
    body.update(changes)
    return body


def _person(case: dict[str, Any], first_name: str) -> str:
    everyone = [case["subject"], *(p["person"] for p in case["people"])]
    [found] = [p["id"] for p in everyone if p["first_name"] == first_name]
    return str(found)


async def test_an_outgoing_contact_the_preferences_forbid_is_refused_unless_a_manager_excepts_it(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    case = await new_case(aisha)
    url = f"{NM}/cases/{case['id']}/contacts"
    sam, ada = _person(case, "Sam"), _person(case, "Ada")

    refused = await post(aisha, url, _contact(with_person_id=sam))
    assert refused.status_code == 400, refused.text
    assert "may_leave_voicemail" in refused.json()["errors"]["kind"]
    assert "Sam Okafor" in refused.json()["errors"]["kind"]
    unnamed = await post(aisha, url, _contact(kind="email"))
    assert unnamed.status_code == 400
    assert "may_email" in unnamed.json()["errors"]["kind"]
    to_ada = await post(aisha, url, _contact(kind="phone", with_person_id=ada))
    assert "may_phone" in to_ada.json()["errors"]["kind"]

    # Allowed routes, incoming contacts and meetings are recorded as before.
    for allowed in (
        _contact(kind="phone", with_person_id=sam),
        _contact(kind="phone"),
        _contact(direction="incoming", with_person_id=ada),
        _contact(kind="meeting", direction="outgoing", with_person_id=ada),
    ):
        made = await post(aisha, url, allowed)
        assert made.status_code == 201, made.text

    # A caseworker cannot set the preferences aside; a manager can, with a reason.
    reason = "Court hearing tomorrow: no other way to reach her in time"
    not_hers = await post(aisha, url, _contact(with_person_id=sam, safe_contact_exception=reason))
    assert not_hers.status_code == 400
    assert "safe_contact_exception" in not_hers.json()["errors"]
    not_needed = await post(
        fiona, url, _contact(kind="phone", with_person_id=sam, safe_contact_exception=reason)
    )
    assert "safe_contact_exception" in not_needed.json()["errors"]
    excepted = await post(fiona, url, _contact(with_person_id=sam, safe_contact_exception=reason))
    assert excepted.status_code == 201, excepted.text
    assert excepted.json()["safe_contact_exception"] == reason
    entries = await case_audit(owner_conn, tenants["northmoor"], case["id"])
    assert [(e["action"], e["reason_code"]) for e in entries][-1] == (
        "safe_contact_exception",
        "voicemail",
    )
    stored = await as_tenant(
        owner_conn,
        tenants["northmoor"],
        "SELECT count(*) AS n FROM case_contacts WHERE case_id = $1"
        " AND safe_contact_exception IS NOT NULL",
        uuid.UUID(case["id"]),
    )
    assert stored[0]["n"] == 1
    # Someone not on the case is no-one to contact here.
    stranger = await post(aisha, url, _contact(kind="phone", with_person_id=str(uuid.uuid4())))
    assert "with_person_id" in stranger.json()["errors"]


async def test_the_preferences_follow_the_person_into_the_contact_page(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    case_id = await record_enquiry(aisha)  # Claire may be phoned and texted, nothing else
    case_path = f"{PAGES}/cases/{case_id}"
    form = await aisha.get(f"{case_path}/contacts/new")
    [claire] = [
        o.get("value")
        for o in parse(form).select("select#with_person_id option")
        if "Claire" in o.text
    ]
    assert claire
    pairs = [
        ("kind", "voicemail"),
        ("direction", "outgoing"),
        ("with_person_id", claire),
        ("summary", "Left a message"),
    ]
    refused = await submit(aisha, f"{case_path}/contacts/new", f"{case_path}/contacts", pairs)
    assert refused.status_code == 400
    assert [field for field, _ in error_summary(refused)] == ["#kind"]
    message = field_error(refused, "kind") or ""
    assert "Claire Whitfield may not be left a voicemail" in message
    assert "Do not leave a voicemail." in text(refused)  # the preferences, shown again
    assert not parse(refused).select("textarea#safe_contact_exception")  # not for her
    assert "Left a message" not in text(await aisha.get(case_path))

    manager_form = await fiona.get(f"{case_path}/contacts/new")
    assert parse(manager_form).select("textarea#safe_contact_exception")
    reason = [("safe_contact_exception", "She asked us to call back today, by any means")]
    excepted = await submit(
        fiona, f"{case_path}/contacts/new", f"{case_path}/contacts", pairs + reason
    )
    assert excepted.status_code == 303, excepted.text
    texted = await submit(
        aisha,
        f"{case_path}/contacts/new",
        f"{case_path}/contacts",
        [("kind", "text"), ("direction", "outgoing"), ("with_person_id", claire),
         ("summary", "Texted the meeting time")],
    )  # fmt: skip
    assert texted.status_code == 303, texted.text


async def test_an_outgoing_first_contact_they_forbid_is_refused_before_anything_is_saved(
    aisha: httpx.AsyncClient,
) -> None:
    refused = await submit(
        aisha,
        f"{PAGES}/enquiries/new",
        f"{PAGES}/enquiries/new",
        enquiry_form(**{"contact-kind": "email", "contact-direction": "outgoing"}),
    )
    assert refused.status_code == 400
    assert "may not be emailed" in (field_error(refused, "contact-kind") or "")


async def test_telling_them_by_a_route_they_refused_is_refused_unless_a_manager_excepts_it(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    cid, task = await task_after_override(aisha, fiona)
    case = (await aisha.get(f"{NM}/cases/{cid}")).json()
    ada = _person(case, "Ada")
    url = f"{NM}/tell-client-tasks/{task['id']}/told"
    today = service_today().isoformat()
    by_letter = await post(aisha, url, {"told_on": today, "told_how": "letter"})
    assert by_letter.status_code == 400
    assert "may_post" in by_letter.json()["errors"]["told_how"]
    to_ada = await post(aisha, url, {"told_on": today, "told_how": "phone", "told_person_id": ada})
    assert "Ada Okafor may not be phoned" in to_ada.json()["errors"]["told_how"]
    reason = "Her solicitor asked that she is told by phone this once"
    caseworker = await post(
        aisha,
        url,
        {"told_on": today, "told_how": "phone", "told_person_id": ada,
         "safe_contact_exception": reason},
    )  # fmt: skip
    assert "safe_contact_exception" in caseworker.json()["errors"]
    done = await post(
        fiona,
        url,
        {"told_on": today, "told_how": "phone", "told_person_id": ada,
         "safe_contact_exception": reason},
    )  # fmt: skip
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    actions = [e["action"] for e in await case_audit(owner_conn, tenants["northmoor"], cid)]
    assert actions[-2:] == ["tell_client_done", "safe_contact_exception"]


async def test_the_task_page_refuses_telling_by_a_route_they_refused(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    _, task = await task_after_override(aisha, fiona)
    page = f"{PAGES}/tasks/{task['id']}"
    today = service_today()
    told = [
        ("told_on-day", str(today.day)),
        ("told_on-month", str(today.month)),
        ("told_on-year", str(today.year)),
        ("told_how", "email"),
    ]
    refused = await submit(aisha, page, f"{page}/told", told)
    assert refused.status_code == 400
    assert "may_email: no" in (field_error(refused, "told_how") or "")
    done = await submit(aisha, page, f"{page}/told", [*told[:3], ("told_how", "meeting")])
    assert done.status_code == 303, done.text
