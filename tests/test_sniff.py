"""What an upload's bytes say it is (``documents/sniff``), without the database: the types a
case may hold, and archives built to hurt the process that opens them."""

from __future__ import annotations

import io
import resource
import struct
import tracemalloc
import zipfile

import pytest

from confide.platform.documents.services import stored_filename
from confide.platform.documents.sniff import DOC, DOCX, JPEG, ODT, OLE, PDF, PPT, TEXT, XLS, sniff


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


def _compound(streams: list[str], *, root_clsid: bytes = bytes(16)) -> bytes:
    """An OLE compound file (version 3, 512-byte sectors) whose directory holds the root
    and these (empty) streams: the FAT in sector 0, the directory from sector 1."""
    entries = [("Root Entry", 5, root_clsid)] + [(name, 2, bytes(16)) for name in streams]
    per_sector = 4
    dir_sectors = -(-len(entries) // per_sector)
    fat = [0xFFFFFFFD] + [n + 1 for n in range(1, dir_sectors)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    header[24:34] = struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9) + struct.pack("<H", 6)
    header[44:48] = struct.pack("<I", 1)  # one FAT sector
    header[48:52] = struct.pack("<I", 1)  # the directory starts at sector 1
    header[56:60] = struct.pack("<I", 4096)
    header[60:76] = struct.pack("<IIII", 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header[76:512] = struct.pack("<I", 0) + b"\xff" * 432
    directory = bytearray()
    for name, kind, clsid in entries:
        encoded = (name + "\0").encode("utf-16-le")
        entry = bytearray(128)
        entry[: len(encoded)] = encoded
        entry[64:68] = struct.pack("<HBB", len(encoded), kind, 1)
        entry[68:80] = b"\xff" * 12
        entry[80:96] = clsid
        entry[116:120] = struct.pack("<I", 0xFFFFFFFE)
        directory += entry
    directory += bytes(dir_sectors * 512 - len(directory))
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory)


MSI_ROOT = bytes.fromhex("84100c0000000000c000000000000046")  # {000C1084-...-C000-000000000046}


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (_compound(["WordDocument", "1Table", "\x05SummaryInformation"]), DOC),
        (_compound(["Workbook"]), XLS),
        (_compound(["PowerPoint Document", "Current User"]), PPT),
        # A Windows Installer package: the same container, an installer's root.
        (_compound(["\u4840\u3b3f", "WordDocument"], root_clsid=MSI_ROOT), None),
        # A compound file that is no Office document, and Office documents with macros.
        (_compound(["Contents"]), None),
        (_compound(["WordDocument", "Macros", "VBA"]), None),
        (_compound(["Workbook", "_VBA_PROJECT_CUR"]), None),
        (_compound(["WordDocument", "macros", "vba"]), None),  # names in any case
        (_compound(["WordDocument"] * 6)[:1500], None),  # cut short: the chain runs out
        (
            _zip(
                {
                    "[Content_Types].xml": b"<Types/>",
                    "word/document.xml": b"<w/>",
                    "word/vbaProject.bin": b"\0",
                }
            ),
            None,
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": b'<Types><Override ContentType="application/'
                    b'vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
                    "word/document.xml": b"<w/>",
                }
            ),
            None,
        ),
    ],
    ids=[
        "doc",
        "xls",
        "ppt",
        "msi",
        "other-ole",
        "doc-macros",
        "xls-macros",
        "doc-macros-lower-case",
        "cut",
        "docm",
        "macro-type",
    ],
)
def test_an_older_office_file_is_told_from_an_installer_and_macros_are_refused(
    data: bytes, kind: str | None
) -> None:
    assert sniff(data) == kind


def _looping_difat(kib: int) -> bytes:
    """A Word file padded to this size whose DIFAT chain's sector names itself as the next
    (each pass once added 127 FAT sectors again: 1 MB took 18 s and 271 MB)."""
    data = bytearray(_compound(["WordDocument"]))
    data[68:72] = struct.pack("<I", 2)  # the DIFAT starts at sector 2 ...
    data[72:76] = struct.pack("<I", 1)
    data += struct.pack("<127I", *([0] * 127)) + struct.pack("<I", 2)  # ... and loops to 2
    data += bytes(kib * 1024 - len(data))
    return bytes(data)


@pytest.mark.parametrize("kib", [128, 25 * 1024])
def test_a_compound_file_whose_difat_loops_is_refused_without_growing(kib: int) -> None:
    data = _looping_difat(kib)
    tracemalloc.start()
    try:
        assert sniff(data) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # bytes: the FAT is read no more than the file holds
