"""The schools and settings directory: one row per establishment a service works with,
keyed by its URN (the DfE's unique reference number) within the tenant, so a new
import of the GIAS extract updates what an earlier one made. The SENCO contact is the
service's own: an import never changes it.
"""

from piccolo.columns import UUID, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import TenantOwned


class School(TenantOwned, tablename="schools"):
    id = UUID(primary_key=True)
    urn = Varchar(length=8)
    name = Varchar(length=200)
    phase = Varchar(length=100, default="")
    kind = Varchar(length=100, default="")  # GIAS TypeOfEstablishment (name)
    status = Varchar(length=60, default="")  # GIAS EstablishmentStatus (name)
    street = Varchar(length=200, default="")
    locality = Varchar(length=200, default="")
    town = Varchar(length=100, default="")
    postcode = Varchar(length=10, default="")
    senco_name = Varchar(length=200, default="")
    senco_email = Varchar(length=320, default="")
    senco_phone = Varchar(length=40, default="")
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    schools_tenant_id_id_key = Unique(["tenant_id", "id"])  # target of composite keys
    schools_urn_key = Unique(["tenant_id", "urn"])
    schools_urn_digits = Check("urn ~ '^[0-9]+$' AND length(urn) BETWEEN 6 AND 8")
