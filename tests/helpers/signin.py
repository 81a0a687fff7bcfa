"""The real OpenID sign-in through the development provider, for the tests of sign-in
itself; every other test signs in as a persona (``tests/personas.py``)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx


async def sign_in(
    http: httpx.AsyncClient, slug: str, sub: str, next_path: str | None = None
) -> httpx.Response:
    """The whole sign-in as a browser does it, through the development provider
    (``next_path``: the ``next`` the sign-in was started with)."""
    start = await http.get(f"/t/{slug}/login", params={"next": next_path} if next_path else None)
    assert start.status_code == 303, start.text
    authorize = start.headers["location"]
    async with httpx.AsyncClient() as provider:
        form = await provider.get(authorize)
        assert form.status_code == 200, form.text
        chosen = await provider.post(authorize, data={"sub": sub})
    assert chosen.status_code == 302, chosen.text
    back = urlsplit(chosen.headers["location"])
    return await http.get(f"{back.path}?{back.query}")
