#!/bin/bash
# Role bootstrap for the postgres:16 image (run once, from /docker-entrypoint-initdb.d,
# when the data volume is empty).
#
# Creates
#   * the owner role (CONFIDE_DB_OWNER, default "confide"): logs in, owns the database
#     CONFIDE_DB_NAME (default "confide") and so its public schema; runs `confide migrate`.
#     CREATEROLE so that migrate could create the application role itself; not a superuser.
#   * the application role (CONFIDE_DB_APP_ROLE, default "confide_app"): logs in, is not a
#     superuser, cannot bypass row-level security, creates nothing and owns nothing. Its
#     table privileges are granted by `confide migrate`.
#   * in that database, the extensions pg_trgm and btree_gin (name search), and the trigram
#     operator `%>`'s function marked LEAKPROOF. Under row-level security PostgreSQL lets
#     a query condition drive an index only when its function is LEAKPROOF, and only a
#     superuser may say so; without it name search is correct but reads every person of
#     the tenant instead of the trigram index (platform/casework/search.py).
#     word_similarity_commutator_op only computes a similarity and compares it with the
#     threshold; the one error it can raise that depends on a value is "out of memory"
#     for a string of hundreds of megabytes (names are at most 201 characters), so it
#     reveals nothing about rows the policy hides.
# Passwords come from CONFIDE_DB_OWNER_PASSWORD and CONFIDE_DB_APP_PASSWORD.
set -euo pipefail

: "${CONFIDE_DB_OWNER_PASSWORD:?CONFIDE_DB_OWNER_PASSWORD is not set}"
: "${CONFIDE_DB_APP_PASSWORD:?CONFIDE_DB_APP_PASSWORD is not set}"

psql --no-psqlrc -v ON_ERROR_STOP=1 \
    --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    --set=owner="${CONFIDE_DB_OWNER:-confide}" \
    --set=owner_password="$CONFIDE_DB_OWNER_PASSWORD" \
    --set=app="${CONFIDE_DB_APP_ROLE:-confide_app}" \
    --set=app_password="$CONFIDE_DB_APP_PASSWORD" \
    --set=db="${CONFIDE_DB_NAME:-confide}" <<'SQL'
SELECT format('CREATE ROLE %I', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'owner') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS CREATEROLE NOCREATEDB PASSWORD %L',
              :'owner', :'owner_password') \gexec

SELECT format('CREATE ROLE %I', :'app')
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'app') \gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT'
              ' PASSWORD %L', :'app', :'app_password') \gexec

SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'owner')
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I', :'db', :'app') \gexec
SQL

# The schema belongs to the owner; the application role may use it but create nothing in it.
psql --no-psqlrc -v ON_ERROR_STOP=1 \
    --username "${POSTGRES_USER:-postgres}" --dbname "${CONFIDE_DB_NAME:-confide}" \
    --set=owner="${CONFIDE_DB_OWNER:-confide}" \
    --set=app="${CONFIDE_DB_APP_ROLE:-confide_app}" <<'SQL'
SELECT format('ALTER SCHEMA public OWNER TO %I', :'owner') \gexec
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SELECT format('GRANT USAGE ON SCHEMA public TO %I', :'app') \gexec

-- Name search (see above): `confide migrate` finds these installed and builds its index.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;
ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF;
SQL
