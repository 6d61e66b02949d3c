"""One's own account under /auth: PATCH /auth/me and POST /auth/password."""

from __future__ import annotations

from fastapi import APIRouter, Request

from siaga.auth import service as auth_service
from siaga.auth.dependencies import AppSettings, CurrentActor, CurrentPrincipal
from siaga.auth.schemas import MeRead
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.users import self_service
from siaga.users.schemas import PasswordChange, ProfileUpdate

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post(
    "/password",
    name="change_password",
    status_code=204,
    responses=responses(401, 403, 422, 429),
)
async def change_password(
    request: Request,
    session: DbSession,
    settings: AppSettings,
    principal: CurrentPrincipal,
    actor: CurrentActor,
    data: PasswordChange,
) -> None:
    """Change one's own password (sessions only); every other session of the account ends."""
    context = auth_service.LoginContext(
        settings, request.app.state.password_checker, request.app.state.refusal_throttle
    )
    await self_service.change_password(session, context, data, principal=principal, actor=actor)


@router.patch("/me", name="update_me", response_model=MeRead, responses=responses(401, 403, 422))
async def update_me(
    session: DbSession, principal: CurrentPrincipal, actor: CurrentActor, data: ProfileUpdate
) -> MeRead:
    """Change one's own name, e-mail, phone and language."""
    await self_service.update_profile(session, data, principal=principal, actor=actor)
    return await auth_service.describe(session, principal)
