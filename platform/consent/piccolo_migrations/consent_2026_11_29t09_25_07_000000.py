"""Keys of the new consent tables, and a disclosure that never changes what it shared.

Links carry ``tenant_id`` (composite foreign keys), as everywhere. Disclosures recorded
before the send step existed were shared the moment they were recorded: they are marked
sent that day ("other", to the named person or the organisation, by whoever shared them).

Then a trigger holds a disclosure to its workflow (issue 9, defect 7): it is recorded
awaiting authorisation, allowed (consent) or authorised (a legal basis), never already
sent, declined or cancelled; an update may only move it awaiting_authorisation ->
authorised | declined, or allowed | authorised -> shared | cancelled, writing that step's
own columns once. Recipient, purpose, items, basis, consent relied on, the check, who asked
and when can never change after insert, for the application role and the owner alike.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-11-29T09:25:07:000000"
VERSION = "1.38.0"
DESCRIPTION = "consent keys; a disclosure keeps what it shared and follows its workflow"

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

STATEMENTS = [
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
    "CREATE INDEX capacity_decisions_case ON capacity_decisions (tenant_id, case_id, recorded_at)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_sent_by_fkey"
    " FOREIGN KEY (tenant_id, sent_by) REFERENCES staff_users (tenant_id, id)",
    "ALTER TABLE disclosures ADD CONSTRAINT disclosures_cancelled_by_fkey"
    " FOREIGN KEY (tenant_id, cancelled_by) REFERENCES staff_users (tenant_id, id)",
    "CREATE INDEX disclosures_unsent ON disclosures (tenant_id, requested_at)"
    " WHERE status IN ('allowed', 'authorised')",
    # Shared before there was a send step: sent when recorded.
    "UPDATE disclosures SET sent_on = (shared_at AT TIME ZONE 'Europe/London')::date,"
    " sent_method = 'other', sent_to = coalesce(nullif(recipient_person, ''), recipient_org),"
    " sent_by = coalesce(authorised_by, requested_by) WHERE status = 'shared' AND sent_on IS NULL",
    GUARD,
    "CREATE TRIGGER disclosures_guard BEFORE INSERT OR UPDATE ON disclosures"
    " FOR EACH ROW EXECUTE FUNCTION disclosures_guard()",
]

BACKWARDS = [
    "DROP TRIGGER disclosures_guard ON disclosures",
    "DROP FUNCTION disclosures_guard()",
    "DROP INDEX disclosures_unsent",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_cancelled_by_fkey",
    "ALTER TABLE disclosures DROP CONSTRAINT disclosures_sent_by_fkey",
    "DROP INDEX capacity_decisions_case",
    "ALTER TABLE capacity_decisions DROP CONSTRAINT capacity_decisions_judged_by_fkey",
    "ALTER TABLE capacity_decisions DROP CONSTRAINT capacity_decisions_person_fkey",
    "ALTER TABLE capacity_decisions DROP CONSTRAINT capacity_decisions_case_fkey",
    "ALTER TABLE consent_not_asked DROP CONSTRAINT consent_not_asked_by_fkey",
    "ALTER TABLE consent_not_asked DROP CONSTRAINT consent_not_asked_case_fkey",
]


class _Raw(Table, tablename="disclosures"):
    pass


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    async def apply() -> None:
        for statement in STATEMENTS:
            await _Raw.raw(statement)

    async def revert() -> None:
        for statement in BACKWARDS:
            await _Raw.raw(statement)

    manager.add_raw(apply)
    manager.add_raw_backwards(revert)
    return manager
