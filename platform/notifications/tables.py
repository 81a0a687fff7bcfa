"""Notifications: one row per member of staff told, so each reads their own. A manager's
kind goes to every active manager at the time. Stored: the kind, the case (id and
reference), the row it is about (a disclosure, a break-glass grant, a task) and who acted,
never a name or any other personal data. ``subject_key`` is what makes it once: the same
kind, recipient and key is never stored twice (a job run again, a redelivery)."""

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import NO_DELETE, TenantOwned, ref


class Notification(TenantOwned, tablename="notifications", tags=[NO_DELETE]):
    id = UUID(primary_key=True)
    recipient_id = ref()
    kind = Varchar(length=40)
    case_id = ref(null=True)
    case_reference = Varchar(length=40, default="")
    subject_id = ref(null=True)
    subject_key = Varchar(length=100)
    actor_id = ref(null=True)
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
    notifications_once_key = Unique(["tenant_id", "recipient_id", "kind", "subject_key"])
    notifications_kind = Check(
        "kind IN ('share_awaiting', 'break_glass', 'tell_client_overdue',"
        " 'policy_review_due', 'case_assigned', 'request_due', 'request_identity')"
    )
