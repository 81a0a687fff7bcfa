"""One row of policy settings per tenant; the database holds each setting to its range.

Beside it, append-only: every change of a setting as a version (who, when, old -> new),
the versions of the service's own text of its confidentiality policy, and the reviews
of that policy (policy 5.3). Who changed or reviewed is a member of staff's id: the
tenants layer sits below identity, so it is a reference without a foreign key.
"""

from piccolo.columns import JSONB, UUID, Boolean, Date, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import APPEND_ONLY, TenantOwned, ref


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
    # A review due within this many days becomes a task (the daily consent-review job).
    consent_review_notice_days = Integer(default=28)
    lapsed_consent_blocks = Boolean(default=True)
    tell_client_days = Integer(default=5)
    # The age from which a young person is presumed able to decide for themselves (policy
    # 3.2: 12 is this service's practice), and how many days a share may wait, allowed or
    # authorised but not sent, before it is listed for the caseworker.
    capacity_age = Integer(default=12)
    unsent_share_days = Integer(default=5)
    # Statistics (rule 12): counts below the threshold are suppressed; counts may be
    # rounded to the nearest 5.
    stats_suppression_threshold = Integer(default=5)
    stats_round_to_5 = Boolean(default=False)
    # The one kind of year the service reports on (calendar, financial or academic): two
    # kinds overlap and, differenced, would give hidden counts away. Fixed once a return
    # has been released.
    stats_year_kind = Varchar(length=16, default="calendar")
    # Retention (rule 14): kept until the later of N years after last contact or closure
    # and the child's Nth birthday.
    retention_years = Integer(default=6)
    retention_birthday = Integer(default=25)
    # An export's file is deleted this many days after it was built (issue 16, rule 29).
    export_expiry_days = Integer(default=7)
    # Documents on cases (rule 28): a file's size limit in MB, and the kinds offered (a JSON
    # list of kinds from the six the product knows; NULL: all six).
    document_max_mb = Integer(default=25)
    document_kinds = JSONB(null=True, default=None)
    # The data controller (rule 16): NULL kind is the kind the tenant was registered with.
    controller_kind = Varchar(length=16, null=True, default=None)
    controller_name = Varchar(length=120, default="")
    controller_email = Varchar(length=120, default="")
    controller_phone = Varchar(length=40, default="")
    controller_address = Varchar(length=400, default="")
    # How often the confidentiality policy is reviewed (policy 5.3: every two years).
    policy_review_months = Integer(default=24)
    # The day of the latest review recorded (``PolicyReview``), kept here so the policy
    # each process keeps (checked at each request's BEGIN) knows when the next is due.
    policy_reviewed_on = Date(null=True, default=None)
    updated_at = Timestamptz(default=TimestamptzNow())
    tenant_policies_tenant_key = Unique(["tenant_id"])
    # The policy services check the same ranges first (``REVIEW_MONTHS``, ``CAPACITY_AGES``...).
    tenant_policies_break_glass_hours = Check("break_glass_hours BETWEEN 1 AND 72")
    tenant_policies_enquiry_topics = _json_list("enquiry_topics", "BETWEEN 1 AND 30")
    tenant_policies_support_level_names = _json_list("support_level_names", "= 4")
    tenant_policies_professional_roles = _json_list("professional_roles", "BETWEEN 1 AND 30")
    tenant_policies_consent_review_months = Check("consent_review_months BETWEEN 1 AND 36")
    tenant_policies_consent_review_notice_days = Check(
        "consent_review_notice_days BETWEEN 1 AND 90"
    )
    tenant_policies_tell_client_days = Check("tell_client_days BETWEEN 1 AND 60")
    tenant_policies_capacity_age = Check("capacity_age BETWEEN 10 AND 16")
    tenant_policies_unsent_share_days = Check("unsent_share_days BETWEEN 1 AND 60")
    tenant_policies_stats_suppression_threshold = Check(
        "stats_suppression_threshold BETWEEN 2 AND 20"
    )
    tenant_policies_stats_year_kind = Check(
        "stats_year_kind IN ('calendar', 'financial', 'academic')"
    )
    tenant_policies_retention_years = Check("retention_years BETWEEN 1 AND 25")
    tenant_policies_retention_birthday = Check("retention_birthday BETWEEN 18 AND 30")
    tenant_policies_export_expiry_days = Check("export_expiry_days BETWEEN 1 AND 30")
    tenant_policies_document_max_mb = Check("document_max_mb BETWEEN 1 AND 50")
    tenant_policies_document_kinds = _json_list("document_kinds", "BETWEEN 1 AND 6")
    tenant_policies_controller_kind = Check(
        "controller_kind IS NULL OR controller_kind IN ('council', 'charity')"
    )
    tenant_policies_policy_review_months = Check("policy_review_months BETWEEN 6 AND 36")


class PolicyChange(TenantOwned, tablename="policy_changes", tags=[APPEND_ONLY]):
    """One saved change of a group of settings: each setting changed, old and new."""

    id = UUID(primary_key=True)
    group_name = Varchar(length=32)
    # [{"setting": name, "old": value, "new": value}, ...]
    changes = JSONB()
    changed_by = ref(null=True)  # None: the system (a command, a test)
    changed_at = Timestamptz(default=TimestamptzNow(), index=True)
    policy_changes_changes = Check(
        "jsonb_typeof(changes) = 'array' AND jsonb_array_length(changes) >= 1"
    )


class PolicyText(TenantOwned, tablename="policy_texts", tags=[APPEND_ONLY]):
    """A version of the service's own text of its confidentiality policy."""

    id = UUID(primary_key=True)
    version = Integer()
    # {"introduction": text, "storage": text, "contact": text}
    sections = JSONB()
    written_by = ref(null=True)
    written_at = Timestamptz(default=TimestamptzNow())
    policy_texts_version_key = Unique(["tenant_id", "version"])
    policy_texts_version_positive = Check("version >= 1")
    policy_texts_sections = Check("jsonb_typeof(sections) = 'object'")


class PolicyReview(TenantOwned, tablename="policy_reviews", tags=[APPEND_ONLY]):
    """A review of the confidentiality policy (policy 5.3), by a manager or an admin."""

    id = UUID(primary_key=True)
    reviewed_on = Date()
    note = Text(default="")
    reviewed_by = ref()
    recorded_at = Timestamptz(default=TimestamptzNow(), index=True)
    policy_reviews_note = Check("length(note) <= 2000")
