"""Failure clean-up, garbage collection, and the S3 backend end to end."""

from __future__ import annotations

import hashlib
import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.storage import LocalStorage, S3Storage, key_for_sha256
from siaga.evidence import service
from siaga.evidence.files import remove_orphan_object
from siaga.models import EvidenceBlob, EvidenceFile
from siaga.submissions import service as answers
from tests.evidence import files
from tests.evidence.conftest import (
    Headers,
    World,
    create_draft,
    staging_files,
    stored_files,
    upload,
)
from tests.evidence.s3 import ACCESS_KEY, REGION, SECRET_KEY, new_bucket, s3_client


def _age(path: Path, seconds: float) -> None:
    past = time.time() - seconds
    os.utime(path, (past, past))


class TestFailedUpload:
    async def test_failure_after_storing_removes_the_new_object(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        etag = await create_draft(anon_client, world, operator_headers)

        async def broken(*_args: Any, **_kwargs: Any) -> None:
            raise RuntimeError("database went away")

        monkeypatch.setattr(answers, "record_evidence_change", broken)
        with pytest.raises(RuntimeError, match="database went away"):
            await upload(anon_client, world.upload_url(), operator_headers, files.pdf("fail"))
        monkeypatch.undo()

        assert stored_files(storage) == []
        answer = await anon_client.get(world.answer_url(), headers=operator_headers)
        assert answer.headers["etag"] == etag
        assert answer.json()["evidence"] == []
        assert await session.scalar(select(func.count()).select_from(EvidenceBlob)) == 0

    async def test_failure_keeps_an_object_other_answers_use(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        await create_draft(anon_client, world, operator_headers, world.other_indicator)
        first = await upload(anon_client, world.upload_url(), operator_headers, files.pdf("s"))
        assert first.status_code == 201

        async def broken(*_args: Any, **_kwargs: Any) -> None:
            raise RuntimeError("boom")

        monkeypatch.setattr(answers, "record_evidence_change", broken)
        with pytest.raises(RuntimeError):
            await upload(
                anon_client,
                world.upload_url(world.other_indicator),
                operator_headers,
                files.pdf("s"),
            )
        monkeypatch.undo()
        assert len(stored_files(storage)) == 1
        download = await anon_client.get(first.json()["evidence"]["url"], headers=operator_headers)
        assert download.content == files.pdf("s")

    async def test_missing_object_is_restored_by_the_next_upload(
        self,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        await create_draft(anon_client, world, operator_headers, world.other_indicator)
        first = await upload(anon_client, world.upload_url(), operator_headers, files.png("r"))
        for path in stored_files(storage):
            path.unlink()
        again = await upload(
            anon_client,
            world.upload_url(world.other_indicator),
            operator_headers,
            files.png("r"),
        )
        assert again.status_code == 201
        download = await anon_client.get(first.json()["evidence"]["url"], headers=operator_headers)
        assert download.content == files.png("r")


class TestCollectGarbage:
    async def test_removes_only_old_unreferenced_objects_and_staging(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        kept = await upload(anon_client, world.upload_url(), operator_headers, files.pdf("k"))
        kept_key = key_for_sha256(kept.json()["evidence"]["sha256"])
        old_orphan = key_for_sha256("0" * 64)
        new_orphan = key_for_sha256("1" * 64)
        storage.put_bytes(old_orphan, b"crash leftover")
        storage.put_bytes(new_orphan, b"upload in flight")
        storage.staging_dir.mkdir(parents=True, exist_ok=True)
        stale = storage.staging_dir / "upload-stale"
        stale.write_bytes(b"half")
        leftover_tmp = storage.root / "sha256" / "00" / ".tmp-abc"
        leftover_tmp.write_bytes(b"half-written")
        for path in (storage.root / kept_key, storage.root / old_orphan, stale, leftover_tmp):
            _age(path, 7200)

        report = await service.collect_garbage(session, storage, older_than=timedelta(hours=1))

        assert report.objects_deleted == 2
        assert report.staging_files_deleted == 1
        assert storage.exists(kept_key)
        assert storage.exists(new_orphan)
        assert not storage.exists(old_orphan)
        assert not leftover_tmp.exists()
        assert staging_files(storage) == []

    async def test_orphan_removal_after_delete_checks_the_row_again(
        self,
        app: FastAPI,
        anon_client: httpx.AsyncClient,
        storage: LocalStorage,
        world: World,
        operator_headers: Headers,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(anon_client, world.upload_url(), operator_headers, files.pdf("o"))
        sha = response.json()["evidence"]["sha256"]
        # The row exists (as if an upload recreated it): the object must stay.
        await remove_orphan_object(app.state.sessionmaker, storage, sha, key_for_sha256(sha))
        assert storage.exists(key_for_sha256(sha))


class TestS3Backend:
    @pytest.fixture
    def s3_app(
        self, app: FastAPI, moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> str:
        """The app configured for S3 through its settings; returns the bucket."""
        bucket = new_bucket(moto_endpoint)
        settings = app.state.settings
        for name, value in {
            "storage_backend": "s3",
            "s3_bucket": bucket,
            "s3_endpoint_url": moto_endpoint,
            "s3_region": REGION,
            "s3_access_key_id": ACCESS_KEY,
            "s3_secret_access_key": SecretStr(SECRET_KEY),
            "s3_prefix": "siaga",
            "storage_dir": tmp_path / "local",
        }.items():
            monkeypatch.setattr(settings, name, value)
        # Let the dependency build the backend from the settings, as in production.
        del app.state.evidence_storage
        return bucket

    async def test_upload_download_delete_through_the_api(
        self,
        app: FastAPI,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
        moto_endpoint: str,
        s3_app: str,
        tmp_path: Path,
    ) -> None:
        client = s3_client(moto_endpoint)
        await create_draft(anon_client, world, operator_headers)
        # Over boto3's 8 MB threshold, so the object goes up as an S3 multipart upload.
        content = files.pdf("s3") + os.urandom(9 * 1024 * 1024)
        response = await upload(
            anon_client, world.upload_url(), operator_headers, content, "laporan.pdf"
        )
        assert response.status_code == 201, response.text
        assert isinstance(app.state.evidence_storage, S3Storage)
        sha = hashlib.sha256(content).hexdigest()
        key = f"siaga/{key_for_sha256(sha)}"
        stored = client.get_object(Bucket=s3_app, Key=key)["Body"].read()
        assert stored == content
        # Staged locally, then uploaded; nothing stays behind.
        assert list((tmp_path / "local" / ".staging").iterdir()) == []

        url = response.json()["evidence"]["url"]
        download = await anon_client.get(url, headers=operator_headers)
        assert download.status_code == 200
        assert download.content == content

        bad = await upload(anon_client, world.upload_url(), operator_headers, files.html())
        assert bad.status_code == 415
        listed = client.list_objects_v2(Bucket=s3_app).get("Contents", [])
        assert [item["Key"] for item in listed] == [key]

        deleted = await anon_client.delete(url, headers=operator_headers)
        assert deleted.status_code == 204
        assert client.list_objects_v2(Bucket=s3_app).get("KeyCount") == 0
        assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 0

    async def test_garbage_collection_on_s3(
        self,
        app: FastAPI,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        operator_headers: Headers,
        moto_endpoint: str,
        s3_app: str,
    ) -> None:
        await create_draft(anon_client, world, operator_headers)
        response = await upload(anon_client, world.upload_url(), operator_headers, files.pdf("g"))
        storage = app.state.evidence_storage
        orphan = key_for_sha256("f" * 64)
        storage.put_bytes(orphan, b"leftover")
        # A cutoff in the future: S3 timestamps cannot be backdated.
        report = await service.collect_garbage(session, storage, older_than=timedelta(minutes=-5))
        assert report.objects_deleted == 1
        assert not storage.exists(orphan)
        assert storage.exists(key_for_sha256(response.json()["evidence"]["sha256"]))
