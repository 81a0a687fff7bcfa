"""Staff users, identified by (tenant, issuer, subject), and their requests' idempotency keys."""

from piccolo.columns import JSONB, UUID, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique

from confide.platform.core.tables import EXPIRING, TenantOwned, ref
from confide.platform.identity.schemas import StaffStatus


class StaffUser(TenantOwned, tablename="staff_users"):
    """Created at first sign-in; roles recomputed from the provider's groups at every sign-in."""

    id = UUID(primary_key=True)
    issuer = Varchar(length=300)
    subject = Varchar(length=300)
    email = Varchar(length=320, null=True, default=None)
    display_name = Varchar(length=200)
    roles = JSONB(default=[])
    status = Varchar(length=16, choices=StaffStatus, default=StaffStatus.ACTIVE)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sign_in_at = Timestamptz(null=True, default=None)
    # Sessions created before this moment are void: suspension ends them at once.
    sessions_valid_after = Timestamptz(default=TimestamptzNow())
    staff_users_identity_key = Unique(["tenant_id", "issuer", "subject"])
    staff_users_tenant_id_id_key = Unique(["tenant_id", "id"])  # target of composite keys


class IdempotencyKey(TenantOwned, tablename="idempotency_keys", tags=[EXPIRING]):
    """A create request that succeeded, under the key its client chose (``idempotency.py``):
    a retry with the same key gets this answer again instead of a second record.
    One per member of staff and key; kept for a day."""

    id = UUID(primary_key=True)
    staff_id = ref()
    key = Varchar(length=128)
    fingerprint = Varchar(length=64)
    status = Integer()
    location = Varchar(length=1000, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    idempotency_keys_once = Unique(["tenant_id", "staff_id", "key"])
