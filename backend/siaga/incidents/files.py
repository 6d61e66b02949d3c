"""Photos and documents of an incident, under the rules of answers' evidence: streamed to
a staging file with the same size limit, typed by content (a disguised file is refused
with 415), stored once per content as an evidence blob (local disk or S3), downloaded
only within the incident's scope. A photo loses its embedded location before it is
stored unless the reporter keeps it (incidents/photos.py)."""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor
from siaga.core import metrics
from siaga.core.filetypes import (
    TYPE_BY_CONTENT_TYPE,
    FileType,
    UnsupportedFileType,
    content_disposition,
    detect_type,
)
from siaga.core.security import Principal
from siaga.core.storage import ObjectMissing, Storage, key_for_sha256
from siaga.core.types import utcnow
from siaga.core.uploads import (
    DISK_FULL_ERRNOS,
    StagedUpload,
    StorageFull,
    check_declared_length,
    receive_file,
)
from siaga.evidence import repository as blobs
from siaga.evidence.exceptions import EvidenceStorageFull
from siaga.incidents import photos, repository, service
from siaga.incidents.context import Context, load
from siaga.incidents.exceptions import (
    DuplicateIncidentFile,
    IncidentFileContentMissing,
    IncidentFileNotFound,
    TooManyIncidentFiles,
    UnreadableImage,
)
from siaga.incidents.schemas import IncidentFileUpload
from siaga.incidents.views import file_read

logger = logging.getLogger(__name__)

MAX_FILES_PER_INCIDENT = 20


@dataclass
class Download:
    chunks: Iterator[bytes]
    content_type: str
    size: int
    disposition: str


async def _open(
    session: AsyncSession, principal: Principal, number: str, default_zone: str, *, lock: bool
) -> Context:
    ctx = await load(
        session,
        principal,
        number,
        default_zone=default_zone,
        all_=principal.region_code is None,
        lock=lock,
    )
    service.check_file(ctx)
    if await repository.count_files(session, ctx.incident.id) >= MAX_FILES_PER_INCIDENT:
        raise TooManyIncidentFiles(MAX_FILES_PER_INCIDENT)
    return ctx


async def _receive(
    headers: Mapping[str, str], body: AsyncIterator[bytes], storage: Storage, limit: int
) -> StagedUpload:
    try:
        return await receive_file(headers, body, storage.staging_dir, limit)
    except StorageFull as exc:
        logger.error("evidence staging directory is full: %s", exc.__cause__)
        raise EvidenceStorageFull() from exc


def _stripped(staged: StagedUpload, file_type: FileType) -> StagedUpload:
    """The staged upload without its metadata, as a new staging file (blocking)."""
    fd, name = tempfile.mkstemp(dir=staged.path.parent, prefix="upload-clean-")
    os.close(fd)
    target = Path(name)
    try:
        photos.strip_location(staged.path, target, file_type)
        data = target.read_bytes()
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return StagedUpload(target, hashlib.sha256(data).hexdigest(), len(data), staged.filename)


async def _store_blob(
    session: AsyncSession, storage: Storage, staged: StagedUpload, file_type: FileType
) -> str | None:
    """Make sure the content is stored, as answers' evidence does; the key if this call
    wrote the object (to remove it again should the request fail)."""
    key = key_for_sha256(staged.sha256)
    inserted = await blobs.insert_blob_if_absent(
        session,
        {
            "sha256": staged.sha256,
            "storage_key": key,
            "size": staged.size,
            "content_type": file_type.content_type,
            "created_at": utcnow(),
        },
    )
    blob = None if inserted else await blobs.get_blob(session, staged.sha256)
    if not inserted and blob is not None:
        if await run_in_threadpool(storage.exists, blob.storage_key):
            return None
        key = blob.storage_key  # the row outlived its object: this upload restores it
    try:
        await run_in_threadpool(storage.put_file, key, staged.path)
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            logger.error("evidence storage is full, could not store %s: %s", key, exc)
            raise EvidenceStorageFull() from exc
        raise
    return key


async def upload(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    actor: Actor,
    number: str,
    headers: Mapping[str, str],
    body: AsyncIterator[bytes],
    *,
    limit: int,
    keep_location: bool,
    default_zone: str,
) -> IncidentFileUpload:
    """Attach one file (multipart field `file`); checked before the body is read and
    again under the incident's lock once it has arrived."""
    check_declared_length(headers, limit)
    await _open(session, principal, number, default_zone, lock=False)
    # As for answers' evidence: no transaction (nor row lock) while a slow body streams.
    await session.commit()
    session.expunge_all()

    staged = await _receive(headers, body, storage, limit)
    paths = [staged.path]
    stored_key: str | None = None
    try:
        file_type = await run_in_threadpool(detect_type, staged.path)
        if file_type is None:
            raise UnsupportedFileType()
        strip = not keep_location and photos.strips(file_type)
        if strip:
            try:
                staged = await run_in_threadpool(_stripped, staged, file_type)
            except photos.Unreadable:
                raise UnreadableImage() from None
            paths.append(staged.path)
        ctx = await _open(session, principal, number, default_zone, lock=True)
        if await repository.has_file_with_hash(session, ctx.incident.id, staged.sha256):
            raise DuplicateIncidentFile()
        stored_key = await _store_blob(session, storage, staged, file_type)
        file = await service.attach(session, ctx, actor, staged, file_type, location_kept=not strip)
    except BaseException:
        if stored_key is not None:
            await _discard(storage, stored_key)
        raise
    finally:
        for path in paths:
            await run_in_threadpool(path.unlink, missing_ok=True)
    metrics.record_upload(staged.size)
    return IncidentFileUpload(
        file=file_read(ctx.incident.number, file), incident_version=ctx.incident.version
    )


async def _discard(storage: Storage, key: str) -> None:
    try:
        await run_in_threadpool(storage.delete, key)
    except Exception:
        # The upload's own error matters more; `siaga evidence gc` removes the leftover.
        logger.exception("could not remove stored evidence object %s", key)


_OTHER = FileType("other", "application/octet-stream", "")


async def open_download(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    number: str,
    file_id: str,
    *,
    inline: bool,
    all_: bool,
    default_zone: str,
) -> Download:
    ctx = await load(session, principal, number, default_zone=default_zone, all_=all_)
    row = await repository.file_with_incident(session, file_id)
    if row is None or row.number != ctx.incident.number:
        raise IncidentFileNotFound()
    file_type = TYPE_BY_CONTENT_TYPE.get(row.file.content_type, _OTHER)
    try:
        chunks = await run_in_threadpool(storage.open_chunks, row.storage_key)
    except ObjectMissing:
        logger.error("incident file %s: stored object %s is missing", file_id, row.storage_key)
        raise IncidentFileContentMissing() from None
    return Download(
        chunks=chunks,
        content_type=file_type.content_type,
        size=row.file.size,
        disposition=content_disposition(row.file.original_name, file_type, inline=inline),
    )
