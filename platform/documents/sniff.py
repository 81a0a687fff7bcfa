"""What a file is, from its bytes (never its name): the types a case may hold (rule 28).

PDF, Office documents (Word, Excel, PowerPoint: Open XML, the older binary formats and
OpenDocument), RTF, images (PNG, JPEG, GIF, WebP, TIFF) and plain text in UTF-8. Anything
else, an executable renamed ``letter.pdf`` for instance, is refused.
"""

from __future__ import annotations

import io
import zipfile

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OLE = "application/vnd.ms-office"  # .doc, .xls, .ppt: one container format
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
    OLE: (".doc", ".xls", ".ppt"), ODT: (".odt",), ODS: (".ods",), ODP: (".odp",),
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
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", OLE),
    (b"{\\rtf", RTF),
)
_OPEN_XML = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
_OPEN_DOCUMENT = {
    b"application/vnd.oasis.opendocument.text": ODT,
    b"application/vnd.oasis.opendocument.spreadsheet": ODS,
    b"application/vnd.oasis.opendocument.presentation": ODP,
}
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")
_MIMETYPE_MAX = 100  # bytes: an OpenDocument's "mimetype" member is one short line


def sniff(data: bytes) -> str | None:
    """The file's type (a ``Content-Type``), or None when it is not one a case may hold."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
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
                for folder, kind in _OPEN_XML:
                    if any(name.startswith(folder) for name in names):
                        return kind
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, RuntimeError,
            NotImplementedError):  # fmt: skip
        # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile
        # does not know. Neither is a document a case may hold.
        return None
    return None


def _is_text(data: bytes) -> bool:
    if not data:
        return False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any((ord(c) < 32 and ord(c) not in _TEXT_CONTROLS) or ord(c) == 127 for c in text)
