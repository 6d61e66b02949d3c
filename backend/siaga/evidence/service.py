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
from siaga.core.database import session_scope
from siaga.core.security import Principal
from siaga.core.storage import ObjectMissing, Storage, key_for_sha256
from siaga.core.types import utcnow
from siaga.core.uploads import (
    TYPE_BY_CONTENT_TYPE,
    FileType,
    StagedUpload,
    UnsupportedFileType,
    check_declared_length,
    content_disposition,
    detect_type,
    receive_file,
    remove_stale_staging,
    sanitize_filename,
)
from siaga.evidence import repository
from siaga.evidence.exceptions import (
    DuplicateEvidence,
    EvidenceContentMissing,
    EvidenceNotFound,
    TooManyFiles,
)
from siaga.evidence.schemas import EvidenceUploadRead, GarbageReport
from siaga.models import EvidenceFile
from siaga.submissions import service as answers
from siaga.submissions.exceptions import AnswerNotFound
from siaga.submissions.service import AnswerContext, Keys

logger = logging.getLogger(__name__)

MAX_FILES_PER_ANSWER = 20
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
        await run_in_threadpool(storage.put_file, key, staged.path)
        return key
    blob = await repository.get_blob(session, staged.sha256)
    if blob is not None and not await run_in_threadpool(storage.exists, blob.storage_key):
        # The row survived its object (restored backup, manual deletion): this upload
        # brings the content back.
        await run_in_threadpool(storage.put_file, blob.storage_key, staged.path)
        return blob.storage_key
    return None


async def _discard(storage: Storage, key: str) -> None:
    try:
        await run_in_threadpool(storage.delete, key)
    except Exception:
        # The upload's own error matters more; collect_garbage removes the leftover.
        logger.exception("could not remove stored evidence object %s", key)


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
    """Attach one file from a multipart body to an editable answer."""
    # Before anything else, so an oversized body is refused without reading it.
    check_declared_length(headers, limit)
    ctx = await answers.load_for_edit(session, principal, keys)
    submission = ctx.submission
    assert submission is not None  # load_for_edit guarantees it
    if await repository.count_files(session, submission.id) >= MAX_FILES_PER_ANSWER:
        raise TooManyFiles(MAX_FILES_PER_ANSWER)

    staged = await receive_file(headers, body, storage.staging_dir, limit)
    stored_key: str | None = None
    try:
        file_type = await run_in_threadpool(detect_type, staged.path)
        if file_type is None:
            raise UnsupportedFileType()
        if await repository.has_file_with_hash(session, submission.id, staged.sha256):
            raise DuplicateEvidence()
        stored_key = await _store_blob(session, storage, staged, file_type)
        evidence = EvidenceFile(
            id=str(uuid.uuid4()),
            submission_id=submission.id,
            blob_sha256=staged.sha256,
            original_name=sanitize_filename(staged.filename, file_type),
            content_type=file_type.content_type,
            size=staged.size,
            uploaded_by_id=actor.user_id,
            created_at=utcnow(),
        )
        session.add(evidence)
        await session.flush()
        await answers.bump_version(session, submission, "evidence_added", actor)
        answers.audit_answer(session, actor, "evidence.upload", ctx, after=_audit_view(evidence))
        # Surface constraint errors now, while the new object can still be removed.
        await session.flush()
    except BaseException:
        if stored_key is not None:
            await _discard(storage, stored_key)
        raise
    finally:
        await run_in_threadpool(_unlink, staged.path)
    uploaded_by = actor.label if actor.user_id is not None else None
    return EvidenceUploadRead(
        evidence=answers.evidence_read(evidence, uploaded_by),
        answer_etag=answers.etag_of(submission),
    )


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
    await answers.bump_version(session, submission, "evidence_removed", actor)
    answers.audit_answer(session, actor, "evidence.delete", ctx, before=before)
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
