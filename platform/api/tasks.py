"""Tasks API: thin handlers over ``tasks.services`` (rule 24). Errors as in the case work
API: 400 field-named, 404 the same for a missing task and another tenant's, 403 a case
without need-to-know (restricted) or an act not permitted."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from confide.platform.api.schemas import Limit, Offset, PageOut
from confide.platform.core.pagination import DEFAULT_PAGE_SIZE, PageRequest
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.tasks import services
from confide.platform.tasks.schemas import NewFollowUp, TaskFilter, TaskKind, TaskScope, TaskView


class TasksController(Controller):
    """Open to caseworkers and managers; each case behind need-to-know."""

    path = "/"
    tags = ["tasks"]
    guards = [case_worker]

    @get("/tasks", name="api-list-tasks")
    async def list_tasks(
        self,
        staff: NamedDependency[StaffView],
        whose: Annotated[TaskScope, QueryParameter(name="scope")] = TaskScope.MINE,
        kind: Annotated[TaskKind | None, QueryParameter()] = None,
        overdue: Annotated[bool, QueryParameter()] = False,
        limit: Limit = DEFAULT_PAGE_SIZE,
        offset: Offset = 0,
    ) -> PageOut[TaskView]:
        """Open tasks, soonest due first: ``scope=mine`` yours (a manager's: and the
        managers' queue), ``scope=team`` the whole service's (managers only); ``kind=``
        one kind; ``overdue=true`` only those past their due date."""
        filters = TaskFilter(whose, overdue, kind)
        return PageOut.of(await services.list_tasks(staff, filters, PageRequest(limit, offset)))

    @get("/tasks/{task_id:uuid}", name="api-get-task")
    async def get_task(
        self, task_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> TaskView:
        """One task (an audited read of its case)."""
        return await services.get_task(task_id, staff)

    @post("/tasks/{task_id:uuid}/done", status_code=HTTP_200_OK, name="api-task-done")
    async def mark_done(
        self, task_id: FromPath[UUID], staff: NamedDependency[StaffView]
    ) -> TaskView:
        """Mark a follow-up or consent review done (its assignee, or a manager)."""
        return await services.mark_done(task_id, staff)

    @post("/cases/{case_id:uuid}/tasks", status_code=HTTP_201_CREATED, name="api-add-follow-up")
    async def add_follow_up(
        self,
        case_id: FromPath[UUID],
        data: JSONBody[NewFollowUp],
        staff: NamedDependency[StaffView],
    ) -> TaskView:
        """Add a follow-up, for yourself, on a case you work on."""
        return await services.add_follow_up(case_id, staff, data)
