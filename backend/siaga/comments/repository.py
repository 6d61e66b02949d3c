"""Queries on the conversations: a thread page with its authors, the caller's read mark,
and the counts the rate limit needs. Comments are written by submissions.records
(write_comment), the one writer a return's reason shares."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.types import utcnow
from siaga.models import AnswerComment, CommentReadMark, Role, User


class Thread(NamedTuple):
    """The natural key of an answer, as ids: what a conversation hangs on."""

    period_id: int
    region_id: int
    indicator_id: int


class CommentRow(NamedTuple):
    comment: AnswerComment
    username: str | None
    full_name: str | None
    role: Role | None


def _in_thread(thread: Thread) -> list[ColumnElement[bool]]:
    return [
        AnswerComment.period_id == thread.period_id,
        AnswerComment.region_id == thread.region_id,
        AnswerComment.indicator_id == thread.indicator_id,
    ]


async def page(
    session: AsyncSession, thread: Thread, params: PageParams
) -> tuple[list[CommentRow], int, int | None]:
    """One page of the thread, oldest first; the thread's total and its newest id."""
    total, newest = (
        await session.execute(
            select(func.count(AnswerComment.id), func.max(AnswerComment.id)).where(
                *_in_thread(thread)
            )
        )
    ).one()
    stmt = (
        _with_author()
        .where(*_in_thread(thread))
        .order_by(AnswerComment.id)
        .limit(params.limit)
        .offset(params.offset)
    )
    rows = [CommentRow._make(row) for row in await session.execute(stmt)]
    return rows, total or 0, newest


def _with_author() -> Select[*tuple[Any, ...]]:
    return select(AnswerComment, User.username, User.full_name, User.role).outerjoin(
        User, User.id == AnswerComment.author_user_id
    )


async def one(session: AsyncSession, comment_id: int) -> CommentRow:
    row = (await session.execute(_with_author().where(AnswerComment.id == comment_id))).one()
    return CommentRow._make(row)


async def read_mark(session: AsyncSession, user_id: int, thread: Thread) -> int | None:
    mark: int | None = await session.scalar(
        select(CommentReadMark.last_comment_id).where(
            CommentReadMark.user_id == user_id,
            CommentReadMark.period_id == thread.period_id,
            CommentReadMark.region_id == thread.region_id,
            CommentReadMark.indicator_id == thread.indicator_id,
        )
    )
    return mark


async def unread(session: AsyncSession, user_id: int, thread: Thread, after: int | None) -> int:
    """Messages by others newer than `after` (the user's read mark)."""
    count: int | None = await session.scalar(
        select(func.count(AnswerComment.id)).where(
            *_in_thread(thread),
            AnswerComment.id > (after or 0),
            or_(AnswerComment.author_user_id.is_(None), AnswerComment.author_user_id != user_id),
        )
    )
    return count or 0


async def mark_read(session: AsyncSession, user_id: int, thread: Thread, newest: int) -> None:
    """Move the user's mark up to `newest`, never back (two tabs reading at once)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(CommentReadMark).values(
        user_id=user_id,
        period_id=thread.period_id,
        region_id=thread.region_id,
        indicator_id=thread.indicator_id,
        last_comment_id=newest,
        read_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[
            CommentReadMark.user_id,
            CommentReadMark.period_id,
            CommentReadMark.region_id,
            CommentReadMark.indicator_id,
        ],
        set_={
            "last_comment_id": case(
                (
                    stmt.excluded.last_comment_id > CommentReadMark.last_comment_id,
                    stmt.excluded.last_comment_id,
                ),
                else_=CommentReadMark.last_comment_id,
            ),
            "read_at": stmt.excluded.read_at,
        },
    )
    await session.execute(stmt)


_AUTHOR_LOCK = 3  # advisory lock class (auth/repository.py uses 1 and 2)


async def lock_author(session: AsyncSession, user_id: int | None, api_key_id: int | None) -> None:
    """Serialise one author's comments until the commit, so that the rate limit's count
    and the insert that follows are one step: a hundred posts at once still make twenty.

    PostgreSQL only; on SQLite the insert takes the database's write lock, which
    serialises all writers anyway."""
    if session.get_bind().dialect.name != "postgresql":
        return
    key = f"user:{user_id}" if user_id is not None else f"key:{api_key_id}"
    await session.execute(
        text("SELECT pg_advisory_xact_lock(:kind, hashtext(:key))"),
        {"kind": _AUTHOR_LOCK, "key": key},
    )


async def recent_by_author(
    session: AsyncSession, user_id: int | None, api_key_id: int | None, since: datetime
) -> tuple[int, datetime | None]:
    """How many messages the author wrote since `since`, and the oldest of them."""
    author = (
        AnswerComment.author_user_id == user_id
        if user_id is not None
        else and_(
            AnswerComment.author_user_id.is_(None),
            AnswerComment.author_api_key_id == api_key_id,
        )
    )
    count, oldest = (
        await session.execute(
            select(func.count(AnswerComment.id), func.min(AnswerComment.created_at)).where(
                author, AnswerComment.created_at >= since
            )
        )
    ).one()
    return count or 0, oldest
