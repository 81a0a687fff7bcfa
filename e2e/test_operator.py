"""Journey: a platform operator signs in with password and code, sees the registry, makes a
mistake creating a tenant, then creates it; every page passes axe."""

from __future__ import annotations

import re
import secrets
import time

import pyotp
from playwright.sync_api import Page

from e2e.artifacts import ARTIFACTS
from e2e.operator_pages import OperatorSignInPage, OperatorTenantsPage
from tests.helpers.command import confide


def test_an_operator_signs_in_and_creates_a_tenant(page: Page, base_url: str) -> None:
    email = f"e2e-{secrets.token_hex(3)}@platform.example"
    password = secrets.token_urlsafe(18)
    made = confide("operators", "create", email, "--password-stdin", stdin=password + "\n")
    found = re.search(r"secret: ([A-Z2-7]+)", made.stdout)
    assert found, made.stdout
    totp = pyotp.TOTP(found.group(1))

    sign_in = OperatorSignInPage.open(page, base_url)
    assert sign_in.heading() == "Sign in as a platform operator"
    sign_in.assert_accessible()
    wrong = totp.at(time.time() + 3600)
    sign_in.sign_in(email, password, wrong if wrong != totp.now() else "000000")
    assert OperatorSignInPage(page).error().startswith("Check your email address")
    sign_in.assert_accessible()

    tenants = sign_in.sign_in(email, password, totp.now())
    assert page.url == f"{base_url}/operator/tenants"
    assert tenants.heading() == "Tenants"
    assert tenants.signed_in_as() == email
    assert {"alpha", "northmoor"} <= set(tenants.slugs())
    assert tenants.status_of("gamma") == "Suspended"
    tenants.assert_accessible()
    tenants.screenshot(ARTIFACTS, "operator-tenants")

    new = tenants.create_tenant()
    assert new.heading() == "Create a tenant"
    new.assert_accessible()
    new.submit("alpha", "Another Alphaton", "council")
    assert "already exists" in new.errors()
    new.assert_accessible()
    new.screenshot(ARTIFACTS, "operator-new-tenant-error")

    slug = f"e2e-{secrets.token_hex(3)}"
    new.submit(slug, "Journeyshire SENDIASS", "charity")
    listed = OperatorTenantsPage(page)
    assert f"Tenant {slug} created" in listed.created_banner()
    assert slug in listed.slugs()
    assert listed.status_of(slug) == "Active"
    listed.assert_accessible()

    signed_out = listed.sign_out()
    assert signed_out.heading() == "Sign in as a platform operator"
    page.goto(f"{base_url}/operator/tenants")
    assert page.url == f"{base_url}/operator/login"
