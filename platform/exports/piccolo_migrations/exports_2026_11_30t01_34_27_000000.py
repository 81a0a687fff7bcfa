"""An export of a subject access release (issue 17): the redacted bundle, built by the
export worker once a manager approves the release. A check Piccolo does not alter by
itself, so it is dropped and added again here.

Undoing it deletes the release exports' rows, not their files: SQL cannot reach the object
store, and the hourly expiry works from the rows, so a ready one's file (sealed with the
tenant's data key, named by the export's id) stays in the store until removed by hand. The
copy kept with its request (``released_id``) is the request's and stays with it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-30T01:34:27:000000"
VERSION = "1.38.0"
DESCRIPTION = "an export of a subject access release"


def _check(kinds: str) -> list[str]:
    return [
        "ALTER TABLE exports DROP CONSTRAINT exports_kind_check",
        f"ALTER TABLE exports ADD CONSTRAINT exports_kind_check CHECK (kind IN ({kinds})"
        " AND view IN ('full', 'parent')"
        " AND status IN ('queued', 'running', 'ready', 'failed', 'expired'))",
    ]


FORWARDS = _check("'case_bundle', 'sar_release'")

# The rows only: see the module's note on their files.
BACKWARDS = ["DELETE FROM exports WHERE kind = 'sar_release'", *_check("'case_bundle'")]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "exports", DESCRIPTION, FORWARDS, BACKWARDS)
