"""Reading the DfE's "Get Information about Schools" (GIAS) establishment extract.

The rule without the database: ``parse`` takes the file's bytes and returns every row
checked, or every problem found, by line (the header is line 1) and column. A file with
any problem imports nothing. GIAS writes its CSV in Windows-1252; UTF-8 (with or
without a byte-order mark) is read too.

Bounded: a file is at most ``MAX_ROWS`` establishments, and the web app takes request
bodies up to ``core/edge.MAX_BODY_BYTES`` (1 MB): a local authority's extract of open
establishments with the columns below (GIAS "Download data", chosen fields), or the
whole extract cut to one authority. The import runs in the request, in one statement.
"""

from __future__ import annotations

import csv
import io
import re

from confide.platform.core.edge import control_characters
from confide.platform.schools.schemas import RowProblem, SchoolRow

MAX_ROWS = 2_000
MAX_PROBLEMS = 50  # listed; the rest are counted

URN = "URN"
NAME = "EstablishmentName"
# GIAS column -> the directory's field, with its longest value.
OPTIONAL = {
    "PhaseOfEducation (name)": ("phase", 100),
    "TypeOfEstablishment (name)": ("kind", 100),
    "EstablishmentStatus (name)": ("status", 60),
    "Street": ("street", 200),
    "Locality": ("locality", 200),
    "Town": ("town", 100),
    "Postcode": ("postcode", 10),
}
_URN = re.compile(r"^[0-9]{6,8}$")
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (a byte-order mark dropped), else Windows-1252 as GIAS
    writes it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def postcode(value: str) -> str | None:
    """A UK postcode in capitals with its one space (``LA9 4DL``), or None."""
    found = _POSTCODE.match(value.strip().upper())
    return f"{found.group(1)} {found.group(2)}" if found else None


def parse(data: bytes) -> tuple[list[SchoolRow], list[RowProblem], int]:
    """Every establishment in the file, checked: (rows, problems listed, problems more).
    Rows are only to be imported when there are no problems."""
    problems: list[RowProblem] = []
    more = 0

    def problem(line: int, column: str, message: str) -> None:
        nonlocal more
        if len(problems) < MAX_PROBLEMS:
            problems.append(RowProblem(line, column, message))
        else:
            more += 1

    text = decode(data)
    if "\0" in text:
        problem(1, "", "The file is not a CSV file")
        return [], problems, more
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        problem(1, "", "The file is empty")
        return [], problems, more
    except csv.Error:
        problem(1, "", "The file is not a CSV file")
        return [], problems, more
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    for required in (URN, NAME):
        if required not in index:
            problem(1, required, f"The file has no {required} column")
    if problems:
        return [], problems, more

    rows: list[SchoolRow] = []
    seen: dict[str, int] = {}
    count = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            problem(reader.line_num, "", "This line is not valid CSV")
            continue
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # a blank line
        count += 1
        if count > MAX_ROWS:
            problem(line, "", f"The file has more than {MAX_ROWS:,} establishments")
            break

        def cell(name: str, cells: list[str] = cells) -> str:
            at = index.get(name)
            return cells[at].strip() if at is not None and at < len(cells) else ""

        ok = True
        urn = cell(URN)
        if not _URN.match(urn):
            problem(line, URN, "Enter a URN of 6 to 8 digits" if urn else "Enter the URN")
            ok = False
        elif urn in seen:
            problem(line, URN, f"URN {urn} is also on line {seen[urn]}")
            ok = False
        else:
            seen[urn] = line
        name = cell(NAME)
        if not name:
            problem(line, NAME, "Enter the establishment's name")
            ok = False
        elif len(name) > 200 or control_characters(name, single_line=True):
            problem(line, NAME, "The name must be 200 characters or fewer, on one line")
            ok = False
        fields: dict[str, str] = {}
        for column, (field, high) in OPTIONAL.items():
            value = cell(column)
            if column == "Postcode" and value:
                normal = postcode(value)
                if normal is None:
                    problem(line, column, "Enter a real postcode, like LA9 4DL")
                    ok = False
                    continue
                value = normal
            if len(value) > high or control_characters(value, single_line=True):
                problem(line, column, f"Must be {high} characters or fewer, on one line")
                ok = False
                continue
            fields[field] = value
        if ok:
            rows.append(SchoolRow(urn=urn, name=name, **fields))
    if count == 0 and not problems:
        problem(2, "", "The file has no establishments")
    return rows, problems, more
