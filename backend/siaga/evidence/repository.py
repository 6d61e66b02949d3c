"""Queries for evidence files and the blobs they share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.models import (
    Agency,
    Dimension,
    EvidenceBlob,
    EvidenceFile,
    IncidentFile,
    Indicator,
    Period,
    RecommendationEvidence,
    Region,
    Submission,
    User,
)
from siaga.submissions.grid import scope_conditions


async def get_blob(session: AsyncSession, sha256: str) -> EvidenceBlob | None:
    return await session.get(EvidenceBlob, sha256)


async def insert_blob_if_absent(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert the blob row unless one with that hash exists; True if this call inserted it.

    ON CONFLICT DO NOTHING rather than check-then-insert: on PostgreSQL a concurrent
    upload of the same content waits here for the other transaction, then finds its row.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(EvidenceBlob)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[EvidenceBlob.sha256])
    )
    result = await session.execute(stmt)
    return bool(getattr(result, "rowcount", 0))


async def count_files(session: AsyncSession, submission_id: int) -> int:
    stmt = select(func.count()).where(EvidenceFile.submission_id == submission_id)
    return await session.scalar(stmt) or 0


async def has_file_with_hash(session: AsyncSession, submission_id: int, sha256: str) -> bool:
    stmt = select(EvidenceFile.id).where(
        EvidenceFile.submission_id == submission_id, EvidenceFile.blob_sha256 == sha256
    )
    return (await session.scalar(stmt.limit(1))) is not None


async def get_file_with_answer(session: AsyncSession, evidence_id: str) -> Any:
    """The file, its blob's storage key, and the natural keys of its answer."""
    stmt = (
        select(
            EvidenceFile,
            EvidenceBlob.storage_key,
            Period.code.label("period"),
            Region.code.label("region"),
            Indicator.code.label("indicator"),
        )
        .join(EvidenceBlob, EvidenceFile.blob_sha256 == EvidenceBlob.sha256)
        .join(Submission, EvidenceFile.submission_id == Submission.id)
        .join(Period, Submission.period_id == Period.id)
        .join(Region, Submission.region_id == Region.id)
        .join(Indicator, Submission.indicator_id == Indicator.id)
        .where(EvidenceFile.id == evidence_id)
    )
    return (await session.execute(stmt)).first()


async def count_references(session: AsyncSession, sha256: str) -> int:
    """Files of any holder (answers, recommendations, incidents) whose content is this
    blob: they share the blobs, so a blob goes only when none refers to it."""
    answers = select(func.count()).where(EvidenceFile.blob_sha256 == sha256).scalar_subquery()
    recommendations = (
        select(func.count()).where(RecommendationEvidence.blob_sha256 == sha256).scalar_subquery()
    )
    incidents = select(func.count()).where(IncidentFile.blob_sha256 == sha256).scalar_subquery()
    return await session.scalar(select(answers + recommendations + incidents)) or 0


async def delete_blob(session: AsyncSession, sha256: str) -> None:
    await session.execute(delete(EvidenceBlob).where(EvidenceBlob.sha256 == sha256))


async def blob_exists(session: AsyncSession, sha256: str) -> bool:
    stmt = select(EvidenceBlob.sha256).where(EvidenceBlob.sha256 == sha256)
    return (await session.scalar(stmt)) is not None


async def known_keys(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of `keys` some blob row still points at."""
    stmt = select(EvidenceBlob.storage_key).where(EvidenceBlob.storage_key.in_(list(keys)))
    return set((await session.scalars(stmt)).all())


async def files_of_region(
    session: AsyncSession, principal: Principal, period_id: int, region_id: int
) -> list[Any]:
    """Every evidence file of the Pemda's answers in the period that the caller may read,
    in the framework's order: (file, storage key, indicator, agency, uploader)."""
    stmt = (
        select(
            EvidenceFile,
            EvidenceBlob.storage_key,
            Indicator.code.label("indicator"),
            Agency.name.label("agency"),
            User.username.label("uploaded_by"),
        )
        .join(EvidenceBlob, EvidenceFile.blob_sha256 == EvidenceBlob.sha256)
        .join(Submission, EvidenceFile.submission_id == Submission.id)
        .join(Region, Submission.region_id == Region.id)
        .join(Indicator, Submission.indicator_id == Indicator.id)
        .join(Dimension, Indicator.dimension_id == Dimension.id)
        .outerjoin(Agency, Submission.agency_id == Agency.id)
        .outerjoin(User, EvidenceFile.uploaded_by_id == User.id)
        .where(
            Submission.period_id == period_id,
            Submission.region_id == region_id,
            *scope_conditions(principal),
        )
        .order_by(
            Dimension.position,
            Indicator.position,
            Indicator.code,
            EvidenceFile.created_at,
            EvidenceFile.id,
        )
    )
    return list((await session.execute(stmt)).all())


async def get_region(session: AsyncSession, code: str) -> Region | None:
    return (await session.scalars(select(Region).where(Region.code == code))).one_or_none()
