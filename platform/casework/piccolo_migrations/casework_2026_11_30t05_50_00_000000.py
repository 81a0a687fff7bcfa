"""The index of upper-cased case references dropped: nothing reads it.

Search by reference compares the stored reference (always written in upper case) through
``cases_reference_key`` since 2026-11-30T05:20:00: under row-level security ``upper()``
(not LEAKPROOF) could not be an index condition, so ``cases_reference_upper`` was never
used, only kept up on every new case.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T05:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "the unused index of upper-cased case references dropped"

FORWARDS = ["DROP INDEX cases_reference_upper"]
BACKWARDS = ["CREATE INDEX cases_reference_upper ON cases (tenant_id, upper(reference::text))"]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
