"""Queries of the stored import batches: claimed under an Idempotency-Key, finished with
their counts and row errors, and read back within the caller's reach."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, and_, func, or_, select, update
from sqlalchemy import insert as insert_statement
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.jsontypes import JsonObject
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.models import ImportBatch, ImportKind, ImportRowError, ImportStatus, User


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


class BatchRow(NamedTuple):
    """A stored batch with the username of its author (None: an API key or the CLI)."""

    batch: ImportBatch
    username: str | None


def _batch_select() -> Select[ImportBatch, str]:
    return select(ImportBatch, User.username).outerjoin(User, User.id == ImportBatch.created_by_id)


async def get_batch(session: AsyncSession, principal: Principal, batch_id: int) -> BatchRow | None:
    # The batch was written with Core statements in this session: read it afresh.
    stmt = (
        _batch_select()
        .where(ImportBatch.id == batch_id, *_visible(principal))
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(stmt)).first()
    return None if row is None else BatchRow._make(row)


async def list_batches(
    session: AsyncSession, principal: Principal, page: PageParams, kind: str | None
) -> tuple[list[BatchRow], int]:
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
    return [BatchRow._make(row) for row in await session.execute(stmt)], total or 0


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


@dataclass(frozen=True, slots=True)
class NewBatch:
    """The batch row an import claims before its first row: running, nothing counted yet."""

    kind: ImportKind
    dry_run: bool
    filename: str
    file_sha256: str | None
    region_code: str | None
    created_by_id: int | None
    api_key_id: int | None
    idempotency_key: str | None
    created_at: datetime
    status: ImportStatus = ImportStatus.RUNNING


async def insert_batch(session: AsyncSession, batch: NewBatch) -> int | None:
    """Insert the batch row; None if its author already has a batch with this
    Idempotency-Key (ON CONFLICT DO NOTHING: the transaction stays usable)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {
        **{f.name: getattr(batch, f.name) for f in fields(batch)},
        "kind": batch.kind.value,
        "status": batch.status.value,
        "row_count": 0,
        "created_count": 0,
        "updated_count": 0,
        "unchanged_count": 0,
        "error_count": 0,
    }
    stmt = insert(ImportBatch).values(**values).on_conflict_do_nothing().returning(ImportBatch.id)
    batch_id: int | None = (await session.execute(stmt)).scalar_one_or_none()
    return batch_id


@dataclass(frozen=True, slots=True)
class FinishedBatch:
    """What an import found, stored on its batch row when it ends."""

    status: ImportStatus
    finished_at: datetime
    row_count: int
    created_count: int
    updated_count: int
    unchanged_count: int
    error_count: int
    # A JSON document (the listed row outcomes and counts the columns do not hold).
    summary: JsonObject


async def finish_batch(session: AsyncSession, batch_id: int, finished: FinishedBatch) -> None:
    values = {f.name: getattr(finished, f.name) for f in fields(finished)}
    values["status"] = finished.status.value
    await session.execute(
        update(ImportBatch)
        .where(ImportBatch.id == batch_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


class StoredRowError(NamedTuple):
    """One row error of a batch, in the columns of errors.csv."""

    row: int
    column: str | None
    code: str
    message: str
    message_en: str


ERROR_WRITE_CHUNK = 5000


async def insert_row_errors(
    session: AsyncSession, batch_id: int, errors: Sequence[StoredRowError]
) -> None:
    for start in range(0, len(errors), ERROR_WRITE_CHUNK):
        await session.execute(
            insert_statement(ImportRowError),
            [
                {"batch_id": batch_id, **e._asdict()}
                for e in errors[start : start + ERROR_WRITE_CHUNK]
            ],
        )


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
) -> list[StoredRowError]:
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
    return [StoredRowError._make(row) for row in await session.execute(stmt)]
