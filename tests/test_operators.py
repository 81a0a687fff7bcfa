"""Platform operators: a local account (Argon2id password and TOTP) that provisions and
suspends tenants, and can never read any tenant's case data."""

from __future__ import annotations

import secrets
import time
from typing import Any
from uuid import uuid4

import asyncpg
import httpx
import pytest

from tests.helpers.command import confide
from tests.helpers.html import parse
from tests.helpers.http import csrf_token, http_client
from tests.helpers.operators import Account, create_account, operator_sign_in
from tests.helpers.tenants import TenantRef

SAME_MESSAGE = "Check your email address, password and security code, then try again."


@pytest.fixture
def operator(database: Any) -> Account:
    return create_account()[0]


def _error(page: httpx.Response) -> str:
    found = parse(page).first("[data-testid=sign-in-error]")
    assert found, page.text
    return found.text


async def _operator_row(owner: asyncpg.Connection, email: str) -> asyncpg.Record:
    row = await owner.fetchrow("SELECT * FROM platform_operators WHERE email = $1", email)
    assert row is not None
    return row


async def _audit(owner: asyncpg.Connection, tenant_id: Any) -> list[asyncpg.Record]:
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant_id))
        return list(
            await owner.fetch(
                "SELECT seq, action, actor_kind, actor_id, subject_kind, subject_id"
                " FROM audit_entries ORDER BY seq"
            )
        )


async def test_the_command_creates_an_operator_who_signs_in_with_password_and_code(
    browser: httpx.AsyncClient, owner_conn: asyncpg.Connection
) -> None:
    account, made = create_account(f"Ops-{secrets.token_hex(3)}@Platform.Example")
    assert "shown only this once" in made.stdout
    assert f"uri: otpauth://totp/Confide:{account.email.replace('@', '%40')}" in made.stdout
    row = await _operator_row(owner_conn, account.email)
    assert row["password_hash"].startswith("$argon2id$")
    assert account.password not in row["password_hash"]
    assert account.secret not in row["totp_secret_encrypted"]
    assert row["status"] == "active"

    signed_in = await operator_sign_in(browser, account)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/operator/tenants"
    cookie = signed_in.headers["set-cookie"]
    assert "confide_operator=" in cookie
    assert "HttpOnly" in cookie
    assert "Path=/operator" in cookie
    assert "SameSite=Strict" in cookie or "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain HTTP in the tests; see the HTTPS test

    listed = await browser.get("/operator/tenants")
    assert listed.status_code == 200
    assert account.email in listed.text
    row = await _operator_row(owner_conn, account.email)
    assert row["last_sign_in_at"] is not None
    assert row["totp_last_step"] > 0

    out = await browser.post("/operator/logout", data={"_csrf_token": csrf_token(listed.text)})
    assert out.status_code == 303
    assert out.headers["location"] == "/operator/login"
    after = await browser.get("/operator/tenants")
    assert after.status_code == 303
    assert after.headers["location"] == "/operator/login"


def test_the_command_refuses_weak_passwords_bad_emails_and_duplicates(database: Any) -> None:
    short = confide(
        "operators", "create", "short@platform.example", "--password-stdin", check=False,
        stdin="eleven-char\n",
    )  # fmt: skip
    assert short.returncode == 2
    assert short.stderr.strip() == "confide: the password must be at least 12 characters"
    bad = confide(
        "operators", "create", "not-an-email", "--password-stdin", check=False,
        stdin="a-long-enough-password\n",
    )  # fmt: skip
    assert bad.returncode == 2
    assert "not an email address" in bad.stderr
    account, _ = create_account()
    again = confide(
        "operators", "create", account.email.upper(), "--password-stdin", check=False,
        stdin="another-long-password\n",
    )  # fmt: skip
    assert again.returncode == 2
    assert "already exists" in again.stderr
    unknown = confide("operators", "disable", "nobody@platform.example", check=False)
    assert unknown.returncode == 2


