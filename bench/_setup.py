"""Shared set-up for the benchmarks: their own database, the real CLI, seeding by COPY.

Creates an owner role, application role and database on the local PostgreSQL (as the
test harness does), runs the real ``confide migrate`` and ``confide tenants create``,
and seeds 20 tenants with people, each the subject of a case assigned to one of a few
caseworkers, optionally with contacts and notes on every case. ``drop()`` removes it all.

Seeding uses COPY as the admin (superuser) connection: COPY FROM refuses tables under
row-level security for any role the policy binds, and the superuser is not bound.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from confide.platform.casework.matching import person_keys

ADMIN_URL = os.environ.get(
    "CONFIDE_BENCH_ADMIN_URL", "postgresql://postgres@localhost:5432/postgres"
)
RUN = secrets.token_hex(4)
OWNER_ROLE = f"confide_owner_bench_{RUN}"
APP_ROLE = f"confide_app_bench_{RUN}"
DATABASE = f"confide_bench_{RUN}"
TENANTS = 20
CASEWORKERS = 6


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Oliver George Arthur Noah Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie
Theo Alfie Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Alexander Luca
Edward James Joshua Albie Elijah Max Mohammed Reggie Hudson Ethan Mason Sebastian Rory Louie
Jude Ezra Adam Hugo Ronnie Reuben Zachary Joseph Daniel Samuel Jesse Dylan Benjamin Toby
Olivia Amelia Isla Ava Ivy Freya Lily Florence Mia Willow Rosie Sophia Isabella Grace Daisy
Sienna Poppy Elsie Emily Ella Evelyn Phoebe Sofia Evie Charlotte Harper Millie Matilda Maya
Sophie Alice Emilia Isabelle Ruby Luna Maisie Aria Penelope Mila Bonnie Eva Hallie Eliza
Ada Violet Esme Arabella Imogen Jessica Delilah Thea Layla Harriet Jasmine Aisha Priya Zara
Amara Chloe Megan Bethan Siobhan Niamh Aoife Ciaran Declan Rhys Gareth Dafydd Callum Fraser
Hamish Lachlan Kayden Tyler Connor Bradley Kieran Shannon Leanne Kelly Gemma Hayley Aaliyah
Yusuf Ibrahim Hamza Zain Ayaan Omar Ali Fatima Maryam Khadija Inaya Anaya Arjun Rohan Aarav
""")

