"""The task list (mine, the team's for managers, overdue, by kind; paged), one task with
"mark as done", and adding a follow-up to a case (rule 24)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.casework.case import back_to_case, case_form_page
from confide.frontend.forms import Form
from confide.frontend.labels import LABELS
from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.tasks.forms import FollowUpForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.casework.access import is_manager
from confide.platform.core.clock import service_today
from confide.platform.identity.idempotency import idempotent
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import case_worker
from confide.platform.tasks import services
from confide.platform.tasks.schemas import TaskFilter, TaskKind, TaskScope

NEW = "tasks/new.html"

ScopeName = Annotated[str, QueryParameter(name="scope", pattern="^(" + "|".join(TaskScope) + ")?$")]
KindName = Annotated[str, QueryParameter(pattern="^(" + "|".join(TaskKind) + ")?$")]
Overdue = Annotated[str, QueryParameter(pattern="^(yes)?$")]


class TaskListPages(Controller):
    """Caseworkers and managers; one task behind its case's need-to-know."""

    path = "/task-list"
    include_in_schema = False
    guards = [case_worker]

    @get("/", name="task-list")
    async def task_list(
        self,
        request: Request[Any, Any, Any],
        staff: NamedDependency[StaffView],
        whose: ScopeName = "",
        kind: KindName = "",
        overdue: Overdue = "",
        page: PageNumber = 1,
        done: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """Open tasks, soonest due first; the filter form's "all" sends an empty value."""
        manager = is_manager(staff)
        which = TaskFilter(
            TaskScope(whose) if whose and manager else TaskScope.MINE,
            overdue == "yes",
            TaskKind(kind) if kind else None,
        )
        found = await services.list_tasks(staff, which, page_request(page))
        chosen = {"scope": which.scope.value, "kind": kind, "overdue": overdue}
        query = urlencode({k: v for k, v in chosen.items() if v})
        return paged_template(
            request,
            "tasks/list.html",
            found,
            page,
            labels=LABELS,
            kinds=list(TaskKind),
            chosen=chosen,
            is_manager=manager,
            done=done,
            query=f"{query}&" if query else "",
        )

    @get("/{task_id:uuid}", name="task")
    async def task(
        self,
        request: Request[Any, Any, Any],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """One task (an audited read of its case); telling the service user has its own
        page, with each person's safe-contact preferences."""
        found = await services.get_task(task_id, staff)
        if found.kind is TaskKind.TELL_CLIENT:
            return redirect_to(request, "tell-client-task", task_id=task_id)
        return form_page(request, "tasks/task.html", Form(), task=found, labels=LABELS)

    @post("/{task_id:uuid}/done", name="task-done")
    async def mark_done(
        self,
        request: Request[Any, Any, Any],
        task_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = Form()
        await form.save(lambda: services.mark_done(task_id, staff))
        if form.ok:
            return redirect_to(request, "task-list", query={"done": "true"})
        found = await services.get_task(task_id, staff)
        return form_page(request, "tasks/task.html", form, task=found, labels=LABELS)


class FollowUpPages(Controller):
    """A follow-up on a case the person works on."""

    path = "/cases/{case_id:uuid}/tasks"
    include_in_schema = False
    guards = [case_worker]

    @get("/new", name="case-task-new")
    async def follow_up_form(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template:
        return await case_form_page(request, NEW, case_id, staff, FollowUpForm())

    @post("/", name="case-task-add", middleware=[idempotent()])
    async def add_follow_up(
        self,
        request: Request[Any, Any, Any],
        case_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        form = FollowUpForm.posted(await request.form())
        data = form.follow_up(service_today())
        if data is not None:
            await form.save(lambda: services.add_follow_up(case_id, staff, data))
        if form.ok:
            return back_to_case(request, case_id, "task")
        return await case_form_page(request, NEW, case_id, staff, form)
