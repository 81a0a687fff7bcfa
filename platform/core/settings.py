"""Every setting Confide reads, from the environment only, behind one ``get_settings()``.

One typed object per concern. A missing or malformed value raises
``SettingsError`` whose message is a single line naming the variable, so the
command line can stop start-up with exactly that line.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal, TypeVar
from urllib.parse import quote, urlsplit, urlunsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_S = TypeVar("_S", bound=BaseSettings)


class SettingsError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def _check_postgres_url(value: str | None) -> str | None:
    if value is None or value == "":
        return None
    parts = urlsplit(value)
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError("must be a postgresql:// URL")
    return value


class DatabaseSettings(BaseSettings):
    """PostgreSQL: the owner connection for migrations, the application role for everything else."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_", extra="ignore", env_ignore_empty=True)

    url: str | None = Field(default=None, description="owner role: migrations and provisioning")
    app_url: str | None = Field(default=None, description="application role; derived if unset")
    app_role: str = Field(default="confide_app", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    app_password: str | None = None
    pool_max_size: int = Field(default=10, ge=1, le=200)
    # Outages and overload answer 503 at once instead of hanging (core/db.py).
    acquire_timeout: float = Field(
        default=3, gt=0, le=120, description="seconds a request waits for a pool connection"
    )
    pool_queue: int = Field(
        default=40, ge=0, le=10_000, description="requests that may wait for a connection at once"
    )
    statement_timeout: float = Field(
        default=5, gt=0, le=3600, description="seconds, enforced by PostgreSQL per statement"
    )
    command_timeout: float = Field(
        default=6, gt=0, le=3600, description="seconds the client waits for any one reply"
    )
    pool_stuck_after: float = Field(
        default=60, gt=0, le=3600, description="/healthz fails when every connection is held longer"
    )

    _check_urls = field_validator("url", "app_url")(_check_postgres_url)

    def require_owner_url(self) -> str:
        if not self.url:
            raise SettingsError(
                "DATABASE_URL is not set: the PostgreSQL owner connection is needed"
            )
        return self.url

    def application_url(self) -> str:
        """The application role's URL: ``DATABASE_APP_URL``, else ``DATABASE_URL`` as that role."""
        if self.app_url:
            return self.app_url
        parts = urlsplit(self.require_owner_url())
        host = parts.netloc.rpartition("@")[2]
        user = quote(self.app_role, safe="")
        if self.app_password:
            user += ":" + quote(self.app_password, safe="")
        return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


class RedisSettings(BaseSettings):
    """Redis, the Celery broker and cache. Unset in the embedded default."""

    model_config = SettingsConfigDict(extra="ignore", env_ignore_empty=True)

    redis_url: str | None = Field(default=None, validation_alias="REDIS_URL")
    celery_broker_url: str | None = Field(default=None, validation_alias="CELERY_BROKER_URL")
    broker_folder: Path | None = Field(default=None, validation_alias="CONFIDE_BROKER_FOLDER")
    key_prefix: str = Field(
        default="", validation_alias="CONFIDE_REDIS_PREFIX", pattern=r"^[A-Za-z0-9:_-]{0,40}$"
    )

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in {"redis", "rediss", "unix"}:
            raise ValueError("must be a redis:// or rediss:// URL")
        return value or None

    @property
    def key_namespace(self) -> str:
        """``CONFIDE_REDIS_PREFIX`` as every key begins with it: ``sec`` gives ``sec:...``."""
        prefix = self.key_prefix
        return prefix if not prefix or prefix.endswith(":") else prefix + ":"

    def broker_url(self) -> str:
        if self.celery_broker_url:
            return self.celery_broker_url
        if self.redis_url:
            return self.redis_url
        raise SettingsError(
            "REDIS_URL is not set: the Celery broker needs it (or CELERY_BROKER_URL)"
        )


class WebSettings(BaseSettings):
    """The web process."""

    model_config = SettingsConfigDict(env_prefix="CONFIDE_", extra="ignore", env_ignore_empty=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    base_domain: str | None = Field(
        default=None, description="tenants also resolve as <slug>.<base_domain>"
    )
    trusted_proxies: str = Field(default="127.0.0.1", description="for X-Forwarded-Proto")
    web_workers: Annotated[int, Field(ge=1, le=64)] | Literal["auto"] = Field(
        default=1, description="web processes for serve; auto: one per core"
    )
    secure_cookies: bool = Field(
        default=True, description="mark cookies Secure; only plain-HTTP local runs turn it off"
    )
    signin_limit_per_address: int = Field(default=30, ge=1, description="per 5 minutes")
    signin_limit_per_tenant: int = Field(default=600, ge=1, description="per 5 minutes")
    operator_signin_limit_per_address: int = Field(
        default=10, ge=1, description="operator sign-in attempts per 5 minutes"
    )
    demo: bool = Field(
        default=False, description="a demo instance (confide run): / links the demo services"
    )
    body_timeout: float = Field(
        default=20, gt=0, le=600, description="seconds a client may take to send a body (408)"
    )
    upload_inspections: int | None = Field(
        default=None,
        ge=1,
        le=200,
        description="uploads one web process sniffs and scans at once before their"
        " transactions (the rest wait); unset: DATABASE_POOL_MAX_SIZE, the bound a scan"
        " inside the transaction had",
    )


class TaskSettings(BaseSettings):
    """Celery tasks: retries on outages, and when Redis hands an unacknowledged task on."""

    model_config = SettingsConfigDict(
        env_prefix="CONFIDE_TASK_", extra="ignore", env_ignore_empty=True
    )

    visibility_timeout: int = Field(
        default=600,
        ge=2,
        le=86_400,
        description="seconds before Redis gives a task a dead worker took to another worker;"
        " longer than the longest task",
    )
    max_retries: int = Field(default=10, ge=0, le=100, description="retries after an outage")
    retry_backoff_max: int = Field(
        default=120, ge=1, description="longest wait between retries, seconds"
    )

    @field_validator("retry_backoff_max")
    @classmethod
    def _backoff_within_visibility(cls, value: int, info: ValidationInfo) -> int:
        # A retry waits in the worker unacknowledged: past the timeout Redis would redeliver it.
        if value >= info.data.get("visibility_timeout", 0):
            raise ValueError("must be shorter than CONFIDE_TASK_VISIBILITY_TIMEOUT")
        return value


class CoreSettings(BaseSettings):
    """Process-wide settings."""

    model_config = SettingsConfigDict(env_prefix="CONFIDE_", extra="ignore", env_ignore_empty=True)

    secret_key: str | None = Field(default=None, min_length=32)
    encryption_keys: str | None = Field(
        default=None,
        repr=False,
        description="comma-separated Fernet keys: the first encrypts, all decrypt (crypto.py)",
    )
    data_dir: Path = Path(".confide")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    heartbeat_minutes: int = Field(default=15, ge=1, le=1440)
    audit_checkpoint_key: str | None = Field(
        default=None,
        repr=False,
        description="comma-separated Ed25519 keys: the first signs, all verify (audit/signing.py)",
    )
    audit_checkpoint_minutes: int = Field(default=15, ge=1, le=1440)

    def require_secret_key(self) -> str:
        if not self.secret_key:
            raise SettingsError(
                "CONFIDE_SECRET_KEY is not set: give it 32 or more random characters"
            )
        return self.secret_key


class StorageSettings(BaseSettings):
    """Where files (documents, exports) are kept: a folder under the data folder (the
    embedded default) or an S3-compatible bucket. Either way every object is encrypted
    before it leaves the process (``platform/storage``)."""

    model_config = SettingsConfigDict(
        env_prefix="CONFIDE_STORAGE_", extra="ignore", env_ignore_empty=True
    )

    backend: Literal["folder", "s3"] = Field(default="folder", description="folder or s3")
    folder: Path | None = Field(default=None, description="default: <CONFIDE_DATA_DIR>/files")
    s3_endpoint_url: str | None = Field(default=None, description="unset: the AWS default")
    s3_bucket: str = Field(default="confide", pattern=r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
    s3_region: str = Field(default="us-east-1", pattern=r"^[a-z0-9-]{1,40}$")
    s3_access_key_id: str | None = Field(default=None, repr=False)
    s3_secret_access_key: str | None = Field(default=None, repr=False)
    s3_prefix: str = Field(default="", pattern=r"^([a-z0-9][a-z0-9_-]{0,40}/)?$")
    clamd_address: str | None = Field(
        default=None,
        description="host:port of a ClamAV daemon scanning uploads (INSTREAM); unset: off",
        pattern=r"^[A-Za-z0-9.-]+:[0-9]{1,5}$",
    )
    clamd_timeout: float = Field(default=30, gt=0, le=600, description="seconds per scan")

    @field_validator("s3_endpoint_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in {"http", "https"}:
            raise ValueError("must be an http:// or https:// URL")
        return value or None


class StatisticsSettings(BaseSettings):
    """The annual return (rule 12): how large a period is made in the manager's request."""

    model_config = SettingsConfigDict(
        env_prefix="CONFIDE_STATISTICS_", extra="ignore", env_ignore_empty=True
    )

    inline_cases: int = Field(
        default=20_000,
        ge=0,
        description="a period with more cases than this (kept and erased) is released by the"
        " export worker, with progress, instead of in the manager's request",
    )


class Settings:
    """All settings, one object per concern."""

    def __init__(self) -> None:
        self.core = _load(CoreSettings, "CONFIDE_")
        self.database = _load(DatabaseSettings, "DATABASE_")
        self.redis = _load(RedisSettings, "")
        self.web = _load(WebSettings, "CONFIDE_")
        self.tasks = _load(TaskSettings, "CONFIDE_TASK_")
        self.storage = _load(StorageSettings, "CONFIDE_STORAGE_")
        self.statistics = _load(StatisticsSettings, "CONFIDE_STATISTICS_")


def _load(kind: type[_S], prefix: str) -> _S:
    try:
        return kind()
    except ValidationError as error:
        first = error.errors()[0]
        field = str(first["loc"][0]) if first["loc"] else "?"
        name = field.upper() if field.isupper() or not prefix else prefix + field.upper()
        raise SettingsError(f"{name} is malformed: {first['msg']}") from None


@cache
def get_settings() -> Settings:
    """The settings of this process, read once from the environment."""
    return Settings()


def reload_settings() -> Settings:
    """Forget the cached settings (after the embedded launcher set its variables)."""
    get_settings.cache_clear()
    return get_settings()