SURNAMES = _words("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson
Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson
Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen
James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook
Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson
Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali
Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell
Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur
Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks
West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton O'Brien Watts Rose
Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman Barrett Webster
Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins
Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane
Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins
O'Connor Harper Coleman Watkins Moss McCarthy Chambers Okonkwo Adeyemi Mensah Nowak Kowalski
Wojcik Costa Silva Ferreira Rossi Nguyen Chen Wang Yilmaz Demir Mahmood Iqbal Rahman Chowdhury
""")

POSTCODE_AREAS = ["NM", "ED", "LS", "M", "B", "S", "NE", "BS", "L", "CF", "G", "EH", "YO", "HU"]


def _url(user: str, database: str) -> str:
    rest = ADMIN_URL.split("://", 1)[1].rsplit("@", 1)[-1]
    host = rest.split("/", 1)[0]
    return f"postgresql://{user}@{host}/{database}"


OWNER_URL = _url(OWNER_ROLE, DATABASE)
BENCH_URL = f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}"  # the admin, in the bench database


def use_run(run: str) -> None:
    """Name a kept run's roles and database (``--keep`` printed its run) to measure again."""
    global RUN, OWNER_ROLE, APP_ROLE, DATABASE, OWNER_URL, BENCH_URL
    RUN = run
    OWNER_ROLE, APP_ROLE = f"confide_owner_bench_{run}", f"confide_app_bench_{run}"
    DATABASE = f"confide_bench_{run}"
    OWNER_URL = _url(OWNER_ROLE, DATABASE)
    BENCH_URL = f"{ADMIN_URL.rsplit('/', 1)[0]}/{DATABASE}"


def environment(workers: int, extra: dict[str, str] | None = None) -> None:
    """Settings for the CLI, the app and this process (read when Confide is imported)."""
    os.environ.update(
        {
            "DATABASE_URL": OWNER_URL,
            "DATABASE_APP_ROLE": APP_ROLE,
            "DATABASE_POOL_MAX_SIZE": str(workers),
            "CONFIDE_SECRET_KEY": secrets.token_urlsafe(48),
            "CONFIDE_LOG_LEVEL": "WARNING",
            **(extra or {}),
        }
    )
    for name in ("DATABASE_APP_URL", "CELERY_BROKER_URL", "CONFIDE_BASE_DOMAIN"):
        os.environ.pop(name, None)


def confide(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "confide.platform.cli", *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"confide {args[0]} failed: {done.stderr[-2000:]}")


async def create() -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN CREATEROLE")
        await admin.execute(f"CREATE DATABASE {DATABASE} OWNER {OWNER_ROLE}")
    finally:
        await admin.close()


async def drop() -> None:
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        await admin.execute(f"DROP ROLE IF EXISTS {APP_ROLE}")
        await admin.execute(f"DROP ROLE IF EXISTS {OWNER_ROLE}")
    finally:
        await admin.close()


async def leakproof() -> None:
    """What a superuser runs once per database (see ``search.LEAKPROOF_STATEMENT``)."""
    from confide.platform.casework.search import LEAKPROOF_STATEMENT

    admin = await asyncpg.connect(BENCH_URL)
    try:
        await admin.execute(LEAKPROOF_STATEMENT)
    finally:
        await admin.close()


def _postcode(rng: random.Random) -> str:
    area = rng.choice(POSTCODE_AREAS)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return (
        f"{area}{rng.randint(1, 20)} {rng.randint(0, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    )


SUMMARIES = [
    "Parent phoned about the EHC needs assessment request; explained the six-week decision"
    " point and what evidence the local authority will ask the school for.",
    "Talked through the draft EHC plan section by section; parent unhappy that section F"
    " does not quantify the speech and language therapy. Agreed to send the checklist.",
    "School meeting with the SENCo: reduced timetable since September. Explained that a"
    " part-time timetable must be temporary and agreed with the parent.",
    "Young person asked what an annual review is and whether they can speak for themselves"
    " at it. Explained their right to be involved and offered to help prepare.",
    "Email from parent with the refusal to assess letter. Explained the mediation"
    " certificate and the two-month deadline to appeal to the tribunal.",
    "Voicemail left on the helpline asking for a call back about school transport.",
]
NOTES = [
    "Family prefer contact by email after 6pm; father works nights. Do not phone the house.",
    "Agreed next steps: parent to request the annual review paperwork; we will check the"
    " draft against the advice from the educational psychologist before the meeting.",
    "Young person said in confidence that they are being bullied on the bus and do not"
    " want their mum told yet. Talked about who they could tell at school.",
    "Tribunal bundle received; hearing listed for March. Checked the deadlines with parent.",
]
KINDS = ["phone", "voicemail", "email", "meeting", "letter", "video"]


def _timeline(
    tenant: UUID,
    case: UUID,
    opened: date,
    worker: UUID,
    contacts: int,
    notes: int,
    rng: random.Random,
    contact_rows: list[tuple[Any, ...]],
    note_rows: list[tuple[Any, ...]],
) -> None:
    start = datetime(opened.year, opened.month, opened.day, 9, tzinfo=UTC)
    for _ in range(contacts):
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 200))
        contact_rows.append(
            (
                tenant,
                uuid4(),
                case,
                rng.choice(KINDS),
                rng.choice(("incoming", "outgoing")),
                when,
                rng.choice(SUMMARIES),
                "young_person_only" if rng.random() < 0.1 else "shared",
                worker,
                when,
            )
        )
    for _ in range(notes):
        when = start + timedelta(minutes=rng.randint(0, 60 * 24 * 200))
        note_rows.append(
            (
                tenant,
                uuid4(),
                case,
                uuid4(),
                1,
                rng.choice(NOTES),
                "young_person_only" if rng.random() < 0.1 else "shared",
                worker,
                when,
            )
        )


