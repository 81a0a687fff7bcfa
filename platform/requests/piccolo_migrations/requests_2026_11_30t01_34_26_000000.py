"""The subject access release built by the export worker (issue 17): approval records the
decision and names the build (``release_export_id``), and the redacted bundle's copy kept
with the request (``released_id``, ``released_sha256``) is recorded when the build is
ready, once; the release itself needs it. The guard lets an approved row take the build's
name again (a failed build asked for again) and its copy, once, and nothing else but the
release's own record."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.requests.piccolo_migrations.requests_2026_11_29t23_09_09_000000 import (
    GUARD as OLD_GUARD,
)

ID = "2026-11-30T01:34:26:000000"
VERSION = "1.38.0"
DESCRIPTION = "subject access release built by the export worker"

# No braces: Piccolo's raw() reads "{}" as a placeholder.
GUARD = """
CREATE OR REPLACE FUNCTION subject_access_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text[];
BEGIN
    SELECT coalesce(array_agg(n.key ORDER BY n.key), ARRAY[]::text[]) INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o ON o.key = n.key
     WHERE n.value IS DISTINCT FROM o.value;
    IF OLD.agreed_on IS NOT NULL
       AND changed && ARRAY['agreed_on', 'agreement_evidence', 'agreed_by'] THEN
        RAISE EXCEPTION 'the young person''s agreement is recorded once'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.capacity_decision_id IS NOT NULL AND 'capacity_decision_id' = ANY (changed) THEN
        RAISE EXCEPTION 'the no-capacity decision is recorded once'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.approved_at IS NOT NULL AND (
        OLD.released_at IS NOT NULL
        OR NOT changed <@ ARRAY['released_by', 'released_at', 'release_method',
                                'released_id', 'released_sha256', 'release_export_id']
        OR (OLD.released_id IS NOT NULL
            AND changed && ARRAY['released_id', 'released_sha256', 'release_export_id'])
    ) THEN
        RAISE EXCEPTION 'an approved release stands: only its bundle and its release are recorded, once'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$
"""

NEW_CHECK = (
    "(released_at IS NULL OR released_id IS NOT NULL)"
    " AND (released_id IS NULL OR approved_at IS NOT NULL)"
    " AND (released_id IS NULL) = (released_sha256 IS NULL)"
    " AND (approved_at IS NULL OR released_id IS NOT NULL OR release_export_id IS NOT NULL)"
)
OLD_CHECK = (
    "(released_at IS NULL OR approved_at IS NOT NULL)"
    " AND (approved_at IS NULL OR released_id IS NOT NULL)"
)


def _check(condition: str) -> list[str]:
    return [
        "ALTER TABLE subject_access_requests DROP CONSTRAINT subject_access_requests_release_check",
        "ALTER TABLE subject_access_requests ADD CONSTRAINT subject_access_requests_release_check"
        f" CHECK ({condition})",
    ]


FORWARDS = [*_check(NEW_CHECK), GUARD]

BACKWARDS = [
    OLD_GUARD.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1),
    # An approval whose bundle was not built yet is taken back (the old check needs it).
    "ALTER TABLE subject_access_requests DISABLE TRIGGER subject_access_guard",
    "UPDATE subject_access_requests SET approved_at = NULL, approved_by = NULL"
    " WHERE approved_at IS NOT NULL AND released_id IS NULL",
    "ALTER TABLE subject_access_requests ENABLE TRIGGER subject_access_guard",
    *_check(OLD_CHECK),
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
