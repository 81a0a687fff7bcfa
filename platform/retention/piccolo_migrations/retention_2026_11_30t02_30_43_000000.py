"""An erased case's channel and first reply read from the case, not worked out again.

``app_retention_erase`` derived the first incoming contact's kind and the first outgoing
contact's time from the case's contacts itself, a copy of what casework's trigger keeps
on the case (``first_contact_kind``, ``first_reply_at``, 2026-11-30T02:30:42) for the
statistics to read (rule 12). It now reads those two, so the rule is in one place and an
erased case is counted as it was while kept, ties included. The facts are written before
the case's contacts are deleted (which clears the two). The function is the one of
``2026-11-30T01:34:58`` with the contacts' part of its INSERT replaced.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_30t01_34_58_000000 import (
    _ERASE as _ERASE_BEFORE,
)

ID = "2026-11-30T02:30:43:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_retention_erase reads the case's first contact kind and first reply"

_CONTACTS = """      LEFT JOIN LATERAL (
          SELECT (array_agg(v.kind ORDER BY v.occurred_at, v.recorded_at)
                      FILTER (WHERE v.direction = 'incoming'))[1] AS first_kind,
                 (min(v.occurred_at) FILTER (WHERE v.direction = 'outgoing')
                      AT TIME ZONE 'Europe/London')::date AS first_reply
            FROM (SELECT DISTINCT ON (coalesce(x.original_id, x.id))
                         x.kind, x.direction, x.occurred_at, x.recorded_at
                    FROM public.case_contacts x
                   WHERE x.tenant_id = c.tenant_id AND x.case_id = c.id
                   ORDER BY coalesce(x.original_id, x.id), x.version DESC) v
      ) k ON true
"""
# The case's own two, the reply as its day in London, as the statistics read them.
_CASE = """      CROSS JOIN LATERAL (
          SELECT c.first_contact_kind AS first_kind,
                 (c.first_reply_at AT TIME ZONE 'Europe/London')::date AS first_reply
      ) k
"""
assert _ERASE_BEFORE.count(_CONTACTS) == 1  # the one join, or the text moved
_ERASE = _ERASE_BEFORE.replace(_CONTACTS, _CASE)


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, [_ERASE], [_ERASE_BEFORE])
