"""Helpers of the administrative commands (``confide`` and its sub-command modules).

``fail`` ends a command with one line and exit status 2; ``as_owner`` runs its work as
the owner role and refuses an owner that bypasses row-level security.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from typing import Any, NoReturn, TypeVar

import click

R = TypeVar("R")


def fail(message: str) -> NoReturn:
    click.echo(f"confide: {message}", err=True)
    sys.exit(2)


def as_owner(body: Callable[[], Coroutine[Any, Any, R]]) -> R:
    """Run an administrative coroutine as the owner role.

    The owner must be bound by row-level security like everyone else: as a
    superuser (or with BYPASSRLS) a provisioning step for one tenant would see,
    and could change, every tenant's rows. Such a role is refused.
    """
    from confide.platform.core.db import Role, get_engine, use_role

    use_role(Role.OWNER)

    async def checked() -> R:
        from piccolo.querystring import QueryString

        [role] = await get_engine().run_querystring(
            QueryString(
                "SELECT rolname, rolsuper OR rolbypassrls AS bypasses FROM pg_roles"
                " WHERE rolname = current_user"
            )
        )
        if role["bypasses"]:
            fail(
                f"DATABASE_URL connects as {role['rolname']}, which bypasses row-level "
                "security: use the schema's owner role, not a superuser"
            )
        return await body()

    return asyncio.run(checked())
