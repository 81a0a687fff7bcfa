"""Operator sign-in through three narrow doors: the application role may not read the
table's secrets nor write to it, so these functions (owned by the owner, SECURITY DEFINER,
with a fixed search_path) do only what a sign-in needs, and ``confide migrate`` lets the
application role execute them (every ``app_`` function).

* ``app_operator_credentials(email)``: one operator's hash, encrypted TOTP secret and last
  step, looked up by email (Argon2id and TOTP are checked in Python); a disabled operator's
  secrets are withheld.
* ``app_operator_failed(id)``: count a failed attempt.
* ``app_operator_signed_in(id, step)``: record a sign-in, only for an active operator, a
  step later than the last one and at most a minute ahead of the database's clock (so no
  caller can lock an operator out with a step far in the future).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:12:000000"
VERSION = "1.38.0"
DESCRIPTION = "operator sign-in functions"

FORWARDS = [
    "CREATE FUNCTION app_operator_credentials(p_email text)"
    " RETURNS TABLE (id uuid, status varchar, password_hash text, totp_secret_encrypted text,"
    " totp_last_step bigint) STABLE"
    " LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$"
    " SELECT o.id, o.status,"
    " CASE WHEN o.status = 'active' THEN o.password_hash END,"
    " CASE WHEN o.status = 'active' THEN o.totp_secret_encrypted END,"
    " o.totp_last_step"
    " FROM public.platform_operators o WHERE o.email = p_email $$",
    "CREATE FUNCTION app_operator_failed(p_id uuid) RETURNS void"
    " LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$"
    " UPDATE public.platform_operators SET failed_attempts = failed_attempts + 1"
    " WHERE id = p_id $$",
    "CREATE FUNCTION app_operator_signed_in(p_id uuid, p_step bigint)"
    " RETURNS TABLE (id uuid, email varchar, status varchar, created_at timestamptz,"
    " last_sign_in_at timestamptz)"
    " LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp AS $$"
    " UPDATE public.platform_operators o"
    " SET totp_last_step = p_step, failed_attempts = 0, last_sign_in_at = now()"
    " WHERE o.id = p_id AND o.status = 'active' AND o.totp_last_step < p_step"
    " AND p_step <= floor(extract(epoch FROM clock_timestamp()) / 30) + 2"
    " RETURNING o.id, o.email, o.status, o.created_at, o.last_sign_in_at $$",
    "REVOKE ALL ON FUNCTION app_operator_credentials(text) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION app_operator_failed(uuid) FROM PUBLIC",
    "REVOKE ALL ON FUNCTION app_operator_signed_in(uuid, bigint) FROM PUBLIC",
]

BACKWARDS = [
    "DROP FUNCTION app_operator_signed_in(uuid, bigint)",
    "DROP FUNCTION app_operator_failed(uuid)",
    "DROP FUNCTION app_operator_credentials(text)",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "operators", DESCRIPTION, FORWARDS, BACKWARDS)
