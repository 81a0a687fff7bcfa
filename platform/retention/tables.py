"""Retention tables: legal holds on cases, the admin's confirmation of the first real
run, and the de-identified facts an erased case leaves for the statistics. Links carry
the tenant (composite foreign keys in the raw migration)."""

from piccolo.columns import JSONB, UUID, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import NO_DELETE, WRITTEN_BY_FUNCTIONS, TenantOwned, ref


class LegalHold(TenantOwned, tablename="case_legal_holds", tags=[NO_DELETE]):
    """A legal hold stops a case's erasure until lifted (who and when, kept)."""

    id = UUID(primary_key=True)
    case_id = ref()
    reason = Varchar(length=500)
    placed_by = ref()
    placed_at = Timestamptz(default=TimestamptzNow())
    lifted_by = ref(null=True)
    lifted_at = Timestamptz(null=True, default=None)
    case_legal_holds_lifted = Check(
        "(lifted_by IS NULL AND lifted_at IS NULL)"
        " OR (lifted_by IS NOT NULL AND lifted_at IS NOT NULL)"
    )


class RetentionConfirmation(
    TenantOwned, tablename="retention_confirmations", tags=[WRITTEN_BY_FUNCTIONS]
):
    """The tenant admin saw the dry run and let the sweep run under the retention settings
    then in force. A change of those settings needs a new confirmation: the sweep runs
    only while one matches (rule 14). Written by ``app_retention_confirm`` only, which
    checks the admin and copies the settings itself."""

    id = UUID(primary_key=True)
    confirmed_by = ref()
    confirmed_at = Timestamptz(default=TimestamptzNow())
    cases_due = Integer()
    retention_years = Integer()
    retention_birthday = Integer()
    retention_confirmations_per_settings = Unique(
        ["tenant_id", "retention_years", "retention_birthday"]
    )


class RetentionFact(TenantOwned, tablename="retention_facts", tags=[WRITTEN_BY_FUNCTIONS]):
    """What the statistics need of an erased case, de-identified: no id of the case or of
    anyone on it, no date finer than a month. The values the return counts are derived as
    the statistics derive them from a kept case (channel, first reply, school phase too),
    so erasing a case moves no figure (rule 12). Written by ``app_retention_erase`` only;
    facts kept before the month, channel, reply and phase were have them NULL/unknown."""

    id = UUID(primary_key=True)
    year_opened = Integer()
    month_opened = Integer(null=True, default=None)
    year_closed = Integer(null=True, default=None)
    month_closed = Integer(null=True, default=None)
    topics = JSONB(default="[]")
    age_band = Varchar(length=8)
    support_level = Integer()
    outcome_class = Varchar(length=16)
    referral_route = Varchar(length=16)
    contacted_by = Varchar(length=16)
    channel = Varchar(length=16, default="unknown")
    response = Varchar(length=8, default="unknown")
    phase = Varchar(length=16, default="unknown")
    year_erased = Integer()
    retention_facts_support_level = Check("support_level BETWEEN 1 AND 4")
