"""Indexes for finding people and cases: trigram names, normalised postcodes, references.

``people.search_name`` is a generated column (lower-case "first last"), which Piccolo
cannot declare. Row-level security lets a query condition drive an index only when every
function in it is LEAKPROOF; ``lower()`` and ``||`` are not, so an expression index would
never be used under the policy. On a plain column only the trigram operator's own
function counts.

``pg_trgm`` (and ``btree_gin``, so the trigram index also carries ``tenant_id``) are
trusted extensions the database owner may create. Where they are not installed (the
embedded PostgreSQL has neither) the trigram index is skipped and the search falls back
to prefix matching; everything else is created everywhere.

Marking ``word_similarity_commutator_op`` LEAKPROOF needs a superuser: done here when
the migration runs as one, otherwise by a superuser once per database (infra/db/01-roles.sh
does it when the database is first made; run it by hand on an older one), else
the search is correct but scans the tenant's people instead of using the index.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration

ID = "2026-11-29T11:24:29:000000"
VERSION = "1.38.0"
DESCRIPTION = "case work search indexes"

TRIGRAM = """
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'btree_gin') THEN
            CREATE EXTENSION IF NOT EXISTS btree_gin;
            CREATE INDEX people_search_name ON people
                USING gin (tenant_id, search_name gin_trgm_ops);
        ELSE
            CREATE INDEX people_search_name ON people USING gin (search_name gin_trgm_ops);
        END IF;
        IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
            ALTER FUNCTION word_similarity_commutator_op(text, text) LEAKPROOF;
        END IF;
    END IF;
END
$$
"""

FORWARDS = [
    # Must stay the expression of ``search.SEARCH_NAME``'s fallback comparisons.
    "ALTER TABLE people ADD COLUMN search_name text"
    " GENERATED ALWAYS AS (lower(first_name::text || ' ' || last_name::text)) STORED",
    TRIGRAM,
    "CREATE INDEX people_postcode_normalised ON people"
    " (tenant_id, upper(replace(postcode::text, ' ', '')))",
    "CREATE INDEX cases_reference_upper ON cases (tenant_id, upper(reference::text))",
]

# The extensions stay: another database object may use them, and only their owner (or a
# superuser) could drop them.
BACKWARDS = [
    "DROP INDEX cases_reference_upper",
    "DROP INDEX people_postcode_normalised",
    "DROP INDEX IF EXISTS people_search_name",
    "ALTER TABLE people DROP COLUMN search_name",
]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "casework", DESCRIPTION, FORWARDS, BACKWARDS)
