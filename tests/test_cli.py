"""The ``confide`` command: provisioning, and settings errors stated in one line."""

from __future__ import annotations

from typing import Any

from tests.helpers.command import confide


def test_tenants_create_list_suspend_restore(database: Any) -> None:
    created = confide(
        "tenants", "create", "delta", "--name", "Deltaborough SENDIASS", "--controller", "charity"
    )
    assert created.stdout.startswith("created tenant delta")
    listed = confide("tenants", "list").stdout
    assert "delta\tactive\tcharity\tDeltaborough SENDIASS" in listed
    assert "gamma\tsuspended" in listed
    assert confide("tenants", "suspend", "delta").stdout.strip() == "tenant delta is suspended"
    assert confide("tenants", "restore", "delta").stdout.strip() == "tenant delta is active"


def test_tenants_create_prints_the_addresses_to_register_at_the_provider(database: Any) -> None:
    given = confide(
        "tenants",
        "create",
        "addr-given",
        "--name",
        "Epsilon",
        "--public-url",
        "https://c.example.org/",
    ).stdout
    assert "redirect URI:             https://c.example.org/t/addr-given/auth/callback\n" in given
    assert "post-sign-out URI:        https://c.example.org/t/addr-given/\n" in given
    local = confide(
        "tenants", "create", "addr-local", "--name", "Zeta", env={"CONFIDE_PORT": "8123"}
    )
    assert (
        "redirect URI:             http://127.0.0.1:8123/t/addr-local/auth/callback" in local.stdout
    )
    own_host = confide(
        "tenants",
        "create",
        "addr-host",
        "--name",
        "Eta",
        env={"CONFIDE_BASE_DOMAIN": "c.example.org"},
    )
    assert (
        "redirect URI:             https://addr-host.c.example.org/auth/callback" in own_host.stdout
    )
    assert "post-sign-out URI:        https://addr-host.c.example.org/\n" in own_host.stdout
    bad = confide(
        "tenants", "create", "addr-bad", "--name", "T", "--public-url", "c.org", check=False
    )
    assert bad.returncode == 2
    assert "--public-url 'c.org'" in bad.stderr
    assert "addr-bad" not in confide("tenants", "list").stdout


def test_provisioning_mistakes_are_clear_errors(database: Any) -> None:
    duplicate = confide("tenants", "create", "alpha", "--name", "Again", check=False)
    assert duplicate.returncode == 2
    assert duplicate.stderr.strip() == "confide: a tenant with slug 'alpha' already exists"
    bad = confide("tenants", "create", "Bad Slug!", "--name", "X", check=False)
    assert bad.returncode == 2
    assert "slug 'Bad Slug!' is not allowed" in bad.stderr
    reserved = confide("tenants", "create", "assets", "--name", "X", check=False)
    assert reserved.returncode == 2
    unknown = confide("tenants", "suspend", "nobody", check=False)
    assert unknown.stderr.strip() == "confide: no tenant with slug 'nobody'"


def test_migrate_is_repeatable(database: Any) -> None:
    again = confide("migrate")
    assert "row-level security on" in again.stdout


def test_a_malformed_setting_stops_start_up_with_one_line_naming_it() -> None:
    cases = {
        "DATABASE_URL": ("mysql://nope", "DATABASE_URL is malformed"),
        "CONFIDE_PORT": ("eighty", "CONFIDE_PORT is malformed"),
        "REDIS_URL": ("http://x", "REDIS_URL is malformed"),
        "CONFIDE_SECRET_KEY": ("short", "CONFIDE_SECRET_KEY is malformed"),
        "CONFIDE_WEB_WORKERS": ("0", "CONFIDE_WEB_WORKERS is malformed"),
    }
    for name, (value, message) in cases.items():
        result = confide("serve", check=False, env={name: value})
        assert result.returncode == 2, name
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(f"confide: {message}")


def test_a_missing_setting_is_named() -> None:
    result = confide("serve", check=False, env={"CONFIDE_SECRET_KEY": ""})
    assert result.returncode == 2
    assert result.stderr.strip().startswith("confide: CONFIDE_SECRET_KEY is not set")
    result = confide("migrate", check=False, env={"DATABASE_URL": ""})
    assert result.stderr.strip().startswith("confide: DATABASE_URL is not set")


def test_an_owner_that_bypasses_row_level_security_is_refused(database: Any) -> None:
    from tests.helpers.environment import ADMIN_URL, DATABASE, role_url

    superuser = role_url(ADMIN_URL, ADMIN_URL.split("://", 1)[1].split("@", 1)[0], DATABASE)
    for command in (("tenants", "list"), ("audit", "verify"), ("operators", "disable", "x@y.z")):
        refused = confide(*command, check=False, env={"DATABASE_URL": superuser})
        assert refused.returncode == 2, command
        assert "bypasses row-level security" in refused.stderr, command
