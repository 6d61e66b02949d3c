"""Evidence files on a recommendation's follow-up: attach one, download one, remove one.

The file itself is handled exactly as an answer's (evidence.files: streamed, the same
size limit, typed by content, stored once per content and shared with the answers' files,
served with the same headers). The rules are the follow-up's
(reporting/recommendation_rules.py): whoever follows the recommendation up attaches and
removes, whatever the report's state; every reader of the report downloads; a done
recommendation keeps its files. Outside the caller's scope everything is 404.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.core import metrics
from siaga.core.security import Principal
from siaga.core.storage import Storage
from siaga.core.types import utcnow
from siaga.core.uploads import check_declared_length
from siaga.evidence import files
from siaga.evidence.exceptions import EvidenceNotFound, TooManyFiles
from siaga.models import RecommendationEvidence
from siaga.reporting import recommendation_reads as reads
from siaga.reporting import recommendation_repository as repository
from siaga.reporting import recommendation_rules as rules
from siaga.reporting.exceptions import (
    DuplicateRecommendationEvidence,
    RecommendationNotFound,
    recommendation_error,
)
from siaga.reporting.service import caller_of
from siaga.submissions.schemas import EvidenceRead

ENTITY = "recommendation"
_HOLDER = ("Satu rekomendasi", "a recommendation")


async def _located(
    session: AsyncSession, principal: Principal, recommendation_id: int, *, lock: bool
) -> repository.Located:
    found = await repository.locate(session, principal, recommendation_id, lock=lock)
    if found is None:
        raise RecommendationNotFound()
    return found


async def _for_follow_up(
    session: AsyncSession, principal: Principal, recommendation_id: int
) -> repository.Located:
    """The recommendation, locked, if the caller follows it up: uploads and removals of
    one recommendation serialise, so the limit and the duplicate check hold."""
    found = await _located(session, principal, recommendation_id, lock=True)
    rec, region = found
    if not rules.may_follow_up(
        caller_of(principal), region.code, principal.agency_id, rec.agency_id
    ):
        raise recommendation_error(rules.forbidden(), f"{ENTITY}/{rec.id}")
    return found


async def _accepting(
    session: AsyncSession, principal: Principal, recommendation_id: int
) -> repository.Located:
    found = await _for_follow_up(session, principal, recommendation_id)
    if await repository.count_evidence(session, found.recommendation.id) >= files.MAX_FILES:
        raise TooManyFiles(files.MAX_FILES, holder=_HOLDER)
    return found


def _audit_view(file: RecommendationEvidence) -> dict[str, Any]:
    return files.audit_view(
        file.id, file.original_name, file.blob_sha256, file.size, file.content_type
    )


async def upload(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    actor: Actor,
    recommendation_id: int,
    headers: Mapping[str, str],
    body: AsyncIterator[bytes],
    limit: int,
) -> EvidenceRead:
    """Attach one file from a multipart body, checked before the body is read (a refused
    upload costs nothing) and again under the row lock once it has arrived."""
    check_declared_length(headers, limit)
    await _accepting(session, principal, recommendation_id)
    # As for an answer's file (evidence.service.upload): no transaction, no row lock and
    # no pooled connection is held while the body streams.
    await session.commit()
    session.expunge_all()

    async with files.incoming(storage, headers, body, limit) as received:
        rec, region = await _accepting(session, principal, recommendation_id)
        if await repository.has_evidence_with_hash(session, rec.id, received.sha256):
            raise DuplicateRecommendationEvidence()
        await received.store(session)
        file = RecommendationEvidence(
            id=str(uuid.uuid4()),
            recommendation_id=rec.id,
            blob_sha256=received.sha256,
            original_name=received.name,
            content_type=received.file_type.content_type,
            size=received.size,
            uploaded_by_id=actor.user_id,
            created_at=utcnow(),
        )
        session.add(file)
        # Surface constraint errors now, while the new object can still be removed.
        await session.flush()
        record(
            session,
            actor,
            "evidence.upload",
            entity_type=ENTITY,
            entity_id=str(rec.id),
            region_code=region.code,
            after=_audit_view(file),
        )
    metrics.record_upload(received.size)
    uploaded_by = actor.label if actor.user_id is not None else None
    return reads.evidence_read(repository.EvidenceRow(file, uploaded_by))


async def open_download(
    session: AsyncSession,
    storage: Storage,
    principal: Principal,
    recommendation_id: int,
    file_id: str,
    *,
    inline: bool,
) -> files.Download:
    """A file of a recommendation the caller may read (with the report)."""
    rec, _region = await _located(session, principal, recommendation_id, lock=False)
    stored = await repository.evidence_file(session, rec.id, file_id)
    if stored is None:
        raise EvidenceNotFound()
    file = stored.file
    return await files.open_download(
        storage,
        stored.storage_key,
        file_id=file.id,
        name=file.original_name,
        content_type=file.content_type,
        size=file.size,
        inline=inline,
    )


@dataclass
class Deleted:
    # The blob this deletion left unreferenced; its object is removed after commit.
    orphan: files.Orphan | None


async def delete(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    recommendation_id: int,
    file_id: str,
) -> Deleted:
    """Remove a file while the recommendation is not done; its blob row goes when no
    answer or recommendation uses the content any more."""
    rec, region = await _for_follow_up(session, principal, recommendation_id)
    stored = await repository.evidence_file(session, rec.id, file_id)
    if stored is None:
        raise EvidenceNotFound()
    problem = rules.check_evidence_removal(rec.status)
    if problem is not None:
        raise recommendation_error(problem, f"{ENTITY}/{rec.id}")
    file = stored.file
    before, sha256 = _audit_view(file), file.blob_sha256
    await session.delete(file)
    await session.flush()
    record(
        session,
        actor,
        "evidence.delete",
        entity_type=ENTITY,
        entity_id=str(rec.id),
        region_code=region.code,
        before=before,
    )
    return Deleted(orphan=await files.release(session, sha256, stored.storage_key))