async def test_every_failure_gets_the_same_message(
    app: Any, operator: Account, owner_conn: asyncpg.Connection
) -> None:
    failures = []
    async with http_client(app) as http:
        failures.append(await operator_sign_in(http, operator, password="wrong-password-123"))
        failures.append(await operator_sign_in(http, operator, code=operator.invalid_code()))
        failures.append(await operator_sign_in(http, operator, code=""))
        failures.append(await operator_sign_in(http, operator, email="nobody-" + operator.email))
        assert (await _operator_row(owner_conn, operator.email))["failed_attempts"] == 3

        code = operator.code()
        first = await operator_sign_in(http, operator, code=code)
        assert first.status_code == 303
        assert (await _operator_row(owner_conn, operator.email))["failed_attempts"] == 0
    async with http_client(app) as elsewhere:
        # The same code again, still within its 30 seconds: a replay.
        failures.append(await operator_sign_in(elsewhere, operator, code=code))

    assert [f.status_code for f in failures] == [400] * 5
    assert {_error(f) for f in failures} == {SAME_MESSAGE}
    for failure in failures:
        assert "confide_operator=" not in failure.headers.get("set-cookie", "")
        assert operator.password not in failure.text
    assert (await _operator_row(owner_conn, operator.email))["failed_attempts"] == 1


async def test_a_disabled_operator_is_signed_out_and_cannot_sign_in(
    browser: httpx.AsyncClient, operator: Account
) -> None:
    assert (await operator_sign_in(browser, operator)).status_code == 303
    assert (await browser.get("/operator/tenants")).status_code == 200
    disabled = confide("operators", "disable", operator.email)
    assert disabled.stdout.strip() == f"operator {operator.email} is disabled"
    after = await browser.get("/operator/tenants")
    assert after.status_code == 303
    assert after.headers["location"] == "/operator/login"
    again = await operator_sign_in(browser, operator, code=operator.code(1))
    assert again.status_code == 400
    assert _error(again) == SAME_MESSAGE


