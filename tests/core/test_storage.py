"""Both storage backends behave alike: local directory, and S3 (moto's server)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from siaga.core.storage import (
    LocalStorage,
    ObjectMissing,
    S3Storage,
    Storage,
    get_storage,
    key_for_sha256,
)
from siaga.core.types import utcnow
from tests.evidence.s3 import moto_server, new_bucket, s3_client, s3_settings, s3_storage
from tests.fixtures.client import settings_for

KEY = key_for_sha256("ab" * 32)


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(params=["local", "s3"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "objects")
    endpoint: str = request.getfixturevalue("moto_endpoint")
    return s3_storage(endpoint, new_bucket(endpoint), tmp_path / "staging", prefix="deploy-a")


def _staged(storage: Storage, data: bytes) -> Path:
    storage.staging_dir.mkdir(parents=True, exist_ok=True)
    path = storage.staging_dir / "upload-test"
    path.write_bytes(data)
    return path


class TestBothBackends:
    def test_put_file_then_read_in_chunks(self, storage: Storage) -> None:
        data = os.urandom(200_000)
        path = _staged(storage, data)
        storage.put_file(KEY, path)
        assert not path.exists()
        assert storage.exists(KEY)
        chunks = list(storage.open_chunks(KEY, chunk_size=64 * 1024))
        assert b"".join(chunks) == data
        assert len(chunks) > 1
        assert storage.read_bytes(KEY) == data

    def test_put_bytes_and_delete(self, storage: Storage) -> None:
        storage.put_bytes(KEY, b"%PDF-1.4 isi")
        assert storage.read_bytes(KEY) == b"%PDF-1.4 isi"
        storage.delete(KEY)
        assert not storage.exists(KEY)
        storage.delete(KEY)  # deleting twice is not an error

    def test_missing_object_raises_when_opened(self, storage: Storage) -> None:
        assert not storage.exists(KEY)
        with pytest.raises(ObjectMissing):
            storage.open_chunks(KEY)
        with pytest.raises(ObjectMissing):
            storage.read_bytes(KEY)

    def test_same_key_twice_keeps_one_object(self, storage: Storage) -> None:
        storage.put_file(KEY, _staged(storage, b"same"))
        storage.put_file(KEY, _staged(storage, b"same"))
        assert storage.read_bytes(KEY) == b"same"
        assert list(storage.list_keys(utcnow() + timedelta(minutes=5))) == [KEY]

    def test_list_keys_only_older_than(self, storage: Storage) -> None:
        storage.put_bytes(KEY, b"x")
        assert list(storage.list_keys(utcnow() - timedelta(hours=1))) == []
        assert list(storage.list_keys(utcnow() + timedelta(minutes=5))) == [KEY]


class TestLocal:
    def test_keys_cannot_escape_the_root(self, tmp_path: Path) -> None:
        storage = LocalStorage(tmp_path / "objects")
        for key in ("../outside", "sha256/../../outside", "/etc/passwd", "", "."):
            with pytest.raises(ValueError, match="storage key"):
                storage.put_bytes(key, b"x")
        assert not (tmp_path / "outside").exists()

    def test_symlink_out_of_the_root_is_refused(self, tmp_path: Path) -> None:
        root = tmp_path / "objects"
        root.mkdir()
        (tmp_path / "secret").write_bytes(b"secret")
        (root / "link").symlink_to(tmp_path / "secret")
        storage = LocalStorage(root)
        with pytest.raises(ValueError, match="storage key"):
            storage.read_bytes("link")

    def test_staging_is_not_an_object(self, tmp_path: Path) -> None:
        storage = LocalStorage(tmp_path / "objects")
        _staged(storage, b"in flight")
        with pytest.raises(ValueError, match="staging"):
            storage.read_bytes(".staging/upload-test")
        old = time.time() - 3600
        os.utime(storage.staging_dir / "upload-test", (old, old))
        assert list(storage.list_keys(utcnow())) == []

    def test_put_file_is_a_rename_within_the_root(self, tmp_path: Path) -> None:
        storage = LocalStorage(tmp_path / "objects")
        path = _staged(storage, b"data")
        inode = path.stat().st_ino
        storage.put_file(KEY, path)
        assert (storage.root / KEY).stat().st_ino == inode


class TestS3:
    def test_prefix_keeps_deployments_apart(self, moto_endpoint: str, tmp_path: Path) -> None:
        bucket = new_bucket(moto_endpoint)
        a = s3_storage(moto_endpoint, bucket, tmp_path, prefix="a/")
        b = s3_storage(moto_endpoint, bucket, tmp_path, prefix="b")
        a.put_bytes(KEY, b"from a")
        assert not b.exists(KEY)
        listed = s3_client(moto_endpoint).list_objects_v2(Bucket=bucket)["Contents"]
        assert [item["Key"] for item in listed] == [f"a/{KEY}"]
        assert list(a.list_keys(utcnow() + timedelta(minutes=5))) == [KEY]

    def test_staging_dir_is_local_under_storage_dir(
        self, moto_endpoint: str, tmp_path: Path
    ) -> None:
        storage = get_storage(s3_settings(moto_endpoint, "any", tmp_path))
        assert isinstance(storage, S3Storage)
        assert storage.staging_dir == tmp_path / ".staging"


class TestFactory:
    def test_local_is_the_default(self, tmp_path: Path) -> None:
        storage = get_storage(settings_for("sqlite:///unused.db", storage_dir=tmp_path))
        assert isinstance(storage, LocalStorage)
        assert storage.root == tmp_path.resolve()

    def test_s3_needs_a_bucket(self) -> None:
        with pytest.raises(ValueError, match="SIAGA_S3_BUCKET"):
            settings_for("sqlite:///unused.db", storage_backend="s3")
