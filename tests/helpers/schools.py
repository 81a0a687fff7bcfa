"""Schools directory files in the shape of the DfE's GIAS extract, and importing them."""

from __future__ import annotations

import csv
import io
import secrets
from pathlib import Path
from typing import Any

import httpx

from tests.helpers.http import csrf_token

FIXTURE = Path(__file__).parent.parent / "fixtures" / "gias_northmoor.csv"
HEADER = [
    "URN",
    "LA (name)",
    "EstablishmentName",
    "TypeOfEstablishment (name)",
    "EstablishmentStatus (name)",
    "PhaseOfEducation (name)",
    "Street",
    "Locality",
    "Town",
    "Postcode",
]


def new_urns(count: int) -> list[str]:
    """URNs no other test uses (8 digits; GIAS's own are 6)."""
    start = 10_000_000 + secrets.randbelow(80_000_000)
    return [str(start + i) for i in range(count)]


def school_row(urn: str, name: str, **changes: str) -> dict[str, str]:
    row = {
        "URN": urn,
        "LA (name)": "Northmoor",
        "EstablishmentName": name,
        "TypeOfEstablishment (name)": "Community school",
        "EstablishmentStatus (name)": "Open",
        "PhaseOfEducation (name)": "Primary",
        "Street": "School Lane",
        "Locality": "",
        "Town": "Northmoor",
        "Postcode": "NM1 2AB",
    }
    row.update(changes)
    return row


def gias_csv(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    """A GIAS-shaped CSV file (Windows-1252, as GIAS writes it)."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=header or HEADER, quoting=csv.QUOTE_ALL, lineterminator="\r\n",
        extrasaction="ignore",
    )  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("cp1252")


async def upload(http: httpx.AsyncClient, slug: str, data: bytes) -> httpx.Response:
    """The admin's import page, posted with the file as a browser sends it."""
    page = await http.get(f"/t/{slug}/admin/schools/")
    assert page.status_code in (200, 403), page.text
    token = csrf_token(page.text) if page.status_code == 200 else http.cookies["confide_csrf"]
    return await http.post(
        f"/t/{slug}/admin/schools/",
        data={"_csrf_token": token},
        files={"file": ("establishments.csv", data, "text/csv")},
    )


async def import_api(http: httpx.AsyncClient, slug: str, data: bytes) -> httpx.Response:
    return await http.post(
        f"/t/{slug}/api/schools/import",
        content=data,
        headers={"x-csrftoken": http.cookies["confide_csrf"], "content-type": "text/csv"},
    )


async def schools_named(http: httpx.AsyncClient, slug: str, text: str) -> list[dict[str, Any]]:
    found = await http.get(f"/t/{slug}/api/schools", params={"q": text, "limit": 100})
    assert found.status_code == 200, found.text
    items: list[dict[str, Any]] = found.json()["items"]
    return items
