"""What browsers and proxies may keep: nothing of a signed-in person (so Back after
signing out shows no case), and the assets for a year under names that change with
their content."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import httpx

from tests.helpers.environment import ROOT
from tests.helpers.html import parse
from tests.helpers.http import csrf_token, http_client
from tests.helpers.signin import sign_in

NM = "/t/northmoor"
FOREVER = "public, max-age=31536000, immutable"
FINGERPRINTED = re.compile(r"/assets/(?P<stem>[\w.-]+)\.(?P<hash>[0-9a-f]{12})(?P<suffix>\.[a-z]+)")


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


async def test_assets_are_fingerprinted_kept_for_a_year_and_gzipped(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get(f"{NM}/")).text
    urls = [
        e.get("href") or e.get("src") or ""
        for e in parse(page).select('[href^="/assets/"], [src^="/assets/"]')
    ]
    assert len(urls) == 4, urls
    for url in urls:
        named = FINGERPRINTED.fullmatch(url)
        assert named, f"{url} has no content hash in its name"
        kept = await client.get(url, headers={"accept-encoding": "gzip"})
        assert kept.status_code == 200, url
        assert kept.headers["cache-control"] == FOREVER, url
        assert hashlib.sha256(kept.content).hexdigest()[:12] == named["hash"], url
        assert kept.headers["vary"] == "Accept-Encoding"
        plain = await client.get(f"/assets/{named['stem']}{named['suffix']}")
        assert plain.headers["cache-control"] == "no-cache", url
        again = await client.get(
            plain.request.url, headers={"if-none-match": plain.headers["etag"]}
        )
        assert again.status_code == 304, url

    stylesheet = next(url for url in urls if url.endswith(".css"))
    css = await client.get(stylesheet, headers={"accept-encoding": "gzip, br"})
    assert css.headers["content-encoding"] == "gzip"
    assert css.headers["content-type"].startswith("text/css")
    assert css.content == (ROOT / "frontend" / "assets" / "confide.css").read_bytes()
    assert css.num_bytes_downloaded < len(css.content) / 4
    identity = await client.get(stylesheet, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in identity.headers
    assert identity.content == css.content


async def test_a_module_imports_fingerprinted_modules_only(client: httpx.AsyncClient) -> None:
    page = (await client.get(f"{NM}/")).text
    [module] = [s.get("src") or "" for s in parse(page).select("script[type=module][src]")]
    body = (await client.get(module)).text
    imports = re.findall(r"from\s*['\"]\./([^'\"]+)['\"]", body)
    assert imports, body
    for name in imports:
        imported = await client.get(f"/assets/{name}")
        assert imported.status_code == 200, name
        assert imported.headers["cache-control"] == FOREVER, name


async def test_only_known_assets_are_served_and_never_kept_with_a_session(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get(f"{NM}/")).text
    stylesheet = parse(page).one('link[rel=stylesheet][href^="/assets/"]').get("href")
    assert stylesheet
    for path in (
        "/assets/confide.000000000000.css",
        "/assets/../pyproject.toml",
        "/assets/%2e%2e/static.py",
        "/assets/__init__.py",
        "/assets/",
    ):
        assert (await client.get(path)).status_code == 404, path
    with_session = await client.get(stylesheet, headers={"cookie": "confide_session=anything"})
    assert with_session.status_code == 200
    assert with_session.headers.get_list("cache-control") == ["no-store"]
    assert "set-cookie" not in (await client.get(stylesheet)).headers