async def seed(
    people: int, rng: random.Random, *, contacts: int = 0, notes: int = 0
) -> dict[UUID, dict[str, Any]]:
    """COPY people, staff, cases and assignments (and ``contacts`` contacts and ``notes``
    notes on every case); returns per tenant its slug, staff (caseworkers, then the
    manager), names and cases as (case id, index of the assigned caseworker)."""
    admin = await asyncpg.connect(BENCH_URL)
    tenants: dict[UUID, dict[str, Any]] = {}
    indexes: list[Any] = []
    try:
        rows = await admin.fetch("SELECT id, slug FROM tenants WHERE slug LIKE 'bench%'")
        # Secondary indexes are rebuilt after the load (much faster than row by row);
        # foreign key triggers are skipped for the load: the data is consistent by construction.
        indexes = await admin.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.schemaname = 'public'"
            " AND i.tablename IN ('people', 'cases', 'case_assignments', 'case_contacts',"
            " 'case_notes', 'person_search_keys')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        for index in indexes:
            await admin.execute(f'DROP INDEX "{index["indexname"]}"')
        await admin.execute("SET session_replication_role = replica")
        per_tenant = people // len(rows)
        today = date(2026, 11, 25)
        for n, row in enumerate(rows):
            tenant = row["id"]
            count = per_tenant + (people % len(rows) if n == 0 else 0)
            staff = [uuid4() for _ in range(CASEWORKERS + 1)]  # the last one is the manager
            await admin.copy_records_to_table(
                "staff_users",
                columns=["tenant_id", "id", "issuer", "subject", "display_name", "roles"],
                records=[
                    (
                        tenant,
                        s,
                        "https://bench.invalid",
                        f"sub-{s}",
                        f"Staff {i}",
                        '["manager"]' if i == CASEWORKERS else '["caseworker"]',
                    )
                    for i, s in enumerate(staff)
                ],
            )
            person_rows = []
            key_rows = []
            case_rows = []
            assignment_rows = []
            contact_rows: list[tuple[Any, ...]] = []
            note_rows: list[tuple[Any, ...]] = []
            names = []
            cases = []
            for i in range(count):
                pid, cid = uuid4(), uuid4()
                first, last = rng.choice(FIRST_NAMES), rng.choice(SURNAMES)
                names.append((first, last))
                born = today - timedelta(days=rng.randint(365 * 2, 365 * 25))
                postcode = _postcode(rng)
                person_rows.append(
                    (tenant, pid, "child_or_young_person", first, last, born, postcode)
                )
                # The keys the services write with a person (casework.matching).
                for slot, key in enumerate(person_keys(first, last, born, None, None, postcode)):
                    key_rows.append((uuid4(), tenant, pid, slot, key))
                w = rng.randrange(CASEWORKERS)
                worker = staff[w]
                cases.append((cid, w))
                opened = today - timedelta(days=rng.randint(0, 2000))
                case_rows.append(
                    (tenant, cid, f"B{n:02d}-{opened.year}-{i:06d}", pid, "parent", opened, worker)
                )
                assignment_rows.append((tenant, uuid4(), cid, worker, staff[-1]))
                if contacts or notes:
                    _timeline(
                        tenant, cid, opened, worker, contacts, notes, rng, contact_rows, note_rows
                    )
            await admin.copy_records_to_table(
                "people",
                columns=[
                    "tenant_id",
                    "id",
                    "kind",
                    "first_name",
                    "last_name",
                    "date_of_birth",
                    "postcode",
                ],
                records=person_rows,
            )
            await admin.copy_records_to_table(
                "person_search_keys",
                columns=["id", "tenant_id", "person_id", "slot", "key"],
                records=key_rows,
            )
            await admin.copy_records_to_table(
                "cases",
                columns=[
                    "tenant_id",
                    "id",
                    "reference",
                    "subject_id",
                    "contacted_by",
                    "opened_on",
                    "created_by",
                ],
                records=case_rows,
            )
            await admin.copy_records_to_table(
                "case_assignments",
                columns=["tenant_id", "id", "case_id", "staff_id", "assigned_by"],
                records=assignment_rows,
            )
            if contact_rows:
                await admin.copy_records_to_table(
                    "case_contacts",
                    columns=[
                        "tenant_id",
                        "id",
                        "case_id",
                        "kind",
                        "direction",
                        "occurred_at",
                        "summary",
                        "side",
                        "recorded_by",
                        "recorded_at",
                    ],
                    records=contact_rows,
                )
            if note_rows:
                await admin.copy_records_to_table(
                    "case_notes",
                    columns=[
                        "tenant_id",
                        "id",
                        "case_id",
                        "note_id",
                        "version",
                        "body",
                        "side",
                        "recorded_by",
                        "recorded_at",
                    ],
                    records=note_rows,
                )
            tenants[tenant] = {"slug": row["slug"], "staff": staff, "names": names, "cases": cases}
        await admin.execute("SET session_replication_role = origin")
        for index in indexes:
            await admin.execute(index["indexdef"])
        await admin.execute("VACUUM ANALYZE")
    finally:
        await _rebuild(admin, indexes)
        await admin.close()
    return tenants


