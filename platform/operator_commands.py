"""``confide operators create | disable``: platform operator accounts, from the command line.

They run as the owner role, like the other administrative commands. The
password comes from a hidden prompt (typed twice) or, for scripts, the first
line of standard input; it never appears in arguments, where ``ps`` and shell
history would keep it. The TOTP secret is printed once, at creation.
"""

from __future__ import annotations

import sys

import click

from confide.platform.core.commands import as_owner, fail
from confide.platform.operators.services import OperatorError, create_operator, disable_operator


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
    try:
        created = as_owner(lambda: create_operator(email, password))
    except OperatorError as error:
        fail(error.message)
    click.echo(f"created operator {created.operator.email} ({created.operator.id})")
    click.echo("Add this to an authenticator app now: it is shown only this once.")
    click.echo(f"  secret: {created.secret}")
    click.echo(f"  uri: {created.provisioning_uri}")


@operators.command("disable")
@click.argument("email")
def operators_disable(email: str) -> None:
    """Disable the operator with EMAIL: they are signed out at their next request."""
    try:
        operator = as_owner(lambda: disable_operator(email))
    except OperatorError as error:
        fail(error.message)
    click.echo(f"operator {operator.email} is {operator.status}")
