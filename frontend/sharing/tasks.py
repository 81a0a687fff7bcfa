"""Telling the service user after a share without consent (rule 7): the open tasks,
one task with each person's safe-contact preferences shown before anyone makes contact,
recording that they were told, and a manager's delay."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect, Template

from confide.frontend.casework.presenters import safe_contact
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.sharing.forms import TaskForm
from confide.frontend.sharing.presenters import TELL_METHODS
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework import records
from confide.platform.casework.access import is_manager
from confide.platform.consent import tasks
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker, manager


async def task_page(
    request: Request[Any, Any, Any], task_id: UUID, staff: StaffView, form: TaskForm
) -> Template:
    """The task and what was shared; how it is safe to contact each person (an audited read
    of the case)."""
    task = await tasks.get_task(task_id, staff)
    case = await records.get_case(task.case_id, staff, purpose="tell_client_task")
    return form_page(
        request,
        "disclosures/task.html",
        form,
        task=task,
        case=case,
        is_manager=is_manager(staff),
        labels=LABELS,
        methods=TELL_METHODS,
        **safe_contact(case),
    )


class TaskPages(Controller):
    path = "/tasks"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="tell-client-tasks")
    async def task_list(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        page: PageNumber = 1,
    ) -> Template:
        """Open tell-the-client tasks, overdue first."""
        open_tasks = await tasks.open_tasks(staff, page_request(page))
        return paged_template(request, "disclosures/tasks.html", open_tasks, page, labels=LABELS)

    @get("/{task_id:uuid}", name="tell-client-task")
    async def task(
        self,
        request: Request[Any, Any, Any],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        """Tell them: what was shared, and how it is safe to contact each person."""
        return await task_page(request, task_id, staff, TaskForm())

    @post("/{task_id:uuid}/told", name="tell-client-told")
    async def told(
        self,
        request: Request[Any, Any, Any],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = TaskForm.posted(await request.form())
        told = form.told()
        if told is not None:
            await form.save(lambda: tasks.record_told(task_id, staff, told))
        if form.ok:
            return redirect_to(request, "tell-client-task", task_id=task_id)
        return await task_page(request, task_id, staff, form)

    @post("/{task_id:uuid}/delay", name="tell-client-delay", guards=[manager])
    async def delay(
        self,
        request: Request[Any, Any, Any],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = TaskForm.posted(await request.form())
        delay = form.delay()
        if delay is not None:
            await form.save(lambda: tasks.delay(task_id, staff, delay))
        if form.ok:
            return redirect_to(request, "tell-client-task", task_id=task_id)
        return await task_page(request, task_id, staff, form)
