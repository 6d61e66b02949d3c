"""Evidence content, whatever it is attached to: an answer (service.py) or a
recommendation's follow-up (reporting.recommendation_evidence). One set of upload rules
(streamed, size-limited, typed by content, name sanitised), one store (each content
once, content-addressed, shared), one way to serve a file and to let go of its content.
What may hold a file, and who may attach it, is the holder's business."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.concurrency import run_in_threadpool

from siaga.core.database import session_scope
from siaga.core.filetypes import (
    TYPE_BY_CONTENT_TYPE,
    FileType,
    UnsupportedFileType,
    content_disposition,
    detect_type,
    sanitize_filename,
)
from siaga.core.storage import ObjectMissing, Storage, key_for_sha256
from siaga.core.types import utcnow
from siaga.core.uploads import DISK_FULL_ERRNOS, StagedUpload, StorageFull, receive_file
from siaga.evidence import repository
from siaga.evidence.exceptions import EvidenceContentMissing, EvidenceStorageFull

logger = logging.getLogger(__name__)

# Files one answer, or one recommendation, may hold.
MAX_FILES = 20
# Files stored before content detection existed (imports, copies) may carry any type;
# they are only ever offered as a download.
_OTHER = FileType("other", "application/octet-stream", "")


@dataclass
class Incoming:
    """A received file of an accepted type, staged, not stored yet."""

    staged: StagedUpload
    file_type: FileType
    storage: Storage
    # Set once this upload wrote the stored object: removed again if the upload fails.
    stored_key: str | None = None

    @property
    def sha256(self) -> str:
        return self.staged.sha256

    @property
    def size(self) -> int:
        return self.staged.size

    @property
    def name(self) -> str:
        """The name to keep: sanitised, ending in the type's extension."""
        return sanitize_filename(self.staged.filename, self.file_type)

    async def store(self, session: AsyncSession) -> None:
        """Make sure the content is stored (its blob row and object); call once the holder
        has accepted the file, under its lock."""
        self.stored_key = await _store_blob(session, self.storage, self.staged, self.file_type)


@asynccontextmanager
async def incoming(
    storage: Storage, headers: Mapping[str, str], body: AsyncIterator[bytes], limit: int
) -> AsyncIterator[Incoming]:
    """Receive the multipart body's `file` (413 past `limit`, 422 empty or malformed,
    415 for content of no accepted type, whatever its name), then hand it to the block.

    Whatever the block raises, an object this upload stored is removed again; the
    staging file always goes.
    """
    staged = await _receive(headers, body, storage, limit)
    upload: Incoming | None = None
    try:
        file_type = await run_in_threadpool(detect_type, staged.path)
        if file_type is None:
            raise UnsupportedFileType()
        upload = Incoming(staged, file_type, storage)
        yield upload
    except BaseException:
        if upload is not None and upload.stored_key is not None:
            await _discard(storage, upload.stored_key)
        raise
    finally:
        await run_in_threadpool(_unlink, staged.path)


async def _receive(
    headers: Mapping[str, str], body: AsyncIterator[bytes], storage: Storage, limit: int
) -> StagedUpload:
    try:
        return await receive_file(headers, body, storage.staging_dir, limit)
    except StorageFull as exc:
        logger.error("evidence staging directory is full: %s", exc.__cause__)
        raise EvidenceStorageFull() from exc


async def _store_blob(
    session: AsyncSession, storage: Storage, staged: StagedUpload, file_type: FileType
) -> str | None:
    """Make sure the content is stored; returns the key if this call wrote the object."""
    key = key_for_sha256(staged.sha256)
    inserted = await repository.insert_blob_if_absent(
        session,
        {
            "sha256": staged.sha256,
            "storage_key": key,
            "size": staged.size,
            "content_type": file_type.content_type,
            "created_at": utcnow(),
        },
    )
    if inserted:
        # The row goes first: a concurrent upload of the same content then shares it
        # (waiting for this transaction on PostgreSQL) instead of racing to store.
        await _put_file(storage, key, staged.path)
        return key
    blob = await repository.get_blob(session, staged.sha256)
    if blob is not None and not await run_in_threadpool(storage.exists, blob.storage_key):
        # The row survived its object (restored backup, manual deletion): this upload
        # brings the content back.
        await _put_file(storage, blob.storage_key, staged.path)
        return blob.storage_key
    return None


async def _put_file(storage: Storage, key: str, path: Path) -> None:
    # Storage cleans up its own partial writes; a full disk becomes a clear 507 here
    # (the blob row inserted before is rolled back with the request).
    try:
        await run_in_threadpool(storage.put_file, key, path)
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            logger.error("evidence storage is full, could not store %s: %s", key, exc)
            raise EvidenceStorageFull() from exc
        raise


async def _discard(storage: Storage, key: str) -> None:
    try:
        await run_in_threadpool(storage.delete, key)
    except Exception:
        # The upload's own error matters more; collect_garbage removes the leftover.
        logger.exception("could not remove stored evidence object %s", key)


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def audit_view(
    file_id: str, name: str, sha256: str, size: int, content_type: str
) -> dict[str, Any]:
    """A file as the audit trail records it (a JSON object of strings and numbers)."""
    return {
        "evidence_id": file_id,
        "name": name,
        "sha256": sha256,
        "size": size,
        "content_type": content_type,
    }


@dataclass
class Download:
    chunks: Iterator[bytes]
    content_type: str
    size: int
    disposition: str


async def open_download(
    storage: Storage,
    storage_key: str,
    *,
    file_id: str,
    name: str,
    content_type: str,
    size: int,
    inline: bool,
) -> Download:
    """The stored bytes of a file the caller may see, with the headers to send them."""
    file_type = TYPE_BY_CONTENT_TYPE.get(content_type, _OTHER)
    try:
        chunks = await run_in_threadpool(storage.open_chunks, storage_key)
    except ObjectMissing:
        logger.error("evidence %s: stored object %s is missing", file_id, storage_key)
        raise EvidenceContentMissing() from None
    return Download(
        chunks=chunks,
        content_type=file_type.content_type,
        size=size,
        disposition=content_disposition(name, file_type, inline=inline),
    )


@dataclass
class Orphan:
    """A blob that a deletion left unreferenced; its object is removed after commit."""

    sha256: str
    key: str


async def release(session: AsyncSession, sha256: str, storage_key: str) -> Orphan | None:
    """After a file row is deleted: drop its blob row if no file of any holder still
    references the content, and say which object to remove once that has committed."""
    if await repository.count_references(session, sha256) > 0:
        return None
    await repository.delete_blob(session, sha256)
    await session.flush()
    return Orphan(sha256, storage_key)


async def remove_orphan_object(
    sessionmaker: async_sessionmaker[AsyncSession], storage: Storage, sha256: str, key: str
) -> None:
    """Delete a stored object once the deletion of its blob row has committed.

    Run after the commit, not before it: deleting first and then failing to commit
    would leave a row whose content is gone, while the other order risks at most an
    orphan that collect_garbage finds. The row is checked again because an upload of
    the same content may have recreated it meanwhile.
    """
    try:
        async with session_scope(sessionmaker) as session:
            if await repository.blob_exists(session, sha256):
                return
        await run_in_threadpool(storage.delete, key)
    except Exception:
        logger.exception("could not remove unreferenced evidence object %s", key)
