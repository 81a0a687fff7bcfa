"""Retention tables: legal holds on cases, the admin's confirmation of the first real
run, and the de-identified facts an erased case leaves for the statistics. Links carry
the tenant (composite foreign keys in the raw migration)."""

from piccolo.columns import JSONB, UUID, Boolean, Integer, Timestamptz, Varchar
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
    anyone on it, and no date but the year it was opened in under each kind of year the
    return counts (calendar; financial, from April; academic, from September: together,
    which of three parts of a year of 3, 5 and 4 months, never a month; all three, since
    a service's kind can change until its first release locks it) and whether it was
    closed by the end of each. The values the return counts are derived as the
    statistics derive them from a kept case (channel, first reply, school phase too), so
    erasing a case moves no figure (rule 12). Written by ``app_retention_erase`` only, in
    random order: a fact's place in the table links it at most to its sweep's batch.
    Facts kept before the months were have only the calendar year (the other kinds
    NULL); those kept before the channel, reply and phase were have them "unknown",
    "unknown" and "erased": the same cases in each (one shared figure of the return,
    never an inequality between two)."""

    id = UUID(primary_key=True)
    year_opened = Integer()
    financial_year_opened = Integer(null=True, default=None)
    academic_year_opened = Integer(null=True, default=None)
    closed_by_calendar_year_end = Boolean(default=False)
    closed_by_financial_year_end = Boolean(null=True, default=None)
    closed_by_academic_year_end = Boolean(null=True, default=None)
    topics = JSONB(default="[]")
    age_band = Varchar(length=8)
    support_level = Integer()
    outcome_class = Varchar(length=16)
    referral_route = Varchar(length=16)
    contacted_by = Varchar(length=16)
    # Defaults as a fact kept before these were (the check below): a row written without
    # them is one of the erased-early group in all three, never "not known" in one only.
    channel = Varchar(length=16, default="unknown")
    response = Varchar(length=8, default="unknown")
    phase = Varchar(length=16, default="erased")
    retention_facts_support_level = Check("support_level BETWEEN 1 AND 4")
    # The years of one day: a financial year begins in the year opened or the one before,
    # an academic year too, and never later than the financial (January to March, April
    # to August, September to December); known together with their closed-by flags.
    retention_facts_years = Check(
        "(financial_year_opened IS NULL AND academic_year_opened IS NULL"
        " AND closed_by_financial_year_end IS NULL AND closed_by_academic_year_end IS NULL)"
        " OR (financial_year_opened BETWEEN year_opened - 1 AND year_opened"
        " AND academic_year_opened BETWEEN year_opened - 1 AND financial_year_opened"
        " AND closed_by_financial_year_end IS NOT NULL"
        " AND closed_by_academic_year_end IS NOT NULL)"
    )
    # The cases erased before their channel, first reply and phase were kept: the same
    # cases in all three, by construction.
    retention_facts_erased_early = Check(
        "(channel = 'unknown') = (response = 'unknown')"
        " AND (channel = 'unknown') = (phase = 'erased')"
    )
