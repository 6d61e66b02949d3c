"""A full evidence disk: 507 in the error shape with a bilingual message, no evidence
row, no partial object or staging file, the answer unchanged."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core import uploads
from siaga.core.storage import LocalStorage
from siaga.models import EvidenceBlob, EvidenceFile, ImportBatch
from tests.evidence import files
from tests.evidence.conftest import Headers, World, create_draft, stored_files, upload
from tests.helpers import assert_error

MIB = 1024 * 1024


def _disk_full() -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


async def _assert_nothing_kept(
    client: httpx.AsyncClient,
    session: AsyncSession,
    storage: LocalStorage,
    world: World,
    headers: Headers,
    etag: str,
) -> None:
    answer = await client.get(world.answer_url(), headers=headers)
    assert answer.status_code == 200
    assert answer.headers["etag"] == etag
    assert answer.json()["evidence"] == []
    assert await session.scalar(select(func.count()).select_from(EvidenceFile)) == 0
    assert await session.scalar(select(func.count()).select_from(EvidenceBlob)) == 0
    assert stored_files(storage) == []


def _assert_disk_full_error(response: httpx.Response) -> None:
    error = assert_error(response, 507, "insufficient_storage")
    # Indonesian first, English in brackets, like every message of the API.
    assert "Penyimpanan berkas bukti penuh" in error["message"]
    assert "evidence storage is full" in error["message"]


async def test_disk_fills_while_the_upload_arrives(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    storage: LocalStorage,
    world: World,
    operator_headers: Headers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    etag = await create_draft(anon_client, world, operator_headers)
    real_write = uploads._write
    written = 0

    def write_until_full(handle: BinaryIO, chunks: list[bytes]) -> None:
        nonlocal written
        for chunk in chunks:
            if written + len(chunk) > MIB:
                # Part of the chunk fits, then the device is full, as write(2) does it.
                handle.write(chunk[: MIB - written])
                handle.flush()
                written = MIB
                raise _disk_full()
            real_write(handle, [chunk])
            written += len(chunk)

    monkeypatch.setattr(uploads, "_write", write_until_full)
    content = files.pdf("full") + b"x" * (3 * MIB)
    response = await upload(anon_client, world.upload_url(), operator_headers, content)

    _assert_disk_full_error(response)
    assert written == MIB  # the failure came in the middle of the file
    await _assert_nothing_kept(anon_client, session, storage, world, operator_headers, etag)


async def test_disk_fills_while_the_object_is_stored(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    storage: LocalStorage,
    world: World,
    operator_headers: Headers,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Staging on another device: the object is copied, and the copy runs out of room."""
    etag = await create_draft(anon_client, world, operator_headers)
    real_replace = os.replace
    partial: list[Path] = []

    def replace(src: Any, dst: Any) -> None:
        if Path(src).is_relative_to(storage.staging_dir):
            raise OSError(errno.EXDEV, os.strerror(errno.EXDEV))
        real_replace(src, dst)

    def copy_until_full(src: BinaryIO, dst: BinaryIO, length: int = 0) -> None:
        dst.write(src.read(64 * 1024))
        dst.flush()
        partial.append(Path(str(getattr(dst, "name", ""))))
        raise _disk_full()

    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(shutil, "copyfileobj", copy_until_full)
    content = files.pdf("copy") + b"x" * MIB
    response = await upload(anon_client, world.upload_url(), operator_headers, content)
    monkeypatch.undo()

    _assert_disk_full_error(response)
    assert partial, "the object was never being copied"
    await _assert_nothing_kept(anon_client, session, storage, world, operator_headers, etag)
    assert not storage.staging_dir.exists() or list(storage.staging_dir.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 1 MiB file system (tmpfs); needs root and a kernel that allows mounting."""
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("mounting a tmpfs needs root")
    mountpoint = tmp_path / "tiny"
    mountpoint.mkdir()
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [mount, "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mountpoint)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    try:
        yield mountpoint
    finally:
        subprocess.run([umount, "-l", str(mountpoint)], check=False)  # noqa: S603


async def test_real_full_disk(
    app: FastAPI,
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    operator_headers: Headers,
    tiny_disk: Path,
) -> None:
    storage = LocalStorage(tiny_disk / "evidence")
    app.state.evidence_storage = storage
    etag = await create_draft(anon_client, world, operator_headers)

    too_big = files.pdf("too big") + b"x" * (2 * MIB)
    response = await upload(anon_client, world.upload_url(), operator_headers, too_big)

    _assert_disk_full_error(response)
    await _assert_nothing_kept(anon_client, session, storage, world, operator_headers, etag)
    assert list(storage.staging_dir.iterdir()) == []
    # The space the failed upload took is free again: a file that fits is stored.
    fits = files.pdf("fits") + b"x" * (256 * 1024)
    response = await upload(anon_client, world.upload_url(), operator_headers, fits)
    assert response.status_code == 201, response.text
    assert len(stored_files(storage)) == 1


async def test_full_staging_disk_refuses_an_import_cleanly(
    client: httpx.AsyncClient,
    session: AsyncSession,
    storage: LocalStorage,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Imports stage their file in the same place; a full disk is a 507 there too."""

    def full(handle: BinaryIO, chunks: list[bytes]) -> None:
        raise _disk_full()

    monkeypatch.setattr(uploads, "_write", full)
    content = b"code,name,level,parent\n91,Provinsi Uji,province,\n"
    response = await client.post(
        "/api/v1/imports",
        params={"kind": "regions", "dry_run": "false"},
        files={"file": ("wilayah.csv", content, "text/csv")},
    )
    error = assert_error(response, 507, "insufficient_storage")
    assert "penuh" in error["message"] and "full" in error["message"]
    assert await session.scalar(select(func.count()).select_from(ImportBatch)) == 0
    assert list(storage.staging_dir.iterdir()) == []