async def _rebuild(admin: asyncpg.Connection, indexes: list[Any]) -> None:
    """The load's dropped indexes back, if it stopped partway (and triggers on again): a
    kept database is never left without them. Those already rebuilt are left alone."""
    await admin.execute("SET session_replication_role = origin")
    for index in indexes:
        definition = str(index["indexdef"])
        for start in ("CREATE INDEX ", "CREATE UNIQUE INDEX "):
            if definition.startswith(start):
                definition = start + "IF NOT EXISTS " + definition[len(start) :]
        await admin.execute(definition)


def prepare(
    people: int,
    rng: random.Random | None = None,
    *,
    leakproof_trigram: bool = True,
    bulk: bool = False,
    **timeline: int,
) -> dict[UUID, dict[str, Any]]:
    """Migrate, (mark the trigram operator LEAKPROOF,) create the tenants and seed them
    (``bulk``: one tenant built inside PostgreSQL, ``seed_bulk``)."""
    started = time.perf_counter()
    confide("migrate")
    if leakproof_trigram:
        asyncio.run(leakproof())
    for n in range(TENANTS):
        confide("tenants", "create", f"bench{n:02d}", "--name", f"Bench SENDIASS {n:02d}")
    prepared = time.perf_counter() - started
    started = time.perf_counter()
    if bulk:
        tenants = asyncio.run(seed_bulk(people, **timeline))
    else:
        assert rng is not None
        tenants = asyncio.run(seed(people, rng, **timeline))
    seeded = time.perf_counter() - started
    extra = ""
    if timeline.get("contacts") or timeline.get("notes"):
        extra = (
            f", {timeline.get('contacts', 0)} contacts and {timeline.get('notes', 0)} notes a case"
        )
    print(
        f"trigram operator leakproof: {leakproof_trigram};"
        f" schema and {TENANTS} tenants: {prepared:.1f} s; seeded {people:,} people,"
        f" {people:,} cases and assignments{extra} (COPY, indexes, VACUUM ANALYZE):"
        f" {seeded:.1f} s{' (in PostgreSQL)' if bulk else ''}",
        flush=True,
    )
    return tenants


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def machine() -> str:
    return f"{os.cpu_count()} CPUs (client, app and PostgreSQL share them)"


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process (Linux ``/proc``)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def database_cpu() -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend connected to the bench database."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                if DATABASE.encode() not in f.read():
                    continue
            found[int(entry)] = cpu_seconds(int(entry))
        except OSError:  # ended meanwhile, or not ours to read
            continue
    return found


