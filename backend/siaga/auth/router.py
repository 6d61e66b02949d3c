from __future__ import annotations

from fastapi import APIRouter, Request, Response

from siaga.auth import service
from siaga.auth.dependencies import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    AppSettings,
    CurrentActor,
    CurrentPrincipal,
    client_addr,
    request_id,
)
from siaga.auth.schemas import LoginRequest, LoginResponse, MeRead
from siaga.core.deps import DbSession
from siaga.core.errors import responses

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/login", name="login", response_model=LoginResponse, responses=responses(401, 429))
async def login(
    request: Request,
    response: Response,
    session: DbSession,
    settings: AppSettings,
    data: LoginRequest,
) -> LoginResponse:
    """Sign in: returns a bearer token and sets the SPA's HttpOnly session cookie."""
    result = await service.login(
        session,
        service.LoginContext(
            settings, request.app.state.password_checker, request.app.state.refusal_throttle
        ),
        username=data.username,
        password=data.password,
        client_addr=client_addr(request),
        user_agent=request.headers.get("user-agent"),
        request_id=request_id(request),
    )
    max_age = settings.session_max_hours * 3600
    secure = settings.secure_cookies
    response.set_cookie(
        SESSION_COOKIE,
        result.token,
        max_age=max_age,
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    # Readable by the SPA's JavaScript, which echoes it in the X-CSRF-Token header.
    response.set_cookie(
        CSRF_COOKIE,
        result.csrf_token,
        max_age=max_age,
        httponly=False,
        secure=secure,
        samesite="lax",
        path="/",
    )
    response.headers["Cache-Control"] = "no-store"
    return LoginResponse(
        token=result.token,
        csrf_token=result.csrf_token,
        expires_at=result.expires_at,
        user=await service.describe(session, result.principal),
    )


@router.post("/logout", name="logout", status_code=204, responses=responses(401, 403))
async def logout(
    session: DbSession, principal: CurrentPrincipal, actor: CurrentActor, response: Response
) -> None:
    """Sign out: the session token stops working at once and the cookies are cleared."""
    await service.logout(session, principal, actor)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")


@router.get("/me", name="me", response_model=MeRead, responses=responses(401))
async def me(session: DbSession, principal: CurrentPrincipal) -> MeRead:
    """The signed-in user (or API key) with role, scope and capabilities."""
    return await service.describe(session, principal)
