"""Evidence files of answers: upload (streamed, typed by content, stored once per
content), download within scope, delete while the answer may still change."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor
from siaga.core import metrics
from siaga.core.database import session_scope
from siaga.core.filetypes import (
    TYPE_BY_CONTENT_TYPE,
    FileType,
    UnsupportedFileType,
    content_disposition,
    detect_type,
    sanitize_filename,
)
from siaga.core.security import Principal
from siaga.core.settings import Settings
from siaga.core.storage import STAGING_DIR_NAME, ObjectMissing, Storage, key_for_sha256
from siaga.core.types import utcnow
from siaga.core.uploads import (
    DISK_FULL_ERRNOS,
    StagedUpload,
    StorageFull,
    check_declared_length,
    receive_file,
    remove_stale_staging,
)
from siaga.evidence import repository
from siaga.evidence.exceptions import (
    DuplicateEvidence,
    EvidenceContentMissing,
    EvidenceNotFound,
    EvidenceStorageFull,
    TooManyFiles,
)
from siaga.evidence.schemas import EvidenceUploadRead, GarbageReport
from siaga.models import EvidenceFile, Submission
from siaga.submissions import service as answers
from siaga.submissions.exceptions import AnswerNotFound
from siaga.submissions.service import AnswerContext, Keys

logger = logging.getLogger(__name__)

MAX_FILES_PER_ANSWER = 20
# A staging file nobody has written to for this long belongs to no live upload: each
# arriving chunk touches it, and a received file is attached within seconds.
STALE_STAGING_AFTER = timedelta(minutes=15)
# Files stored before content detection existed (imports, copies) may carry any type;
# they are only ever offered as a download.
_OTHER = FileType("other", "application/octet-stream", "")


@dataclass
class Download:
    chunks: Iterator[bytes]
    content_type: str
    size: int
    disposition: str


async def _answer_of(
    session: AsyncSession, principal: Principal, evidence_id: str, *, edit: bool
) -> tuple[EvidenceFile, str, AnswerContext]:
    row = await repository.get_file_with_answer(session, evidence_id)
    if row is None:
        raise EvidenceNotFound()
    file, storage_key, period, region, indicator = row
    keys = Keys(period=period, region=region, indicator=indicator)
    try:
        if edit:
            ctx = await answers.load_for_edit(session, principal, keys)
        else:
            ctx = await answers.load(session, principal, keys)
    except AnswerNotFound:
        # Outside the caller's scope: indistinguishable from a file that never existed.
        raise EvidenceNotFound() from None
    return file, storage_key, ctx


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


async def _editable(
    session: AsyncSession, principal: Principal, keys: Keys, create_as: Actor | None = None
) -> tuple[AnswerContext, Submission | None]:
    """The answer, locked, if a file may be attached to it now. One not started yet may
    take a file too (the evidence may come before the value); with `create_as` it is
    created as an empty draft first (see load_for_attach)."""
    ctx = await answers.load_for_attach(session, principal, keys, create_as=create_as)
    submission = ctx.submission
    if (
        submission is not None
        and await repository.count_files(session, submission.id) >= MAX_FILES_PER_ANSWER
    ):
        raise TooManyFiles(MAX_FILES_PER_ANSWER)
    return ctx, submission


async def _receive(
    headers: Mapping[str, str], body: AsyncIterator[bytes], storage: Storage, limit: int
) -> StagedUpload:
    try:
        return await receive_file(headers, body, storage.staging_dir, limit)
    except StorageFull as exc:
        logger.error("evidence staging directory is full: %s", exc.__cause__)
        raise EvidenceStorageFull() from exc


async def upload(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    actor: Actor,
    keys: Keys,
    headers: Mapping[str, str],
    body: AsyncIterator[bytes],
    limit: int,
) -> EvidenceUploadRead:
    """Attach one file from a multipart body to an editable answer, or to a new empty
    draft when the indicator has no answer yet.

    Checked twice: before the body is read, so a refused upload costs nothing, and
    again under the answer's row lock once the file has arrived, since the answer may
    have been submitted or filled up meanwhile.
    """
    # Before anything else, so an oversized body is refused without reading it.
    check_declared_length(headers, limit)
    await _editable(session, principal, keys)
    # End the transaction before the body streams (a deliberate exception to one
    # transaction per request; nothing of the upload is written yet): a slow upload
    # must hold neither the answer's row lock, which would stall every edit of the
    # answer, nor a pooled connection. Committing, not rolling back, keeps the
    # session's last-seen touch of the authentication.
    await session.commit()
    # Later loads must see rows as they are now, not as this session cached them.
    session.expunge_all()

    staged = await _receive(headers, body, storage, limit)
    stored_key: str | None = None
    try:
        file_type = await run_in_threadpool(detect_type, staged.path)
        if file_type is None:
            raise UnsupportedFileType()
        ctx, submission = await _editable(session, principal, keys, create_as=actor)
        assert submission is not None  # created if it was missing
        if await repository.has_file_with_hash(session, submission.id, staged.sha256):
            raise DuplicateEvidence()
        stored_key = await _store_blob(session, storage, staged, file_type)
        evidence = await _attach(session, ctx, actor, staged, file_type)
    except BaseException:
        if stored_key is not None:
            await _discard(storage, stored_key)
        raise
    finally:
        await run_in_threadpool(_unlink, staged.path)
    metrics.record_upload(staged.size)
    uploaded_by = actor.label if actor.user_id is not None else None
    return EvidenceUploadRead(
        evidence=answers.evidence_read(evidence, uploaded_by),
        answer_etag=answers.etag_of(submission),
    )


async def _attach(
    session: AsyncSession,
    ctx: AnswerContext,
    actor: Actor,
    staged: StagedUpload,
    file_type: FileType,
) -> EvidenceFile:
    assert ctx.submission is not None
    evidence = EvidenceFile(
        id=str(uuid.uuid4()),
        submission_id=ctx.submission.id,
        blob_sha256=staged.sha256,
        original_name=sanitize_filename(staged.filename, file_type),
        content_type=file_type.content_type,
        size=staged.size,
        uploaded_by_id=actor.user_id,
        created_at=utcnow(),
    )
    session.add(evidence)
    await session.flush()
    await answers.record_evidence_change(
        session, ctx, actor, added=True, audit_view=_audit_view(evidence)
    )
    # Surface constraint errors now, while the new object can still be removed.
    await session.flush()
    return evidence


def _unlink(path: Path) -> None:
    path.unlink(missing_ok=True)


def _audit_view(evidence: EvidenceFile) -> dict[str, object]:
    return {
        "evidence_id": evidence.id,
        "name": evidence.original_name,
        "sha256": evidence.blob_sha256,
        "size": evidence.size,
        "content_type": evidence.content_type,
    }


async def open_download(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    evidence_id: str,
    *,
    inline: bool,
) -> Download:
    """The stored bytes of a file the caller may see, with the headers to send them."""
    file, storage_key, _ctx = await _answer_of(session, principal, evidence_id, edit=False)
    file_type = TYPE_BY_CONTENT_TYPE.get(file.content_type, _OTHER)
    try:
        chunks = await run_in_threadpool(storage.open_chunks, storage_key)
    except ObjectMissing:
        logger.error("evidence %s: stored object %s is missing", file.id, storage_key)
        raise EvidenceContentMissing() from None
    return Download(
        chunks=chunks,
        content_type=file_type.content_type,
        size=file.size,
        disposition=content_disposition(file.original_name, file_type, inline=inline),
    )


@dataclass
class Deleted:
    answer_etag: str
    # The blob this deletion left unreferenced; its object is removed after commit.
    orphan_sha256: str | None
    orphan_key: str | None


async def delete(
    session: AsyncSession, principal: Principal, actor: Actor, evidence_id: str
) -> Deleted:
    """Detach a file from a draft or returned answer; its blob row goes when unused."""
    file, storage_key, ctx = await _answer_of(session, principal, evidence_id, edit=True)
    submission = ctx.submission
    assert submission is not None
    before = _audit_view(file)
    sha256 = file.blob_sha256
    await session.delete(file)
    await session.flush()
    await answers.record_evidence_change(session, ctx, actor, added=False, audit_view=before)
    orphan = await repository.count_references(session, sha256) == 0
    if orphan:
        await repository.delete_blob(session, sha256)
        await session.flush()
    return Deleted(
        answer_etag=answers.etag_of(submission),
        orphan_sha256=sha256 if orphan else None,
        orphan_key=storage_key if orphan else None,
    )


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


async def collect_garbage(
    session: AsyncSession, storage: Storage, older_than: timedelta = timedelta(days=1)
) -> GarbageReport:
    """Delete stored objects that no blob row references, and stale staging files.

    Such objects are crash leftovers: a process that died between storing an object and
    committing its row, a commit that failed after the store, or an object removal that
    never ran. Only objects older than `older_than` are considered, so uploads still in
    flight (stored, not yet committed) are left alone; keep it well above the longest
    upload. Both backends can list their objects, so this works for either.
    """
    cutoff = utcnow() - older_than
    keys = await run_in_threadpool(lambda: list(storage.list_keys(cutoff)))
    deleted = 0
    for start in range(0, len(keys), 500):
        batch = keys[start : start + 500]
        known = await repository.known_keys(session, batch)
        for key in batch:
            if key not in known:
                await run_in_threadpool(storage.delete, key)
                deleted += 1
    staging = await run_in_threadpool(remove_stale_staging, storage.staging_dir, cutoff)
    return GarbageReport(objects_deleted=deleted, staging_files_deleted=staging)


async def clean_staging(settings: Settings, older_than: timedelta = STALE_STAGING_AFTER) -> int:
    """Remove staging files of uploads that a crash or kill interrupted; run at startup.

    Only files idle for `older_than`, never all of them: another worker process (or a
    replica sharing the directory) may be receiving an upload into it right now. Both
    backends stage under the storage directory, so no storage client is needed.
    """
    staging_dir = settings.storage_dir / STAGING_DIR_NAME
    try:
        removed = await run_in_threadpool(remove_stale_staging, staging_dir, utcnow() - older_than)
    except OSError:
        # Not worth refusing to start over; `siaga evidence gc` retries it.
        logger.exception("could not clean the evidence staging directory %s", staging_dir)
        return 0
    if removed:
        logger.info("removed %d staging files of interrupted uploads", removed)
    return removed
