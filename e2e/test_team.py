"""Journey (issue 14): the tenant admin imports the schools directory and suspends a leaver,
who still holds open cases; the manager follows the offer to the team view and reassigns
the leaver's cases to a caseworker, without JavaScript's help; the directory is used on a
case and on the share page. axe checks every new page on the way."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from playwright.sync_api import Browser, Page

from e2e.casework_pages import visit
from tests.helpers.casework import enquiry
from tests.helpers.schools import FIXTURE
from tests.helpers.tenants import TenantRef
from tests.personas import start_session

NM = "/t/northmoor"


def _on(loop: asyncio.AbstractEventLoop, coroutine: Any) -> Any:
    """Run ``coroutine`` on the session's loop (the pool's), from Playwright's thread."""
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(loop.run_until_complete, coroutine).result(timeout=60)


async def _leaver(tenants: dict[str, TenantRef], issuer: str, name: str) -> str:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity import staff
    from confide.tenants.roles import StaffRole

    async with tenant_transaction(tenants["northmoor"].id):
        made = await staff.record_sign_in(
            issuer=issuer,
            subject=f"northmoor-{uuid.uuid4()}",
            email=None,
            name=name,
            roles={StaffRole.CASEWORKER},
        )
    return str(made.id)


def test_a_manager_reassigns_a_leavers_cases_from_the_team_view(
    sign_in_as: Callable[[Page, str], None],
    browser: Browser,
    base_url: str,
    tenants: dict[str, TenantRef],
    dev_idp: str,
    session_loop: asyncio.AbstractEventLoop,
) -> None:
    name = f"Lee Leaver {uuid.uuid4().hex[:6]}"
    leaver = _on(session_loop, _leaver(tenants, dev_idp, name))
    _, token = _on(session_loop, start_session("fiona", tenants, dev_idp))
    with httpx.Client(base_url=base_url, cookies={"confide_session": token}, timeout=30) as api:
        assert api.get(f"{NM}/dashboard").status_code == 200
        headers = {"x-csrftoken": api.cookies["confide_csrf"]}
        cases = []
        for _ in range(2):
            made = api.post(f"{NM}/api/enquiries", json=enquiry(), headers=headers)
            assert made.status_code == 201, made.text
            cases.append(made.json())
        moved = api.post(
            f"{NM}/api/team/reassignments",
            json={"case_ids": [c["id"] for c in cases], "to_staff_id": leaver},
            headers=headers,
        )
        assert moved.status_code == 200, moved.text

    # The tenant admin imports the directory, then suspends the leaver.
    gareth = browser.new_context().new_page()
    sign_in_as(gareth, "gareth")
    gareth.goto(f"{base_url}{NM}/admin/schools/")
    visit(gareth, "team-schools-import")
    gareth.get_by_test_id("import").click()
    visit(gareth, "team-schools-import-errors")
    assert "Choose the CSV file to import" in gareth.get_by_test_id("error-summary").inner_text()
    gareth.get_by_test_id("field-file").set_input_files(str(FIXTURE))
    gareth.get_by_test_id("import").click()
    visit(gareth, "team-schools-imported")
    assert "establishments imported" in gareth.get_by_test_id("imported").inner_text()

    gareth.goto(f"{base_url}{NM}/admin/staff")
    gareth.get_by_role("button", name=f"Suspend {name}").click()
    visit(gareth, "team-suspended")
    assert "still assigned to 2 open cases" in gareth.get_by_test_id("open-cases").inner_text()
    link = gareth.get_by_test_id("reassign-link").get_attribute("href")
    assert link == f"{NM}/team/staff/{leaver}"

    # The manager follows it from the team view.
    fiona = browser.new_context().new_page()
    sign_in_as(fiona, "fiona")
    fiona.get_by_test_id("nav-team").click()
    visit(fiona, "team-caseloads")
    fiona.goto(f"{base_url}{link}")
    visit(fiona, "team-leaver")
    fiona.get_by_test_id("reassign").click()
    visit(fiona, "team-leaver-errors")
    assert "Choose at least one case" in fiona.get_by_test_id("error-summary").inner_text()
    for case in cases:
        fiona.get_by_test_id(f"case-{case['reference']}").check()
    aisha = fiona.locator("#to_staff_id option", has_text="Aisha Rahman").get_attribute("value")
    assert aisha is not None
    fiona.get_by_test_id("field-to_staff_id").select_option(aisha)
    fiona.get_by_test_id("reassign").click()
    visit(fiona, "team-leaver-reassigned")
    assert "2 cases reassigned" in fiona.get_by_test_id("moved").inner_text()
    assert fiona.get_by_test_id("no-cases").is_visible()
    fiona.goto(f"{base_url}{NM}/team/unassigned")
    visit(fiona, "team-unassigned")

    # The directory, on its own and on a case.
    fiona.get_by_test_id("nav-schools").click()
    visit(fiona, "schools-list")
    fiona.get_by_test_id("field-q").fill("Academy")
    fiona.get_by_test_id("filter").click()
    fiona.get_by_test_id("school-link").first.click()
    visit(fiona, "schools-school")
    fiona.get_by_test_id("field-senco_email").fill("not an email")
    fiona.get_by_test_id("save").click()
    visit(fiona, "schools-school-errors")
    fiona.get_by_test_id("field-senco_name").fill("Dana Price")
    fiona.get_by_test_id("field-senco_email").fill("senco@academy.example")
    fiona.get_by_test_id("save").click()
    visit(fiona, "schools-school-saved")

    case = cases[0]
    fiona.goto(f"{base_url}{NM}/cases/{case['id']}/people/{case['subject']['id']}/school?q=190002")
    visit(fiona, "schools-person-school")
    fiona.get_by_test_id("school-190002").check()
    fiona.get_by_test_id("save").click()
    assert "School chosen from the directory" in fiona.get_by_test_id("done").inner_text()
    fiona.goto(f"{base_url}{NM}/cases/{case['id']}/share?senco_q=190002")
    visit(fiona, "schools-share-senco-search")
    fiona.get_by_test_id("senco-190002").click()
    visit(fiona, "schools-share-senco-chosen")
    assert fiona.get_by_test_id("field-recipient_org").input_value() == "Northmoor Academy"
