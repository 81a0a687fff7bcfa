"""Documents: one row per version of a file on a case."""

from piccolo.columns import UUID, BigInt, Date, Integer, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique

from confide.platform.casework.schemas import Side
from confide.platform.core.tables import APPEND_ONLY, TenantOwned, ref
from confide.platform.documents.schemas import DocumentKind


class DocumentVersion(TenantOwned, tablename="case_documents", tags=[APPEND_ONLY]):
    """Append-only: a new version of a document is a new row with the same
    ``document_id``; the old one, and its stored object, are kept. The title, kind, date,
    side and links are the document's, carried by each version (the latest describes
    it). ``object_id`` names the sealed object in storage (``<tenant>/<object_id>``)."""

    id = UUID(primary_key=True)
    case_id = ref()
    document_id = ref()
    version = Integer(default=1)
    title = Varchar(length=200)
    kind = Varchar(length=32, choices=DocumentKind)
    document_date = Date(null=True, default=None)
    side = Varchar(length=24, choices=Side, default=Side.SHARED)
    note_id = ref(null=True)
    contact_id = ref(null=True)
    filename = Varchar(length=200)
    content_type = Varchar(length=100)
    size = BigInt()
    sha256 = Varchar(length=64)
    object_id = ref()
    uploaded_by = ref()
    uploaded_at = Timestamptz(default=TimestamptzNow())
    case_documents_tenant_id_id_key = Unique(["tenant_id", "id"])
    case_documents_version_key = Unique(["tenant_id", "document_id", "version"])
    case_documents_object_key = Unique(["tenant_id", "object_id"])
    case_documents_check = Check(
        "version >= 1 AND size >= 0 AND side IN ('shared', 'young_person_only')"
    )