def machine_busy() -> float:
    """CPU seconds all processes have used, from ``/proc/stat`` (idle and iowait excluded)."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / os.sysconf("SC_CLK_TCK")


# The bulk build (``seed_bulk``): one tenant's years of case work made inside PostgreSQL by
# INSERT ... SELECT over generate_series, so a million cases take minutes, not hours. The
# shares below are a busy service's as the statistics read them (who made contact, route,
# age, school phase, topics, support level, channel, time to the first reply, outcome).
SCHOOL_PHASES = [
    ("Primary", 60), ("Secondary", 20), ("Nursery", 4), ("All-through", 3), ("16 plus", 5),
    ("Middle deemed primary", 2), ("Middle deemed secondary", 1), ("Not applicable", 5),
]  # fmt: skip
CHANNEL_SHARES = [("phone", 45), ("email", 28), ("voicemail", 10), ("text", 6),
                  ("meeting", 5), ("letter", 3), ("video", 3)]  # fmt: skip
TOPICS = ["EHC needs assessment", "EHC plan", "School placement", "Exclusion", "Transport",
          "Tribunal or mediation", "Other"]  # fmt: skip
OUTCOMES = ["Information given", "Advice given", "Supported at meeting", "Resolved",
            "Referred on", "Family withdrew"]  # fmt: skip


def _pick(shares: list[tuple[str, int]], draw: str) -> str:
    """A CASE choosing a value with the given shares (percent) for the draw in [0, 1)."""
    total, at, arms = sum(s for _, s in shares), 0, []
    for value, share in shares[:-1]:
        at += share
        arms.append(f"WHEN {draw} < {at / total} THEN '{value}'")
    return f"CASE {' '.join(arms)} ELSE '{shares[-1][0]}' END"


def _array(values: list[str]) -> str:
    return "ARRAY[" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def _first_contacts_fill() -> str:
    """The statement the migration fills in the cases' first contact and reply with."""
    import importlib

    migration = importlib.import_module(
        "confide.platform.casework.piccolo_migrations.casework_2026_11_30t02_30_42_000000"
    )
    return str(migration.FILL)


