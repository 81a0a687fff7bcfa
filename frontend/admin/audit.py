"""The audit log's latest signed checkpoint, to download and keep elsewhere."""

from __future__ import annotations

from typing import Any

from litestar import Controller, MediaType, Request, Response, get
from litestar.response import Template

from confide.frontend.templating import page_context
from confide.platform.audit.checkpoints import document, latest_checkpoint
from confide.platform.audit.signing import ALGORITHM, checkpoint_keys
from confide.platform.core.errors import NotFound
from confide.platform.identity.web import tenant_admin


class AuditCheckpointPages(Controller):
    path = "/admin/audit"
    include_in_schema = False
    guards = [tenant_admin]

    @get("/", name="admin-audit")
    async def audit_checkpoint(self, request: Request[Any, Any, Any]) -> Template:
        """The latest checkpoint, its algorithm and the public key that verifies it."""
        checkpoint = await latest_checkpoint()
        public_key = checkpoint_keys().public_keys().get(checkpoint.key_id) if checkpoint else None
        return Template(
            "admin/audit.html",
            context=page_context(
                request, checkpoint=checkpoint, algorithm=ALGORITHM, public_key=public_key
            ),
        )

    @get("/checkpoint.json", name="admin-audit-download")
    async def audit_checkpoint_download(self) -> Response[dict[str, str | int]]:
        """The latest checkpoint as its signed JSON document."""
        checkpoint = await latest_checkpoint()
        if checkpoint is None:
            raise NotFound()
        name = f"audit-checkpoint-{checkpoint.period_start:%Y%m%dT%H%M}Z.json"
        return Response(
            document(checkpoint),
            media_type=MediaType.JSON,
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )
