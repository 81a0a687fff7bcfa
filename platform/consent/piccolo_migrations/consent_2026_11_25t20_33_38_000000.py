"""Keys and rules of consent and disclosure that the database itself enforces.

Links include ``tenant_id`` (composite foreign keys), as in case work. The rules make
the policy hold even for a bug in the services: a refusal always records that the person
was advised of the limits; a restricted consent names at least one role; a disclosure
made without consent has a legal basis, a justification and the manager who authorised
it; a tell-the-client task is only done once someone has recorded when and how.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T20:33:38:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent and disclosure keys and rules"

STATEMENTS = [
    "ALTER TABLE consents ADD CONSTRAINT consents_tenant_id_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE consents ADD CONSTRAINT consents_version_key UNIQUE (tenant_id, case_id, version)",
    "ALTER TABLE consents ADD CONSTRAINT consents_case_fkey FOREIGN KEY (tenant_id, case_id)"
    " REFERENCES cases (tenant_id, id)",
    "ALTER TABLE consents ADD CONSTRAINT consents_recorded_by_fkey"
    " FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE consents ADD CONSTRAINT consents_version_positive CHECK (version >= 1)",
    "ALTER TABLE consents ADD CONSTRAINT consents_refusal_advised"
    " CHECK (decision <> 'refused' OR advised_of_limits)",
    "ALTER TABLE consents ADD CONSTRAINT consents_roles CHECK (jsonb_typeof(roles) = 'array'"
    " AND CASE WHEN decision = 'restricted' THEN jsonb_array_length(roles) >= 1"
    " ELSE jsonb_array_length(roles) = 0 END)",
    "ALTER TABLE consents ADD CONSTRAINT consents_review_after CHECK (review_due > given_on)",
    "ALTER TABLE consent_reviews ADD CONSTRAINT consent_reviews_consent_fkey"
    " FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id)",
    "ALTER TABLE consent_reviews ADD CONSTRAINT consent_reviews_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE consent_reviews ADD CONSTRAINT consent_reviews_reviewed_by_fkey"
    " FOREIGN KEY (tenant_id, reviewed_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_tenant_id_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_case_fkey FOREIGN KEY (tenant_id, case_id)"
    " REFERENCES cases (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_consent_fkey"
    " FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_requested_by_fkey"
    " FOREIGN KEY (tenant_id, requested_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_authorised_by_fkey"
    " FOREIGN KEY (tenant_id, authorised_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_items"
    " CHECK (jsonb_typeof(items) = 'array' AND jsonb_array_length(items) >= 1)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_shared_has_basis"
    " CHECK (status <> 'shared' OR (basis IS NOT NULL AND shared_at IS NOT NULL))",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_consent_basis"
    " CHECK (basis IS DISTINCT FROM 'consent' OR consent_id IS NOT NULL)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_legal_basis"
    " CHECK (basis IS DISTINCT FROM 'legal' OR (legal_basis IS NOT NULL"
    " AND justification IS NOT NULL AND authorised_by IS NOT NULL))",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_declined_reason"
    " CHECK (status <> 'declined' OR (decline_reason IS NOT NULL AND authorised_by IS NOT NULL))",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_tenant_id_id_key"
    " UNIQUE (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_disclosure_key"
    " UNIQUE (tenant_id, disclosure_id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_disclosure_fkey"
    " FOREIGN KEY (tenant_id, disclosure_id) REFERENCES disclosures (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_told_by_fkey"
    " FOREIGN KEY (tenant_id, told_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_done_told"
    " CHECK (status = 'open' OR (told_on IS NOT NULL AND told_how IS NOT NULL"
    " AND told_by IS NOT NULL AND done_at IS NOT NULL))",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_task_fkey"
    " FOREIGN KEY (tenant_id, task_id) REFERENCES tell_client_tasks (tenant_id, id)",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_by_fkey"
    " FOREIGN KEY (tenant_id, delayed_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_later"
    " CHECK (new_due_on > previous_due_on)",
    # Lookups.
    "CREATE INDEX consents_case ON consents (tenant_id, case_id, version)",
    "CREATE INDEX consent_reviews_consent ON consent_reviews (tenant_id, consent_id, reviewed_at)",
    "CREATE INDEX disclosures_case ON disclosures (tenant_id, case_id, requested_at)",
    "CREATE INDEX disclosures_awaiting ON disclosures (tenant_id, requested_at)"
    " WHERE status = 'awaiting_authorisation'",
    "CREATE INDEX tell_client_tasks_open ON tell_client_tasks (tenant_id, due_on)"
    " WHERE status = 'open'",
    "CREATE INDEX tell_client_delays_task ON tell_client_delays (tenant_id, task_id, delayed_at)",
]


class _Raw(Table, tablename="consents"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    async def apply() -> None:
        for statement in STATEMENTS:
            await _Raw.raw(statement)

    manager.add_raw(apply)
    return manager
