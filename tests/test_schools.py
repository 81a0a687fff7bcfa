"""The schools and settings directory (issue 14): the GIAS extract read row by row, imported
whole or not at all by a tenant admin, updated by URN, listed a page at a time with a
filter, SENCO contacts kept by the service, each tenant's own (rule 1)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from uuid import UUID

import asyncpg
import httpx
import pytest

from tests.helpers.casework import as_tenant
from tests.helpers.html import field_error, page_text, parse, table_rows
from tests.helpers.http import csrf_token, post
from tests.helpers.schools import (
    FIXTURE,
    HEADER,
    gias_csv,
    import_api,
    new_urns,
    school_row,
    schools_named,
    upload,
)
from tests.helpers.tenants import TenantRef

NM = "/t/northmoor"


# The rule without the database: every branch of the reader.


def _problems(data: bytes) -> list[tuple[int, str, str]]:
    from confide.platform.schools import gias

    rows, problems, more = gias.parse(data)
    assert more == 0
    if problems:
        assert rows == [] or len(rows) < 3
    return [(p.line, p.column, p.message) for p in problems]


@pytest.mark.parametrize(
    ("rows", "header", "expected"),
    [
        # a good file: no problems
        ([school_row("100001", "A School")], None, []),
        # the required columns
        ([], ["EstablishmentName", "Postcode"], [(1, "URN", "The file has no URN column")]),
        (
            [],
            ["URN", "Postcode"],
            [(1, "EstablishmentName", "The file has no EstablishmentName column")],
        ),
        ([], None, [(2, "", "The file has no establishments")]),
        # each cell
        ([school_row("12345", "Short URN")], None, [(2, "URN", "Enter a URN of 6 to 8 digits")]),
        ([school_row("", "No URN")], None, [(2, "URN", "Enter the URN")]),
        (
            [school_row("100002", "")],
            None,
            [(2, "EstablishmentName", "Enter the establishment's name")],
        ),
        (
            [school_row("100003", "X" * 201)],
            None,
            [(2, "EstablishmentName", "The name must be 200 characters or fewer, on one line")],
        ),
        (
            [school_row("100004", "Bad postcode", Postcode="NOT A CODE")],
            None,
            [(2, "Postcode", "Enter a real postcode, like LA9 4DL")],
        ),
        (
            [school_row("100005", "Bad town", Town="T\x07own")],
            None,
            [(2, "Town", "Must be 100 characters or fewer, on one line")],
        ),
        (
            [school_row("100006", "One"), school_row("100006", "Two")],
            None,
            [(3, "URN", "URN 100006 is also on line 2")],
        ),
        # every problem is reported, each on its own line
        (
            [
                school_row("100007", "Good"),
                school_row("x", ""),
                school_row("100008", "Ok", Postcode="?"),
            ],
            None,
            [
                (3, "URN", "Enter a URN of 6 to 8 digits"),
                (3, "EstablishmentName", "Enter the establishment's name"),
                (4, "Postcode", "Enter a real postcode, like LA9 4DL"),
            ],
        ),
    ],
)
def test_the_gias_extract_is_read_row_by_row(
    rows: list[dict[str, str]], header: list[str] | None, expected: list[tuple[int, str, str]]
) -> None:
    assert _problems(gias_csv(rows, header)) == expected


def test_the_gias_file_itself_is_read_in_windows_1252_with_postcodes_tidied() -> None:
    from confide.platform.schools import gias

    rows, problems, _ = gias.parse(FIXTURE.read_bytes())
    assert problems == []
    assert [r.urn for r in rows] == [f"19000{i}" for i in range(1, 7)]
    mary = next(r for r in rows if r.urn == "190004")
    assert mary.name == "St Mary\u2019s Church of England Infant School"
    fellside = next(r for r in rows if r.urn == "190003")
    assert (fellside.postcode, fellside.phase, fellside.kind) == (
        "NM3 4EF",
        "Not applicable",
        "Community special school",
    )
    assert _problems(b"") == [(1, "", "The file is empty")]
    assert _problems(b"URN,EstablishmentName\n1\x00,x\n") == [(1, "", "The file is not a CSV file")]


def test_a_file_past_the_limit_is_refused_whole() -> None:
    from confide.platform.schools import gias

    urns = new_urns(gias.MAX_ROWS + 1)
    data = gias_csv([school_row(u, f"School {u}") for u in urns])
    _rows, problems, _ = gias.parse(data)
    assert [(p.line, p.message) for p in problems] == [
        (gias.MAX_ROWS + 2, f"The file has more than {gias.MAX_ROWS:,} establishments")
    ]


# Through the pages and the API


async def _count(owner: asyncpg.Connection, tenant: TenantRef) -> int:
    [row] = await as_tenant(owner, tenant, "SELECT count(*) AS n FROM schools")
    return int(row["n"])


async def test_an_admin_imports_the_extract_and_a_second_import_updates_by_urn(
    gareth: httpx.AsyncClient,
    fiona: httpx.AsyncClient,
    owner_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    nm = tenants["northmoor"]
    done = await upload(gareth, "northmoor", FIXTURE.read_bytes())
    assert done.status_code == 200, done.text
    banner = parse(done).one("[data-testid=imported]").text
    assert "6 establishments imported: 6 new, 0 updated, 0 unchanged" in banner

    [academy] = await schools_named(fiona, "northmoor", "Northmoor Academy")
    assert academy["postcode"] == "NM2 3CD"
    assert academy["phase"] == "Secondary"
    saved = await post(
        fiona,
        f"{NM}/api/schools/{academy['id']}/senco",
        {"senco_name": "Dana Price", "senco_email": "senco@academy.example", "senco_phone": ""},
    )
    assert saved.status_code == 200, saved.text

    changed = FIXTURE.read_bytes().replace(b"1 High Street", b"2 High Street")
    again = await import_api(gareth, "northmoor", changed)
    assert again.status_code == 200, again.text
    assert again.json() == {"rows": 6, "created": 0, "updated": 1, "unchanged": 5}
    [academy] = await schools_named(fiona, "northmoor", "Northmoor Academy")
    assert academy["street"] == "2 High Street"
    assert academy["senco_name"] == "Dana Price", "an import never changes the SENCO contact"

    entries = await as_tenant(
        owner_conn,
        nm,
        "SELECT detail FROM audit_entries WHERE action = 'schools_imported' ORDER BY seq",
    )
    assert len(entries) >= 2
    assert "Dana" not in str(entries)


async def test_a_file_with_bad_rows_imports_nothing_and_names_each_line_and_column(
    gareth: httpx.AsyncClient, owner_conn: asyncpg.Connection, tenants: dict[str, TenantRef]
) -> None:
    nm = tenants["northmoor"]
    good, bad = new_urns(2)
    data = gias_csv(
        [school_row(good, "Good School"), school_row(bad, "Bad School", Postcode="NOWHERE")]
    )
    before = await _count(owner_conn, nm)
    refused = await upload(gareth, "northmoor", data)
    assert refused.status_code == 400
    assert table_rows(refused, "[data-testid=problems]") == [
        ["3", "Postcode", "Enter a real postcode, like LA9 4DL"]
    ]
    assert "The file has 1 problems" in page_text(refused)
    api = await import_api(gareth, "northmoor", data)
    assert api.status_code == 400
    assert api.json()["problems"] == [
        {"line": 3, "column": "Postcode", "message": "Enter a real postcode, like LA9 4DL"}
    ]
    assert await _count(owner_conn, nm) == before, "nothing half-imported"

    # Past the 1 MB every request is held to: the page says so, nothing is read.
    padded = gias_csv(
        [dict(school_row(u, f"Big {u}"), Extra="z" * 1100) for u in new_urns(1000)],
        [*HEADER, "Extra"],
    )
    assert len(padded) > 1_000_000
    too_big = await upload(gareth, "northmoor", padded)
    assert too_big.status_code == 413
    assert parse(too_big).one("[data-testid=page-heading]").text == "The file is too large"
    assert await _count(owner_conn, nm) == before

    empty = await gareth.post(
        f"{NM}/admin/schools/",
        data={"_csrf_token": csrf_token((await gareth.get(f"{NM}/admin/schools/")).text)},
    )
    assert empty.status_code == 400
    assert "Choose the CSV file to import" in page_text(empty)


async def test_only_a_tenant_admin_imports(
    fiona: httpx.AsyncClient, aisha: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.sql import connection
    from confide.platform.identity.staff import get_staff
    from confide.platform.schools import directory

    data = gias_csv([school_row(new_urns(1)[0], "Any School")])
    async with tenant_transaction(tenants["northmoor"].id):
        [row] = await connection().fetch(
            "SELECT id FROM staff_users WHERE subject = 'northmoor-manager'"
        )
        manager = await get_staff(row["id"])
        assert manager is not None
        with pytest.raises(directory.NotPermitted):
            await directory.import_schools(data, manager)
    assert (await fiona.get(f"{NM}/admin/schools/")).status_code == 403
    assert (await import_api(fiona, "northmoor", data)).status_code == 403
    assert (await import_api(aisha, "northmoor", data)).status_code == 403


async def test_the_directory_is_listed_a_page_at_a_time_and_filtered(
    gareth: httpx.AsyncClient, aisha: httpx.AsyncClient
) -> None:
    urns = new_urns(3)
    tag = f"Zed{urns[0]}"
    rows = [
        school_row(urns[0], f"{tag} Primary", Postcode="NM9 1AA"),
        school_row(urns[1], f"{tag} High", **{"PhaseOfEducation (name)": "Secondary"}),
        school_row(urns[2], f"{tag} Nursery", **{"PhaseOfEducation (name)": "Nursery"}),
    ]
    assert (await import_api(gareth, "northmoor", gias_csv(rows))).status_code == 200

    first = await aisha.get(f"{NM}/api/schools", params={"q": tag, "limit": 2})
    assert first.status_code == 200
    body = first.json()
    assert body["total"] == 3
    assert [s["name"] for s in body["items"]] == [f"{tag} High", f"{tag} Nursery"]
    assert body["next_offset"] == 2
    phase = await aisha.get(f"{NM}/api/schools", params={"q": tag, "phase": "Secondary"})
    assert [s["urn"] for s in phase.json()["items"]] == [urns[1]]
    by_urn = await aisha.get(f"{NM}/api/schools", params={"q": urns[2]})
    assert [s["urn"] for s in by_urn.json()["items"]] == [urns[2]]

    page = await aisha.get(f"{NM}/schools/", params={"q": tag, "phase": "Nursery"})
    assert page.status_code == 200
    names = [r[0] for r in table_rows(page, "[data-testid=school-table]")]
    assert names == [f"{tag} Nursery"]
    assert (await aisha.get(f"{NM}/schools/", params={"page": "0"})).status_code == 400
    assert (await aisha.get(f"{NM}/api/schools", params={"q": "x\x00"})).status_code == 400


async def test_the_senco_contact_is_edited_on_the_schools_page(
    gareth: httpx.AsyncClient, tom: httpx.AsyncClient
) -> None:
    [urn] = new_urns(1)
    assert (
        await import_api(gareth, "northmoor", gias_csv([school_row(urn, f"Senco {urn}")]))
    ).status_code == 200
    [school] = await schools_named(tom, "northmoor", urn)
    path = f"{NM}/schools/{school['id']}"
    form = await tom.get(path)
    assert form.status_code == 200
    bad = await tom.post(
        path,
        data={
            "_csrf_token": csrf_token(form.text),
            "senco_name": "Kim Lowe",
            "senco_email": "not an email",
        },
    )
    assert bad.status_code == 400
    assert field_error(bad, "senco_email") == (
        "Enter an email address in the correct format, like name@example.org"
    )
    assert parse(bad).one("#senco_name").get("value") == "Kim Lowe", "what was typed is kept"
    ok = await tom.post(
        path,
        data={
            "_csrf_token": csrf_token(form.text),
            "senco_name": "Kim Lowe",
            "senco_email": "kim.lowe@school.example",
            "senco_phone": "01632 960 001",
        },
    )
    assert ok.status_code == 303
    [school] = await schools_named(tom, "northmoor", urn)
    assert (school["senco_name"], school["senco_email"]) == ("Kim Lowe", "kim.lowe@school.example")
    api_bad = await post(tom, f"{NM}/api/schools/{school['id']}/senco", {"senco_phone": "call me"})
    assert api_bad.status_code == 400
    assert set(api_bad.json()["errors"]) == {"senco_phone"}


async def test_each_service_has_its_own_directory(
    gareth: httpx.AsyncClient,
    priya: httpx.AsyncClient,
    sign_in_as: Callable[[str], Awaitable[httpx.AsyncClient]],
    app_conn: asyncpg.Connection,
    tenants: dict[str, TenantRef],
) -> None:
    [urn] = new_urns(1)
    assert (
        await import_api(gareth, "northmoor", gias_csv([school_row(urn, f"Mine {urn}")]))
    ).status_code == 200
    [school] = await schools_named(gareth, "northmoor", urn)
    assert await schools_named(priya, "eastdale", urn) == []
    assert (await priya.get(f"/t/eastdale/api/schools/{school['id']}")).status_code == 404
    assert (await priya.get(f"/t/eastdale/schools/{school['id']}")).status_code == 404
    stolen = await post(
        priya, f"/t/eastdale/api/schools/{school['id']}/senco", {"senco_name": "Someone"}
    )
    assert stolen.status_code == 404
    # The same URN in another service's directory is another row.
    seun = await sign_in_as("seun")
    seun_import = await import_api(seun, "eastdale", gias_csv([school_row(urn, "Theirs")]))
    assert seun_import.status_code == 200, seun_import.text
    [mine] = await schools_named(gareth, "northmoor", urn)
    assert mine["name"] == f"Mine {urn}"

    # Raw SQL as the application role: another tenant's row is invisible and unchanged.
    await app_conn.execute("BEGIN")
    await app_conn.execute(
        "SELECT set_config('app.tenant_id', $1, true)", str(tenants["eastdale"].id)
    )
    seen = await app_conn.fetchval("SELECT count(*) FROM schools WHERE id = $1", UUID(school["id"]))
    updated = await app_conn.execute(
        "UPDATE schools SET senco_name = 'x' WHERE id = $1", UUID(school["id"])
    )
    await app_conn.execute("ROLLBACK")
    assert (seen, updated) == (0, "UPDATE 0")
