"""Nobody changes their own status: the rule is the staff service's, not the page's."""

from __future__ import annotations

from uuid import UUID

import httpx
import pytest

from confide.platform.core.pagination import PageRequest
from tests.helpers.http import csrf_token
from tests.helpers.tenants import TenantRef


async def _gareth_id(tenants: dict[str, TenantRef]) -> UUID:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.core.pagination import PageRequest
    from confide.platform.identity import staff

    async with tenant_transaction(tenants["northmoor"].id):
        listed = await staff.list_staff(PageRequest(limit=100))
    return next(s.id for s in listed.items if s.display_name == "Gareth Pryce")


async def test_the_service_refuses_an_admin_their_own_status(
    gareth: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity import staff
    from confide.platform.identity.schemas import StaffStatus

    me = await _gareth_id(tenants)
    async with tenant_transaction(tenants["northmoor"].id):
        with pytest.raises(staff.StaffNotFound):
            await staff.set_status(me, StaffStatus.SUSPENDED, by=me)
        still = await staff.get_staff(me)
    assert still is not None
    assert still.status is StaffStatus.ACTIVE


async def test_the_staff_page_answers_not_found_for_ones_own_status(
    gareth: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    me = await _gareth_id(tenants)
    page = await gareth.get("/t/northmoor/admin/staff")
    assert page.status_code == 200
    refused = await gareth.post(
        f"/t/northmoor/admin/staff/{me}/status",
        data={"status": "suspended", "_csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 404
    assert (await gareth.get("/t/northmoor/admin/staff")).status_code == 200, "suspended anyway"


async def test_a_status_the_page_does_not_offer_is_refused_naming_the_field(
    gareth: httpx.AsyncClient, tenants: dict[str, TenantRef]
) -> None:
    from confide.platform.core.db import tenant_transaction
    from confide.platform.identity import staff

    async with tenant_transaction(tenants["northmoor"].id):
        listed = await staff.list_staff(PageRequest(limit=100))
    other = next(s for s in listed.items if s.display_name != "Gareth Pryce")
    page = await gareth.get("/t/northmoor/admin/staff")
    refused = await gareth.post(
        f"/t/northmoor/admin/staff/{other.id}/status",
        data={"status": "deleted", "_csrf_token": csrf_token(page.text)},
    )
    assert refused.status_code == 400
    assert "Choose active or suspended" in refused.text
    async with tenant_transaction(tenants["northmoor"].id):
        after = await staff.get_staff(other.id)
    assert after is not None
    assert after.status is other.status
