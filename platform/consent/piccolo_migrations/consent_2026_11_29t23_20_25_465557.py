from enum import Enum

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-29T23:20:25:465557"
VERSION = "1.38.0"
DESCRIPTION = "disclosures keep whose word a release rests on"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Disclosure",
        tablename="disclosures",
        column_name="given_by",
        db_column_name="given_by",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": Enum(
                "GivenBy",
                {
                    "YOUNG_PERSON": "young_person",
                    "PARENT": "parent",
                    "CARER": "carer",
                },
            ),
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
