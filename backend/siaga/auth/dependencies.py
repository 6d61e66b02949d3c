"""Who is calling: `CurrentPrincipal`, and `require(capability)` for each route."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Annotated, Unpack

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, Subject, record_refusal
from siaga.auth import service
from siaga.auth.exceptions import (
    AuditedRefusal,
    CredentialRefused,
    CsrfFailed,
    Forbidden,
    NotAuthenticated,
    PasswordChangeRequired,
)
from siaga.core.deps import DbSession
from siaga.core.errors import AppError
from siaga.core.jsontypes import JsonObject
from siaga.core.security import Capability, Principal, constant_time_equal
from siaga.core.settings import Settings

SESSION_COOKIE = "siaga_session"
CSRF_COOKIE = "siaga_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# What a session may still do while its password must be changed (User.must_change_password).
_WHILE_PASSWORD_CHANGE = frozenset(
    {("GET", "/auth/me"), ("POST", "/auth/password"), ("POST", "/auth/logout")}
)

# auto_error=False: a missing credential is our 401 in the contract's shape, not FastAPI's.
_bearer = HTTPBearer(auto_error=False, description="Session token or API key")
_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False, description="SPA session cookie")


def client_addr(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def request_id(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(app_settings)]


def _allowed_before_change(request: Request) -> bool:
    route = request.scope.get("route")
    path: str = getattr(route, "path_format", "")
    return any(
        request.method == method and path.endswith(suffix)
        for method, suffix in _WHILE_PASSWORD_CHANGE
    )


def _route(request: Request) -> str:
    return f"{request.method} {request.url.path}"[:120]


def refuse(
    request: Request,
    session: AsyncSession,
    actor: Actor,
    action: str,
    *,
    outcome: str = "denied",
    after: JsonObject | None = None,
    **fields: Unpack[Subject],
) -> None:
    """Audit a refusal of this request, within the application's per-address budget."""
    throttle = request.app.state.refusal_throttle
    record_refusal(session, throttle, actor, action, outcome=outcome, after=after, **fields)


async def _principal(
    request: Request,
    session: DbSession,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> AsyncIterator[Principal]:
    settings = app_settings(request)
    if bearer is not None:
        token, via_cookie = bearer.credentials, False
    elif cookie:
        token, via_cookie = cookie, True
    else:
        raise NotAuthenticated()
    if len(token) > 200:
        raise NotAuthenticated()
    try:
        principal = await service.authenticate_token(
            session, settings, token, via_cookie=via_cookie, client_addr=client_addr(request)
        )
    except CredentialRefused as exc:
        refuse(
            request,
            session,
            Actor(exc.entity_id, client_addr=client_addr(request), request_id=request_id(request)),
            "auth.token_refused",
            outcome="failure",
            entity_type=exc.entity_type,
            entity_id=exc.entity_id,
            region_code=exc.region_code,
            after={"reason": exc.reason, "route": _route(request)},
        )
        raise
    actor = actor_of(principal, request)
    # A cookie is sent by the browser on its own, so a request that changes data must
    # also prove it comes from our SPA (double submit: header derived from the cookie).
    if via_cookie and request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not constant_time_equal(sent, service.csrf_token_for(settings, token)):
            refuse(
                request,
                session,
                actor,
                "authz.csrf_failed",
                region_code=principal.region_code,
                entity_type="route",
                entity_id=_route(request),
            )
            raise CsrfFailed()
    request.state.user_id = principal.user_id  # for the access log line (core.middleware)
    if principal.must_change_password and not _allowed_before_change(request):
        raise PasswordChangeRequired()
    try:
        yield principal
    except AuditedRefusal as exc:
        # A rule about the object refused it (separation of duties): on record, like a
        # refusal of the route's capability.
        refuse(
            request,
            session,
            actor,
            "authz.denied",
            entity_type=exc.entity_type,
            entity_id=exc.entity_id,
            region_code=exc.region_code,
            after={"code": exc.code, "route": _route(request)},
        )
        raise
    except AppError as exc:
        # Objects outside the caller's scope answer 404 like missing ones; a write that
        # gets one may be probing, so it is on record (reads would only be noise).
        if exc.status_code == 404 and request.method not in _SAFE_METHODS:
            refuse(
                request,
                session,
                actor,
                "authz.not_found",
                region_code=principal.region_code,
                entity_type="route",
                entity_id=_route(request),
                after={"code": exc.code},
            )
        raise


# scope="function", like the session it uses: it must see the endpoint's errors before
# the session scope rolls back and writes what was kept for the audit.
CurrentPrincipal = Annotated[Principal, Depends(_principal, scope="function")]


def actor_of(principal: Principal, request: Request) -> Actor:
    return Actor(
        label=principal.label,
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
        client_addr=client_addr(request),
        request_id=request_id(request),
        received_at=getattr(request.state, "received_at", None),
    )


async def _actor(principal: CurrentPrincipal, request: Request) -> Actor:
    return actor_of(principal, request)


CurrentActor = Annotated[Actor, Depends(_actor)]


def require(capability: Capability) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits principals with `capability`, and audits refusals."""

    async def dependency(
        principal: CurrentPrincipal, request: Request, session: DbSession
    ) -> Principal:
        if not principal.can(capability):
            refuse(
                request,
                session,
                actor_of(principal, request),
                "authz.denied",
                region_code=principal.region_code,
                entity_type="route",
                entity_id=_route(request),
                after={"needs": capability.value},
            )
            raise Forbidden()
        return principal

    dependency.__name__ = f"require_{capability.value}"
    return dependency


Reader = Annotated[Principal, Depends(require(Capability.READ))]
Answerer = Annotated[Principal, Depends(require(Capability.ANSWER))]
Reviewer = Annotated[Principal, Depends(require(Capability.REVIEW))]
Importer = Annotated[Principal, Depends(require(Capability.IMPORT))]
Admin = Annotated[Principal, Depends(require(Capability.ADMIN))]
