"""Consent and disclosure links, lookups, and a disclosure that never changes what it
shared: what Piccolo cannot declare on the tables.

Links include ``tenant_id`` (composite foreign keys onto the ``(tenant_id, id)`` keys
declared on the tables), as in case work, so a row can never point into another tenant.

A trigger holds a disclosure to its workflow (issue 9, defect 7): it is recorded awaiting
authorisation, allowed (consent) or authorised (a legal basis), never already sent,
declined or cancelled; an update may only move it awaiting_authorisation -> authorised |
declined, or allowed | authorised -> shared | cancelled, writing that step's own columns
once. Recipient, purpose, items, basis, consent relied on, the check, who asked and when
can never change after insert, for the application role and the owner alike.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:33:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "consent links and lookups; a disclosure keeps what it shared and follows its workflow"
)

# No braces: Piccolo's raw() reads "{}" as a placeholder.
GUARD = """
CREATE FUNCTION disclosures_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed text[];
    may_change text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.status NOT IN ('awaiting_authorisation', 'allowed', 'authorised')
           OR num_nonnulls(NEW.sent_on, NEW.sent_method, NEW.sent_to, NEW.sent_by,
                           NEW.shared_at, NEW.cancel_reason, NEW.cancelled_by,
                           NEW.cancelled_at, NEW.decline_reason) > 0 THEN
            RAISE EXCEPTION 'a disclosure is recorded awaiting authorisation, allowed or'
                ' authorised: never already sent, declined or cancelled'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END IF;
    SELECT coalesce(array_agg(n.key ORDER BY n.key), ARRAY[]::text[]) INTO changed
      FROM jsonb_each(to_jsonb(NEW)) n JOIN jsonb_each(to_jsonb(OLD)) o ON o.key = n.key
     WHERE n.value IS DISTINCT FROM o.value;
    may_change := CASE
        WHEN OLD.status = 'awaiting_authorisation' AND NEW.status = 'authorised' THEN
            ARRAY['status', 'basis', 'legal_basis', 'justification', 'tell_not_possible',
                  'authorised_by', 'decided_at']
        WHEN OLD.status = 'awaiting_authorisation' AND NEW.status = 'declined' THEN
            ARRAY['status', 'decline_reason', 'authorised_by', 'decided_at']
        WHEN OLD.status IN ('allowed', 'authorised') AND NEW.status = 'shared' THEN
            ARRAY['status', 'sent_on', 'sent_method', 'sent_to', 'sent_by', 'shared_at']
        WHEN OLD.status IN ('allowed', 'authorised') AND NEW.status = 'cancelled' THEN
            ARRAY['status', 'cancel_reason', 'cancelled_by', 'cancelled_at']
    END;
    IF may_change IS NULL THEN
        RAISE EXCEPTION 'a disclosure cannot go from % to %', OLD.status, NEW.status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NOT changed <@ may_change THEN
        RAISE EXCEPTION 'what a disclosure shared never changes: %',
            array_to_string(ARRAY(SELECT unnest(changed) EXCEPT SELECT unnest(may_change)), ', ')
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_each(to_jsonb(OLD)) o
                WHERE o.key = ANY (may_change) AND o.key <> 'status'
                  AND o.value <> 'null'::jsonb) THEN
        RAISE EXCEPTION 'a step of a disclosure is recorded once'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$
