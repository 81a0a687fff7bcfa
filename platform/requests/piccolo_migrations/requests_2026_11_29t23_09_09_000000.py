"""What the subject access tables cannot declare (rule 30): a mark's remover is a member
of staff; a request already logged is about the case's young person (as every request
logged before the data subject was recorded was taken to be); and the gate's records stand
once made: the young person's agreement and the no-capacity decision are recorded once,
and from approval the release columns (but the release's own record, once) and the marks
cannot change. A mark may be of the professional records too (a share, a task, a
consent, the referrer). The data subject and the decision are plain ids: retention erases people
and capacity decisions in its own order, with the request."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T23:09:09:000000"
VERSION = "1.38.0"
DESCRIPTION = "subject access data subject backfill, gate records frozen"

# No braces: Piccolo's raw() reads "{}" as a placeholder.
GUARD = """
CREATE FUNCTION subject_access_guard() RETURNS trigger LANGUAGE plpgsql AS $$
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
        OR NOT changed <@ ARRAY['released_by', 'released_at', 'release_method']
    ) THEN
        RAISE EXCEPTION 'an approved release stands: only its release is recorded, once'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$
"""

MARKS_GUARD = """
CREATE FUNCTION subject_access_marks_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM subject_access_requests s
         WHERE s.tenant_id = NEW.tenant_id AND s.request_id = NEW.request_id
           AND s.approved_at IS NOT NULL
    ) THEN
        RAISE EXCEPTION 'an approved release''s marks stand'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$
"""

OLD_KINDS = "'contact', 'note', 'document', 'person'"
NEW_KINDS = OLD_KINDS + ", 'disclosure', 'task', 'consent', 'referrer'"


def _kinds_check(kinds: str) -> list[str]:
    """The mark's check, for ``kinds`` (a check Piccolo does not alter by itself)."""
    return [
        "ALTER TABLE subject_access_redactions DROP CONSTRAINT subject_access_redactions_check",
        "ALTER TABLE subject_access_redactions ADD CONSTRAINT subject_access_redactions_check"
        f" CHECK (kind IN ({kinds}) AND (range_start IS NULL) = (range_end IS NULL)"
        " AND (range_start IS NULL OR (kind = 'note' AND 0 <= range_start"
        " AND range_start < range_end)))",
    ]


FORWARDS = [
    *_kinds_check(NEW_KINDS),
    "ALTER TABLE subject_access_redactions ADD CONSTRAINT subject_access_redactions_removed_fkey"
    " FOREIGN KEY (tenant_id, removed_by) REFERENCES staff_users (tenant_id, id)",
    "UPDATE subject_access_requests s SET subject_person_id = c.subject_id"
    " FROM information_requests r JOIN cases c"
    " ON c.tenant_id = r.tenant_id AND c.id = r.case_id"
    " WHERE r.tenant_id = s.tenant_id AND r.id = s.request_id AND s.subject_person_id IS NULL",
    "INSERT INTO subject_access_requests (id, tenant_id, request_id, subject_person_id)"
    " SELECT gen_random_uuid(), r.tenant_id, r.id, c.subject_id FROM information_requests r"
    " JOIN cases c ON c.tenant_id = r.tenant_id AND c.id = r.case_id"
    " WHERE r.kind = 'subject_access' AND c.subject_id IS NOT NULL AND NOT EXISTS"
    " (SELECT 1 FROM subject_access_requests s"
    " WHERE s.tenant_id = r.tenant_id AND s.request_id = r.id)",
    GUARD,
    "CREATE TRIGGER subject_access_guard BEFORE UPDATE ON subject_access_requests"
    " FOR EACH ROW EXECUTE FUNCTION subject_access_guard()",
    MARKS_GUARD,
    "CREATE TRIGGER subject_access_marks_guard BEFORE INSERT OR UPDATE"
    " ON subject_access_redactions FOR EACH ROW EXECUTE FUNCTION subject_access_marks_guard()",
]

BACKWARDS = [
    "DROP TRIGGER subject_access_marks_guard ON subject_access_redactions",
    "DROP FUNCTION subject_access_marks_guard()",
    "DROP TRIGGER subject_access_guard ON subject_access_requests",
    "DROP FUNCTION subject_access_guard()",
    "ALTER TABLE subject_access_redactions DROP CONSTRAINT subject_access_redactions_removed_fkey",
    "DELETE FROM subject_access_redactions"
    " WHERE kind NOT IN ('contact', 'note', 'document', 'person')",
    *_kinds_check(OLD_KINDS),
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "requests", DESCRIPTION, FORWARDS, BACKWARDS)
