"""Where evidence file contents live. Keys are generated, never taken from user input.

Two backends behind one interface: a local directory (one machine) and S3-compatible
object storage (several API replicas). Every method blocks; async callers run them in
a thread.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from siaga.core.settings import Settings

if TYPE_CHECKING:
    from botocore.response import StreamingBody
    from mypy_boto3_s3 import S3Client

CHUNK_SIZE = 64 * 1024
STAGING_DIR_NAME = ".staging"
_TMP_PREFIX = ".tmp-"


class ObjectMissing(LookupError):
    """The key has no stored object (deleted, or lost outside the application)."""


class Storage(Protocol):
    # Local directory where uploads are written while they arrive, before they are
    # stored under their key; on the same file system as the objects for LocalStorage,
    # so storing is a rename.
    staging_dir: Path

    def put_bytes(self, key: str, data: bytes) -> None: ...

    def put_file(self, key: str, path: Path) -> None:
        """Store a finished file under `key`; the file at `path` is gone afterwards."""
        ...

    def read_bytes(self, key: str) -> bytes: ...

    def open_chunks(self, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        """The object's bytes in chunks; raises ObjectMissing now, not when iterated."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...

    def list_keys(self, older_than: datetime) -> Iterator[str]:
        """Keys of objects last written before `older_than` (for garbage collection)."""
        ...


def key_for_sha256(sha256: str) -> str:
    # Content-addressed: the same file uploaded twice maps to one object; two-level
    # fan-out keeps directories small on local disks.
    return f"sha256/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def _file_chunks(handle: BinaryIO, chunk_size: int) -> Iterator[bytes]:
    with handle:
        while chunk := handle.read(chunk_size):
            yield chunk


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.staging_dir = self.root / STAGING_DIR_NAME

    def _path(self, key: str) -> Path:
        # resolve() follows symbolic links, so a link planted inside the root that points
        # outside it is refused too.
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root) or path == self.root:
            raise ValueError("storage key escapes the storage directory")
        if path.is_relative_to(self.staging_dir):
            raise ValueError("storage key points into the staging directory")
        return path

    def put_bytes(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a half-written object under its key.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=_TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
        try:
            # Atomic: readers see the whole object or none; a concurrent upload of the
            # same content replaces it with identical bytes.
            os.replace(path, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            self._copy_across_devices(path, target)

    def _copy_across_devices(self, path: Path, target: Path) -> None:
        # A staging directory mounted elsewhere: copy next to the target, then rename.
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=_TMP_PREFIX)
        try:
            with os.fdopen(fd, "wb") as out, path.open("rb") as src:
                shutil.copyfileobj(src, out, CHUNK_SIZE)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        path.unlink(missing_ok=True)

    def read_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc

    def open_chunks(self, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        try:
            handle = self._path(key).open("rb")
        except FileNotFoundError as exc:
            raise ObjectMissing(key) from exc
        return _file_chunks(handle, chunk_size)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def list_keys(self, older_than: datetime) -> Iterator[str]:
        cutoff = older_than.timestamp()
        for directory, dirnames, filenames in os.walk(self.root):
            here = Path(directory)
            if here == self.root:
                # Uploads in progress live here; they are not objects.
                dirnames[:] = [d for d in dirnames if d != STAGING_DIR_NAME]
            for name in filenames:
                path = here / name
                try:
                    modified = path.stat().st_mtime
                except FileNotFoundError:
                    continue
                if modified < cutoff:
                    # Half-written temporaries of put_bytes are listed too: a live
                    # write is never as old as the cutoff, so these are crash leftovers.
                    yield path.relative_to(self.root).as_posix()


class S3Storage:
    def __init__(self, client: S3Client, bucket: str, prefix: str, staging_dir: Path) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.staging_dir = staging_dir

    def _key(self, key: str) -> str:
        return self.prefix + key

    def put_bytes(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_file(self, key: str, path: Path) -> None:
        # upload_file switches to a multipart upload for large files and aborts it on
        # failure, so no partial object becomes visible under the key.
        self.client.upload_file(str(path), self.bucket, self._key(key))
        path.unlink(missing_ok=True)

    def _get_body(self, key: str) -> StreamingBody:
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"NoSuchKey", "404"}:
                raise ObjectMissing(key) from exc
            raise

    def read_bytes(self, key: str) -> bytes:
        body = self._get_body(key)
        with body:
            return body.read()

    def open_chunks(self, key: str, chunk_size: int = CHUNK_SIZE) -> Iterator[bytes]:
        body = self._get_body(key)

        def chunks() -> Iterator[bytes]:
            with body:
                yield from body.iter_chunks(chunk_size)

        return chunks()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def list_keys(self, older_than: datetime) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                key, modified = item.get("Key"), item.get("LastModified")
                if key is None or modified is None:
                    continue
                if modified.astimezone(UTC) < older_than.astimezone(UTC):
                    yield key[len(self.prefix) :]


def get_storage(settings: Settings) -> Storage:
    """The backend the settings choose; build once per process and reuse (clients pool)."""
    if settings.storage_backend == "s3":
        secret = settings.s3_secret_access_key
        client = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url or None,
            region_name=settings.s3_region,
            aws_access_key_id=settings.s3_access_key_id or None,
            aws_secret_access_key=secret.get_secret_value() if secret else None,
            # Self-hosted servers (MinIO) address buckets by path, not by host name.
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path" if settings.s3_endpoint_url else "auto"},
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )
        return S3Storage(
            client,
            settings.s3_bucket,
            settings.s3_prefix,
            settings.storage_dir / STAGING_DIR_NAME,
        )
    return LocalStorage(settings.storage_dir)
