"""``confide operators create | disable``: platform operator accounts, from the command line.

They run as the owner role, like the other administrative commands. The
password comes from a hidden prompt (typed twice) or, for scripts, the first
line of standard input; it never appears in arguments, where ``ps`` and shell
history would keep it. The TOTP secret is printed once, at creation.
"""

from __future__ import annotations

import asyncio
import sys

import click

from confide.platform.core.db import Role, use_role
from confide.platform.operators.services import OperatorError, create_operator, disable_operator


def _fail(message: str) -> None:
    click.echo(f"confide: {message}", err=True)
    sys.exit(2)


@click.group("operators")
def operators() -> None:
    """Platform operator accounts (password and authenticator app)."""


@operators.command("create")
@click.argument("email")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from standard input's first line."
)
def operators_create(email: str, password_stdin: bool) -> None:
    """Create an operator signing in with EMAIL, a password and an authenticator app."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    use_role(Role.OWNER)
    try:
        created = asyncio.run(create_operator(email, password))
    except OperatorError as error:
        _fail(str(error))
    click.echo(f"created operator {created.operator.email} ({created.operator.id})")
    click.echo("Add this to an authenticator app now: it is shown only this once.")
    click.echo(f"  secret: {created.secret}")
    click.echo(f"  uri: {created.provisioning_uri}")


@operators.command("disable")
@click.argument("email")
def operators_disable(email: str) -> None:
    """Disable the operator with EMAIL: they are signed out at their next request."""
    use_role(Role.OWNER)
    try:
        operator = asyncio.run(disable_operator(email))
    except OperatorError as error:
        _fail(str(error))
    click.echo(f"operator {operator.email} is {operator.status}")
