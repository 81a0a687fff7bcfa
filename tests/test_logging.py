"""Log lines carry ids, never personal data, whatever a request or a task contains."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from confide.platform.core.clock import service_today
from tests.helpers.casework import a_minute_ago
from tests.helpers.http import http_client
from tests.helpers.pages import enquiry_form, submit
from tests.helpers.tenants import TenantRef

NAME = "Jasmine Okonkwo-Bright"
BIRTH = "2011-03-14"
NOTE = "Mum says the school excluded her twice"
# Case work full of recognisable personal data, every word of it made up here.
PERSONAL = {
    "first": "Zephyrine",
    "last": "Quillfeather",
    "parent": "Ottoline",
    "address": "17 Larkspur Crescent",
    "postcode": "NM9 7QX",
    "phone": "07700 900913",
    "email": "ottoline.quillfeather@example.org",
    "safe": "Her stepfather reads the post",
    "school": "Brackenridge Academy",
    "note": "Zephyrine disclosed a bruise from her stepfather",
    "contact": "Ottoline rang crying about the exclusion",
    "consent": "Ottoline signed at the Brackenridge drop-in",
    "view": "Zephyrine wants her form tutor told",
    "purpose": "Quillfeather family safeguarding referral",
    "person": "Detective Sergeant Marchbanks",
    "justification": "Bruising seen on Zephyrine's arm",
}


# Words of it no log line could carry by chance.
DISTINCT = ("Zephyrine", "Quillfeather", "Ottoline", "Larkspur", "Brackenridge", "Marchbanks",
            "stepfather", "crying", "bruise", "Bruising", "tutor", "NM9")  # fmt: skip


def _personal_words() -> list[str]:
    return [*PERSONAL.values(), *DISTINCT]


async def _case_work_full_of_personal_data(
    aisha: httpx.AsyncClient, fiona: httpx.AsyncClient
) -> None:
    """Record an enquiry (API and page), a note, a contact, a consent and a
    share, all carrying the made-up personal data above."""
    p = PERSONAL
    headers = {"x-csrftoken": aisha.cookies["confide_csrf"]}
    person = {
        "first_name": p["first"],
        "last_name": p["last"],
        "date_of_birth": BIRTH,
        "school_or_setting": p["school"],
        "address": p["address"],
        "postcode": p["postcode"],
        "phone": p["phone"],
        "may_phone": True,
        "safe_contact_note": p["safe"],
    }
    parent = {"first_name": p["parent"], "last_name": p["last"], "email": p["email"]}
    consent = {
        "decision": "full",
        "given_by": "parent",
        "method": "signed_form",
        "given_on": service_today().isoformat(),
        "note": p["consent"],
        "young_person_view": p["view"],
    }
    body = {
        "contacted_by": "parent",
        "young_person": person,
        "parents": [parent],
        "topics": ["Exclusion"],
        "consent": consent,
    }
    made = await aisha.post("/t/northmoor/api/enquiries", json=body, headers=headers)
    assert made.status_code == 201, made.text
    case = f"/t/northmoor/api/cases/{made.json()['id']}"
    note = await aisha.post(f"{case}/notes", json={"body": p["note"]}, headers=headers)
    assert note.status_code == 201, note.text
    contact = {
        "kind": "phone",
        "direction": "incoming",
        "occurred_at": a_minute_ago(),
        "summary": p["contact"],
    }
    assert (await aisha.post(f"{case}/contacts", json=contact, headers=headers)).is_success
    again = await aisha.post(f"{case}/consents", json=consent, headers=headers)
    assert again.status_code == 201, again.text
    share = {
        "recipient_org": "Northmoor Police",
        "recipient_role": "Police",
        "recipient_person": p["person"],
        "purpose": p["purpose"],
        "items": [
            {"kind": "note", "id": note.json()["note_id"]},
            {"kind": "field", "id": "name"},
            {"kind": "address", "id": made.json()["subject"]["id"]},
        ],
        "legal_basis": "safeguarding",
        "justification": p["justification"],
    }
    manager = {"x-csrftoken": fiona.cookies["confide_csrf"]}
    shared = await fiona.post(f"{case}/disclosures", json=share, headers=manager)
    assert shared.status_code == 201, shared.text
    # The same through the pages, as a browser posts them.
    form = dict(enquiry_form())
    form.update(
        {
            "yp-first_name": p["first"],
            "yp-last_name": p["last"],
            "parent-first_name": p["parent"],
            "parent-address": p["address"],
            "contact-summary": p["contact"],
            "consent-note": p["consent"],
        }
    )
    page = await submit(
        aisha, "/t/northmoor/enquiries/new", "/t/northmoor/enquiries/new", list(form.items())
    )
    assert page.status_code == 303, page.text


async def _worker_lines(path: Path, task_id: str) -> str:
    """The worker's log, once it has logged ``task_id`` failing (an error line)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = await asyncio.to_thread(path.read_text)
        if any('"level": "error"' in line and task_id in line for line in text.splitlines()):
            return text
        await asyncio.sleep(0.2)
    raise AssertionError("the worker never logged the task failing")


