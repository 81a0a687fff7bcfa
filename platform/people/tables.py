"""People across cases: households with their members' relationships, and merges of two
records of one person. Every row belongs to a tenant; links carry the tenant too
(composite foreign keys in the raw migration after the tables)."""

from piccolo.columns import UUID, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import APPEND_ONLY, TenantOwned, ref
from confide.platform.people.schemas import ParentalResponsibility, Relationship


class Household(TenantOwned, tablename="households"):
    """People who live or belong together: a family, for linking siblings and carers."""

    id = UUID(primary_key=True)
    name = Varchar(length=100)
    created_by = ref()
    created_at = Timestamptz(default=TimestamptzNow())
    households_tenant_id_id_key = Unique(["tenant_id", "id"])


class HouseholdMember(TenantOwned, tablename="household_members"):
    """Someone in a household, with their relationship and parental responsibility."""

    id = UUID(primary_key=True)
    household_id = ref()
    person_id = ref()
    relationship = Varchar(length=16, choices=Relationship)
    parental_responsibility = Varchar(
        length=8, choices=ParentalResponsibility, default=ParentalResponsibility.UNKNOWN
    )
    added_by = ref()
    added_at = Timestamptz(default=TimestamptzNow())
    household_members_once = Unique(["tenant_id", "household_id", "person_id"])


class PersonMerge(TenantOwned, tablename="person_merges", tags=[APPEND_ONLY]):
    """Two records found to be one person: which, who merged them, when and why. The merged
    record stays, as a tombstone pointing at the survivor (``people.merged_into``)."""

    id = UUID(primary_key=True)
    survivor_id = ref()
    merged_id = ref()
    reason = Varchar(length=500)
    merged_by = ref()
    merged_at = Timestamptz(default=TimestamptzNow())
    cases_moved = Integer(default=0)
    person_merges_once = Unique(["tenant_id", "merged_id"])
    person_merges_two_records = Check("survivor_id <> merged_id")
