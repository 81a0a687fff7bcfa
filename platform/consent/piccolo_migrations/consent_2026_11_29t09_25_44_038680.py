from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.constraints import Check

ID = "2026-11-29T09:25:44:038680"
VERSION = "1.38.0"
DESCRIPTION = "the disclosure workflow states, checked"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="consent", description=DESCRIPTION)

    manager.add_constraint(
        table_class_name="Disclosure",
        tablename="disclosures",
        constraint_name="disclosures_allowed_on_consent",
        constraint_class=Check,
        params={"condition": "status <> 'allowed' OR basis = 'consent'"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Disclosure",
        tablename="disclosures",
        constraint_name="disclosures_authorised_legally",
        constraint_class=Check,
        params={"condition": "status <> 'authorised' OR basis = 'legal'"},
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Disclosure",
        tablename="disclosures",
        constraint_name="disclosures_cancelled",
        constraint_class=Check,
        params={
            "condition": "status <> 'cancelled' OR (basis IS NOT NULL AND num_nonnulls(cancel_reason, cancelled_by, cancelled_at) = 3)"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Disclosure",
        tablename="disclosures",
        constraint_name="disclosures_sent",
        constraint_class=Check,
        params={
            "condition": "status <> 'shared' OR num_nonnulls(sent_on, sent_method, sent_to, sent_by) = 4"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Disclosure",
        tablename="disclosures",
        constraint_name="disclosures_sent_method",
        constraint_class=Check,
        params={
            "condition": "sent_method IN ('secure_email', 'post', 'by_hand', 'portal', 'other')"
        },
        schema=None,
    )

    manager.add_constraint(
        table_class_name="Disclosure",
        tablename="disclosures",
        constraint_name="disclosures_status",
        constraint_class=Check,
        params={
            "condition": "status IN ('awaiting_authorisation', 'declined', 'allowed', 'authorised', 'shared', 'cancelled')"
        },
        schema=None,
    )

    return manager
