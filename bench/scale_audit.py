"""Every tenant page and API GET at scale: a kept benchmark database (``bench/statistics.py
--keep``: one tenant of 1,000,000 cases, about 2,200,000 people and 5,000,000 contacts)
served by ``confide serve``, each GET route asked for as the caseworker assigned to a case
and as the manager, with its path parameters filled with real ids; and the main writes
timed through the services, one transaction each as a request would (``statistics.py``'s
``_write_path``). A statement that cannot use an index costs 100 ms to seconds a request
at this size: the table shows where (path, who, status, ms: the median of ``--repeat``
GETs after one to warm up), and the PostgreSQL log's slow statements during the run
(``log_min_duration_statement`` set on the database) follow it.

Adds rows only (a note, a consent, a household, shares, a request, an enquiry, contacts):
it never changes what another benchmark measures on the same database, never migrates it,
and never drops it.

    .venv/bin/python bench/scale_audit.py --reuse RUN [--repeat 3] [--only PATTERN]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import _setup
from _served import SERVED_SETTINGS
from _setup import environment

LOG = Path("/var/log/postgresql/postgresql-15-main.log")
PREFIX = "/t/{tenant_slug:str}"
# Parameters a route's path may carry, and the key in the ids that fills it.
FILL = {
    "case_id": "case_id",
    "contact_id": "contact_id",
    "note_id": "note_id",
    "person_id": "person_id",
    "household_id": "household_id",
    "school_id": "school_id",
    "task_id": "task_id",
    "disclosure_id": "disclosure_id",
    "request_id": "request_id",
    "export_id": "export_id",
    "document_id": "document_id",
    "notification_id": "notification_id",
    "grant_id": "grant_id",
    "staff_id": "caseworker_id",
    "user_id": "caseworker_id",
    "run_id": "run_id",
    "heartbeat_id": "heartbeat_id",
    "reference": "reference",
    "group": "group",
}
# Query strings asked for besides the bare route: search by a name and by a reference.
QUERIES = {
    f"{PREFIX}/search": ["q={name}", "q={reference}"],
    f"{PREFIX}/api/search": ["q={name}", "q={reference}"],
}
# Routes that are not a page to read: sign-in, downloads that stream a file made elsewhere.
SKIP = {"callback", "login", "signed-out"}


async def _fixture(tenant_id: UUID) -> dict[str, Any]:
    """The kept tenant's staff and a case to read: open, its young person at a school,
    with a parent, contacts and an open follow-up task, assigned to a caseworker."""
    import asyncpg

    admin = await asyncpg.connect(_setup.BENCH_URL)
    try:
        row = await admin.fetchrow(
            "SELECT c.id AS case_id, c.reference, c.subject_id, p.school_id, a.staff_id,"
            "       p.first_name || ' ' || p.last_name AS name,"
            "       t.id AS task_id, cp.person_id AS parent_id,"
            "       (SELECT x.id FROM case_contacts x WHERE x.tenant_id = c.tenant_id"
            "           AND x.case_id = c.id ORDER BY x.occurred_at LIMIT 1) AS contact_id"
            "  FROM tasks t"
            "  JOIN cases c ON c.tenant_id = t.tenant_id AND c.id = t.case_id"
            "  JOIN people p ON p.tenant_id = c.tenant_id AND p.id = c.subject_id"
            "  JOIN case_people cp ON cp.tenant_id = c.tenant_id AND cp.case_id = c.id"
            "  JOIN case_assignments a ON a.tenant_id = c.tenant_id AND a.case_id = c.id"
            "       AND a.ended_at IS NULL"
            " WHERE t.tenant_id = $1 AND t.status = 'open' AND t.kind = 'follow_up'"
            "   AND c.status = 'open' AND p.school_id IS NOT NULL"
            " ORDER BY t.id LIMIT 1",
            tenant_id,
        )
        manager = await admin.fetchval(
            "SELECT id FROM staff_users WHERE tenant_id = $1 AND roles::text LIKE '%manager%'"
            " ORDER BY id LIMIT 1",
            tenant_id,
        )
        other = await admin.fetchval(
            "SELECT id FROM staff_users WHERE tenant_id = $1 AND roles::text NOT LIKE"
            " '%manager%' AND id <> $2 ORDER BY id LIMIT 1",
            tenant_id,
            row["staff_id"],
        )
        # Someone on another of the caseworker's cases, to link to this one.
        linkable = await admin.fetchval(
            "SELECT cp.person_id FROM case_assignments a JOIN case_people cp"
            " ON cp.tenant_id = a.tenant_id AND cp.case_id = a.case_id"
            " WHERE a.tenant_id = $1 AND a.staff_id = $2 AND a.ended_at IS NULL"
            " AND a.case_id <> $3 ORDER BY a.case_id LIMIT 1",
            tenant_id,
            row["staff_id"],
            row["case_id"],
        )
        open_cases = await admin.fetch(
            "SELECT a.case_id, a.staff_id FROM cases c JOIN case_assignments a"
            " ON a.tenant_id = c.tenant_id AND a.case_id = c.id AND a.ended_at IS NULL"
            " WHERE c.tenant_id = $1 AND c.status = 'open' ORDER BY c.opened_on DESC, c.id"
            " LIMIT 60",
            tenant_id,
        )
        slug = await admin.fetchval("SELECT slug FROM tenants WHERE id = $1", tenant_id)
    finally:
        await admin.close()
    return {
        "slug": slug,
        "case_id": row["case_id"],
        "reference": row["reference"],
        "name": row["name"],
        "person_id": row["subject_id"],
        "parent_id": row["parent_id"],
        "school_id": row["school_id"],
        "caseworker_id": row["staff_id"],
        "task_id": row["task_id"],
        "contact_id": row["contact_id"],
        "manager_id": manager,
        "other_id": other,
        "linkable_id": linkable,
        "open_cases": [(r["case_id"], r["staff_id"]) for r in open_cases],
        "group": "consent",
    }


async def _writes(tenant_id: UUID, ids: dict[str, Any], each: int) -> dict[str, float]:
    """The main writes through the services (ms each, the median of ``each`` after two to
    warm up), one transaction each, as the caseworker assigned to each open case."""
    from confide.platform.casework import records
    from confide.platform.casework.schemas import (
        ContactedBy,
        ContactKind,
        Direction,
        NewContact,
        NewNote,
        NewPerson,
    )
    from confide.platform.consent.first_contact import record_first_contact
    from confide.platform.consent.schemas import FirstContact
    from confide.platform.core.db import close_pool, start_pool, tenant_transaction
    from confide.platform.identity.staff import get_staff
    from confide.platform.people import services as people
    from confide.platform.people.schemas import CaseLink

    await start_pool()
    try:
        staff = {}
        async with tenant_transaction(tenant_id):
            for worker in {w for _, w in ids["open_cases"]} | {ids["caseworker_id"]}:
                staff[worker] = await get_staff(worker)
        when = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5)
        cases = ids["open_cases"][: each + 2]
        spent: dict[str, list[float]] = {}

        async def timed(name: str, work: Any) -> Any:
            started = time.perf_counter()
            async with tenant_transaction(tenant_id):
                result = await work()
            spent.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            return result

        for case_id, worker in cases:
            contact = NewContact(kind=ContactKind.PHONE, direction=Direction.INCOMING,
                                 occurred_at=when, summary="Rang about the plan")  # fmt: skip
            await timed(
                "write: record a contact",
                lambda c=case_id, w=worker, x=contact: records.add_contact(c, staff[w], x),
            )
            note = NewNote(body="Agreed to check the draft plan before the meeting.")
            await timed(
                "write: add a note",
                lambda c=case_id, w=worker, n=note: records.add_note(c, staff[w], n),
            )
        me = staff[ids["caseworker_id"]]
        for n in range(each + 2):
            enquiry = FirstContact(
                contacted_by=ContactedBy.PARENT,
                young_person=NewPerson(first_name="Sam", last_name=f"Okafor{n}",
                                       date_of_birth=when.date() - timedelta(days=3000)),
                parents=[NewPerson(first_name="Ada", last_name=f"Okafor{n}")],
                topics=["EHC needs assessment"],
                consent_not_asked="Asked at the next call",
            )  # fmt: skip
            case = await timed(
                "write: open an enquiry", lambda e=enquiry: record_first_contact(e, me)
            )
            link = CaseLink(person_id=ids["linkable_id"])
            await timed(
                "write: link a person",
                lambda c=case.id, x=link: people.link_to_case(c, x, me),
            )
        # The note and contact the pages read: on the audited case, by its caseworker.
        note = NewNote(body="Parent asked for the annual review paperwork.")
        async with tenant_transaction(tenant_id):
            ids["note_id"] = (await records.add_note(ids["case_id"], me, note)).note_id
        return {name: _median(ms[2:]) for name, ms in spent.items()}
    finally:
        await close_pool()


def _median(values: list[float]) -> float:
    """(The standard library's ``statistics`` is shadowed here by ``bench/statistics.py``.)"""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _api(client: Any, cookie: str, path: str, body: dict[str, Any]) -> Any:
    csrf = cookie.rsplit("=", 1)[1]
    answer = client.post(path, json=body, headers={"cookie": cookie, "x-csrftoken": csrf})
    if answer.status_code >= 300:
        print(f"  fixture {path}: {answer.status_code} {answer.text[:200]}", flush=True)
        return None
    return answer.json()


def _fixtures(client: Any, ids: dict[str, Any], worker: str, manager: str, other: str) -> None:
    """What the case has not got yet, added through the API as a service user's journey
    would: consent, a household, shares (one allowed, one by a manager on a legal basis,
    which opens a tell-the-client task), a subject access request, a follow-up task, and a
    break-glass read by another caseworker (a grant and the managers' notifications)."""
    from confide.platform.core.clock import service_today

    today = service_today().isoformat()
    api = f"/t/{ids['slug']}/api"
    case = f"{api}/cases/{ids['case_id']}"
    _api(client, worker, f"{case}/consents", {"decision": "restricted",
         "roles": ["School or SENCO"], "given_by": "parent", "method": "verbal",
         "given_on": today})  # fmt: skip
    household = _api(client, worker, f"{api}/households", {"name": "The family",
                     "members": [{"person_id": str(ids["person_id"]),
                                  "relationship": "parent"}]})  # fmt: skip
    if household:
        ids["household_id"] = household["id"]
    share = {"recipient_org": "Northmoor Primary School", "recipient_role": "School or SENCO",
             "recipient_person": "Ms Patel, SENCO", "purpose": "To plan support at school",
             "items": [{"kind": "note", "id": str(ids["note_id"])}]}  # fmt: skip
    allowed = _api(client, worker, f"{case}/disclosures", share)
    if allowed:
        ids["disclosure_id"] = allowed["id"]
    legal = {**share, "recipient_role": "Social care", "legal_basis": "safeguarding",
             "justification": "Risk of serious harm"}  # fmt: skip
    authorised = _api(client, manager, f"{case}/disclosures", legal)
    if authorised:
        sent_body = {"sent_on": today, "method": "secure_email", "sent_to": "Duty team"}
        sent = _api(client, manager, f"{case}/disclosures/{authorised['id']}/sent", sent_body)
        if sent and sent.get("task"):
            ids["tell_task_id"] = sent["task"]["id"]
    request = _api(client, manager, f"{api}/requests", {"kind": "subject_access",
                   "requester_name": "The parent", "relation": "parent", "received_on": today,
                   "channel": "email", "case_id": str(ids["case_id"])})  # fmt: skip
    if request:
        ids["request_id"] = request["id"]
    _api(client, worker, f"{case}/tasks", {"title": "Ring back about the review",
         "due_on": today})  # fmt: skip
    grant = _api(client, other, f"{case}/break-glass", {"reason": "Covering a colleague today"})
    if grant:
        ids["grant_id"] = grant.get("id") or grant.get("grant_id")


async def _more_ids(tenant_id: UUID, ids: dict[str, Any]) -> None:
    """Ids the fixtures left in the database rather than in an answer (or that another
    run left there): a notification, an export, a document, a job run, a heartbeat."""
    import asyncpg

    admin = await asyncpg.connect(_setup.BENCH_URL)
    try:
        for key, sql in {
            "notification_id": "SELECT id FROM notifications WHERE tenant_id = $1"
            " AND recipient_id = $2 ORDER BY created_at DESC LIMIT 1",
            "grant_id": "SELECT id FROM break_glass_grants WHERE tenant_id = $1"
            " ORDER BY created_at DESC LIMIT 1",
            "export_id": "SELECT id FROM exports WHERE tenant_id = $1 LIMIT 1",
            "document_id": "SELECT document_id FROM case_documents WHERE tenant_id = $1 LIMIT 1",
            "run_id": "SELECT id FROM job_runs WHERE tenant_id = $1 LIMIT 1",
            "heartbeat_id": "SELECT id FROM housekeeping_heartbeats WHERE tenant_id = $1 LIMIT 1",
        }.items():
            if ids.get(key):
                continue
            args = [tenant_id, ids["manager_id"]] if "$2" in sql else [tenant_id]
            try:
                value = await admin.fetchval(sql, *args)
            except asyncpg.PostgresError as error:
                print(f"  {key}: {type(error).__name__}", flush=True)
                continue
            if value is not None:
                ids[key] = value
    finally:
        await admin.close()


def _get_routes() -> list[str]:
    from confide.platform.app import create_litestar

    return sorted(
        route.path
        for route in create_litestar().routes
        if route.path.startswith(PREFIX)
        and "GET" in getattr(route, "methods", ())
        and not any(getattr(h, "name", None) in SKIP for h in getattr(route, "route_handlers", []))
    )


def _fill(path: str, ids: dict[str, Any]) -> str | None:
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        name = match.group(1)
        if name == "tenant_slug":
            return str(ids["slug"])
        key = FILL.get(name)
        if name == "task_id" and (
            "tell-client" in path or path == f"{PREFIX}/tasks/{{task_id:uuid}}"
        ):
            key = "tell_task_id"
        value = ids.get(key) if key else None
        if value is None:
            missing = True
            return ""
        return str(value)

    filled = re.sub(r"\{(\w+)(?::\w+)?\}", one, path)
    return None if missing else filled


def _log_offset() -> int:
    try:
        return LOG.stat().st_size
    except OSError:
        return 0


def _slow_statements(offset: int, database: str) -> list[tuple[float, str]]:
    """The statements the PostgreSQL log has noted as slow on ``database`` since ``offset``
    (the log is the server's, readable by its group)."""
    try:
        with LOG.open("rb") as log:
            log.seek(offset)
            text = log.read().decode(errors="replace")
    except OSError as error:
        print(f"(the log could not be read: {type(error).__name__})")
        return []
    found: list[tuple[float, str]] = []
    current: list[Any] | None = None  # [ms, statement lines]: a statement spans lines
    for line in [*text.splitlines(), "2000-01-01 end"]:
        if line[:1] in ("\t", " ") and current is not None:
            current[1].append(line.strip())
            continue
        if current is not None:
            found.append((current[0], " ".join(current[1]).strip()))
            current = None
        if f"@{database} " not in line or "duration:" not in line:
            continue
        match = re.search(r"duration: ([\d.]+) ms\s+(?:execute [^:]*: |statement: )?(.*)", line)
        if match:
            current = [float(match.group(1)), [match.group(2)]]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reuse", metavar="RUN", required=True, help="a kept run's id")
    parser.add_argument("--repeat", type=int, default=3, help="GETs per route and person")
    parser.add_argument("--writes", type=int, default=20, help="writes of each kind timed")
    parser.add_argument("--only", help="only the paths matching this regular expression")
    options = parser.parse_args()
    _setup.use_run(options.reuse)
    environment(2, {**SERVED_SETTINGS, "CONFIDE_WEB_WORKERS": "1"})

    import asyncpg
    import httpx
    from _served import clear_redis, free_port, serve, staff_session, stop
    from suite import _cookie

    async def tenant() -> UUID:
        admin = await asyncpg.connect(_setup.BENCH_URL)
        try:
            found: UUID = await admin.fetchval("SELECT id FROM tenants WHERE slug LIKE 'bench%'")
        finally:
            await admin.close()
        return found

    tenant_id = asyncio.run(tenant())
    ids = asyncio.run(_fixture(tenant_id))
    offset = _log_offset()
    writes = asyncio.run(_writes(tenant_id, ids, options.writes))

    async def tokens() -> list[str]:
        return [
            await staff_session(tenant_id, who, idle_minutes=120)
            for who in (ids["caseworker_id"], ids["manager_id"], ids["other_id"])
        ]  # fmt: skip

    worker, manager, other = (_cookie(t) for t in asyncio.run(tokens()))
    port = free_port()
    server = serve(port)
    rows: list[tuple[str, str, int, float]] = []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            _fixtures(client, ids, worker, manager, other)
            asyncio.run(_more_ids(tenant_id, ids))
            for route in _get_routes():
                path = _fill(route, ids)
                if options.only and not re.search(options.only, route):
                    continue
                if path is None:
                    rows.append((route[len(PREFIX) :] or "/", "-", 0, 0.0))
                    continue
                asked = [path] + [
                    f"{path}?{query.format(**ids)}" for query in QUERIES.get(route, [])
                ]
                for url in asked:
                    for who, cookie in (("caseworker", worker), ("manager", manager)):
                        timings, status = [], 0
                        for _ in range(options.repeat + 1):  # the first warms the route up
                            started = time.perf_counter()
                            status = client.get(url, headers={"cookie": cookie}).status_code
                            timings.append((time.perf_counter() - started) * 1000)
                        rows.append((url, who, status, _median(timings[1:])))
    finally:
        stop(server)
        clear_redis()
    print(f"{'path':<100} {'who':<10} {'status':>6} {'ms':>8}")
    for path, who, status, ms in rows:
        shown = path.replace(str(ids["slug"]), "{slug}")
        if who == "-":
            print(f"{shown:<100} {'(no id to fill it: skipped)'}")
        else:
            flag = "  <-- slow" if ms > 50 else ""
            print(f"{shown:<100} {who:<10} {status:>6} {ms:>8.1f}{flag}")
    for name, ms in writes.items():
        flag = "  <-- slow" if ms > 50 else ""
        print(f"{name:<100} {'service':<10} {'-':>6} {ms:>8.1f}{flag}")
    slow = _slow_statements(offset, _setup.DATABASE)
    print(f"\nslow statements in the log during the run: {len(slow)}")
    grouped: dict[str, list[float]] = {}
    for ms, sql in slow:
        grouped.setdefault(re.sub(r"\s+", " ", sql)[:240], []).append(ms)
    for sql, times in sorted(grouped.items(), key=lambda kv: -max(kv[1])):
        print(f"  {len(times):>4} x, max {max(times):>8.1f} ms: {sql}")


if __name__ == "__main__":
    main()
