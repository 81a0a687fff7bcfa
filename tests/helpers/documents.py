"""Documents on a case through the API: an upload as a script with the session makes it."""

from __future__ import annotations

import httpx

from tests.helpers.casework import NM

LETTER = (
    b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nDecision letter for Jasmine Okafor\n%%EOF\n"
)


async def upload(
    http: httpx.AsyncClient,
    case_id: str,
    files: list[tuple[str, bytes]],
    **fields: str,
) -> httpx.Response:
    data = {"kind": "decision_letter", **fields}
    return await http.post(
        f"{NM}/cases/{case_id}/documents",
        data=data,
        files=[("file", (name, content, "application/octet-stream")) for name, content in files],
        headers={"x-csrftoken": http.cookies["confide_csrf"]},
    )
