"""The tenant admin's pages: sign-in settings, enquiry topics and support levels, consent
settings, staff, and the audit log's latest checkpoint."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, MediaType, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.exceptions import NotFoundException
from litestar.params import Body, FromPath, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_303_SEE_OTHER, HTTP_400_BAD_REQUEST

from confide.frontend.templating import page_context
from confide.platform.audit.checkpoints import document, latest_checkpoint
from confide.platform.audit.signing import ALGORITHM, checkpoint_keys
from confide.platform.core.edge import whole_number
from confide.platform.core.errors import Invalid
from confide.platform.core.pagination import PageRequest
from confide.platform.identity import staff as staff_service
from confide.platform.identity.schemas import StaffStatus, StaffView
from confide.platform.identity.web import provide_staff, tenant_admin
from confide.tenants.policy.services import (
    CAPACITY_AGES,
    REVIEW_MONTHS,
    TELL_CLIENT_DAYS,
    UNSENT_SHARE_DAYS,
    get_policy,
    set_case_lists,
    set_consent_settings,
    set_session_limits,
    validate_consent_settings,
)
from confide.tenants.resolution import tenant_base_path
from confide.tenants.roles import StaffRole
from confide.tenants.schemas import TenantView
from confide.tenants.sso.addresses import post_sign_out_uri, redirect_uri
from confide.tenants.sso.schemas import SsoSettings
from confide.tenants.sso.services import get_sso, save_sso, validate_sso

FormBody = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
STAFF_PAGE = 20
LAPSED_BLOCKS = "blocks"
LAPSED_WARNS = "warns"
ROLE_FIELDS = {
    "groups_caseworker": StaffRole.CASEWORKER,
    "groups_manager": StaffRole.MANAGER,
    "groups_admin": StaffRole.TENANT_ADMIN,
}


def _lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


def _mapping(form: dict[str, str]) -> dict[str, tuple[StaffRole, ...]]:
    mapping: dict[str, set[StaffRole]] = {}
    for field, role in ROLE_FIELDS.items():
        for group in _lines(form.get(field, "")):
            mapping.setdefault(group, set()).add(role)
    return {group: tuple(sorted(roles)) for group, roles in mapping.items()}


class AdminController(Controller):
    path = "/admin"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/sso", name="admin-sso")
    async def sso_form(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """The provider settings form, filled in with what is stored (never the secret)."""
        sso = await get_sso()
        policy = await get_policy()
        form: dict[str, str] = {
            "issuer": sso.issuer if sso else "",
            "client_id": sso.client_id if sso else "",
            "scopes": sso.scopes if sso else "openid profile email",
            "groups_claim": sso.groups_claim if sso else "groups",
            "allowed_email_domains": ", ".join(sso.allowed_email_domains) if sso else "",
            "idle_minutes": str(policy.session_idle_minutes),
            "absolute_hours": str(policy.session_absolute_hours),
        }
        for field, role in ROLE_FIELDS.items():
            groups = [g for g, roles in (sso.role_mapping if sso else {}).items() if role in roles]
            form[field] = "\n".join(sorted(groups))
        return self._render(request, tenant, form, {}, has_secret=sso is not None, saved=saved)

    @post("/sso", name="admin-sso-save")
    async def sso_save(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        data: FormBody,
    ) -> Template | Redirect:
        """Check and save; on any problem the form comes back with each field's error."""
        me = provide_staff(request)
        errors: dict[str, str] = {}
        # Left empty: the defaults.
        idle = whole_number(data.get("idle_minutes") or "30", max_digits=6)
        absolute = whole_number(data.get("absolute_hours") or "10", max_digits=6)
        if idle is None or not 5 <= idle <= 480:
            errors["idle_minutes"] = "Enter a whole number of minutes between 5 and 480"
        if absolute is None or not 1 <= absolute <= 24:
            errors["absolute_hours"] = "Enter a whole number of hours between 1 and 24"
        settings = SsoSettings(
            issuer=data.get("issuer", "").strip(),
            client_id=data.get("client_id", "").strip(),
            client_secret=data.get("client_secret") or None,
            scopes=data.get("scopes", "").strip(),
            groups_claim=data.get("groups_claim", "").strip(),
            role_mapping=_mapping(data),
            allowed_email_domains=tuple(
                d.strip().lower()
                for d in data.get("allowed_email_domains", "").split(",")
                if d.strip()
            ),
        )
        sso = await get_sso()
        errors.update(validate_sso(settings, has_secret=sso is not None))
        if not errors:
            try:
                await save_sso(settings, changed_by=me.id)
            except Invalid as invalid:
                errors.update(invalid.errors)
        if errors:
            form = {k: v for k, v in data.items() if k not in {"client_secret", "_csrf_token"}}
            return self._render(
                request,
                tenant,
                form,
                errors,
                has_secret=sso is not None,
                saved=False,
                status_code=HTTP_400_BAD_REQUEST,
            )
        assert idle is not None
        assert absolute is not None
        await set_session_limits(idle, absolute)
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/admin/sso?saved=true", status_code=HTTP_303_SEE_OTHER)

    def _render(
        self,
        request: Request[Any, Any, Any],
        tenant: TenantView,
        form: dict[str, str],
        errors: dict[str, str],
        *,
        has_secret: bool,
        saved: bool,
        status_code: int = 200,
    ) -> Template:
        base = str(request.base_url).rstrip("/") + tenant_base_path(request, tenant)
        return Template(
            "admin/sso.html",
            context=page_context(
                request,
                form=form,
                errors=errors,
                has_secret=has_secret,
                saved=saved,
                redirect_uri=redirect_uri(base),
                post_sign_out_uri=post_sign_out_uri(base),
            ),
            status_code=status_code,
        )

    @get("/case-lists", name="admin-case-lists")
    async def case_lists_form(
        self,
        request: Request[Any, Any, Any],
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """The enquiry topics (one a line) and the names of support levels 1-4."""
        policy = await get_policy()
        form = {"topics": "\n".join(policy.topics)}
        for level, name in enumerate(policy.support_levels, start=1):
            form[f"support_level_{level}"] = name
        return self._case_lists_page(request, form, {}, saved=saved)

    @post("/case-lists", name="admin-case-lists-save")
    async def case_lists_save(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        data: FormBody,
    ) -> Template | Redirect:
        """Save both lists; on any problem the form comes back as typed, with the errors."""
        me = provide_staff(request)
        levels = [data.get(f"support_level_{level}", "") for level in range(1, 5)]
        try:
            await set_case_lists(_lines(data.get("topics", "")), levels, changed_by=me.id)
        except Invalid as invalid:
            errors = {
                ("support_level_1" if k == "support_levels" else k): v
                for k, v in invalid.errors.items()
            }
            form = {k: v for k, v in data.items() if k != "_csrf_token"}
            return self._case_lists_page(
                request, form, errors, saved=False, status_code=HTTP_400_BAD_REQUEST
            )
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/admin/case-lists?saved=true", status_code=HTTP_303_SEE_OTHER)

    def _case_lists_page(
        self,
        request: Request[Any, Any, Any],
        form: dict[str, str],
        errors: dict[str, str],
        *,
        saved: bool,
        status_code: int = 200,
    ) -> Template:
        return Template(
            "admin/case_lists.html",
            context=page_context(request, form=form, errors=errors, saved=saved),
            status_code=status_code,
        )

    @get("/consent", name="admin-consent")
    async def consent_form(
        self,
        request: Request[Any, Any, Any],
        saved: Annotated[bool, QueryParameter()] = False,
    ) -> Template:
        """Professional roles, the review interval, what a lapsed consent does, days to tell,
        the age from which capacity is presumed, days before an unsent share is listed."""
        policy = await get_policy()
        form = {
            "roles": "\n".join(policy.professional_roles),
            "review_months": str(policy.consent_review_months),
            "lapsed": LAPSED_BLOCKS if policy.lapsed_consent_blocks else LAPSED_WARNS,
            "tell_client_days": str(policy.tell_client_days),
            "capacity_age": str(policy.capacity_age),
            "unsent_share_days": str(policy.unsent_share_days),
        }
        return self._consent_page(request, form, {}, saved=saved)

    @post("/consent", name="admin-consent-save")
    async def consent_save(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        data: FormBody,
    ) -> Template | Redirect:
        """Save the consent settings; on any problem the form comes back as typed."""
        me = provide_staff(request)
        errors: dict[str, str] = {}
        numbers: dict[str, int] = {}
        for field, missing in (
            ("review_months", "Enter the review interval as a whole number of months"),
            ("tell_client_days", "Enter the days to tell a client as a whole number"),
            ("capacity_age", "Enter the age of capacity as a whole number of years"),
            ("unsent_share_days", "Enter the days before an unsent share is listed as a number"),
        ):
            number = whole_number(data.get(field, ""), max_digits=6)
            if number is None:
                errors[field] = missing
            else:
                numbers[field] = number
        lapsed = data.get("lapsed", "")
        if lapsed not in (LAPSED_BLOCKS, LAPSED_WARNS):
            errors["lapsed"] = "Select what a consent past its review date does"
        roles = _lines(data.get("roles", ""))
        # The service's own checks too, on whatever could be read, so one pass shows all.
        _, invalid = validate_consent_settings(
            roles,
            numbers.get("review_months", REVIEW_MONTHS[0]),
            numbers.get("tell_client_days", TELL_CLIENT_DAYS[0]),
            capacity_age=numbers.get("capacity_age", CAPACITY_AGES[0]),
            unsent_share_days=numbers.get("unsent_share_days", UNSENT_SHARE_DAYS[0]),
        )
        for key, message in invalid.items():
            errors.setdefault(key, message)
        if not errors:
            try:
                await set_consent_settings(
                    roles,
                    numbers["review_months"],
                    lapsed == LAPSED_BLOCKS,
                    numbers["tell_client_days"],
                    capacity_age=numbers["capacity_age"],
                    unsent_share_days=numbers["unsent_share_days"],
                    changed_by=me.id,
                )
            except Invalid as refused:
                errors.update(refused.errors)
            else:
                base = tenant_base_path(request, tenant)
                return Redirect(f"{base}/admin/consent?saved=true", status_code=HTTP_303_SEE_OTHER)
        form = {k: v for k, v in data.items() if k != "_csrf_token"}
        return self._consent_page(
            request, form, errors, saved=False, status_code=HTTP_400_BAD_REQUEST
        )

    def _consent_page(
        self,
        request: Request[Any, Any, Any],
        form: dict[str, str],
        errors: dict[str, str],
        *,
        saved: bool,
        status_code: int = 200,
    ) -> Template:
        return Template(
            "admin/consent.html",
            context=page_context(
                request,
                form=form,
                errors=errors,
                saved=saved,
                blocks=LAPSED_BLOCKS,
                warns=LAPSED_WARNS,
                review_months=REVIEW_MONTHS,
                tell_days=TELL_CLIENT_DAYS,
                capacity_ages=CAPACITY_AGES,
                unsent_days=UNSENT_SHARE_DAYS,
            ),
            status_code=status_code,
        )

    @get("/staff", name="admin-staff")
    async def staff_list(
        self,
        request: Request[Any, Any, Any],
        page: Annotated[int, QueryParameter(ge=1, le=10_000)] = 1,
    ) -> Template:
        """Everyone who has signed in, a page at a time, with suspend and restore."""
        listed = await staff_service.list_staff(
            PageRequest(limit=STAFF_PAGE, offset=(page - 1) * STAFF_PAGE)
        )
        return Template(
            "admin/staff.html",
            context=page_context(request, people=listed.items, page=page, pages=listed.page_count),
        )

    @post("/staff/{user_id:uuid}/status", name="admin-staff-status")
    async def staff_status(
        self,
        request: Request[Any, Any, Any],
        tenant: NamedDependency[TenantView],
        user_id: FromPath[UUID],
        data: FormBody,
    ) -> Redirect:
        """Suspend (ending every session of that person at once) or restore."""
        me: StaffView = provide_staff(request)
        wanted = data.get("status")
        if wanted not in {StaffStatus.ACTIVE, StaffStatus.SUSPENDED} or user_id == me.id:
            raise NotFoundException()
        if await staff_service.set_status(user_id, StaffStatus(wanted), by=me.id) is None:
            raise NotFoundException()
        base = tenant_base_path(request, tenant)
        return Redirect(f"{base}/admin/staff", status_code=HTTP_303_SEE_OTHER)

    @get("/audit", name="admin-audit")
    async def audit_checkpoint(self, request: Request[Any, Any, Any]) -> Template:
        """The audit log's latest signed checkpoint, to download and keep elsewhere."""
        checkpoint = await latest_checkpoint()
        keys = checkpoint_keys()
        public_key = keys.public_keys().get(checkpoint.key_id) if checkpoint else None
        return Template(
            "admin/audit.html",
            context=page_context(
                request, checkpoint=checkpoint, algorithm=ALGORITHM, public_key=public_key
            ),
        )

    @get("/audit/checkpoint.json", name="admin-audit-download")
    async def audit_checkpoint_download(self) -> Response[dict[str, str | int]]:
        """The latest checkpoint as its signed JSON document."""
        checkpoint = await latest_checkpoint()
        if checkpoint is None:
            raise NotFoundException()
        name = f"audit-checkpoint-{checkpoint.period_start:%Y%m%dT%H%M}Z.json"
        return Response(
            document(checkpoint),
            media_type=MediaType.JSON,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
