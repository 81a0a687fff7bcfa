"""Server-side state (sessions, pending sign-ins, rate limits) on both of its backends:
Redis, as in production and the rest of the suite, and the folder of the embedded default."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers.environment import REDIS_URL

# Every namespace the code keeps state in.
NAMESPACES = (
    "sessions",
    "sign-in",
    "operator-sessions",
    "limits-signin-address",
    "limits-signin-tenant",
    "limits-operator-signin",
)


def _fresh_root() -> None:
    from confide.platform.core import stores

    stores._root_store.cache_clear()


@pytest.fixture(params=["folder", "redis"])
def backend(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """``store()`` as it is set up without ``REDIS_URL`` (a folder) and with it (Redis)."""
    from confide.platform.core.settings import get_settings

    settings = get_settings()
    if request.param == "folder":
        monkeypatch.setattr(settings.redis, "redis_url", None)
        monkeypatch.setattr(settings.core, "data_dir", tmp_path / "data")
    _fresh_root()
    yield request.param
    _fresh_root()


async def test_every_namespace_keeps_values_on_both_backends(backend: str) -> None:
    from confide.platform.core.stores import RateLimiter, store

    for namespace in NAMESPACES:
        kept = store(namespace)
        key = f"key:{secrets.token_hex(4)}"
        await kept.set(key, "value", expires_in=60)
        assert await kept.get(key) == b"value", namespace
        await kept.delete(key)
        assert await kept.get(key) is None, namespace
    limiter = RateLimiter("signin-address", limit=2, window=60)
    address = secrets.token_hex(4)
    assert [await limiter.hit(address) for _ in range(3)] == [True, True, False]


async def test_namespaces_keep_apart_on_both_backends(backend: str) -> None:
    from confide.platform.core.stores import store

    await store("sign-in").set("shared-key", "pending", expires_in=60)
    for other in ("sessions", "operator-sessions", "limits-signin-address"):
        assert await store(other).get("shared-key") is None
    await store("sign-in").delete("shared-key")


def test_a_namespace_no_backend_could_take_is_refused_everywhere() -> None:
    from confide.platform.core.stores import store, store_name

    assert store_name("limits-signin-address") == "limitsSigninAddress"
    for bad in ("Sign-in", "sign_in", "sign--in", "-sign", "sign-", "sign in", "", "a-1"):
        with pytest.raises(ValueError, match="store namespace"):
            store(bad)


async def test_redis_keys_begin_with_the_prefix_and_a_separator(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import redis.asyncio

    from confide.platform.core.settings import get_settings
    from confide.platform.core.stores import store
    from confide.workers.celery_app import create_celery

    prefix = f"sec{secrets.token_hex(4)}"
    settings = get_settings()
    monkeypatch.setattr(settings.redis, "key_prefix", prefix)
    _fresh_root()
    client = redis.asyncio.Redis.from_url(REDIS_URL)
    try:
        await store("sessions").set("k", "v", expires_in=60)
        keys = [key.decode() async for key in client.scan_iter(match=f"{prefix}*")]
        assert keys == [f"{prefix}:confide_sessions:k"]
        await client.delete(*keys)
    finally:
        await client.aclose()
        _fresh_root()
    options = create_celery(settings).conf.broker_transport_options
    assert options["global_keyprefix"] == f"{prefix}:"
    monkeypatch.setattr(settings.redis, "key_prefix", "already:")
    assert create_celery(settings).conf.broker_transport_options["global_keyprefix"] == "already:"
