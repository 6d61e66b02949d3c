"""The caller's inbox: list it, count the unread, mark items read.

Marking read is not audited: it changes nothing but the reader's own view (like the
comment threads' read marks), and an audit row per click would bury the trail.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.models import Notification
from siaga.notifications import repository
from siaga.notifications.exceptions import NoInbox, NotificationNotFound
from siaga.notifications.schemas import (
    NotificationData,
    NotificationPage,
    NotificationRead,
    ReadAllResult,
    UnreadCount,
)


def _owner(principal: Principal) -> int:
    """The user whose inbox it is: API keys have none (systems subscribe to webhooks)."""
    if principal.user_id is None:
        raise NoInbox()
    return principal.user_id


def _read(item: Notification) -> NotificationRead:
    return NotificationRead(
        id=item.id,
        type=item.type,
        data=NotificationData.model_validate(item.data),
        link=item.link,
        created_at=item.created_at,
        read_at=item.read_at,
    )


async def list_items(
    session: AsyncSession, principal: Principal, page: PageParams, *, unread_only: bool
) -> NotificationPage:
    user_id = _owner(principal)
    rows, total = await repository.page(session, user_id, page, unread_only=unread_only)
    return NotificationPage(
        items=[_read(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
        unread=await repository.unread_count(session, user_id),
    )


async def unread(session: AsyncSession, principal: Principal) -> UnreadCount:
    return UnreadCount(unread=await repository.unread_count(session, _owner(principal)))


async def mark_read(
    session: AsyncSession, principal: Principal, notification_id: int
) -> NotificationRead:
    item = await repository.mark_read(session, _owner(principal), notification_id, utcnow())
    if item is None:
        raise NotificationNotFound()
    return _read(item)


async def mark_all_read(session: AsyncSession, principal: Principal) -> ReadAllResult:
    marked = await repository.mark_all_read(session, _owner(principal), utcnow())
    return ReadAllResult(marked=marked)
