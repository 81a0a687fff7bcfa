"""What browsers and proxies may keep: nothing of a signed-in person (so Back after
signing out shows no case), and the assets for a year under names that change with
their content."""

from __future__ import annotations

from typing import Any

import httpx

from tests.conftest import csrf_token, http_client, sign_in

NM = "/t/northmoor"


async def test_every_response_to_a_signed_in_person_is_no_store(app: Any) -> None:
    async with http_client(app) as http:
        callback = await sign_in(http, "northmoor", "northmoor-cw-1")
        assert callback.status_code == 303
        cases = await http.get(f"{NM}/api/cases")
        assert cases.status_code == 200
        case_id = cases.json()["items"][0]["id"]
        responses = {
            "sign-in callback (sets the session cookie)": callback,
            "page": await http.get(f"{NM}/dashboard"),
            "case page": await http.get(f"{NM}/cases/{case_id}"),
            "API list": cases,
            "API case": await http.get(f"{NM}/api/cases/{case_id}"),
            "redirect": await http.get(f"{NM}/"),
            "not found": await http.get(f"{NM}/cases/not-a-case"),
        }
        page = responses["page"].text
        responses["sign-out redirect"] = await http.post(
            f"{NM}/logout", data={"_csrf_token": csrf_token(page)}
        )
    assert responses["redirect"].is_redirect
    assert responses["case page"].status_code == 200
    assert responses["sign-out redirect"].status_code == 303
    for what, response in responses.items():
        assert response.headers.get_list("cache-control") == ["no-store"], what


async def test_pages_of_nobody_signed_in_are_not_kept_either(client: httpx.AsyncClient) -> None:
    for path in (f"{NM}/", f"{NM}/login", "/no/such/page", "/healthz"):
        response = await client.get(path)
        assert response.headers.get_list("cache-control") == ["no-store"], path
