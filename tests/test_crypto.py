"""Secrets at rest: round trip, rotation, tamper detection, and the key setting's errors."""

from __future__ import annotations

import base64
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet

from confide.platform.core.crypto import DecryptionError, SecretBox, derived_key, secret_box
from confide.platform.core.settings import SettingsError, reload_settings

SECRET = "client-secret-Jasmine-0123456789"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Change settings for one test, then put the session's settings back."""
    yield monkeypatch
    monkeypatch.undo()
    reload_settings()


def _box(*keys: str) -> SecretBox:
    return SecretBox([Fernet(key) for key in keys])


def test_round_trip_and_the_plaintext_is_not_in_the_token() -> None:
    box = _box(Fernet.generate_key().decode())
    token = box.encrypt(SECRET)
    assert box.decrypt(token) == SECRET
    assert SECRET not in token
    assert SECRET.encode() not in base64.urlsafe_b64decode(token)
    assert box.encrypt(SECRET) != token, "each encryption is fresh"


def test_the_box_from_settings_derives_a_key_from_the_secret_key(
    env: pytest.MonkeyPatch,
) -> None:
    env.delenv("CONFIDE_ENCRYPTION_KEYS", raising=False)
    env.setenv("CONFIDE_SECRET_KEY", "s" * 40)
    reload_settings()
    token = secret_box().encrypt(SECRET)
    assert _box(derived_key("s" * 40)).decrypt(token) == SECRET
    env.setenv("CONFIDE_SECRET_KEY", "t" * 40)
    reload_settings()
    with pytest.raises(DecryptionError):
        secret_box().decrypt(token)


def test_rotation_old_tokens_still_read_and_rotate_moves_them_to_the_new_key(
    env: pytest.MonkeyPatch,
) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    env.setenv("CONFIDE_ENCRYPTION_KEYS", old)
    reload_settings()
    token = secret_box().encrypt(SECRET)

    env.setenv("CONFIDE_ENCRYPTION_KEYS", f"{new}, {old}")
    reload_settings()
    box = secret_box()
    assert box.decrypt(token) == SECRET
    rotated = box.rotate(token)
    assert _box(new).decrypt(rotated) == SECRET
    with pytest.raises(DecryptionError):
        _box(old).decrypt(rotated)
    with pytest.raises(DecryptionError):
        _box(new).decrypt(token)
    assert _box(new).decrypt(box.encrypt(SECRET)) == SECRET, "the first key encrypts"


@pytest.mark.parametrize("where", [0, 20, 60, -5])
def test_a_changed_token_is_refused(where: int) -> None:
    box = _box(Fernet.generate_key().decode())
    token = box.encrypt(SECRET)
    changed = token[:where] + ("A" if token[where] != "A" else "B") + token[where + 1 :]
    with pytest.raises(DecryptionError):
        box.decrypt(changed)
    with pytest.raises(DecryptionError):
        box.rotate(changed)


@pytest.mark.parametrize("token", ["", "not a token", "ünïcode", "gAAAAA"])
def test_garbage_is_refused(token: str) -> None:
    with pytest.raises(DecryptionError):
        _box(Fernet.generate_key().decode()).decrypt(token)


@pytest.mark.parametrize(
    ("value", "position"),
    [("not-a-key", "key 1 of 1"), ("{good},short", "key 2 of 2"), ("{good},,{good}", "key 2 of 3")],
)
def test_a_malformed_key_setting_is_one_line_naming_it(
    env: pytest.MonkeyPatch, value: str, position: str
) -> None:
    good = Fernet.generate_key().decode()
    env.setenv("CONFIDE_ENCRYPTION_KEYS", value.format(good=good))
    reload_settings()
    with pytest.raises(SettingsError) as raised:
        secret_box()
    message = str(raised.value)
    assert message.startswith("CONFIDE_ENCRYPTION_KEYS is malformed: " + position)
    assert "\n" not in message
    assert good not in message, "a key must never be quoted"


def test_no_keys_and_no_secret_key_is_named(env: pytest.MonkeyPatch) -> None:
    env.delenv("CONFIDE_ENCRYPTION_KEYS", raising=False)
    env.delenv("CONFIDE_SECRET_KEY", raising=False)
    reload_settings()
    with pytest.raises(SettingsError, match=r"^CONFIDE_ENCRYPTION_KEYS is not set"):
        secret_box()
