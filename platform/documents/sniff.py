"""What a file is, from its bytes (never its name): the types a case may hold (rule 28).

PDF, Office documents (Word, Excel, PowerPoint: Open XML, the older binary formats and
OpenDocument), RTF, images (PNG, JPEG, GIF, WebP, TIFF) and plain text in UTF-8. Anything
else, an executable renamed ``letter.pdf`` for instance, is refused.

The older binary formats share one container (OLE compound files) with Windows Installer
packages (``.msi``) and others: a compound file is a document only when its directory
names the main stream of Word, Excel or PowerPoint, and its root is not an installer's.
Macros are refused in either family: a compound file with a ``Macros``/``VBA`` storage (its
names compared case-insensitively) and an Open XML package with a ``vbaProject.bin`` or a
macro-enabled content type.

What is not found (rule 28 says so too): a binary PowerPoint file (``.ppt``) keeps its VBA
project compressed inside the ``PowerPoint Document`` stream, not as a storage of the
directory, and Excel 4.0 (XLM) macro sheets are records inside the ``Workbook`` stream;
neither is read here, so such files are let through as documents. Where that matters, the
scanning hook (ClamAV) is the check that reads streams.
"""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE = "application/vnd.ms-office"  # the container of .doc, .xls and .ppt (older rows)
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"
ODP = "application/vnd.oasis.opendocument.presentation"
RTF = "application/rtf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
TIFF = "image/tiff"
TEXT = "text/plain; charset=utf-8"

#: The endings a file of each type may be named with; a name that ends otherwise gets the
#: first (a text file called ``run.bat`` is offered back as ``run.bat.txt``).
EXTENSIONS = {
    PDF: (".pdf",), DOCX: (".docx",), XLSX: (".xlsx",), PPTX: (".pptx",),
    OLE: (".doc", ".xls", ".ppt"), DOC: (".doc",), XLS: (".xls",), PPT: (".ppt",),
    ODT: (".odt",), ODS: (".ods",), ODP: (".odp",),
    RTF: (".rtf",), PNG: (".png",), JPEG: (".jpg", ".jpeg"), GIF: (".gif",),
    WEBP: (".webp",), TIFF: (".tif", ".tiff"), TEXT: (".txt", ".csv"),
}  # fmt: skip

#: What the page may show in place (a preview): PDFs and images.
PREVIEWABLE = frozenset({PDF, PNG, JPEG, GIF, WEBP})

_MAGIC = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"{\\rtf", RTF),
)
_OPEN_XML = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A compound file's main stream names its application.
_OLE_STREAMS = (
    ("WordDocument", DOC),
    ("Workbook", XLS),
    ("Book", XLS),
    ("PowerPoint Document", PPT),
)
# Storages that hold macros (Word, Excel, PowerPoint and any VBA project).
# Names are compared case-insensitively (as the format does): "vba" is "VBA".
_OLE_MACROS = frozenset({"macros", "_vba_project_cur", "vba", "_vba_project"})
# The root CLSIDs of Windows Installer packages, patches and transforms (as stored).
_INSTALLER_CLSIDS = frozenset(
    bytes.fromhex(f"{n}10 0c 00 00 00 00 00 c0 00 00 00 00 00 00 46".replace(" ", ""))
    for n in ("84", "86", "82")
)
_ENDS = 0xFFFFFFFA  # sector numbers from here up are markers, not sectors
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")
_MIMETYPE_MAX = 100  # bytes: an OpenDocument's "mimetype" member is one short line
_TYPES_MAX = 64 * 1024  # bytes: an Open XML package's list of content types


def sniff(data: bytes) -> str | None:
    """The file's type (a ``Content-Type``), or None when it is not one a case may hold."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(_OLE_MAGIC):
        return _compound(data)
    if data.startswith(b"PK\x03\x04"):
        return _zipped(data)
    return TEXT if _is_text(data) else None


def _zipped(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "mimetype" in names:
                # Read at most what a type name needs: a member that inflates without end
                # (a zip bomb) is never expanded, and one too large is no OpenDocument.
                if archive.getinfo("mimetype").file_size > _MIMETYPE_MAX:
                    return None
                with archive.open("mimetype") as member:
                    return _OPEN_DOCUMENT.get(member.read(_MIMETYPE_MAX).strip())
            if "[Content_Types].xml" in names:
                if any(name.lower().endswith("vbaproject.bin") for name in names):
                    return None  # macros (.docm, .xlsm, .pptm)
                types = archive.getinfo("[Content_Types].xml")
                if types.file_size > _TYPES_MAX:
                    return None
                with archive.open(types) as member:
                    if b"macroenabled" in member.read(_TYPES_MAX).lower():
                        return None
                for folder, kind in _OPEN_XML:
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, RuntimeError,
            NotImplementedError):  # fmt: skip
        # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile
        # does not know. Neither is a document a case may hold.
        return None
    return None


def _u32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _compound(data: bytes) -> str | None:
    """An OLE compound file's type from its directory, or None: not Word, Excel or
    PowerPoint, an installer, with macros, or not a well-formed compound file."""
    if len(data) < 512:
        return None
    shift = int.from_bytes(data[30:32], "little")
    if shift not in (9, 12):
        return None
    size = 1 << shift
    count = (len(data) - size) // size  # whole sectors after the header

    def sector(n: int) -> bytes | None:
        return data[(n + 1) * size : (n + 2) * size] if n < count else None

    # The FAT's sectors: 109 in the header, then the DIFAT chain. Each chain is followed
    # at most once (a sector met again ends it: a chain that loops back on itself is no
    # compound file), the FAT holds no more sectors than the file, and only the FAT
    # entries the directory's chain needs are read (never the whole table).
    per = size // 4
    fat_sectors = [_u32(data, 76 + 4 * i) for i in range(109)]
    difat, met = _u32(data, 68), set[int]()
    while difat < _ENDS:
        block = sector(difat)
        if block is None or difat in met:
            return None
        met.add(difat)
        fat_sectors += [_u32(block, 4 * i) for i in range(per - 1)]
        if len(fat_sectors) > 109 + count + per:  # more FAT than the file has sectors
            return None
        difat = _u32(block, size - 4)
    del fat_sectors[count:]  # a FAT sector marked free or past the file is refused below

    def next_sector(n: int) -> int | None:
        if n // per >= len(fat_sectors):
            return None
        block = sector(fat_sectors[n // per])
        return None if block is None else _u32(block, 4 * (n % per))

    # The directory: 128-byte entries along its chain.
    names: set[str] = set()
    root_clsid = b""
    current, walked = _u32(data, 48), set[int]()
    while current < _ENDS:
        block = sector(current)
        if block is None or current in walked:
            return None
        walked.add(current)
        for at in range(0, size, 128):
            entry = block[at : at + 128]
            length, kind = int.from_bytes(entry[64:66], "little"), entry[66]
            if kind not in (1, 2, 5) or not 2 <= length <= 64:
                continue
            name = entry[: length - 2].decode("utf-16-le", "replace")
            if kind == 5:
                root_clsid = entry[80:96]
            names.add(name.lower())
        following = next_sector(current)
        if following is None:
            return None
        current = following
    if root_clsid in _INSTALLER_CLSIDS or names & _OLE_MACROS:
        return None
    return next((kind for stream, kind in _OLE_STREAMS if stream.lower() in names), None)


def _is_text(data: bytes) -> bool:
    if not data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any((ord(c) < 32 and ord(c) not in _TEXT_CONTROLS) or ord(c) == 127 for c in text)