def _bulk_statements(
    tenant: UUID, cases: int, contacts: int, today: date, caseworkers: int, schools: int
) -> list[str]:
    """The statements that build the tenant's data (its staff and schools made already)."""
    t = f"'{tenant}'::uuid"
    channel = _pick(CHANNEL_SHARES, "s.r_channel")
    contacted = _pick([("parent", 70), ("carer", 8), ("young_person", 7), ("professional", 15)],
                      "s.r_who")  # fmt: skip
    route = _pick([("self", 80), ("professional", 15), ("early_help", 5)], "s.r_route")
    level = _pick([("1", 35), ("2", 35), ("3", 22), ("4", 8)], "s.r_level")
    return [
        "SELECT setseed(0.18)",
        # One row a case: its person, dates, caseworker and the draws its values come from.
        # Rows go in in the order a service records them (by day), as their pages would lie.
        # Cases open over the last 2,000 days; a case lasts a few days to about a year, and
        # is closed once that time has passed (most of them); a first reply within 0-30 days.
        f"""CREATE TEMP TABLE bench_seq AS
            SELECT g, gen_random_uuid() AS pid, gen_random_uuid() AS cid,
                   DATE '{today}' - (random() * 2000)::int AS opened,
                   (3 + 360 * power(random(), 2))::int AS lasts,
                   (30 * power(random(), 3))::int AS reply_after,
                   random() AS r_who, random() AS r_route, random() AS r_level,
                   random() AS r_channel, random() AS r_topics, random() AS r_age,
                   random() AS r_school, random() AS r_closed, random() AS r_anon,
                   (random() * 1e9)::int AS r_int
              FROM generate_series(1, {cases}) g""",
        f"""CREATE TEMP TABLE bench_staff AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM staff_users
             WHERE tenant_id = {t} AND roles::text NOT LIKE '%manager%'""",
        f"""CREATE TEMP TABLE bench_school AS
            SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM schools
             WHERE tenant_id = {t}""",
        f"""INSERT INTO people (tenant_id, id, kind, first_name, last_name, date_of_birth,
                                school_id, postcode, created_at, updated_at)
            SELECT {t}, s.pid, 'child_or_young_person',
                   ({_array(FIRST_NAMES)})[1 + s.r_int % {len(FIRST_NAMES)}],
                   ({_array(SURNAMES)})[1 + (s.r_int / 7) % {len(SURNAMES)}],
                   CASE WHEN s.r_age < 0.03 THEN NULL
                        ELSE s.opened - (365 * (1 + 24 * power(s.r_age, 1.3)))::int END,
                   sc.id,
                   ({_array(POSTCODE_AREAS)})[1 + s.r_int % {len(POSTCODE_AREAS)}]
                       || (1 + s.r_int % 20) || ' ' || (s.r_int % 10) || 'AB',
                   s.opened + time '09:00', s.opened + time '09:00'
              FROM bench_seq s
              LEFT JOIN bench_school sc ON s.r_school < 0.85 AND sc.n = s.r_int % {schools}
             WHERE s.r_anon >= 0.01 ORDER BY s.opened, s.g""",
        # A parent or carer on most cases, two on some: in the people table beside the
        # children (the statistics join the children alone), linked to the case.
        """CREATE TEMP TABLE bench_parent AS
            SELECT s.cid, gen_random_uuid() AS pid, s.opened, n, s.r_int
              FROM bench_seq s CROSS JOIN generate_series(1, 2) n
             WHERE n = 1 AND s.r_int % 10 <> 0 OR n = 2 AND s.r_int % 3 = 0""",
        f"""INSERT INTO people (tenant_id, id, kind, first_name, last_name, postcode,
                                created_at, updated_at)
            SELECT {t}, b.pid, 'parent_or_carer',
                   ({_array(FIRST_NAMES)})[1 + (b.r_int / (3 + b.n)) % {len(FIRST_NAMES)}],
                   ({_array(SURNAMES)})[1 + (b.r_int / 7) % {len(SURNAMES)}],
                   ({_array(POSTCODE_AREAS)})[1 + b.r_int % {len(POSTCODE_AREAS)}]
                       || (1 + b.r_int % 20) || ' ' || (b.r_int % 10) || 'AB',
                   b.opened + time '09:00', b.opened + time '09:00'
              FROM bench_parent b ORDER BY b.opened""",
        f"""INSERT INTO case_people (tenant_id, id, case_id, person_id, relationship)
            SELECT {t}, gen_random_uuid(), b.cid, b.pid, 'parent_or_carer'
              FROM bench_parent b ORDER BY b.opened""",
        f"""INSERT INTO cases (tenant_id, id, reference, subject_id, anonymous, contacted_by,
                               referral_route, referrer_consent_confirmed, referrer_name,
                               referrer_consent_on, topics, support_level, status, outcome,
                               opened_on, closed_on, created_by, created_at)
            SELECT {t}, s.cid,
                   'B-' || extract(year FROM s.opened) || '-' || lpad(s.g::text, 7, '0'),
                   CASE WHEN s.r_anon >= 0.01 THEN s.pid END, s.r_anon < 0.01,
                   {contacted}, {route}, {route} <> 'self',
                   CASE WHEN {route} <> 'self' THEN 'Referrer ' || s.g END,
                   CASE WHEN {route} <> 'self' THEN s.opened END,
                   (SELECT coalesce(jsonb_agg(x.topic), '[]')
                      FROM unnest({_array(TOPICS)}) WITH ORDINALITY x(topic, i)
                     WHERE (s.r_int >> x.i::int) % 4 = 0 OR x.i = 1 + s.r_int % 6),
                   ({level})::int,
                   CASE WHEN s.opened + s.lasts < DATE '{today}' AND s.r_closed < 0.97
                        THEN 'closed' ELSE 'open' END,
                   CASE WHEN s.opened + s.lasts < DATE '{today}' AND s.r_closed < 0.97
                        THEN ({_array(OUTCOMES)})[1 + s.r_int % {len(OUTCOMES)}] END,
                   s.opened,
                   CASE WHEN s.opened + s.lasts < DATE '{today}' AND s.r_closed < 0.97
                        THEN s.opened + s.lasts END,
                   w.id, s.opened + time '09:00'
              FROM bench_seq s JOIN bench_staff w ON w.n = s.r_int % {caseworkers}
             ORDER BY s.opened, s.g""",
        f"""INSERT INTO case_assignments (tenant_id, id, case_id, staff_id, assigned_by,
                                          assigned_at, ended_at)
            SELECT {t}, gen_random_uuid(), c.id, c.created_by, c.created_by, c.created_at,
                   CASE WHEN c.status = 'closed' THEN c.closed_on + time '17:00' END
              FROM cases c WHERE c.tenant_id = {t} ORDER BY c.opened_on""",
        # The contacts: the first is the family's (incoming, by the case's channel); the
        # second the service's first reply; the rest spread over the case's life.
        f"""INSERT INTO case_contacts (tenant_id, id, case_id, kind, direction, occurred_at,
                                       summary, side, recorded_by, recorded_at)
            SELECT {t}, gen_random_uuid(), s.cid,
                   CASE WHEN k = 1 THEN {channel}
                        ELSE ({_array([c for c, _ in CHANNEL_SHARES])})[1 + (s.r_int + k) % 7] END,
                   CASE WHEN k = 1 THEN 'incoming' WHEN k = 2 THEN 'outgoing'
                        WHEN (s.r_int >> k) % 2 = 0 THEN 'incoming' ELSE 'outgoing' END,
                   at.t, ({_array(SUMMARIES)})[1 + (s.r_int + k) % {len(SUMMARIES)}],
                   CASE WHEN (s.r_int + k) % 10 = 0 THEN 'young_person_only' ELSE 'shared' END,
                   w.id, at.t + interval '20 minutes'
              FROM bench_seq s
              JOIN bench_staff w ON w.n = s.r_int % {caseworkers}
              CROSS JOIN generate_series(1, {contacts}) k
              CROSS JOIN LATERAL (SELECT s.opened + time '09:00'
                    + (CASE WHEN k = 1 THEN 0 WHEN k = 2 THEN s.reply_after
                            ELSE s.reply_after + (s.lasts * (k - 2)) / {max(contacts - 1, 1)} END)
                      * interval '1 day'
                    + ((s.r_int + 37 * k) % 480) * interval '1 minute') at(t)
             ORDER BY at.t""",
        # About one case in a hundred has a contact corrected (a new version of it).
        f"""INSERT INTO case_contacts (tenant_id, id, case_id, kind, direction, occurred_at,
                                       summary, side, recorded_by, recorded_at, original_id,
                                       version, correction_reason)
            SELECT x.tenant_id, gen_random_uuid(), x.case_id, 'phone', x.direction,
                   x.occurred_at, x.summary, x.side, x.recorded_by,
                   x.recorded_at + interval '1 day', x.id, 2, 'Recorded as an email in error'
              FROM case_contacts x
             WHERE x.tenant_id = {t} AND x.direction = 'incoming' AND random() < 0.004""",
        # What the contacts' trigger keeps on each case (off for the load): the migration's
        # own filling-in (the superuser, so every case at once).
        _first_contacts_fill(),
        # Follow-up tasks on open cases, some overdue; consent reviews on a few.
        f"""INSERT INTO tasks (tenant_id, id, kind, case_id, title, assignee_id, due_on,
                               status, created_at, done_at, done_by)
            SELECT {t}, gen_random_uuid(), x.kind, x.id, 'Follow up', x.created_by,
                   x.opened_on + 28, x.status, x.created_at,
                   CASE WHEN x.status = 'done' THEN x.created_at + interval '20 days' END,
                   CASE WHEN x.status = 'done' THEN x.created_by END
              FROM (SELECT c.id, c.created_by, c.opened_on, c.created_at,
                           CASE WHEN random() < 0.7 THEN 'follow_up'
                                ELSE 'consent_review' END AS kind,
                           CASE WHEN c.status = 'open' AND random() < 0.6 THEN 'open'
                                ELSE 'done' END AS status
                      FROM cases c WHERE c.tenant_id = {t} AND random() < 0.3) x""",
        "DROP TABLE bench_seq, bench_staff, bench_school, bench_parent",
    ]


