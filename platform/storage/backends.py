"""Where sealed objects are kept: a folder, or an S3-compatible bucket (boto3).

Blocking calls: the services run them in a thread. Names are ``<tenant id>/<object id>``,
ids only, so a listing of the folder or the bucket tells nothing about anyone.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from confide.platform.core.settings import StorageSettings, get_settings

_NAME = re.compile(
    r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$"
)
READ_CHUNK = 1 << 20


class ObjectMissing(LookupError):
    """No object has that name (erased, or never stored)."""


def check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ValueError("an object's name is <tenant uuid>/<object uuid>")
    return name


class ObjectStore(Protocol):
    """One place objects are kept. ``put`` is all or nothing: a failed put leaves no
    object, nor a part of one, under the name."""

    def put(self, name: str, chunks: Iterable[bytes]) -> int:
        """Store the bytes under ``name`` (replacing any there): how many were stored."""
        ...

    def get(self, name: str) -> Iterator[bytes]:
        """The object's bytes in pieces; ``ObjectMissing`` if there is none."""
        ...

    def delete(self, name: str) -> None:
        """Remove the object; nothing if there is none."""
        ...

    def exists(self, name: str) -> bool: ...


class FolderStore:
    """Objects as files under ``root``, written to a temporary file and renamed into
    place, so a reader never sees half of one."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, name: str) -> Path:
        return self.root / check_name(name)

    def put(self, name: str, chunks: Iterable[bytes]) -> int:
        path = self._path(name)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        size = 0
        try:
            with os.fdopen(descriptor, "wb") as file:
                for chunk in chunks:
                    file.write(chunk)
                    size += len(chunk)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return size

    def get(self, name: str) -> Iterator[bytes]:
        try:
            file = self._path(name).open("rb")
        except FileNotFoundError:
            # ``from None``: not an outage, though a FileNotFoundError is an OSError as a
            # server's refusal is (``core/outages.outage_of`` stops there).
            raise ObjectMissing(name) from None
        return _read(file)

    def delete(self, name: str) -> None:
        self._path(name).unlink(missing_ok=True)

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()


def _read(file: Any) -> Iterator[bytes]:
    with file:
        while chunk := file.read(READ_CHUNK):
            yield chunk


class S3Store:
    """Objects in a bucket of an S3-compatible server, through boto3. A put of more than
    8 MB goes as a multipart upload, which the server assembles only when it completes
    (boto3 aborts it on failure), so a failed put leaves nothing under the name."""

    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str = "us-east-1",
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
    ) -> None:
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                retries={"max_attempts": 3, "mode": "standard"},
                connect_timeout=5,
                read_timeout=60,
                # Checksums only when the operation requires one: S3-compatible servers
                # differ in which of the newer ones they accept.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )

    def _key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def put(self, name: str, chunks: Iterable[bytes]) -> int:
        # A spooled file: small objects stay in memory, large ones go to a temporary file,
        # and boto3 reads it in parts for a multipart upload.
        with tempfile.SpooledTemporaryFile(max_size=8 << 20) as spool:
            size = 0
            for chunk in chunks:
                spool.write(chunk)
                size += len(chunk)
            spool.seek(0)
            self.client.upload_fileobj(spool, self.bucket, self._key(name))
        return size

    def get(self, name: str) -> Iterator[bytes]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(name))
        except self.client.exceptions.NoSuchKey:
            raise ObjectMissing(name) from None
        return _body(response["Body"])

    def delete(self, name: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(name))

    def exists(self, name: str) -> bool:
        from botocore.exceptions import ClientError

        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True


def _body(body: Any) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(READ_CHUNK)
    finally:
        body.close()


def store_for(settings: StorageSettings, data_dir: Path) -> ObjectStore:
    """The store the settings describe."""
    if settings.backend == "s3":
        return S3Store(
            settings.s3_bucket,
            prefix=settings.s3_prefix,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=settings.s3_secret_access_key,
        )
    return FolderStore(settings.folder or data_dir / "files")


@cache
def _configured(settings_id: int) -> ObjectStore:
    settings = get_settings()
    return store_for(settings.storage, settings.core.data_dir)


def configured_store() -> ObjectStore:
    """The process's store, from the current settings (made again after a reload)."""
    return _configured(id(get_settings()))