"""

FORWARDS = [
    # Links, each within one tenant.
    "ALTER TABLE consents ADD CONSTRAINT consents_case_fkey FOREIGN KEY (tenant_id, case_id)"
    " REFERENCES cases (tenant_id, id)",
    "ALTER TABLE consents ADD CONSTRAINT consents_recorded_by_fkey"
    " FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE consent_reviews ADD CONSTRAINT consent_reviews_consent_fkey"
    " FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id)",
    "ALTER TABLE consent_reviews ADD CONSTRAINT consent_reviews_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE consent_reviews ADD CONSTRAINT consent_reviews_reviewed_by_fkey"
    " FOREIGN KEY (tenant_id, reviewed_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE consent_not_asked ADD CONSTRAINT consent_not_asked_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE consent_not_asked ADD CONSTRAINT consent_not_asked_by_fkey"
    " FOREIGN KEY (tenant_id, recorded_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE capacity_decisions ADD CONSTRAINT capacity_decisions_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE capacity_decisions ADD CONSTRAINT capacity_decisions_person_fkey"
    " FOREIGN KEY (tenant_id, person_id) REFERENCES people (tenant_id, id)",
    "ALTER TABLE capacity_decisions ADD CONSTRAINT capacity_decisions_judged_by_fkey"
    " FOREIGN KEY (tenant_id, judged_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_case_fkey FOREIGN KEY (tenant_id, case_id)"
    " REFERENCES cases (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_consent_fkey"
    " FOREIGN KEY (tenant_id, consent_id) REFERENCES consents (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_requested_by_fkey"
    " FOREIGN KEY (tenant_id, requested_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_authorised_by_fkey"
    " FOREIGN KEY (tenant_id, authorised_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_sent_by_fkey"
    " FOREIGN KEY (tenant_id, sent_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_cancelled_by_fkey"
    " FOREIGN KEY (tenant_id, cancelled_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_disclosure_fkey"
    " FOREIGN KEY (tenant_id, disclosure_id) REFERENCES disclosures (tenant_id, id)",
    "ALTER TABLE tell_client_tasks ADD CONSTRAINT tell_client_tasks_told_by_fkey"
    " FOREIGN KEY (tenant_id, told_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_task_fkey"
    " FOREIGN KEY (tenant_id, task_id) REFERENCES tell_client_tasks (tenant_id, id)",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_case_fkey"
    " FOREIGN KEY (tenant_id, case_id) REFERENCES cases (tenant_id, id)",
    "ALTER TABLE tell_client_delays ADD CONSTRAINT tell_client_delays_by_fkey"
    " FOREIGN KEY (tenant_id, delayed_by) REFERENCES staff_users (tenant_id, id)",
    # Lookups; the partial ones list what waits for someone.
    "CREATE INDEX consents_case ON consents (tenant_id, case_id, version)",
    "CREATE INDEX consent_reviews_consent ON consent_reviews (tenant_id, consent_id, reviewed_at)",
    "CREATE INDEX capacity_decisions_case ON capacity_decisions (tenant_id, case_id, recorded_at)",
    "CREATE INDEX disclosures_case ON disclosures (tenant_id, case_id, requested_at)",
    "CREATE INDEX disclosures_awaiting ON disclosures (tenant_id, requested_at)"
    " WHERE status = 'awaiting_authorisation'",
    "CREATE INDEX disclosures_unsent ON disclosures (tenant_id, requested_at)"
    " WHERE status IN ('allowed', 'authorised')",
    "CREATE INDEX tell_client_tasks_open ON tell_client_tasks (tenant_id, due_on)"
    " WHERE status = 'open'",
    "CREATE INDEX tell_client_delays_task ON tell_client_delays (tenant_id, task_id, delayed_at)",
    # What a disclosure shared never changes.
    GUARD,
    "CREATE TRIGGER disclosures_guard BEFORE INSERT OR UPDATE ON disclosures"
    " FOR EACH ROW EXECUTE FUNCTION disclosures_guard()",
]

BACKWARDS = [
    "DROP TRIGGER disclosures_guard ON disclosures",
    "DROP FUNCTION disclosures_guard()",
    "DROP INDEX tell_client_delays_task",
    "DROP INDEX tell_client_tasks_open",
    "DROP INDEX disclosures_unsent",
    "DROP INDEX disclosures_awaiting",
    "DROP INDEX disclosures_case",
    "DROP INDEX capacity_decisions_case",
    "DROP INDEX consent_reviews_consent",
    "DROP INDEX consents_case",
    "ALTER TABLE tell_client_delays DROP CONSTRAINT tell_client_delays_by_fkey",
    "ALTER TABLE tell_client_delays DROP CONSTRAINT tell_client_delays_case_fkey",
    "ALTER TABLE tell_client_delays DROP CONSTRAINT tell_client_delays_task_fkey",
    "ALTER TABLE tell_client_tasks DROP CONSTRAINT tell_client_tasks_told_by_fkey",
    "ALTER TABLE tell_client_tasks DROP CONSTRAINT tell_client_tasks_disclosure_fkey",
    "ALTER TABLE tell_client_tasks DROP CONSTRAINT tell_client_tasks_case_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_cancelled_by_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_sent_by_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_authorised_by_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_requested_by_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_consent_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_case_fkey",
    "ALTER TABLE capacity_decisions DROP CONSTRAINT capacity_decisions_judged_by_fkey",
    "ALTER TABLE capacity_decisions DROP CONSTRAINT capacity_decisions_person_fkey",
    "ALTER TABLE capacity_decisions DROP CONSTRAINT capacity_decisions_case_fkey",
    "ALTER TABLE consent_not_asked DROP CONSTRAINT consent_not_asked_by_fkey",
    "ALTER TABLE consent_not_asked DROP CONSTRAINT consent_not_asked_case_fkey",
    "ALTER TABLE consent_reviews DROP CONSTRAINT consent_reviews_reviewed_by_fkey",
    "ALTER TABLE consent_reviews DROP CONSTRAINT consent_reviews_case_fkey",
    "ALTER TABLE consent_reviews DROP CONSTRAINT consent_reviews_consent_fkey",
    "ALTER TABLE consents DROP CONSTRAINT consents_recorded_by_fkey",
    "ALTER TABLE consents DROP CONSTRAINT consents_case_fkey",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "consent", DESCRIPTION, FORWARDS, BACKWARDS)
