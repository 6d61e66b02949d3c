"""Evidence files of answers: upload (streamed, typed by content, stored once per
content), download within scope, delete while the answer may still change."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from siaga.audit.service import Actor
from siaga.core import metrics
from siaga.core.security import Principal
from siaga.core.settings import Settings
from siaga.core.storage import STAGING_DIR_NAME, Storage
from siaga.core.types import utcnow
from siaga.core.uploads import check_declared_length, remove_stale_staging
from siaga.evidence import files, repository
from siaga.evidence.exceptions import DuplicateEvidence, EvidenceNotFound, TooManyFiles
from siaga.evidence.files import Download
from siaga.evidence.schemas import EvidenceUploadRead, GarbageReport
from siaga.models import EvidenceFile, Submission
from siaga.submissions import service as answers
from siaga.submissions.exceptions import AnswerNotFound
from siaga.submissions.service import AnswerContext, Keys

logger = logging.getLogger(__name__)

MAX_FILES_PER_ANSWER = files.MAX_FILES
# A staging file nobody has written to for this long belongs to no live upload: each
# arriving chunk touches it, and a received file is attached within seconds.
STALE_STAGING_AFTER = timedelta(minutes=15)


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

    async with files.incoming(storage, headers, body, limit) as received:
        ctx, submission = await _editable(session, principal, keys, create_as=actor)
        assert submission is not None  # created if it was missing
        if await repository.has_file_with_hash(session, submission.id, received.sha256):
            raise DuplicateEvidence()
        await received.store(session)
        evidence = await _attach(session, ctx, actor, received)
    metrics.record_upload(received.size)
    uploaded_by = actor.label if actor.user_id is not None else None
    return EvidenceUploadRead(
        evidence=answers.evidence_read(evidence, uploaded_by),
        answer_etag=answers.etag_of(submission),
    )


async def _attach(
    session: AsyncSession, ctx: AnswerContext, actor: Actor, received: files.Incoming
) -> EvidenceFile:
    assert ctx.submission is not None
    evidence = EvidenceFile(
        id=str(uuid.uuid4()),
        submission_id=ctx.submission.id,
        blob_sha256=received.sha256,
        original_name=received.name,
        content_type=received.file_type.content_type,
        size=received.size,
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


def _audit_view(evidence: EvidenceFile) -> dict[str, object]:
    return files.audit_view(
        evidence.id,
        evidence.original_name,
        evidence.blob_sha256,
        evidence.size,
        evidence.content_type,
    )


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
    return await files.open_download(
        storage,
        storage_key,
        file_id=file.id,
        name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        inline=inline,
    )


@dataclass
class Deleted:
    answer_etag: str
    # The blob this deletion left unreferenced; its object is removed after commit.
    orphan: files.Orphan | None


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
    return Deleted(
        answer_etag=answers.etag_of(submission),
        orphan=await files.release(session, sha256, storage_key),
    )


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
