"""A case that an open information request is about is not due for erasure.

Erasing personal data once someone has asked for it is what the law forbids (Data
Protection Act 2018, s. 173): ``app_retention_due`` (and so ``app_retention_erase``, which
asks it) now leaves out every case with an open request on the register, as it leaves out
a case on legal hold. The function is the one of ``2026-11-29T16:37:03`` with that one
condition added in both of its statements.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t16_37_03_000000 import (
    _DUE as _DUE_BEFORE,
)

ID = "2026-11-29T20:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "no case with an open information request is due for erasure"

_NOT_ON_HOLD = """           AND NOT EXISTS (SELECT 1 FROM public.case_legal_holds h
                            WHERE h.tenant_id = v_tenant AND h.case_id = c.id
                              AND h.lifted_at IS NULL)"""
_NO_OPEN_REQUEST = """
           AND NOT EXISTS (SELECT 1 FROM public.information_requests r
                            WHERE r.tenant_id = v_tenant AND r.case_id = c.id
                              AND r.status = 'open')"""

_BEFORE = _DUE_BEFORE.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)
_DUE = _BEFORE.replace(_NOT_ON_HOLD, _NOT_ON_HOLD + _NO_OPEN_REQUEST)
assert _DUE.count("information_requests") == 2  # both statements, or the text moved

FORWARDS = [
    "CREATE INDEX information_requests_open_case ON information_requests"
    " (tenant_id, case_id) WHERE status = 'open'",
    _DUE,
]
BACKWARDS = [_BEFORE, "DROP INDEX information_requests_open_case"]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
