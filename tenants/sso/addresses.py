"""The two addresses of a tenant that its OpenID provider must know.

A provider sends the browser back only to addresses registered with it: the
redirect URI after sign-in, and the post-sign-out address after signing out
there. The sign-in pages, the admin's settings page and ``confide tenants
create`` all take them from here.
"""

from __future__ import annotations


def redirect_uri(tenant_root: str) -> str:
    """Where the provider returns the browser after sign-in (``<tenant>/auth/callback``)."""
    return f"{tenant_root.rstrip('/')}/auth/callback"


def post_sign_out_uri(tenant_root: str) -> str:
    """Where the provider returns the browser after signing out there: the start page."""
    return f"{tenant_root.rstrip('/')}/"


def tenant_root(public_url: str, slug: str, base_domain: str | None = None) -> str:
    """A tenant's address: ``https://<slug>.<base domain>`` when tenants have host names
    of their own and no public URL is given, else ``<public url>/t/<slug>``."""
    if base_domain and not public_url:
        return f"https://{slug}.{base_domain.strip('.')}"
    return f"{public_url.rstrip('/')}/t/{slug}"
