from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSONB, UUID, Bytea, Date, Timestamptz, Varchar
from piccolo.columns.defaults.date import DateNow
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.defaults.uuid import UUID4
from piccolo.columns.indexes import IndexMethod
from piccolo.constraints import Check, Unique

ID = "2026-11-29T22:18:54:351389"
VERSION = "1.38.0"
DESCRIPTION = "statistics releases"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="statistics", description=DESCRIPTION)

    manager.add_table(
        class_name="StatisticsRelease",
        tablename="statistics_releases",
        schema=None,
        columns=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="tenant_id",
        db_column_name="tenant_id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="id",
        db_column_name="id",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": UUID4(),
            "null": False,
            "primary_key": True,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="period_kind",
        db_column_name="period_kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 16,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="period_start",
        db_column_name="period_start",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="period_end",
        db_column_name="period_end",
        column_class_name="Date",
        column_class=Date,
        params={
            "default": DateNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="produced_by",
        db_column_name="produced_by",
        column_class_name="UUID",
        column_class=UUID,
        params={
            "default": None,
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="produced_at",
        db_column_name="produced_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": TimestamptzNow(),
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="published",
        db_column_name="published",
        column_class_name="JSONB",
        column_class=JSONB,
        params={
            "default": "{}",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="csv",
        db_column_name="csv",
        column_class_name="Bytea",
        column_class=Bytea,
        params={
            "default": b"",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="csv_sha256",
        db_column_name="csv_sha256",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="xlsx",
        db_column_name="xlsx",
        column_class_name="Bytea",
        column_class=Bytea,
        params={
            "default": b"",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        column_name="xlsx_sha256",
        db_column_name="xlsx_sha256",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        constraint_name="statistics_releases_tenant_id_id_key",
        constraint_class=Unique,
        params={"columns": ["tenant_id", "id"], "nulls_distinct": True},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        constraint_name="statistics_releases_period_key",
        constraint_class=Unique,
        params={
            "columns": ["tenant_id", "period_kind", "period_start"],
            "nulls_distinct": True,
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="StatisticsRelease",
        tablename="statistics_releases",
        constraint_name="statistics_releases_period_check",
        constraint_class=Check,
        params={
            "condition": "period_kind IN ('calendar', 'financial', 'academic') AND period_end > period_start"
        },
        schema=None,
    )

    return manager
