"""The one task model: every kind of task on a case, whoever or whatever made it."""

from piccolo.columns import UUID, Date, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.core.tables import NO_DELETE, TenantOwned, ref
from confide.platform.tasks.schemas import TaskKind, TaskState

# No braces in a check: Piccolo reads {...} in SQL as a placeholder.


class Task(TenantOwned, tablename="tasks", tags=[NO_DELETE]):
    """A task on a case for its assignee, or for the managers' queue when ``assignee_id``
    is null; done once, with who and when. ``source_key`` makes a task made from
    something else (a consent's review date, a disclosure) once only. A tell-the-client
    task shares its id with its row in ``tell_client_tasks``, which keeps how they were
    told and the delays."""

    id = UUID(primary_key=True)
    kind = Varchar(length=32, choices=TaskKind)
    case_id = ref()
    title = Varchar(length=200, default="")
    assignee_id = ref(null=True)
    # Null: no due date for now (an information request's clock stopped for clarification).
    due_on = Date(null=True, default=None)
    status = Varchar(length=8, choices=TaskState, default=TaskState.OPEN)
    source_key = Varchar(length=100, null=True, default=None)
    created_by = ref(null=True)  # null: made by the service (a job, a share)
    created_at = Timestamptz(default=TimestamptzNow())
    done_by = ref(null=True)
    done_at = Timestamptz(null=True, default=None)
    tasks_tenant_id_id_key = Unique(["tenant_id", "id"])
    tasks_source_key = Unique(["tenant_id", "kind", "source_key"])
    tasks_done_check = Check(
        "(status = 'open' AND done_at IS NULL AND done_by IS NULL)"
        " OR (status = 'done' AND done_at IS NOT NULL)"
    )
    tasks_kind_check = Check("kind ~ '^[a-z][a-z_]*$' AND status IN ('open', 'done')")
