"""The staff pages as a browser without JavaScript uses them: forms opened, then posted
with their CSRF token."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from confide.platform.core.clock import service_today
from tests.helpers.http import csrf_token

NM = "/t/northmoor"
TODAY = service_today()


def enquiry_form(**changes: Any) -> list[tuple[str, str]]:
    """A parent phones about their child: the form as a browser posts it."""
    fields: dict[str, Any] = {
        "contacted_by": "parent",
        "yp-first_name": "Jamie",
        "yp-last_name": "Whitfield",
        "yp-date_of_birth-day": "27",
        "yp-date_of_birth-month": "3",
        "yp-date_of_birth-year": "2013",
        "yp-school_or_setting": "Northmoor Primary",
        "yp-primary_need": "Autism",
        "parent-first_name": "Claire",
        "parent-last_name": "Whitfield",
        "parent-phone": "07700 900456",
        "parent-may_phone": "yes",
        "parent-may_text": "yes",
        "parent-preferred_times": "Weekdays after 3pm",
        "parent-safe_contact_note": "Partner must not know",
        "referral_route": "self",
        "topics": ["EHC needs assessment", "Exclusion"],
        "support_level": "2",
        "contact-kind": "phone",
        "contact-direction": "incoming",
        "contact-duration_minutes": "25",
        "contact-summary": "Asked how to request an EHC needs assessment.",
        # The duplicate check's answer: this family is new (Jamie and Claire are recorded
        # by many tests; tests/test_people_pages.py answers it otherwise).
        "yp-person_id": "new",
        "parent-person_id": "new",
        # Consent to share, asked at first contact (rule 4).
        "consent-decision": "full",
        "consent-given_by": "parent",
        "consent-method": "verbal",
        "consent-given_on-day": str(TODAY.day),
        "consent-given_on-month": str(TODAY.month),
        "consent-given_on-year": str(TODAY.year),
    }
    fields.update(changes)
    pairs: list[tuple[str, str]] = []
    for key, value in fields.items():
        if value is None:
            continue
        for one in value if isinstance(value, list) else [value]:
            pairs.append((key, one))
    return pairs


async def submit(
    http: httpx.AsyncClient, form_path: str, action: str, pairs: list[tuple[str, str]]
) -> httpx.Response:
    """Open the form page, then post it with its CSRF token, as a browser does."""
    page = await http.get(form_path)
    assert page.status_code in (200, 403), page.text
    body = [("_csrf_token", csrf_token(page.text)), *pairs]
    return await http.post(
        action,
        content=httpx.QueryParams(body).__str__().encode(),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )


async def record_enquiry(http: httpx.AsyncClient, **changes: Any) -> str:
    done = await submit(http, f"{NM}/enquiries/new", f"{NM}/enquiries/new", enquiry_form(**changes))
    assert done.status_code == 303, done.text
    found = re.fullmatch(rf"{NM}/cases/([0-9a-f-]+)\?created=true", done.headers["location"])
    assert found, done.headers["location"]
    return found.group(1)


def text(response: httpx.Response) -> str:
    return html.unescape(response.text)