async def seed_bulk(
    cases: int, *, contacts: int = 5, caseworkers: int = 30, schools: int = 2000
) -> dict[UUID, dict[str, Any]]:
    """One tenant's years of case work made inside PostgreSQL (the superuser, so RLS does
    not bind the load): ``cases`` cases, each of a child with a school (most of them) and
    ``contacts`` contacts, assignments and tasks; secondary indexes dropped for the load and
    rebuilt after it, then VACUUM ANALYZE. Returns what ``seed`` returns (no names or
    cases: the statistics bench needs neither)."""
    admin = await asyncpg.connect(BENCH_URL)
    tenants: dict[UUID, dict[str, Any]] = {}
    indexes: list[Any] = []
    today = date(2026, 11, 25)
    try:
        [row] = await admin.fetch("SELECT id, slug FROM tenants WHERE slug LIKE 'bench%'")
        tenant = row["id"]
        staff = [uuid4() for _ in range(caseworkers + 1)]  # the last one is the manager
        await admin.copy_records_to_table(
            "staff_users",
            columns=["tenant_id", "id", "issuer", "subject", "display_name", "roles"],
            records=[
                (tenant, s, "https://bench.invalid", f"sub-{s}", f"Staff {i}",
                 '["manager"]' if i == caseworkers else '["caseworker"]')
                for i, s in enumerate(staff)
            ],
        )  # fmt: skip
        phases = [p for p, share in SCHOOL_PHASES for _ in range(share)]
        await admin.copy_records_to_table(
            "schools",
            columns=["tenant_id", "id", "urn", "name", "phase"],
            records=[
                (tenant, uuid4(), f"{100000 + i}", f"School {i}", phases[i % len(phases)])
                for i in range(schools)
            ],
        )
        indexes = await admin.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i"
            " WHERE i.schemaname = 'public'"
            " AND i.tablename IN ('people', 'case_people', 'cases', 'case_assignments',"
            " 'case_contacts', 'tasks')"
            " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"
        )
        for index in indexes:
            await admin.execute(f'DROP INDEX "{index["indexname"]}"')
        await admin.execute("SET session_replication_role = replica")
        await admin.execute("SET maintenance_work_mem = '512MB'")
        await admin.execute("SET work_mem = '256MB'")  # the load's sorts in memory
        for statement in _bulk_statements(tenant, cases, contacts, today, caseworkers, schools):
            started = time.perf_counter()
            await admin.execute(statement)
            print(f"  {statement.split()[0:3]} {time.perf_counter() - started:.1f} s", flush=True)
        await admin.execute("SET session_replication_role = origin")
        for index in indexes:
            await admin.execute(index["indexdef"])
        started = time.perf_counter()
        await admin.execute("VACUUM ANALYZE")
        print(f"  indexes and VACUUM ANALYZE {time.perf_counter() - started:.1f} s", flush=True)
        tenants[tenant] = {"slug": row["slug"], "staff": staff, "names": [], "cases": []}
    finally:
        await _rebuild(admin, indexes)
        await admin.close()
    return tenants
