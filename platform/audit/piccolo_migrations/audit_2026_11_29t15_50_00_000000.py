"""The chaining of an entry at commit as one function: its insert's plan is kept by the
session (plpgsql), where the statement it replaces was parsed and planned at every read.

SECURITY DEFINER like every ``app_`` function, so it checks the tenant itself: an entry
goes only into the chain of the tenant the transaction is set to. Each statement of a
volatile function takes its own snapshot, so the head read after the lock is the latest
committed one.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T15:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_audit_append: chain an entry at commit"

FORWARDS = [
    """CREATE FUNCTION app_audit_append(
    p_lock bigint, p_id uuid, p_tenant uuid, p_actor_kind text, p_actor_id uuid,
    p_action text, p_subject_kind text, p_subject_id uuid, p_grounds text,
    p_reason_code text, p_detail jsonb, p_pieces text[], p_genesis text
) RETURNS void LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public, pg_temp AS $$
DECLARE
    v_now timestamptz;
    v_seq bigint;
    v_prev text;
    v_text text := '';
BEGIN
    IF p_tenant IS DISTINCT FROM nullif(current_setting('app.tenant_id', true), '')::uuid THEN
        RAISE EXCEPTION 'an audit entry for another tenant' USING ERRCODE = '42501';
    END IF;
    PERFORM pg_advisory_xact_lock(p_lock);
    SELECT seq, hash INTO v_seq, v_prev FROM audit_entries
     WHERE tenant_id = p_tenant ORDER BY seq DESC LIMIT 1;
    v_seq := coalesce(v_seq, 0) + 1;
    v_prev := coalesce(v_prev, p_genesis);
    v_now := clock_timestamp();
    FOR i IN 1 .. coalesce(array_length(p_pieces, 1), 0) LOOP
        IF i % 2 = 1 THEN
            v_text := v_text || p_pieces[i];
        ELSIF p_pieces[i] = 'occurred_at' THEN
            v_text := v_text || to_char(v_now AT TIME ZONE 'UTC',
                                        'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"');
        ELSIF p_pieces[i] = 'prev_hash' THEN
            v_text := v_text || v_prev;
        ELSIF p_pieces[i] = 'seq' THEN
            v_text := v_text || v_seq::text;
        ELSE
            RAISE EXCEPTION 'an audit entry''s text names an unknown field';
        END IF;
    END LOOP;
    INSERT INTO audit_entries (id, tenant_id, seq, occurred_at, actor_kind, actor_id,
        action, subject_kind, subject_id, grounds, reason_code, detail, prev_hash, hash)
    VALUES (p_id, p_tenant, v_seq, v_now, p_actor_kind, p_actor_id, p_action,
        p_subject_kind, p_subject_id, p_grounds, p_reason_code, p_detail, v_prev,
        encode(sha256(convert_to(v_text, 'UTF8')), 'hex'));
END
$$""",
]

BACKWARDS = [
    "DROP FUNCTION app_audit_append(bigint, uuid, uuid, text, uuid, text, text, uuid, text,"
    " text, jsonb, text[], text)",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "audit", DESCRIPTION, FORWARDS, BACKWARDS)
