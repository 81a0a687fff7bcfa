"""Where a sign-in sends the browser next: only somewhere inside the same tenant.

Each ``next`` below is the value the server receives (the query string already
decoded once). The browser resolves dot segments in the redirect it is given,
``%2e`` counting as a dot and ``\\`` as ``/``, so a path that merely starts with
``/t/northmoor/`` can still land in another tenant.
"""

from __future__ import annotations

import httpx

from tests.helpers.signin import sign_in

HOME = "/t/northmoor/dashboard"

ESCAPES = [
    "/t/northmoor/../eastdale/dashboard",
    "/t/northmoor/%2e%2e/eastdale/dashboard",
    "/t/northmoor/%2E%2E/eastdale/dashboard",
    "/t/northmoor/.%2e/eastdale/dashboard",
    "/t/northmoor/%2e./eastdale/dashboard",
    "/t/northmoor/..%2feastdale/dashboard",
    "/t/northmoor/%2e%2e%2Feastdale%2Fdashboard",
    "/t/northmoor/%252e%252e/eastdale/dashboard",
    "/t/northmoor/cases/../../eastdale/dashboard",
    "/t/northmoor/./../eastdale/dashboard",
    "/t/northmoor/..\\eastdale/dashboard",
    "/t/northmoor/%5c..%5ceastdale/dashboard",
    "/t/northmoor/\\\\evil.example/",
    "/t/northmoor/%2f%2fevil.example/",
    "/t/northmoor//evil.example/",
    "//evil.example/t/northmoor/dashboard",
    "https://evil.example/t/northmoor/dashboard",
    "/t/northmoor/https://evil.example/",
    "/t/northmoor/\t/../../eastdale/dashboard",
    "/t/northmoor/%0d%0aSet-Cookie:%20x=1",
    "/t/northmoor/%00/dashboard",
    "/t/northmoor",
    "/t/northmoorx/dashboard",
    "t/northmoor/dashboard",
]


async def test_a_next_that_would_leave_the_tenant_lands_on_the_dashboard(
    browser: httpx.AsyncClient,
) -> None:
    landed = {}
    for escape in ESCAPES:
        back = await sign_in(browser, "northmoor", "northmoor-cw-1", next_path=escape)
        assert back.status_code == 303, (escape, back.text)
        landed[escape] = back.headers["location"]
    assert landed == dict.fromkeys(ESCAPES, HOME)


async def test_a_next_inside_the_tenant_is_kept_in_its_plain_form(
    browser: httpx.AsyncClient,
) -> None:
    for given, expected in [
        ("/t/northmoor/search", "/t/northmoor/search"),
        ("/t/northmoor/cases/../search", "/t/northmoor/search"),
        ("/t/northmoor/./admin/staff", "/t/northmoor/admin/staff"),
        ("/t/northmoor/%73earch", "/t/northmoor/search"),
    ]:
        back = await sign_in(browser, "northmoor", "northmoor-cw-1", next_path=given)
        assert back.headers["location"] == expected, given
