"""Queries of the import: reference lookups read once per import, existing rows read once
per chunk, and the stored batches. Plain columns, never ORM entities per row: an import of
100,000 answers must not build 100,000 objects."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import BigInteger, Select, and_, bindparam, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.models import (
    Agency,
    AgencyType,
    Dimension,
    EvidenceFile,
    Framework,
    ImportBatch,
    ImportRowError,
    Indicator,
    Period,
    Region,
    Submission,
    User,
)
from siaga.regions.repository import subtree_filter


def _in_scope(scope: str | None) -> list[Any]:
    return [] if scope is None else [subtree_filter(scope)]


async def periods(session: AsyncSession) -> Sequence[Any]:
    stmt = select(Period.id, Period.code, Period.framework_id, Period.state, Period.deadline)
    return (await session.execute(stmt)).all()


async def regions(session: AsyncSession, scope: str | None) -> Sequence[Any]:
    stmt = select(
        Region.id, Region.code, Region.name, Region.level, Region.bps_code, Region.time_zone
    ).where(*_in_scope(scope))
    return (await session.execute(stmt)).all()


async def region_codes_outside(session: AsyncSession, codes: list[str]) -> set[str]:
    """Which of `codes` exist at all (used to tell a taken code from a free one)."""
    if not codes:
        return set()
    return set((await session.scalars(select(Region.code).where(Region.code.in_(codes)))).all())


async def indicators(session: AsyncSession) -> Sequence[Any]:
    stmt = select(
        Indicator.id,
        Indicator.framework_id,
        Indicator.dimension_id,
        Indicator.code,
        Indicator.name,
        Indicator.guidance,
        Indicator.answer_type,
        Indicator.target,
        Indicator.weight,
        Indicator.agency_type_id,
        Indicator.applies_province,
        Indicator.applies_regency,
        Indicator.applies_city,
        Indicator.evidence_required,
        Indicator.evidence_guidance,
        Indicator.position,
    )
    return (await session.execute(stmt)).all()


async def answered_indicator_ids(session: AsyncSession) -> set[int]:
    stmt = select(Submission.indicator_id).distinct()
    return set((await session.scalars(stmt)).all())


async def frameworks(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(Framework.code, Framework.id))).all()
    return {code: id_ for code, id_ in rows}


async def dimensions(session: AsyncSession) -> dict[tuple[int, str], int]:
    rows = (
        await session.execute(select(Dimension.framework_id, Dimension.code, Dimension.id))
    ).all()
    return {(fw, code): id_ for fw, code, id_ in rows}


async def agency_types(session: AsyncSession) -> dict[str, int]:
    rows = (await session.execute(select(AgencyType.code, AgencyType.id))).all()
    return {code: id_ for code, id_ in rows}


async def agencies(session: AsyncSession, scope: str | None) -> Sequence[Any]:
    stmt = (
        select(
            Agency.id,
            Agency.code,
            Agency.name,
            Agency.region_id,
            Agency.agency_type_id,
            Agency.is_active,
            Region.code.label("region_code"),
        )
        .join(Region, Region.id == Agency.region_id)
        .where(*_in_scope(scope))
    )
    return (await session.execute(stmt)).all()


async def agency_codes_taken(session: AsyncSession, codes: list[str]) -> set[str]:
    if not codes:
        return set()
    return set((await session.scalars(select(Agency.code).where(Agency.code.in_(codes)))).all())


async def existing_submissions(
    session: AsyncSession, keys: list[tuple[int, int, int]]
) -> Sequence[Any]:
    """The answers of the (period, region) pairs of these (period, region, indicator) keys:
    one query per chunk, a superset of the keys' answers (callers look them up by key).

    Asking by pair, not by key, probes the unique index once per Pemda and period (a
    chunk's 5,000 rows hold a few hundred pairs) instead of once per row; a pair has at
    most one answer per indicator, so the extra rows stay few.
    """
    if not keys:
        return []
    pairs = sorted({(k[0], k[1]) for k in keys})
    stmt = select(
        Submission.id,
        Submission.period_id,
        Submission.region_id,
        Submission.indicator_id,
        Submission.value,
        Submission.narrative,
        Submission.status,
        Submission.version,
        Submission.first_submitted_at,
        Submission.submitted_at,
        Submission.is_late,
    )
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL plans a long IN list of tuples as as many ORs (seconds per chunk); two
        # arrays unnested into a derived table join the unique index instead.
        ids = ARRAY(BigInteger)
        wanted = (
            func.unnest(
                bindparam("periods", [p[0] for p in pairs], type_=ids),
                bindparam("regions", [p[1] for p in pairs], type_=ids),
            )
            .table_valued("p", "r")
            .render_derived(name="wanted")
        )
        stmt = stmt.join(
            wanted,
            and_(Submission.period_id == wanted.c.p, Submission.region_id == wanted.c.r),
        )
    else:
        stmt = stmt.where(tuple_(Submission.period_id, Submission.region_id).in_(pairs))
    return (await session.execute(stmt)).all()


async def evidence_hashes(session: AsyncSession, submission_ids: list[int]) -> dict[int, list[str]]:
    if not submission_ids:
        return {}
    stmt = (
        select(EvidenceFile.submission_id, EvidenceFile.blob_sha256)
        .where(EvidenceFile.submission_id.in_(submission_ids))
        .order_by(EvidenceFile.submission_id, EvidenceFile.created_at, EvidenceFile.id)
    )
    found: dict[int, list[str]] = {}
    for submission_id, sha in (await session.execute(stmt)).all():
        found.setdefault(submission_id, []).append(sha)
    return found


def _visible(principal: Principal) -> list[Any]:
    """Batches the caller may see: an API key its own; an administrator those of its
    subtree (national administrators: all)."""
    if principal.kind == "api_key":
        return [ImportBatch.api_key_id == principal.id]
    if principal.region_code is None:
        return []
    scope = principal.region_code
    return [
        or_(
            ImportBatch.created_by_id == principal.id,
            and_(
                ImportBatch.region_code.is_not(None),
                or_(
                    ImportBatch.region_code == scope,
                    ImportBatch.region_code.startswith(scope + ".", autoescape=True),
                ),
            ),
        )
    ]


def _batch_select() -> Select[*tuple[Any, ...]]:
    return select(ImportBatch, User.username).outerjoin(User, User.id == ImportBatch.created_by_id)


async def get_batch(session: AsyncSession, principal: Principal, batch_id: int) -> Any:
    # The batch was written with Core statements in this session: read it afresh.
    stmt = (
        _batch_select()
        .where(ImportBatch.id == batch_id, *_visible(principal))
        .execution_options(populate_existing=True)
    )
    return (await session.execute(stmt)).first()


async def list_batches(
    session: AsyncSession, principal: Principal, page: PageParams, kind: str | None
) -> tuple[Sequence[Any], int]:
    conditions = [*_visible(principal)]
    if kind is not None:
        conditions.append(ImportBatch.kind == kind)
    total = await session.scalar(select(func.count()).select_from(ImportBatch).where(*conditions))
    stmt = (
        _batch_select()
        .where(*conditions)
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return (await session.execute(stmt)).all(), total or 0


async def find_by_idempotency_key(
    session: AsyncSession, principal: Principal, key: str
) -> ImportBatch | None:
    stmt = select(ImportBatch).where(
        ImportBatch.idempotency_key == key,
        ImportBatch.created_by_id == principal.user_id
        if principal.user_id is not None
        else ImportBatch.created_by_id.is_(None),
        ImportBatch.api_key_id == principal.api_key_id
        if principal.api_key_id is not None
        else ImportBatch.api_key_id.is_(None),
    )
    return (await session.scalars(stmt)).first()


def idempotency_lock_id(principal: Principal, key: str) -> int:
    """A 64-bit advisory lock id for (author, key); a collision only makes two keys wait
    for each other."""
    digest = hashlib.sha256(f"import:{principal.kind}:{principal.id}:{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def lock_idempotency_key(session: AsyncSession, principal: Principal, key: str) -> bool:
    """Take the caller's key for this transaction; False while another transaction has it.

    PostgreSQL only, with a transaction-scoped advisory lock: it goes with the commit or
    rollback, so a crashed or failed import never leaves its key taken, and a retry is
    told at once that the import is still running instead of waiting for it on the
    unique index. SQLite has one writer at a time: there the batch insert waits for it.
    """
    if session.get_bind().dialect.name != "postgresql":
        return True
    taken = await session.scalar(
        select(func.pg_try_advisory_xact_lock(idempotency_lock_id(principal, key)))
    )
    return bool(taken)


async def insert_batch(session: AsyncSession, values: dict[str, Any]) -> int | None:
    """Insert the batch row; None if its author already has a batch with this
    Idempotency-Key (ON CONFLICT DO NOTHING: the transaction stays usable)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(ImportBatch).values(**values).on_conflict_do_nothing().returning(ImportBatch.id)
    batch_id: int | None = (await session.execute(stmt)).scalar_one_or_none()
    return batch_id


# SQLSTATE of a unique violation; SQLite's extended codes for a UNIQUE or PRIMARY KEY clash.
_PG_UNIQUE_VIOLATION = "23505"
_SQLITE_UNIQUE_CODES = frozenset({2067, 1555})


def is_unique_violation(exc: BaseException) -> bool:
    """Whether `exc` is a unique key clash: another transaction wrote the same row first.

    Raised through SQLAlchemy (IntegrityError around the driver's error) or straight from
    asyncpg by the bulk writes' COPY, so the driver's own error is looked for in the chain.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for error in (current, getattr(current, "orig", None)):
            if getattr(error, "sqlstate", None) == _PG_UNIQUE_VIOLATION:
                return True
            if getattr(error, "sqlite_errorcode", None) in _SQLITE_UNIQUE_CODES:
                return True
        current = current.__cause__ or current.__context__
    return False


async def batch_errors(
    session: AsyncSession, batch_id: int, limit: int | None = None
) -> Sequence[Any]:
    stmt = (
        select(
            ImportRowError.row,
            ImportRowError.column,
            ImportRowError.code,
            ImportRowError.message,
            ImportRowError.message_en,
        )
        .where(ImportRowError.batch_id == batch_id)
        .order_by(ImportRowError.row, ImportRowError.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return (await session.execute(stmt)).all()
