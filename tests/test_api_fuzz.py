"""The JSON API fuzzed from its own OpenAPI document: no input, from anyone, gets a 500.

schemathesis turns the document the app serves at ``/schema/openapi.json`` into
Hypothesis strategies, one per operation, so a new endpoint is fuzzed the day it is
added. Each operation is called as each role of one tenant (caseworker, manager, tenant
admin, and staff with no role), with inputs that fit the document and inputs that break
it, and with path ids drawn from real records: the caller's own case, another
caseworker's, another tenant's, and ids that never existed. Every response must be below
500, and those whose status the document describes must match it.

Derandomised (the same examples every run, so CI is stable) and bounded: EXAMPLES per
operation and role, about a minute in all. ``CONFIDE_FUZZ_EXAMPLES=500`` explores more.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from typing import Any

import asyncpg
import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import response_schema_conformance

from confide.platform.core.clock import service_today
from tests.helpers.environment import OWNER_URL
from tests.helpers.http import http_client
from tests.helpers.schools import gias_csv, import_api, new_urns, school_row, schools_named
from tests.helpers.signin import sign_in
from tests.helpers.tenants import TenantRef
from tests.personas import sign_in_as

EXAMPLES = int(os.environ.get("CONFIDE_FUZZ_EXAMPLES", "25"))
TENANT = "northmoor"
ROLES = {"caseworker": "aisha", "manager": "fiona", "tenant_admin": "gareth"}
NO_ROLE = "northmoor-other"  # no persona: the provider signs them in, Confide refuses them
BASE_URL = "http://testserver"


def _operations(document: dict[str, Any]) -> dict[str, APIOperation]:
    """The document's operations by label ("GET /t/{tenant_slug}/api/cases"). Every input of
    the API is a msgspec Struct that forbids unknown fields, which Litestar's document does
    not say: said here, so that most inputs that fit the document reach the services
    rather than stopping at the decoder."""
    for component in document.get("components", {}).get("schemas", {}).values():
        if component.get("type") == "object" and "properties" in component:
            component.setdefault("additionalProperties", False)
    schema = schemathesis.openapi.from_dict(document)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


def _listed() -> list[str]:
    """The operations to parametrize over, from the app factory's document (the same one
    the app under test serves: ``operations`` checks)."""
    from confide.platform.app import create_litestar

    return list(_operations(create_litestar().openapi_schema.to_schema()))


LABELS = _listed()


@pytest.fixture(scope="module")
async def operations(clients: dict[str, httpx.AsyncClient]) -> dict[str, APIOperation]:
    """The operations of the document the app under test serves at /schema/openapi.json
    (asking for it is also what once made Litestar change every handler's fields)."""
    served = await clients["manager"].get("/schema/openapi.json")
    assert served.status_code == 200, served.text
    found = _operations(served.json())
    assert sorted(found) == sorted(LABELS)
    return found


_STRATEGIES: dict[tuple[str, GenerationMode, tuple[tuple[str, str], ...]], Any] = {}


def _strategy(
    operation: APIOperation, mode: GenerationMode, path: tuple[tuple[str, str], ...]
) -> Any:
    """Built once for each operation, mode and set of path ids."""
    key = (operation.label, mode, path)
    if key not in _STRATEGIES:
        _STRATEGIES[key] = operation.as_strategy(mode, path_parameters=dict(path))
    return _STRATEGIES[key]


def _modes(operation: APIOperation) -> list[GenerationMode]:
    """Inputs that fit and inputs that break the document; with no query or body to
    break, only the first (the path's ids are ours)."""
    if len(operation.query) or len(operation.body):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


async def _post(http: httpx.AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(
        f"/t/{TENANT}/api{path}", json=body, headers={"x-csrftoken": http.cookies["confide_csrf"]}
    )
    assert response.status_code in (200, 201, 202), response.text
    result: dict[str, Any] = response.json()
    return result


def _enquiry(name: str) -> dict[str, Any]:
    return {
        "contacted_by": "parent",
        "young_person": {"first_name": name, "last_name": "Fuzz", "date_of_birth": "2013-05-01"},
        "topics": ["Transport"],
        "support_level": 2,
        "consent_not_asked": "Asked later by the fuzz set-up",
    }


def _share(role: str, note: str, **changes: Any) -> dict[str, Any]:
    return {
        "recipient_org": "Northmoor Primary School",
        "recipient_role": role,
        "purpose": "To plan support at school",
        "items": [{"kind": "note", "id": note}],
        **changes,
    }


async def _existing(owner: asyncpg.Connection, tenant: TenantRef) -> dict[str, list[str]]:
    """An id of each kind of record ``tenant`` has (its demo data), as the owner sees them."""
    queries = {
        "case_id": "SELECT id FROM cases LIMIT 1",
        "note_id": "SELECT note_id AS id FROM case_notes LIMIT 1",
        "person_id": "SELECT id FROM people LIMIT 1",
        "contact_id": "SELECT id FROM case_contacts LIMIT 1",
        "disclosure_id": "SELECT id FROM disclosures LIMIT 1",
        "task_id": "SELECT id FROM tell_client_tasks LIMIT 1",
        "heartbeat_id": "SELECT id FROM housekeeping_heartbeats LIMIT 1",
        "household_id": "SELECT id FROM households LIMIT 1",
        "run_id": "SELECT id FROM job_runs LIMIT 1",
        "notification_id": "SELECT id FROM notifications LIMIT 1",
        "grant_id": "SELECT id FROM break_glass_grants LIMIT 1",
        "document_id": "SELECT document_id AS id FROM case_documents LIMIT 1",
        "request_id": "SELECT id FROM information_requests LIMIT 1",
    }
    found: dict[str, list[str]] = {}
    async with owner.transaction():
        await owner.execute("SELECT set_config('app.tenant_id', $1, true)", str(tenant.id))
        for name, sql in queries.items():
            found[name] = [str(row["id"]) for row in await owner.fetch(sql)]
    return found


@pytest.fixture(scope="module", autouse=True)
async def policy_put_back(tenants: dict[str, TenantRef]) -> AsyncIterator[None]:
    """The tenant admin's fuzzed calls change the tenant's policy settings (any values the
    services accept): put its policy row back as it was, for the tests that follow."""
    tenant = str(tenants[TENANT].id)
    read = "SELECT row_to_json(p)::text AS j FROM tenant_policies p"
    owner = await asyncpg.connect(OWNER_URL)
    try:
        async with owner.transaction():
            await owner.execute("SELECT set_config('app.tenant_id', $1, true)", tenant)
            before = await owner.fetchval(read)
    finally:
        await owner.close()
    yield
    owner = await asyncpg.connect(OWNER_URL)
    try:
        async with owner.transaction():
            await owner.execute("SELECT set_config('app.tenant_id', $1, true)", tenant)
            await owner.execute("DELETE FROM tenant_policies")
            if before is not None:
                await owner.execute(
                    "INSERT INTO tenant_policies"
                    " SELECT * FROM json_populate_record(NULL::tenant_policies, $1::json)",
                    before,
                )
    finally:
        await owner.close()


@pytest.fixture(scope="module")
async def clients(
    app: Any, tenants: dict[str, TenantRef], dev_idp: str
) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """One signed-in client per role (a persona each), kept for the whole module."""
    async with AsyncExitStack() as stack:
        signed_in = {}
        for role, name in ROLES.items():
            http = await stack.enter_async_context(http_client(app, BASE_URL))
            await sign_in_as(http, name, tenants, dev_idp)
            signed_in[role] = http
        refused = await stack.enter_async_context(http_client(app, BASE_URL))
        await sign_in(refused, TENANT, NO_ROLE)
        signed_in["no_role"] = refused
        yield signed_in


@pytest.fixture(scope="module")
async def ids(
    app: Any, clients: dict[str, httpx.AsyncClient], tenants: dict[str, TenantRef], dev_idp: str
) -> dict[str, list[str]]:
    """For each path parameter, the ids to draw from: real records of this tenant, made
    here through the API (so the fuzz never changes the demo's), another tenant's, and an
    id that never existed."""
    worker, manager = clients["caseworker"], clients["manager"]
    own = await _post(worker, "/enquiries", _enquiry("Own"))
    note = (await _post(worker, f"/cases/{own['id']}/notes", {"body": "A note"}))["note_id"]
    contact = await _post(
        worker,
        f"/cases/{own['id']}/contacts",
        {
            "kind": "phone",
            "direction": "incoming",
            "occurred_at": "2026-01-05T10:00:00Z",
            "summary": "A call",
        },
    )
    await _post(
        worker,
        f"/cases/{own['id']}/consents",
        {
            "decision": "restricted",
            "roles": ["School or SENCO"],
            "given_by": "parent",
            "method": "verbal",
            "given_on": service_today().isoformat(),
        },
    )
    asked = await _post(
        worker, f"/cases/{own['id']}/disclosures", _share("Social care", note, ask_manager=True)
    )
    shared = await _post(
        manager,
        f"/cases/{own['id']}/disclosures",
        _share("Health", note, legal_basis="safeguarding", justification="Risk of harm"),
    )
    # A legal-basis share opens its tell-the-client task once it has been sent.
    shared = await _post(
        manager,
        f"/cases/{own['id']}/disclosures/{shared['id']}/sent",
        {
            "sent_on": service_today().isoformat(),
            "method": "secure_email",
            "sent_to": "Health visitor",
        },
    )
    household = await _post(
        worker,
        "/households",
        {
            "name": "Own",
            "members": [{"person_id": own["subject"]["id"], "relationship": "sibling"}],
        },
    )
    # An export (issue 16): queued (no worker here builds it).
    export = await _post(worker, f"/cases/{own['id']}/exports/bundle", {"view": "full"})
    async with http_client(app, BASE_URL) as colleague:
        await sign_in_as(colleague, "tom", tenants, dev_idp)
        theirs = await _post(colleague, "/enquiries", _enquiry("Theirs"))
    owner = await asyncpg.connect(OWNER_URL)
    try:
        other = await _existing(owner, tenants["eastdale"])
        heartbeats = await _existing(owner, tenants[TENANT])
    finally:
        await owner.close()
    never = str(uuid.uuid4())
    # An information request on the own case (issue 17), logged by the manager.
    logged = await _post(
        manager,
        "/requests",
        {
            "kind": "subject_access",
            "requester_name": "Fuzz requester",
            "relation": "parent",
            "received_on": "2026-01-05",
            "channel": "post",
            "case_id": own["id"],
        },
    )
    # The schools directory (issue 14): a school of this tenant's, imported by its admin.
    [urn] = new_urns(1)
    imported = await import_api(
        clients["tenant_admin"], TENANT, gias_csv([school_row(urn, f"Fuzz {urn}")])
    )
    assert imported.status_code == 200, imported.text
    [school] = await schools_named(worker, TENANT, urn)
    return {
        "school_id": [school["id"], never],
        "staff_id": [own["assignments"][0]["staff_id"], never],
        "case_id": [own["id"], theirs["id"], *other["case_id"], never],
        "note_id": [note, *other["note_id"], never],
        "person_id": [own["subject"]["id"], theirs["subject"]["id"], *other["person_id"], never],
        "contact_id": [contact["id"], *other["contact_id"], never],
        "disclosure_id": [asked["id"], shared["id"], *other["disclosure_id"], never],
        "task_id": [shared["task"]["id"], *other["task_id"], never],
        "heartbeat_id": [*heartbeats["heartbeat_id"], *other["heartbeat_id"], never],
        "household_id": [household["id"], *other["household_id"], never],
        "run_id": [*heartbeats["run_id"], *other["run_id"], never],
        "notification_id": [*heartbeats["notification_id"], *other["notification_id"], never],
        "grant_id": [*heartbeats["grant_id"], *other["grant_id"], never],
        "export_id": [export["id"], never],
        "document_id": [*heartbeats["document_id"], *other["document_id"], never],
        "request_id": [logged["id"], *other["request_id"], never],
        "mark_id": [never],  # a subject access request's redaction mark (rule 30)
    }


def _request(kwargs: Mapping[str, Any], csrf: str) -> dict[str, Any]:
    """schemathesis' request (``requests`` style) as httpx's arguments, with the CSRF header
    a signed-in script sends."""
    headers = {
        k: v for k, v in kwargs.get("headers", {}).items() if k.lower() not in {"connection"}
    }
    request: dict[str, Any] = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "params": kwargs.get("params") or None,
        "headers": {**headers, "x-csrftoken": csrf},
    }
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    elif kwargs.get("data") is not None:
        request["content"] = kwargs["data"]
    return request


FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


async def _call(
    operation: APIOperation,
    role: str,
    data: st.DataObject,
    clients: dict[str, httpx.AsyncClient],
    ids: dict[str, list[str]],
) -> None:
    """One generated request as ``role``: never a 5xx; what the document describes, as it
    says; a validation 400 names only the fields the operation has."""
    mode = data.draw(st.sampled_from(_modes(operation)), label="mode")
    path = {"tenant_slug": TENANT}
    for parameter in operation.path_parameters:
        if parameter.name != "tenant_slug":
            path[parameter.name] = data.draw(st.sampled_from(ids[parameter.name]))
    case = data.draw(_strategy(operation, mode, tuple(sorted(path.items()))), label="case")
    http = clients[role]
    request = _request(case.as_transport_kwargs(base_url=BASE_URL), http.cookies["confide_csrf"])
    response = await http.request(**request)
    assert response.status_code < 500, f"{request['method']} {request['url']}: {response.text}"
    case.validate_response(response, checks=[response_schema_conformance])
    if response.status_code == 400 and isinstance(errors := response.json().get("errors"), list):
        assert "tenant_slug" not in [error.get("key") for error in errors], response.text


@pytest.mark.parametrize("role", ["caseworker", "manager"])
@pytest.mark.parametrize("label", LABELS)
@settings(FUZZ, max_examples=EXAMPLES)
@given(data=st.data())
async def test_case_work_roles_get_no_server_error(
    label: str,
    role: str,
    data: st.DataObject,
    clients: dict[str, httpx.AsyncClient],
    operations: dict[str, APIOperation],
    ids: dict[str, list[str]],
) -> None:
    await _call(operations[label], role, data, clients, ids)


@pytest.mark.parametrize("role", ["tenant_admin", "no_role"])
@pytest.mark.parametrize("label", LABELS)
@settings(FUZZ, max_examples=max(EXAMPLES // 5, 2))
@given(data=st.data())
async def test_other_roles_get_no_server_error(
    label: str,
    role: str,
    data: st.DataObject,
    clients: dict[str, httpx.AsyncClient],
    operations: dict[str, APIOperation],
    ids: dict[str, list[str]],
) -> None:
    """Refused at the guard whatever they send: a 403, never a 5xx."""
    await _call(operations[label], role, data, clients, ids)
