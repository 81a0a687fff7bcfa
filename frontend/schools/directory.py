"""The schools and settings directory: listed with a filter a page at a time, each school
with its SENCO contact (editable), and the tenant admin's import of the GIAS extract."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from confide.frontend.paging import PageNumber, page_request, paged_template
from confide.frontend.schools.forms import ImportForm, SencoForm
from confide.frontend.templating import form_page, redirect_to
from confide.platform.identity.schemas import StaffView
from confide.platform.identity.web import signed_in, tenant_admin
from confide.platform.schools import directory
from confide.platform.schools.gias import MAX_ROWS
from confide.platform.schools.schemas import ImportRefused, SchoolFilter

Text = Annotated[str, QueryParameter(max_length=100)]
IMPORT = "schools/import.html"
SCHOOL = "schools/school.html"


class SchoolPages(Controller):
    path = "/schools"
    include_in_schema = False
    guards = [signed_in]

    @get("/", name="schools")
    async def schools(
        self, request: Request[Any, Any, Any], page: PageNumber = 1, q: Text = "", phase: Text = ""
    ) -> Template:
        """The directory by name, filtered by name, URN or postcode, and phase."""
        found = SchoolFilter(text=q, phase=phase)
        listed = await directory.list_schools(found, page_request(page))
        query = urlencode({k: v for k, v in (("q", q), ("phase", phase)) if v})
        return paged_template(
            request,
            "schools/list.html",
            listed,
            page,
            q=q,
            phase=phase,
            phases=await directory.phases(),
            query=f"{query}&" if query else "",
        )

    @get("/{school_id:uuid}", name="school")
    async def school(
        self,
        request: Request[Any, Any, Any],
        school_id: FromPath[UUID],
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        school = await directory.get_school(school_id)
        return form_page(request, SCHOOL, SencoForm.of(school), school=school, saved=saved)

    @post("/{school_id:uuid}", name="school-senco")
    async def senco(
        self,
        request: Request[Any, Any, Any],
        school_id: FromPath[UUID],
        staff: NamedDependency[StaffView],
    ) -> Template | Redirect:
        """Change the SENCO contact; a problem shows the form again, naming the field."""
        form = SencoForm.posted(await request.form())
        await form.save(lambda: directory.set_senco_contact(school_id, form.contact(), staff))
        if form.ok:
            return redirect_to(request, "school", school_id=school_id, query={"saved": "true"})
        school = await directory.get_school(school_id)
        return form_page(request, SCHOOL, form, school=school, saved=False)


class SchoolImportPages(Controller):
    path = "/admin/schools"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-schools-import")
    async def import_form(self, request: Request[Any, Any, Any]) -> Template:
        return form_page(request, IMPORT, ImportForm(), max_rows=MAX_ROWS, problems=[], more=0)

    @post("/", name="admin-schools-import-post")
    async def import_file(
        self, request: Request[Any, Any, Any], staff: NamedDependency[StaffView]
    ) -> Template:
        """Import the chosen file: the report of what changed, or every problem by line
        and column with nothing imported."""
        posted = await request.form()
        upload = posted.get("file")
        form = ImportForm()
        data = await upload.read() if isinstance(upload, UploadFile) else b""
        if not data:
            form.fail("file", "Choose the CSV file to import")
        if not form.ok:
            return form_page(request, IMPORT, form, max_rows=MAX_ROWS, problems=[], more=0)
        try:
            report = await directory.import_schools(data, staff)
        except ImportRefused as refused:
            form.absorb(refused)
            return form_page(
                request,
                IMPORT,
                form,
                max_rows=MAX_ROWS,
                problems=refused.problems,
                more=refused.more,
            )
        return form_page(
            request, IMPORT, form, max_rows=MAX_ROWS, report=report, problems=[], more=0
        )
