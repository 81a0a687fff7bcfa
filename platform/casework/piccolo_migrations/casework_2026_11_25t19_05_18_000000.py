"""Keys and rules of case work that the database itself enforces.

Links between tenant tables include ``tenant_id`` (composite foreign keys), so
a row can never point into another tenant and the schema can later be
distributed by tenant unchanged.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-25T19:05:18:000000"
VERSION = "1.38.0"
DESCRIPTION = "case work keys and rules"

STATEMENTS = [
    # Targets of composite foreign keys.
    "ALTER TABLE people ADD CONSTRAINT people_tenant_id_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE cases ADD CONSTRAINT cases_tenant_id_id_key UNIQUE (tenant_id, id)",
    "ALTER TABLE cases ADD CONSTRAINT cases_reference_key UNIQUE (tenant_id, reference)",
    # Links, each within one tenant.
    "ALTER TABLE cases ADD CONSTRAINT cases_subject_fkey FOREIGN KEY (tenant_id, subject_id)"
    " REFERENCES people (tenant_id, id)",
    "ALTER TABLE cases ADD CONSTRAINT cases_created_by_fkey FOREIGN KEY (tenant_id, created_by)"
    " REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE case_people ADD CONSTRAINT case_people_case_fkey FOREIGN KEY (tenant_id, case_id)"
    " REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_people ADD CONSTRAINT case_people_person_fkey"
    " FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)",
    "ALTER TABLE case_people ADD CONSTRAINT case_people_once UNIQUE (tenant_id, case_id, person_id)",
    "ALTER TABLE case_assignments ADD CONSTRAINT case_assignments_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_assignments ADD CONSTRAINT case_assignments_staff_fkey"
    " FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_users (tenant_id, id)",
    "CREATE UNIQUE INDEX case_assignments_current ON case_assignments (tenant_id, case_id, staff_id)"
    " WHERE ended_at IS NULL",
    "ALTER TABLE case_contacts ADD CONSTRAINT case_contacts_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_contacts ADD CONSTRAINT case_contacts_person_fkey"
    " FOREIGN KEY (tenant_id, with_person_id) REFERENCES people (tenant_id, id)",
    "ALTER TABLE case_notes ADD CONSTRAINT case_notes_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_notes ADD CONSTRAINT case_notes_version_key UNIQUE (tenant_id, note_id, version)",
    "ALTER TABLE break_glass_grants ADD CONSTRAINT break_glass_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE break_glass_grants ADD CONSTRAINT break_glass_staff_fkey"
    " FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_users (tenant_id, id)",
    # Rules of the policy.
    "ALTER TABLE cases ADD CONSTRAINT cases_referral_consent CHECK (referral_route = 'self'"
    " OR (referrer_consent_confirmed AND referrer_name IS NOT NULL"
    " AND referrer_consent_on IS NOT NULL))",
    "ALTER TABLE cases ADD CONSTRAINT cases_anonymous_has_no_subject"
    " CHECK ((anonymous AND subject_id IS NULL) OR (NOT anonymous AND subject_id IS NOT NULL))",
    "ALTER TABLE cases ADD CONSTRAINT cases_support_level CHECK (support_level BETWEEN 1 AND 4)",
    "ALTER TABLE cases ADD CONSTRAINT cases_closed_has_outcome CHECK (status = 'open'"
    " OR (outcome IS NOT NULL AND closed_on IS NOT NULL))",
    "ALTER TABLE case_notes ADD CONSTRAINT case_notes_version_positive CHECK (version >= 1)",
    "ALTER TABLE case_notes ADD CONSTRAINT case_notes_correction_reason"
    " CHECK (version = 1 OR correction_reason IS NOT NULL)",
    "ALTER TABLE break_glass_grants ADD CONSTRAINT break_glass_expires_after"
    " CHECK (expires_at > granted_at)",
    # Lookups.
    "CREATE INDEX people_name ON people (tenant_id, lower(last_name), lower(first_name))",
    "CREATE INDEX people_birth ON people (tenant_id, date_of_birth)",
    "CREATE INDEX people_postcode ON people (tenant_id, postcode)",
    "CREATE INDEX case_contacts_case ON case_contacts (tenant_id, case_id, occurred_at)",
    "CREATE INDEX case_notes_case ON case_notes (tenant_id, case_id, recorded_at)",
    "CREATE INDEX break_glass_case ON break_glass_grants (tenant_id, case_id, staff_id, expires_at)",
]


class _Raw(Table, tablename="cases"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="casework", description=DESCRIPTION)

    async def apply() -> None:
        for statement in STATEMENTS:
            await _Raw.raw(statement)

    manager.add_raw(apply)
    return manager
