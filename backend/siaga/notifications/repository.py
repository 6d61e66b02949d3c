"""The inbox's queries, always for one user: their items never reach anyone else."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.models import Notification


async def page(
    session: AsyncSession, user_id: int, params: PageParams, *, unread_only: bool
) -> tuple[Sequence[Notification], int]:
    where = [Notification.user_id == user_id]
    if unread_only:
        where.append(Notification.read_at.is_(None))
    total = await session.scalar(select(func.count()).select_from(Notification).where(*where))
    rows = await session.scalars(
        select(Notification)
        .where(*where)
        .order_by(Notification.id.desc())
        .limit(params.limit)
        .offset(params.offset)
    )
    return rows.all(), total or 0


async def unread_count(session: AsyncSession, user_id: int) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
    )
    return count or 0


async def mark_read(
    session: AsyncSession, user_id: int, notification_id: int, now: datetime
) -> Notification | None:
    """The user's item, read from now on (an item read before keeps its first time);
    None if the user has no such item."""
    item = await session.scalar(
        select(Notification)
        .where(Notification.id == notification_id, Notification.user_id == user_id)
        .with_for_update()
    )
    if item is not None and item.read_at is None:
        item.read_at = now
        await session.flush()
    return item


async def mark_all_read(session: AsyncSession, user_id: int, now: datetime) -> int:
    result = await session.execute(
        update(Notification)
        .where(Notification.user_id == user_id, Notification.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
