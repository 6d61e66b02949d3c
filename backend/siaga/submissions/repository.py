"""Queries for one answer and what hangs on it (evidence, reviews, versions), always
filtered by the caller's scope in SQL. Lists live in list_repository, copy-previous's
statements in copy_repository."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, insert, literal, literal_column, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.security import Principal
from siaga.models import (
    Agency,
    EvidenceFile,
    Indicator,
    PemdaReport,
    Period,
    Region,
    ReportState,
    Review,
    Submission,
    SubmissionVersion,
    User,
)
from siaga.submissions.grid import applies_to_region, scope_conditions


class AnswerScope(NamedTuple):
    period: Period
    region: Region
    indicator: Indicator


class EvidenceRow(NamedTuple):
    file: EvidenceFile
    uploaded_by: str | None


class ReviewRow(NamedTuple):
    review: Review
    reviewer: str | None


class VersionRow(NamedTuple):
    version: SubmissionVersion
    actor: str | None


async def get_context(
    session: AsyncSession,
    principal: Principal,
    period_code: str,
    region_code: str,
    indicator_code: str,
) -> AnswerScope | None:
    """Period, region and indicator of one answer, if the caller may see that answer."""
    stmt = (
        select(Period, Region, Indicator)
        .join(Indicator, Indicator.framework_id == Period.framework_id)
        .join(Region, Region.code == region_code)
        .where(
            Period.code == period_code,
            Indicator.code == indicator_code,
            applies_to_region(),
            *scope_conditions(principal),
        )
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else AnswerScope(*row)


async def newest_answer_created_at(
    session: AsyncSession, period_id: int, region_id: int
) -> datetime | None:
    stmt = select(func.max(Submission.created_at)).where(
        Submission.period_id == period_id, Submission.region_id == region_id
    )
    created_at: datetime | None = await session.scalar(stmt)
    return created_at


async def get_submission(
    session: AsyncSession, period_id: int, region_id: int, indicator_id: int, *, lock: bool
) -> Submission | None:
    stmt = select(Submission).where(
        Submission.period_id == period_id,
        Submission.region_id == region_id,
        Submission.indicator_id == indicator_id,
    )
    if lock:
        # Serialises concurrent changes of one answer on PostgreSQL.
        stmt = stmt.with_for_update()
        if session.get_bind().dialect.name == "sqlite":
            # SQLite ignores FOR UPDATE and reads outside any transaction until the
            # first write, so two requests could both pass the If-Match check on the
            # same version (the second then fails on the version's unique key, a 500).
            # A no-op write takes SQLite's write lock first: the others wait for it
            # (busy_timeout) and then read the committed row.
            await session.execute(
                update(Submission)
                .where(
                    Submission.period_id == period_id,
                    Submission.region_id == region_id,
                    Submission.indicator_id == indicator_id,
                )
                .values(version=Submission.version)
                .execution_options(synchronize_session=False)
            )
    return (await session.scalars(stmt)).one_or_none()


async def insert_submission_if_absent(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert a new answer; its id, or None if the answer exists already.

    ON CONFLICT DO NOTHING on the answer's natural key rather than check-then-insert: two
    requests that both found no answer cannot both create it. On PostgreSQL the second
    waits here for the first to commit, then finds its row; the transaction stays usable.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(Submission)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=[Submission.period_id, Submission.region_id, Submission.indicator_id]
        )
        .returning(Submission.id)
    )
    new_id: int | None = (await session.execute(stmt)).scalar_one_or_none()
    return new_id


async def find_agency(session: AsyncSession, region_id: int, agency_type_id: int) -> Agency | None:
    stmt = select(Agency).where(
        Agency.region_id == region_id, Agency.agency_type_id == agency_type_id
    )
    return (await session.scalars(stmt)).one_or_none()


async def evidence_rows(session: AsyncSession, submission_id: int) -> list[EvidenceRow]:
    stmt = (
        select(EvidenceFile, User.username)
        .outerjoin(User, EvidenceFile.uploaded_by_id == User.id)
        .where(EvidenceFile.submission_id == submission_id)
        .order_by(EvidenceFile.created_at, EvidenceFile.id)
    )
    return [EvidenceRow(*row) for row in await session.execute(stmt)]


async def evidence_hashes(session: AsyncSession, submission_id: int) -> list[str]:
    stmt = (
        select(EvidenceFile.blob_sha256)
        .where(EvidenceFile.submission_id == submission_id)
        .order_by(EvidenceFile.blob_sha256)
    )
    return list((await session.scalars(stmt)).all())


async def last_review(session: AsyncSession, submission_id: int) -> ReviewRow | None:
    stmt = (
        select(Review, User.username)
        .outerjoin(User, Review.reviewer_id == User.id)
        .where(Review.submission_id == submission_id)
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(1)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else ReviewRow(*row)


async def history(session: AsyncSession, submission_id: int) -> list[VersionRow]:
    stmt = (
        select(SubmissionVersion, User.username)
        .outerjoin(User, SubmissionVersion.actor_user_id == User.id)
        .where(SubmissionVersion.submission_id == submission_id)
        .order_by(SubmissionVersion.version)
    )
    return [VersionRow(*row) for row in await session.execute(stmt)]


async def agency_code(session: AsyncSession, agency_id: int | None) -> str | None:
    if agency_id is None:
        return None
    code: str | None = await session.scalar(select(Agency.code).where(Agency.id == agency_id))
    return code


def _hashes_of_answer(dialect: str) -> ColumnElement[Any]:
    """The answer's evidence hashes, sorted, as a JSON array (correlated to Submission)."""
    if dialect == "postgresql":
        return (
            select(
                func.coalesce(
                    func.json_agg(
                        aggregate_order_by(EvidenceFile.blob_sha256, EvidenceFile.blob_sha256)
                    ),
                    literal_column("'[]'::json"),
                )
            )
            .where(EvidenceFile.submission_id == Submission.id)
            .scalar_subquery()
        )
    # SQLite (3.40) has no ORDER BY inside an aggregate; it keeps a subquery's order.
    ordered = (
        select(EvidenceFile.blob_sha256.label("sha256"))
        .where(EvidenceFile.submission_id == Submission.id)
        .order_by(EvidenceFile.blob_sha256)
        # Correlated explicitly: SQLAlchemy does not correlate a subquery in FROM by itself.
        .correlate(Submission)
        .subquery()
    )
    return select(func.json_group_array(ordered.c.sha256)).scalar_subquery()


