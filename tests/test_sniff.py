"""What an upload's bytes say it is (``documents/sniff``), without the database: the types a
case may hold, and archives built to hurt the process that opens them."""

from __future__ import annotations

import io
import resource
import zipfile

import pytest

from confide.platform.documents.services import stored_filename
from confide.platform.documents.sniff import DOCX, JPEG, ODT, OLE, PDF, TEXT, sniff


def _zip(members: dict[str, bytes], *, encrypted: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    data = out.getvalue()
    if encrypted:  # the "encrypted" flag set in the local and central headers
        data = data.replace(b"PK\x03\x04\x14\x00\x00", b"PK\x03\x04\x14\x00\x01")
        data = data.replace(b"PK\x01\x02\x14\x03\x14\x00\x00", b"PK\x01\x02\x14\x03\x14\x00\x01")
    return data


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text"}), ODT),
        (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), DOCX),
        (_zip({"notes.txt": b"just an archive"}), None),
        # A "mimetype" that inflates to 200 MB from a few hundred KB: never expanded.
        (_zip({"mimetype": b"\0" * 200_000_000}), None),
        # An encrypted member, once a 500 (RuntimeError from zipfile).
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text"}, encrypted=True),
            None,
        ),
    ],
    ids=["odt", "docx", "plain-zip", "zip-bomb", "encrypted-member"],
)
def test_an_archive_is_a_document_only_by_its_own_small_markers(
    data: bytes, kind: str | None
) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert sniff(data) == kind
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000  # the peak grew by less than 50 MB: nothing was inflated


@pytest.mark.parametrize(
    ("given", "content_type", "kept"),
    [
        ("letter.pdf", PDF, "letter.pdf"),
        ("Scan.JPEG", JPEG, "Scan.JPEG"),
        ("run.bat", TEXT, "run.bat.txt"),  # text that would run when opened by its name
        ("page.html", TEXT, "page.html.txt"),
        ("installer.msi", OLE, "installer.msi.doc"),
        ("letter\u202efdp.exe", PDF, "letterfdp.exe.pdf"),  # the override is gone
        ("C:\\Users\\a\\plan.docx", DOCX, "plan.docx"),
        ("", PDF, "document.pdf"),
    ],
)
def test_a_file_is_kept_under_a_name_that_ends_as_its_bytes_say(
    given: str, content_type: str, kept: str
) -> None:
    assert stored_filename(given, content_type) == kept
