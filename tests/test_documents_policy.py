"""A document's size limit and the kinds offered are the service's policy settings (rule
28): 25 MB and the six kinds by default, changed by the tenant admin, versioned like every
setting, read by each upload; another service keeps its own."""

from __future__ import annotations

from typing import Any

import httpx

from tests.helpers.casework import NM, new_case
from tests.helpers.documents import LETTER, upload
from tests.helpers.html import error_summary, parse
from tests.helpers.pages import NM as PAGES
from tests.helpers.pages import submit

ED = "/t/eastdale/api"
SIX = ["ehc_plan", "decision_letter", "report", "consent_form", "correspondence", "other"]
MB = 1024 * 1024


async def _put(http: httpx.AsyncClient, body: dict[str, Any], api: str = NM) -> httpx.Response:
    return await http.put(
        f"{api}/policy/documents", json=body,
        headers={"x-csrftoken": http.cookies["confide_csrf"]},
    )  # fmt: skip


async def test_the_size_limit_and_kinds_are_the_services_settings(
    aisha: httpx.AsyncClient,
    gareth: httpx.AsyncClient,
    bronwen: httpx.AsyncClient,
) -> None:
    policy = (await gareth.get(f"{NM}/policy")).json()["documents"]
    assert policy == {"document_max_mb": 25, "document_kinds": SIX}
    for body, field in (
        ({"document_max_mb": 0, "document_kinds": SIX}, "max_mb"),
        ({"document_max_mb": 51, "document_kinds": SIX}, "max_mb"),
        ({"document_max_mb": 5, "document_kinds": []}, "kinds"),
        ({"document_max_mb": 5, "document_kinds": ["payslip"]}, "kinds"),
        ({"document_max_mb": 5, "document_kinds": ["report", "report"]}, "kinds"),
    ):
        refused = await _put(gareth, body)
        assert refused.status_code == 400, body
        assert field in refused.json()["errors"], refused.text
    assert (await _put(aisha, {"document_max_mb": 1, "document_kinds": SIX})).status_code == 403
    changed = await _put(
        gareth, {"document_max_mb": 1, "document_kinds": ["consent_form", "decision_letter"]}
    )
    assert changed.status_code == 200, changed.text
    try:
        assert changed.json()["documents"] == {
            "document_max_mb": 1,
            "document_kinds": ["decision_letter", "consent_form"],
        }
        case = await new_case(aisha)
        large = b"A line of the review notes.\n" * (MB // 28 + 2000)  # just over 1 MB
        too_big = await upload(aisha, case["id"], [("notes.txt", large)])
        assert too_big.status_code == 400
        assert "smaller than 1 MB" in too_big.json()["errors"]["file"]
        not_offered = await upload(aisha, case["id"], [("r.pdf", LETTER)], kind="report")
        assert not_offered.status_code == 400
        assert "kind" in not_offered.json()["errors"]
        taken = await upload(aisha, case["id"], [("c.pdf", LETTER)], kind="consent_form")
        assert taken.status_code == 201, taken.text
        page = parse(await aisha.get(f"{PAGES}/cases/{case['id']}/documents"))
        offered = [
            i.get("value") for i in page.select("input[name=kind], select[name=kind] option")
        ]
        assert [v for v in offered if v] == ["decision_letter", "consent_form"]
        assert "smaller than 1 MB" in page.one("#file-hint").text
        # Another service keeps its own settings.
        theirs = (await bronwen.get(f"{ED}/policy")).json()["documents"]
        assert theirs == {"document_max_mb": 25, "document_kinds": SIX}
    finally:
        restored = await _put(gareth, {"document_max_mb": 25, "document_kinds": SIX})
        assert restored.status_code == 200
    history = (await gareth.get(f"{NM}/policy/history")).json()
    assert any(c["group"] == "documents" for c in history["items"])


async def test_the_admin_changes_them_on_the_settings_page(gareth: httpx.AsyncClient) -> None:
    path = f"{PAGES}/admin/policy/documents"
    form = parse(await gareth.get(path))
    boxes = form.select("input[name=kinds]")
    assert [b.get("value") for b in boxes] == SIX
    assert all(b.get("checked") is not None for b in boxes)
    refused = await submit(gareth, path, path, [("max_mb", "60")])
    assert refused.status_code == 400
    assert [href for href, _ in error_summary(refused)] == ["#max_mb", "#kinds"]
    saved = await submit(
        gareth, path, path, [("max_mb", "10"), ("kinds", "report"), ("kinds", "other")]
    )
    assert saved.status_code == 303, saved.text
    try:
        overview = (await gareth.get(f"{PAGES}/admin/policy")).text
        assert "10 MB" in overview
        assert "Report, Other" in overview
    finally:
        await _put(gareth, {"document_max_mb": 25, "document_kinds": SIX})