async def test_personal_data_in_requests_and_tasks_never_reaches_the_logs(
    aisha: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    capsys: pytest.CaptureFixture[str],
    worker: subprocess.Popen[str],
    worker_log: Path,
    tenants: dict[str, TenantRef],
) -> None:
    """Signed in, case work full of personal data goes through the API and the pages; the
    worker is handed personal data as a task's argument (the task fails on it). None of
    it appears in any line the app or the worker logs."""
    from confide.workers.housekeeping import heartbeat

    capsys.readouterr()
    await _case_work_full_of_personal_data(aisha, fiona)
    task = heartbeat.delay(str(tenants["northmoor"].id), f"{NAME} {PERSONAL['address']}")
    app_out = capsys.readouterr().out
    worker_out = await _worker_lines(worker_log, task.id)
    assert '"event": "request"' in app_out
    for name, out in (("app", app_out), ("worker", worker_out)):
        lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        assert lines, name
        for fragment in (*_personal_words(), NAME, *NAME.split(), BIRTH):
            assert fragment not in out, f"{fragment!r} reached the {name}'s log"


async def test_personal_data_in_an_unauthenticated_request_never_reaches_the_log(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    params = {"name": NAME, "dob": BIRTH}
    await client.get("/t/alpha/", params=params, headers={"X-Request-ID": "req-12345678"})
    await client.get("/t/alpha/api/housekeeping/heartbeats", params={"limit": NAME})
    await client.post("/t/alpha/api/housekeeping/heartbeats", data={"note": NOTE, "name": NAME})
    await client.get(f"/t/alpha/people/{NAME}", params=params)
    await client.get(f"/t/{NAME.split()[0].lower()}/", params=params)
    out = capsys.readouterr().out

    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert len(lines) >= 5
    for fragment in (NAME, *NAME.split(), BIRTH, NOTE, "excluded", "Jasmine"):
        assert fragment not in out, f"{fragment!r} reached the log"

    first = next(line for line in lines if line.get("request_id") == "req-12345678")
    assert first["event"] == "request"
    assert first["tenant"] == "alpha"
    assert first["route"] == "/t/{tenant_slug}"
    assert first["status"] == 200
    assert all("request_id" in line for line in lines)


async def test_a_server_error_is_logged_by_type_not_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from litestar import Litestar, get

    from confide.frontend.errors import server_error

    @get("/explode")
    async def explode() -> None:
        raise ValueError(f"duplicate key (name)=({NAME})")

    app = Litestar([explode], exception_handlers={Exception: server_error}, logging_config=None)
    async with http_client(app) as http:
        capsys.readouterr()
        response = await http.get("/explode")
    out = capsys.readouterr().out
    assert response.status_code == 500
    assert NAME not in out
    assert NAME not in response.text
    error = next(json.loads(line) for line in out.splitlines() if "unhandled_error" in line)
    assert error["error"] == "ValueError"


def test_library_exceptions_are_logged_without_their_message(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging

    capsys.readouterr()
    try:
        raise KeyError(f"no record for {NAME}, born {BIRTH}")
    except KeyError:
        logging.getLogger("some.library").exception("lookup failed")
    out = capsys.readouterr().out
    line = json.loads(out.strip().splitlines()[-1])
    assert line["error"] == "KeyError"
    assert line["frames"]
    assert NAME not in out
    assert BIRTH not in out
