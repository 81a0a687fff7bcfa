"""Platform operators. Not tenant-owned: an operator belongs to the platform, not to a service.

``APP_READ``: the application role reads every column but the two secret ones.
It records a sign-in (last step, failures) only through the ``app_operator_*``
functions (``operators.services``); the commands, as the owner, add and disable
operators. No one deletes a row, so who was an operator stays known.
"""

from piccolo.columns import UUID, BigInt, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from confide.platform.core.tables import APP_READ
from confide.platform.operators.schemas import OperatorStatus


class Operator(Table, tablename="platform_operators", tags=[APP_READ]):
    id = UUID(primary_key=True)
    email = Varchar(length=320, unique=True)  # stored lower-case
    # Secret: never readable by the application role (see app_operator_credentials).
    password_hash = Text(secret=True)  # Argon2id, PHC string
    totp_secret_encrypted = Text(secret=True)  # secret_box() token of the base32 secret
    # The last time step whose code was accepted: a code for it or an earlier one is a replay.
    totp_last_step = BigInt(default=0)
    status = Varchar(length=16, choices=OperatorStatus, default=OperatorStatus.ACTIVE)
    created_at = Timestamptz(default=TimestamptzNow())
    last_sign_in_at = Timestamptz(null=True, default=None)
    failed_attempts = Integer(default=0)  # since the last successful sign-in
