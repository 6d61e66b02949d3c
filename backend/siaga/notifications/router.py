"""The caller's inbox (GET /notifications, POST .../read, POST /notifications/read-all)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from siaga.auth.dependencies import CurrentPrincipal
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.notifications import service
from siaga.notifications.schemas import (
    NotificationPage,
    NotificationRead,
    ReadAllResult,
    UnreadCount,
)

router = APIRouter(prefix="/notifications", tags=["notifications"])

NotificationId = Annotated[int, Path(ge=1, le=2**63 - 1, description="The item's id")]


@router.get("", name="list", response_model=NotificationPage, responses=responses(401, 403))
async def list_notifications(
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    unread: Annotated[bool, Query(description="Only the items not read yet")] = False,
) -> NotificationPage:
    """The caller's inbox, newest first, with the count of unread items."""
    return await service.list_items(session, principal, page, unread_only=unread)


@router.get(
    "/unread-count", name="unread_count", response_model=UnreadCount, responses=responses(401, 403)
)
async def unread_count(session: DbSession, principal: CurrentPrincipal) -> UnreadCount:
    """How many of the caller's items are unread (the bell's number)."""
    return await service.unread(session, principal)


@router.post(
    "/read-all", name="read_all", response_model=ReadAllResult, responses=responses(401, 403)
)
async def read_all(session: DbSession, principal: CurrentPrincipal) -> ReadAllResult:
    """Mark every unread item of the caller read."""
    return await service.mark_all_read(session, principal)


@router.post(
    "/{notification_id}/read",
    name="read",
    response_model=NotificationRead,
    responses=responses(401, 403, 404),
)
async def mark_read(
    session: DbSession, principal: CurrentPrincipal, notification_id: NotificationId
) -> NotificationRead:
    """Mark one of the caller's items read; another user's item answers 404."""
    return await service.mark_read(session, principal, notification_id)
