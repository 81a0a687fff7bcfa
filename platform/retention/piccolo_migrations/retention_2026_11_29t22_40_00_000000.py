"""An erased case's age band: 26 and over has a band of its own.

The statistics' bands were 0-4, 5-10, 11-15, 16-18 and 19-25, and everyone older fell
into 19-25. The return now counts 26 and over apart (rule 12), and the facts an erased
case leaves must say the same as the kept case did, or a year's figures would move when
its cases are erased. The function is the one of ``2026-11-29T22:27:25`` with that one
branch added.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from confide.platform.core.schema import raw_migration
from confide.platform.retention.piccolo_migrations.retention_2026_11_29t22_27_25_000000 import (
    _ERASE as _ERASE_BEFORE,
)

ID = "2026-11-29T22:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "app_retention_erase: an age band of 26 and over"

_OLDEST = "                ELSE '19-25' END,"
_ERASE = _ERASE_BEFORE.replace(
    _OLDEST,
    "                WHEN age(c.opened_on, s.date_of_birth) < interval '26 years' THEN '19-25'\n"
    "                ELSE '26+' END,",
)
assert _ERASE.count("'26+'") == 1  # the one statement, or the text moved

FORWARDS = [_ERASE]
BACKWARDS = [_ERASE_BEFORE]


async def forwards() -> MigrationManager:
    return raw_migration(ID, "retention", DESCRIPTION, FORWARDS, BACKWARDS)
