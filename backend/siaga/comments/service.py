"""The conversation on an answer: who may read it (whoever may read the answer, through
the answer's own scoped loader), who may write in it, how fast, and what reading it
marks. A return's reason joins the thread from submissions.transitions."""

from __future__ import annotations

import math
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.comments import repository
from siaga.comments.exceptions import CommentNotAllowed, CommentsRateLimited
from siaga.comments.repository import CommentRow, Thread
from siaga.comments.schemas import CommentAuthor, CommentPage, CommentRead
from siaga.core.pagination import PageParams
from siaga.core.roles import Role
from siaga.core.security import Capability, Principal
from siaga.core.types import utcnow
from siaga.models import CommentKind
from siaga.submissions import records
from siaga.submissions.service import AnswerContext, Keys, load

# Per author: enough for a real conversation (a reply every few seconds), not for a
# script filling a thread or the audit trail.
RATE_LIMIT = 20
RATE_WINDOW = timedelta(minutes=1)


def may_comment(principal: Principal) -> bool:
    """Everyone who may read the answer takes part except those who only watch: viewers
    and API keys without the write scope."""
    if not principal.can(Capability.READ):
        return False
    if principal.kind == "api_key":
        return principal.can(Capability.ANSWER)
    return principal.role != Role.VIEWER


def _thread(ctx: AnswerContext) -> Thread:
    return Thread(ctx.period.id, ctx.region.id, ctx.indicator.id)


def _read(row: CommentRow) -> CommentRead:
    comment = row.comment
    return CommentRead(
        id=comment.id,
        kind=comment.kind,
        body=comment.body,
        author=CommentAuthor(
            username=row.username or comment.author_label,
            full_name=row.full_name or "",
            role=row.role,
        ),
        created_at=comment.created_at,
    )


async def list_comments(
    session: AsyncSession, principal: Principal, keys: Keys, params: PageParams
) -> CommentPage:
    """The thread (404 where the answer is out of the caller's scope, as for GET of the
    answer); a user's read mark moves to its newest message."""
    ctx = await load(session, principal, keys)
    thread = _thread(ctx)
    rows, total, newest = await repository.page(session, thread, params)
    unread, last_read = 0, None
    if principal.user_id is not None:
        last_read = await repository.read_mark(session, principal.user_id, thread)
        unread = await repository.unread(session, principal.user_id, thread, last_read)
        if newest is not None and (last_read is None or newest > last_read):
            await repository.mark_read(session, principal.user_id, thread, newest)
    return CommentPage(
        items=[_read(row) for row in rows],
        total=total,
        limit=params.limit,
        offset=params.offset,
        unread=unread,
        last_read_id=last_read,
    )


async def post_comment(
    session: AsyncSession, principal: Principal, actor: Actor, keys: Keys, body: str
) -> CommentRead:
    """Add a message. Allowed in every state of the answer (not started, returned, even
    verified or in a closed period): talking about an answer changes nothing in it, so
    an operator replies to a return without resubmitting."""
    if not may_comment(principal):
        raise CommentNotAllowed()
    ctx = await load(session, principal, keys)
    await _check_rate(session, actor)
    comment = await records.write_comment(
        session,
        actor,
        period_id=ctx.period.id,
        region_id=ctx.region.id,
        indicator_id=ctx.indicator.id,
        label=ctx.label,
        region_code=ctx.region.code,
        kind=CommentKind.COMMENT,
        body=body,
    )
    return _read(await repository.one(session, comment.id))


async def _check_rate(session: AsyncSession, actor: Actor) -> None:
    await repository.lock_author(session, actor.user_id, actor.api_key_id)
    now = utcnow()
    count, oldest = await repository.recent_by_author(
        session, actor.user_id, actor.api_key_id, now - RATE_WINDOW
    )
    if count >= RATE_LIMIT and oldest is not None:
        wait = (oldest + RATE_WINDOW - now).total_seconds()
        raise CommentsRateLimited(max(1, math.ceil(wait)))
