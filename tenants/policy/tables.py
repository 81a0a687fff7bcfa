"""One row of policy settings per tenant; the database holds each setting to its range."""

from piccolo.columns import JSONB, UUID, Boolean, Integer, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import TenantOwned


def _json_list(column: str, lengths: str) -> Check:
    """NULL (the defaults) or a JSON list whose length is in ``lengths``. CASE, not AND:
    jsonb_array_length raises on a non-array, and AND may run it first."""
    return Check(
        f"CASE WHEN jsonb_typeof({column}) = 'array' THEN jsonb_array_length({column}) {lengths}"
        f" ELSE {column} IS NULL END"
    )


class TenantPolicy(TenantOwned, tablename="tenant_policies"):
    id = UUID(primary_key=True)
    session_idle_minutes = Integer(default=30)
    session_absolute_hours = Integer(default=10)
    # How long a break-glass grant opens a case.
    break_glass_hours = Integer(default=4)
    # The enquiry topics and the names of support levels 1-4, as JSON lists; NULL means the
    # defaults.
    enquiry_topics = JSONB(null=True, default=None)
    support_level_names = JSONB(null=True, default=None)
    # Consent and disclosure: the professional roles a consent may be restricted to (NULL:
    # the defaults), how long a consent lasts before review, whether a lapsed consent
    # blocks sharing or only warns, and how many days staff have to tell a client about a
    # disclosure made without their consent.
    professional_roles = JSONB(null=True, default=None)
    consent_review_months = Integer(default=12)
    lapsed_consent_blocks = Boolean(default=True)
    tell_client_days = Integer(default=5)
    # The age from which a young person is presumed able to decide for themselves (policy
    # 3.2: 12 is this service's practice), and how many days a share may wait, allowed or
    # authorised but not sent, before it is listed for the caseworker.
    capacity_age = Integer(default=12)
    unsent_share_days = Integer(default=5)
    updated_at = Timestamptz(default=TimestamptzNow())
    tenant_policies_tenant_key = Unique(["tenant_id"])
    # The policy services check the same ranges first (``REVIEW_MONTHS``, ``CAPACITY_AGES``...).
    tenant_policies_break_glass_hours = Check("break_glass_hours BETWEEN 1 AND 72")
    tenant_policies_enquiry_topics = _json_list("enquiry_topics", "BETWEEN 1 AND 30")
    tenant_policies_support_level_names = _json_list("support_level_names", "= 4")
    tenant_policies_professional_roles = _json_list("professional_roles", "BETWEEN 1 AND 30")
    tenant_policies_consent_review_months = Check("consent_review_months BETWEEN 1 AND 36")
    tenant_policies_tell_client_days = Check("tell_client_days BETWEEN 1 AND 60")
    tenant_policies_capacity_age = Check("capacity_age BETWEEN 10 AND 16")
    tenant_policies_unsent_share_days = Check("unsent_share_days BETWEEN 1 AND 60")
