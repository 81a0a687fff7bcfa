"""The tenant's identity provider configuration. The client secret is stored encrypted."""

from piccolo.columns import JSONB, UUID, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Unique

from confide.platform.core.tables import TenantOwned


class SsoProvider(TenantOwned, tablename="sso_providers"):
    """One per tenant."""

    id = UUID(primary_key=True)
    issuer = Varchar(length=300)
    client_id = Varchar(length=300)
    client_secret_encrypted = Text()
    scopes = Varchar(length=300, default="openid profile email")
    groups_claim = Varchar(length=100, default="groups")
    role_mapping = JSONB(default={})  # group value -> list of role names
    allowed_email_domains = Varchar(length=500, default="")
    updated_at = Timestamptz(default=TimestamptzNow())
    sso_providers_tenant_key = Unique(["tenant_id"])
