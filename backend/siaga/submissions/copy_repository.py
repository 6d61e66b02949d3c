"""Copy-previous's statements: a whole Pemda at once, one statement per step (what to
copy, the new drafts, their evidence), whatever the number of answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, insert, literal, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.security import Principal
from siaga.models import (
    AnswerType,
    EvidenceFile,
    Indicator,
    Period,
    Region,
    Submission,
    SubmissionStatus,
)
from siaga.submissions.grid import applies_to_region, scope_conditions

# Built once: an alias made per call costs more to adapt and compile than the statement
# takes to run.
_old = aliased(Submission, name="old")
_old_indicator = aliased(Indicator, name="old_indicator")
_current = aliased(Submission, name="current")


class Copyable(NamedTuple):
    """A verified answer of the previous period that the new period asks for too."""

    indicator_id: int  # in the new period's framework
    answer_type: AnswerType  # the new framework's
    agency_id: int | None
    value: float | None
    narrative: str
    answered: bool  # the new period has an answer already: never overwritten


async def previous_period(session: AsyncSession, period: Period) -> Period | None:
    stmt = (
        select(Period)
        .where(Period.start_date < period.start_date, Period.framework_id == period.framework_id)
        .order_by(Period.start_date.desc())
        .limit(1)
    )
    return (await session.scalars(stmt)).one_or_none()


async def copyable(
    session: AsyncSession, principal: Principal, period: Period, previous: Period, region: Region
) -> list[Copyable]:
    """The previous period's verified answers of the Pemda whose indicator (by code) the
    new framework has, applies to the Pemda and the caller may answer, in code order."""
    old, old_indicator, current = _old, _old_indicator, _current
    stmt = (
        select(
            Indicator.id,
            Indicator.answer_type,
            old.agency_id,
            old.value,
            old.narrative,
            current.id.is_not(None),
        )
        .select_from(old)
        .join(old_indicator, old.indicator_id == old_indicator.id)
        .join(
            Indicator,
            (Indicator.framework_id == period.framework_id)
            & (Indicator.code == old_indicator.code),
        )
        .join(Region, Region.id == old.region_id)
        .outerjoin(
            current,
            (current.period_id == period.id)
            & (current.region_id == old.region_id)
            & (current.indicator_id == Indicator.id),
        )
        .where(
            old.period_id == previous.id,
            old.region_id == region.id,
            old.status == SubmissionStatus.VERIFIED,
            applies_to_region(),
            *scope_conditions(principal),
        )
        # One order for every caller: two copies into one Pemda then meet on the same
        # first answer, and the later waits there instead of deadlocking.
        .order_by(Indicator.code)
    )
    return [Copyable(*row) for row in await session.execute(stmt)]


async def insert_drafts(session: AsyncSession, rows: list[dict[str, Any]]) -> list[int]:
    """Insert the new answers in the given order, skipping any that exists already (made
    by a PUT or another copy meanwhile; on PostgreSQL this waits for it to commit).
    Returns the ids of the inserted ones."""
    if not rows:
        return []
    dialect = session.get_bind().dialect.name
    insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
    # Parameters as a list, not .values(rows): SQLAlchemy batches them into multi-row
    # VALUES itself ("insertmanyvalues") with one cached statement whatever the count.
    stmt = (
        insert_(Submission)
        .on_conflict_do_nothing(
            index_elements=[Submission.period_id, Submission.region_id, Submission.indicator_id]
        )
        .returning(Submission.id)
    )
    return list((await session.scalars(stmt, rows)).all())


def _new_uuid(dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return literal_column("gen_random_uuid()::text")
    # A version-4 UUID from SQLite's random bytes, in the canonical 8-4-4-4-12 form.
    return literal_column(
        "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || "
        "substr(lower(hex(randomblob(2))), 2) || '-' || "
        "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) "
        "|| '-' || lower(hex(randomblob(6)))"
    )


async def copy_evidence(
    session: AsyncSession, new_ids: list[int], previous: Period, at: datetime
) -> None:
    """Reference the evidence of each copied answer's previous answer from the new one:
    new file rows, the same stored blobs."""
    if not new_ids:
        return
    new_indicator, old_indicator, old = Indicator, _old_indicator, _old
    rows = (
        select(
            _new_uuid(session.get_bind().dialect.name),
            Submission.id,
            EvidenceFile.blob_sha256,
            EvidenceFile.original_name,
            EvidenceFile.content_type,
            EvidenceFile.size,
            EvidenceFile.uploaded_by_id,
            literal(at, EvidenceFile.created_at.type),
        )
        .select_from(Submission)
        .join(new_indicator, new_indicator.id == Submission.indicator_id)
        .join(
            old_indicator,
            (old_indicator.code == new_indicator.code)
            & (old_indicator.framework_id == previous.framework_id),
        )
        .join(
            old,
            (old.period_id == previous.id)
            & (old.region_id == Submission.region_id)
            & (old.indicator_id == old_indicator.id),
        )
        .join(EvidenceFile, EvidenceFile.submission_id == old.id)
        .where(Submission.id.in_(new_ids))
    )
    columns = [
        EvidenceFile.id,
        EvidenceFile.submission_id,
        EvidenceFile.blob_sha256,
        EvidenceFile.original_name,
        EvidenceFile.content_type,
        EvidenceFile.size,
        EvidenceFile.uploaded_by_id,
        EvidenceFile.created_at,
    ]
    await session.execute(insert(EvidenceFile).from_select(columns, rows))
