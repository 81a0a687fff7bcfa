from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Check

ID = "2026-11-30T01:35:23:298356"
VERSION = "1.38.0"
DESCRIPTION = "retention facts without months, the closing year or the year erased"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="retention", description=DESCRIPTION)

    manager.drop_column(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        column_name="month_closed",
        db_column_name="month_closed",
        schema=None,
    )

    manager.drop_column(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        column_name="month_opened",
        db_column_name="month_opened",
        schema=None,
    )

    manager.drop_column(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        column_name="year_closed",
        db_column_name="year_closed",
        schema=None,
    )

    manager.drop_column(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        column_name="year_erased",
        db_column_name="year_erased",
        schema=None,
    )

    manager.add_constraint(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        constraint_name="retention_facts_erased_early",
        constraint_class=Check,
        params={
            "condition": "(channel = 'unknown') = (response = 'unknown') AND (channel = 'unknown') = (phase = 'erased')"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="RetentionFact",
        tablename="retention_facts",
        constraint_name="retention_facts_years",
        constraint_class=Check,
        params={
            "condition": "(financial_year_opened IS NULL AND academic_year_opened IS NULL AND closed_by_financial_year_end IS NULL AND closed_by_academic_year_end IS NULL) OR (financial_year_opened BETWEEN year_opened - 1 AND year_opened AND academic_year_opened BETWEEN year_opened - 1 AND financial_year_opened AND closed_by_financial_year_end IS NOT NULL AND closed_by_academic_year_end IS NOT NULL)"
        },
        schema=None,
    )

    return manager
