from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from siaga.auth.dependencies import CurrentActor, Reader, actor_of, refuse
from siaga.comments import service
from siaga.comments.exceptions import CommentNotAllowed
from siaga.comments.schemas import CommentPage, CommentRead, CommentWrite
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.core.security import Principal
from siaga.submissions.router import ANSWER, AnswerKeys

router = APIRouter(tags=["comments"])


async def _commenter(principal: Reader, request: Request, session: DbSession) -> Principal:
    """Admits those who may write in a conversation (service.may_comment); a refusal is
    audited like the capability checks' (auth.dependencies.require)."""
    if not service.may_comment(principal):
        refuse(
            request,
            session,
            actor_of(principal, request),
            "authz.denied",
            region_code=principal.region_code,
            entity_type="route",
            entity_id=f"{request.method} {request.url.path}"[:120],
            after={"needs": "comment"},
        )
        raise CommentNotAllowed()
    return principal


Commenter = Annotated[Principal, Depends(_commenter)]


@router.get(
    ANSWER + "/comments",
    name="list",
    response_model=CommentPage,
    responses=responses(401, 403, 404),
)
async def list_comments(
    session: DbSession, principal: Reader, response: Response, keys: AnswerKeys, page: Pagination
) -> CommentPage:
    """The conversation on the answer, oldest message first; reading it marks it read."""
    # Per user and changed by reading: never from a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return await service.list_comments(session, principal, keys, page)


@router.post(
    ANSWER + "/comments",
    name="create",
    status_code=201,
    response_model=CommentRead,
    responses=responses(401, 403, 404, 422, 429),
)
async def post_comment(
    session: DbSession,
    principal: Commenter,
    actor: CurrentActor,
    keys: AnswerKeys,
    body: CommentWrite,
) -> CommentRead:
    """Add a message to the answer's conversation (not viewers nor read-only API keys);
    it changes nothing in the answer itself."""
    return await service.post_comment(session, principal, actor, keys, body.body)
