"""A case file released on a request (issue 17, rule 10) is a disclosure allowed on the
service user's own word: their signed consent form or letter recorded on the request, or
their asking for the file to go to them or their solicitor. ``service_user`` joins the
bases the ``disclosures_allowed_on_consent`` check allows (the table declares it; Piccolo
does not alter a changed check)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T22:20:39:000000"
VERSION = "1.38.0"
DESCRIPTION = "disclosures allowed on the service user's word"

FORWARDS = [
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_allowed_on_consent",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_allowed_on_consent"
    " CHECK (status <> 'allowed' OR basis IN ('consent', 'service_user'))",
]

BACKWARDS = [
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_allowed_on_consent",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_allowed_on_consent"
    " CHECK (status <> 'allowed' OR basis = 'consent')",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "consent", DESCRIPTION, FORWARDS, BACKWARDS)
