"""One row of policy settings per tenant."""

from piccolo.columns import JSONB, UUID, Boolean, Integer, Timestamptz
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check

from confide.platform.core.tables import TenantOwned


class TenantPolicy(TenantOwned, tablename="tenant_policies"):
    id = UUID(primary_key=True)
    session_idle_minutes = Integer(default=30)
    session_absolute_hours = Integer(default=10)
    # How long a break-glass grant opens a case (added by migration 2026-11-25T19:10:00).
    break_glass_hours = Integer(default=4)
    # The enquiry topics and the names of support levels 1-4, as JSON lists; NULL means the
    # defaults (added by migration 2026-11-25T19:40:00).
    enquiry_topics = JSONB(null=True, default=None)
    support_level_names = JSONB(null=True, default=None)
    # Consent and disclosure (added by migration 2026-11-25T20:40:00): the professional
    # roles a consent may be restricted to (NULL: the defaults), how long a consent lasts
    # before review, whether a lapsed consent blocks sharing or only warns, and how many
    # days staff have to tell a client about a disclosure made without their consent.
    professional_roles = JSONB(null=True, default=None)
    consent_review_months = Integer(default=12)
    lapsed_consent_blocks = Boolean(default=True)
    tell_client_days = Integer(default=5)
    # The age from which a young person is presumed able to decide for themselves (policy
    # 3.2: 12 is this service's practice), and how many days a share may wait, allowed or
    # authorised but not sent, before it is listed for the caseworker.
    capacity_age = Integer(default=12)
    unsent_share_days = Integer(default=5)
    # The services check the same ranges (``CAPACITY_AGES``, ``UNSENT_SHARE_DAYS``).
    tenant_policies_capacity_age = Check("capacity_age BETWEEN 10 AND 16")
    tenant_policies_unsent_share_days = Check("unsent_share_days BETWEEN 1 AND 60")
    updated_at = Timestamptz(default=TimestamptzNow())
