"""Base classes for tables, and ``ref()`` for a column that holds another row's id.

Every tenant-owned table derives from ``TenantOwned``: a ``tenant_id`` that
cannot be null and has no Python default, so a row never lands without its
tenant, and ``confide migrate`` puts the row-level security policy on every
table that has the column.
"""

import json
from typing import Any

from piccolo.columns import UUID
from piccolo.table import Table

# Table tags read by ``confide migrate`` to grant the application role. A tenant-owned
# table without a tag may be read, added to and changed, never deleted from: no rule of
# the policy needs the application to delete a record. A platform-level table without a
# tag is closed to the application.
# Platform-level table the application may read (its ``secret=True`` columns excepted),
# never write: the registry and operators change through ``app_`` functions instead.
APP_READ = "app-read"
APPEND_ONLY = "append-only"  # tenant-owned, the application may insert and read only
# Tenant-owned records the application may only read: their rows come from ``app_``
# functions, which decide what goes in (an erased case's facts, the admin's confirmation).
WRITTEN_BY_FUNCTIONS = "written-by-functions"
# Tenant-owned records that move through states (a disclosure awaiting authorisation, a
# task to tell a client): insert, read and update, never delete (as any untagged one).
NO_DELETE = "no-delete"
# Tenant-owned, short-lived and never a record of case work (a create's idempotency key,
# kept a day): insert, read and delete once expired, never update.
EXPIRING = "expiring"


def ref(*, null: bool = False, index: bool = False) -> UUID:
    """A column holding the id of another row (a case, a member of staff, an actor...).

    A bare ``UUID()`` defaults to a random id, in Python and in the database
    (``DEFAULT gen_random_uuid()``): a forgotten actor would become a random one.
    A reference has no default, so a row written without it fails, and it is
    NOT NULL unless ``null=True`` says it is optional. Primary keys keep theirs.
    """
    return UUID(null=null, default=None, index=index)


class TenantOwned(Table):
    """Columns shared by every tenant-owned table."""

    tenant_id = ref(index=True)


def json_list(value: Any) -> list[str]:
    """A JSONB list of names as the driver gives it back (text or decoded), as strings."""
    items = json.loads(value) if isinstance(value, str) else value
    return [str(item) for item in items or []]
