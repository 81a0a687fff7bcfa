"""Housekeeping API: a tenant's heartbeats, as its scheduled work recorded them."""

from __future__ import annotations

from uuid import UUID

from litestar import Controller, get
from litestar.params import FromPath

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.housekeeping import services
from confide.platform.housekeeping.schemas import HeartbeatView
from confide.platform.identity.web import signed_in


class HousekeepingController(Controller):
    """Read by any signed-in member of staff of the tenant."""

    path = "/housekeeping"
    tags = ["housekeeping"]
    guards = [signed_in]

    @get("/heartbeats", name="api-list-heartbeats")
    async def list_heartbeats(
        self,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[HeartbeatView]:
        """This tenant's heartbeats, newest first."""
        return PageOut.of(await services.list_heartbeats(PageRequest(limit, offset)))

    @get("/heartbeats/{heartbeat_id:uuid}", name="api-get-heartbeat")
    async def get_heartbeat(self, heartbeat_id: FromPath[UUID]) -> HeartbeatView:
        """One heartbeat; another tenant's is "not found", like one that never existed."""
        return await services.get_heartbeat(heartbeat_id)
