"""Each tenant's data key, wrapped by the master keys."""

from piccolo.columns import UUID, Text, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique

from confide.platform.core.tables import NO_DELETE, TenantOwned


class DataKey(TenantOwned, tablename="storage_data_keys", tags=[NO_DELETE]):
    """The tenant's key for its stored files (AES-256-GCM), never stored in the clear:
    ``wrapped_key`` is a ``crypto.secret_box()`` token of it, re-wrapped in place when the
    master keys (``CONFIDE_ENCRYPTION_KEYS``) rotate. One per tenant."""

    id = UUID(primary_key=True)
    wrapped_key = Text(secret=True)
    created_at = Timestamptz(default=TimestamptzNow())
    rewrapped_at = Timestamptz(null=True, default=None)
    storage_data_keys_tenant_key = Unique(["tenant_id"])