def _from_address(app: Any) -> httpx.AsyncClient:
    """A browser at an address of its own, so earlier tests' attempts do not count."""
    address = f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250)}"
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def test_sign_in_attempts_are_rate_limited_per_address(
    app: Any, operator: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.platform.core.settings import get_settings

    monkeypatch.setattr(get_settings().web, "operator_signin_limit_per_address", 3)
    async with _from_address(app) as http:
        answers = [
            await operator_sign_in(http, operator, password="wrong-password-123") for _ in range(4)
        ]
        # Even the right password and code wait once the limit is reached.
        answers.append(await operator_sign_in(http, operator))
    assert [a.status_code for a in answers] == [400, 400, 400, 429, 429]
    assert "Too many sign-in attempts" in answers[-1].text
    async with _from_address(app) as other_address:
        assert (await operator_sign_in(other_address, operator)).status_code == 303


async def test_the_session_token_changes_at_each_sign_in(app: Any, operator: Account) -> None:
    async with http_client(app) as browser:
        first = (await operator_sign_in(browser, operator)).cookies["confide_operator"]
        # Signed in, the sign-in page sends the browser on; the form is posted all the same.
        assert (await browser.get("/operator/login")).status_code == 302
        page = await browser.get("/operator/tenants")
        again = await browser.post(
            "/operator/login",
            data={
                "_csrf_token": csrf_token(page.text),
                "email": operator.email,
                "password": operator.password,
                "code": operator.code(1),
            },
        )
        second = again.cookies["confide_operator"]
    assert first != second
    async with http_client(app) as replay:
        stale = await replay.get(
            "/operator/tenants", headers={"cookie": f"confide_operator={first}"}
        )
        assert stale.status_code == 303, "the old session survived a new sign-in"
        live = await replay.get(
            "/operator/tenants", headers={"cookie": f"confide_operator={second}"}
        )
        assert live.status_code == 200


async def test_the_cookie_is_secure_over_https(app: Any, operator: Account) -> None:
    async with http_client(app, "https://testserver") as secure:
        signed_in = await operator_sign_in(secure, operator)
    assert signed_in.status_code == 303
    assert "Secure" in signed_in.headers["set-cookie"]


async def test_sessions_end_after_30_idle_minutes_or_8_hours(
    monkeypatch: pytest.MonkeyPatch, pool: None
) -> None:
    from confide.platform.operators import sessions

    clock = [time.time()]
    monkeypatch.setattr(sessions, "_now", lambda: clock[0])
    idle = await sessions.start(uuid4())
    clock[0] += 29 * 60
    assert await sessions.load(idle) is not None
    clock[0] += 30 * 60
    assert await sessions.load(idle) is None

    busy = await sessions.start(uuid4())
    for _ in range(16):  # active every 29 minutes for 7 h 44 min
        clock[0] += 29 * 60
        assert await sessions.load(busy) is not None
    clock[0] += 17 * 60
    assert await sessions.load(busy) is None, "a session outlived its 8 hours"


async def test_an_operator_creates_suspends_and_restores_a_tenant(
    browser: httpx.AsyncClient, operator: Account, owner_conn: asyncpg.Connection
) -> None:
    assert (await operator_sign_in(browser, operator)).status_code == 303
    slug = f"op-{secrets.token_hex(3)}"
    form = await browser.get("/operator/tenants/new")
    assert form.status_code == 200
    token = csrf_token(form.text)

    empty = await browser.post("/operator/tenants/new", data={"_csrf_token": token})
    assert empty.status_code == 400
    for message in ("Enter the service", "Enter the service", "Select who runs the service"):
        assert message in empty.text
    taken = await browser.post(
        "/operator/tenants/new",
        data={
            "_csrf_token": token,
            "slug": "alpha",
            "display_name": "X",
            "controller_kind": "council",
        },
    )
    assert taken.status_code == 400
    assert "already exists" in taken.text
    assert 'id="slug-error"' in taken.text
    malformed = await browser.post(
        "/operator/tenants/new",
        data={
            "_csrf_token": token,
            "slug": "Bad Slug",
            "display_name": "X",
            "controller_kind": "charity",
        },
    )
    assert malformed.status_code == 400
    assert "is not allowed" in malformed.text

    created = await browser.post(
        "/operator/tenants/new",
        data={
            "_csrf_token": token,
            "slug": slug,
            "display_name": "Operatorshire SENDIASS",
            "controller_kind": "charity",
        },
    )
    assert created.status_code == 303, created.text
    assert created.headers["location"] == f"/operator/tenants?created={slug}"
    listed = await browser.get(created.headers["location"])
    assert f"Tenant {slug} created" in listed.text
    assert "Operatorshire SENDIASS" in listed.text
    assert (await browser.get(f"/t/{slug}/")).status_code == 200

    async def status(wanted: str) -> httpx.Response:
        page = await browser.get("/operator/tenants")
        return await browser.post(
            f"/operator/tenants/{slug}/status",
            data={"_csrf_token": csrf_token(page.text), "status": wanted},
        )

    assert (await status("suspended")).status_code == 303
    assert (await browser.get(f"/t/{slug}/")).status_code == 404
    assert (await status("suspended")).status_code == 303  # again: no change, no entry
    assert (await status("active")).status_code == 303
    assert (await browser.get(f"/t/{slug}/")).status_code == 200

    tenant_id = await owner_conn.fetchval("SELECT id FROM tenants WHERE slug = $1", slug)
    operator_id = (await _operator_row(owner_conn, operator.email))["id"]
    entries = await _audit(owner_conn, tenant_id)
    assert [e["action"] for e in entries] == [
        "tenant_created",
        "tenant_suspended",
        "tenant_restored",
    ]
    for entry in entries:
        assert entry["actor_kind"] == "operator"
        assert entry["actor_id"] == operator_id
        assert entry["subject_kind"] == "tenant"
        assert entry["subject_id"] == tenant_id
    verified = confide("audit", "verify", "--tenant", slug)
    assert verified.stdout.strip() == f"{slug}: ok, 3 entries"


async def test_operator_forms_need_the_csrf_token_and_known_tenants(
    browser: httpx.AsyncClient, operator: Account
) -> None:
    refused = await browser.post(
        "/operator/login",
        data={"email": operator.email, "password": operator.password, "code": operator.code()},
    )
    assert refused.status_code == 403
    assert (await operator_sign_in(browser, operator)).status_code == 303
    page = await browser.get("/operator/tenants")
    no_token = await browser.post("/operator/tenants/beta/status", data={"status": "suspended"})
    assert no_token.status_code == 403
    unknown = await browser.post(
        "/operator/tenants/no-such-tenant/status",
        data={"_csrf_token": csrf_token(page.text), "status": "suspended"},
    )
    assert unknown.status_code == 404
    assert "Active" in (await browser.get("/operator/tenants")).text


async def test_the_tenant_list_is_paged(
    browser: httpx.AsyncClient, operator: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    from confide.frontend import operator as pages

    monkeypatch.setattr(pages, "TENANT_PAGE", 2)
    assert (await operator_sign_in(browser, operator)).status_code == 303
    first = await browser.get("/operator/tenants")
    second = await browser.get("/operator/tenants?page=2")
    slugs = [[row.get("data-slug") for row in parse(page).select("[data-testid=tenant-row]")]
             for page in (first, second)]  # fmt: skip
    assert len(slugs[0]) == len(slugs[1]) == 2
    assert not set(slugs[0]) & set(slugs[1])
    assert parse(first).select("[data-testid=pagination]")


async def test_operator_pages_need_an_operator(browser: httpx.AsyncClient) -> None:
    for path in ("/operator/tenants", "/operator/tenants/new", "/operator/tenants?page=2"):
        response = await browser.get(path)
        assert response.status_code == 303, path
        assert response.headers["location"] == "/operator/login"
    assert (await browser.get("/operator")).headers["location"] == "/operator/tenants"


async def test_a_staff_session_is_no_operator_session(app: Any, gareth: httpx.AsyncClient) -> None:
    staff_token = gareth.cookies["confide_session"]
    async with http_client(app) as http:
        for cookie in (f"confide_operator={staff_token}", f"confide_session={staff_token}"):
            response = await http.get("/operator/tenants", headers={"cookie": cookie})
            assert response.status_code == 303, cookie
            assert response.headers["location"] == "/operator/login"


TENANT_ROUTES = (
    "/t/northmoor/dashboard",
    "/t/northmoor/admin/staff",
    "/t/northmoor/admin/sso",
    "/t/northmoor/api/housekeeping/heartbeats",
    "/t/northmoor/api/job-runs",
    "/t/northmoor/admin/jobs/",
)


def _refused(response: httpx.Response) -> bool:
    if response.status_code == 303:
        return response.headers["location"].startswith("/t/northmoor/login")
    return response.status_code in {401, 403}


async def test_an_operator_cannot_read_any_tenants_case_data(
    app: Any, operator: Account, tenants: dict[str, TenantRef], aisha: httpx.AsyncClient
) -> None:
    # A member of staff has signed in at northmoor, so it holds a staff row to look for.
    staff_page = await aisha.get("/t/northmoor/dashboard")
    assert "Aisha Rahman" in staff_page.text

    async with http_client(app) as browser:
        signed_in = await operator_sign_in(browser, operator)
        token = signed_in.cookies["confide_operator"]
        for path in TENANT_ROUTES:
            # The browser does not even send the operator cookie outside /operator...
            response = await browser.get(path)
            assert _refused(response), (path, response.status_code)
            assert "confide_operator" not in response.request.headers.get("cookie", "")

        # ...and sent on purpose, under either name, it is no staff session.
        async with http_client(app) as forger:
            for path in TENANT_ROUTES:
                for name in ("confide_operator", "confide_session"):
                    response = await forger.get(path, headers={"cookie": f"{name}={token}"})
                    assert _refused(response), (path, name, response.status_code)

        # The operator's own pages show registry fields, never a tenant's own rows.
        seen = []
        for path in ("/operator/tenants", "/operator/tenants/new", "/operator/login"):
            seen.append(await browser.get(path, follow_redirects=True))
        assert all(page.status_code == 200 for page in seen)
        assert tenants["northmoor"].name in seen[0].text
        for page in seen:
            for private in ("Aisha Rahman", "aisha.rahman", "northmoor-cw-1"):
                assert private not in page.text, private
