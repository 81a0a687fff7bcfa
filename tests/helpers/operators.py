"""Platform operators: accounts made by the real command, and their own sign-in."""

from __future__ import annotations

import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pyotp

from tests.helpers.command import confide
from tests.helpers.http import csrf_token


@dataclass(frozen=True)
class Account:
    email: str
    password: str
    secret: str

    def code(self, steps_ahead: int = 0) -> str:
        return pyotp.TOTP(self.secret).at(time.time() + 30 * steps_ahead)

    def invalid_code(self) -> str:
        """A well-formed code outside the accepted window."""
        valid = {self.code(step) for step in (-1, 0, 1)}
        return next(c for c in (self.code(s) for s in range(10, 40)) if c not in valid)


def create_account(email: str | None = None) -> tuple[Account, Any]:
    """An operator, made by the real command as an administrator would."""
    email = email or f"op-{secrets.token_hex(4)}@platform.example"
    password = secrets.token_urlsafe(18)
    made = confide("operators", "create", email, "--password-stdin", stdin=password + "\n")
    found = re.search(r"secret: ([A-Z2-7]+)", made.stdout)
    assert found, made.stdout
    return Account(email.lower(), password, found.group(1)), made


async def operator_sign_in(
    http: httpx.AsyncClient,
    account: Account,
    *,
    email: str | None = None,
    password: str | None = None,
    code: str | None = None,
) -> httpx.Response:
    form = await http.get("/operator/login")
    assert form.status_code == 200, form.text
    return await http.post(
        "/operator/login",
        data={
            "_csrf_token": csrf_token(form.text),
            "email": account.email if email is None else email,
            "password": account.password if password is None else password,
            "code": account.code() if code is None else code,
        },
    )