async def insert_versions(
    session: AsyncSession,
    submission_ids: list[int],
    *,
    action: str,
    reason: str | None,
    actor_user_id: int | None,
    actor_api_key_id: int | None,
    at: datetime,
) -> None:
    """One version row per answer, as each answer now is (values and evidence hashes):
    one INSERT ... SELECT however many answers."""
    if not submission_ids:
        return
    dialect = session.get_bind().dialect.name
    rows = select(
        Submission.id,
        Submission.version,
        literal(action, SubmissionVersion.action.type),
        Submission.status,
        Submission.value,
        Submission.narrative,
        _hashes_of_answer(dialect),
        literal(reason, SubmissionVersion.reason.type),
        literal(actor_user_id, SubmissionVersion.actor_user_id.type),
        literal(actor_api_key_id, SubmissionVersion.actor_api_key_id.type),
        literal(at, SubmissionVersion.created_at.type),
    ).where(Submission.id.in_(submission_ids))
    columns = [
        SubmissionVersion.submission_id,
        SubmissionVersion.version,
        SubmissionVersion.action,
        SubmissionVersion.status,
        SubmissionVersion.value,
        SubmissionVersion.narrative,
        SubmissionVersion.evidence_hashes,
        SubmissionVersion.reason,
        SubmissionVersion.actor_user_id,
        SubmissionVersion.actor_api_key_id,
        SubmissionVersion.created_at,
    ]
    await session.execute(insert(SubmissionVersion).from_select(columns, rows))


async def report_accepted(
    session: AsyncSession, period_id: int, region_id: int, *, lock: bool
) -> bool:
    """Whether the Pemda's report for the period is accepted (its answers locked).

    With `lock`, read FOR SHARE: an acceptance (FOR UPDATE on the same row, in
    reporting) waits for this writer to commit and then sees its change, and a writer
    that comes after the acceptance sees it accepted; never both over each other. On
    SQLite the answer writer already holds the database's write lock (get_submission).
    """
    stmt = select(PemdaReport.state).where(
        PemdaReport.period_id == period_id, PemdaReport.region_id == region_id
    )
    if lock:
        stmt = stmt.with_for_update(read=True)
    return await session.scalar(stmt) == ReportState.ACCEPTED
