"""Case work links and lookups that Piccolo cannot declare on the tables.

Links between tenant tables include ``tenant_id`` (composite foreign keys onto the
``(tenant_id, id)`` keys declared on the tables), so a row can never point into another
tenant and the schema can later be distributed by tenant unchanged. A caseworker is
assigned to a case at most once at a time (a partial unique index). The rest are
lookups: names, dates of birth, postcodes, a case's contacts, notes, assignments and
break-glass grants.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:28:000000"
VERSION = "1.38.0"
DESCRIPTION = "case work links and lookups"

FORWARDS = [
    # Links, each within one tenant.
    "ALTER TABLE cases ADD CONSTRAINT cases_subject_fkey FOREIGN KEY (tenant_id, subject_id)"
    " REFERENCES people (tenant_id, id)",
    "ALTER TABLE cases ADD CONSTRAINT cases_created_by_fkey FOREIGN KEY (tenant_id, created_by)"
    " REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE case_people ADD CONSTRAINT case_people_case_fkey FOREIGN KEY (tenant_id, case_id)"
    " REFERENCES cases (tenant_id, id)",
    "ALTER TABLE case_people ADD CONSTRAINT case_people_person_fkey"
    " FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)",
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
    "ALTER TABLE break_glass_grants ADD CONSTRAINT break_glass_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE break_glass_grants ADD CONSTRAINT break_glass_staff_fkey"
    " FOREIGN KEY (tenant_id, staff_id) REFERENCES staff_users (tenant_id, id)",
    # Lookups.
    "CREATE INDEX people_name ON people (tenant_id, lower(last_name), lower(first_name))",
    "CREATE INDEX people_birth ON people (tenant_id, date_of_birth)",
    "CREATE INDEX people_postcode ON people (tenant_id, postcode)",
    "CREATE INDEX case_contacts_case ON case_contacts (tenant_id, case_id, occurred_at)",
    "CREATE INDEX case_notes_case ON case_notes (tenant_id, case_id, recorded_at)",
    "CREATE INDEX break_glass_case ON break_glass_grants (tenant_id, case_id, staff_id, expires_at)",
    # A case's assignments, past ones included (the case page): case_assignments_current
    # covers only current ones.
    "CREATE INDEX case_assignments_case ON case_assignments (tenant_id, case_id, assigned_at)",
    # From a person to their cases, both ways a person is on one.
    "CREATE INDEX cases_subject ON cases (tenant_id, subject_id)",
    "CREATE INDEX case_people_person ON case_people (tenant_id, person_id)",
]

BACKWARDS = [
    "DROP INDEX case_people_person",
    "DROP INDEX cases_subject",
    "DROP INDEX case_assignments_case",
    "DROP INDEX break_glass_case",
    "DROP INDEX case_notes_case",
    "DROP INDEX case_contacts_case",
    "DROP INDEX people_postcode",
    "DROP INDEX people_birth",
    "DROP INDEX people_name",
    "ALTER TABLE break_glass_grants DROP CONSTRAINT break_glass_staff_fkey",
    "ALTER TABLE break_glass_grants DROP CONSTRAINT break_glass_case_fkey",
    "ALTER TABLE case_notes DROP CONSTRAINT case_notes_case_fkey",
    "ALTER TABLE case_contacts DROP CONSTRAINT case_contacts_person_fkey",
    "ALTER TABLE case_contacts DROP CONSTRAINT case_contacts_case_fkey",
    "DROP INDEX case_assignments_current",
    "ALTER TABLE case_assignments DROP CONSTRAINT case_assignments_staff_fkey",
    "ALTER TABLE case_assignments DROP CONSTRAINT case_assignments_case_fkey",
    "ALTER TABLE case_people DROP CONSTRAINT case_people_person_fkey",
    "ALTER TABLE case_people DROP CONSTRAINT case_people_case_fkey",
    "ALTER TABLE cases DROP CONSTRAINT cases_created_by_fkey",
    "ALTER TABLE cases DROP CONSTRAINT cases_subject_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
