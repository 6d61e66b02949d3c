"""Who is calling: `CurrentPrincipal`, and `require(capability)` for each route."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from siaga.audit.service import Actor, record_separately
from siaga.auth import service
from siaga.auth.exceptions import CsrfFailed, Forbidden, NotAuthenticated
from siaga.core.deps import DbSession
from siaga.core.security import Capability, Principal, constant_time_equal
from siaga.core.settings import Settings

SESSION_COOKIE = "siaga_session"
CSRF_COOKIE = "siaga_csrf"
CSRF_HEADER = "X-CSRF-Token"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

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


async def _principal(
    request: Request,
    session: DbSession,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> Principal:
    settings = app_settings(request)
    if bearer is not None:
        token, via_cookie = bearer.credentials, False
    elif cookie:
        token, via_cookie = cookie, True
    else:
        raise NotAuthenticated()
    if len(token) > 200:
        raise NotAuthenticated()
    principal = await service.authenticate_token(
        session, settings, token, via_cookie=via_cookie, client_addr=client_addr(request)
    )
    # A cookie is sent by the browser on its own, so a request that changes data must
    # also prove it comes from our SPA (double submit: header derived from the cookie).
    if via_cookie and request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not sent or not constant_time_equal(sent, service.csrf_token_for(settings, token)):
            await record_separately(
                request.app.state.sessionmaker,
                actor_of(principal, request),
                "authz.csrf_failed",
                outcome="denied",
                region_code=principal.region_code,
                entity_type="route",
                entity_id=f"{request.method} {request.url.path}"[:120],
            )
            raise CsrfFailed()
    request.state.user_id = principal.user_id  # for the access log line (core.middleware)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(_principal)]


def actor_of(principal: Principal, request: Request) -> Actor:
    return Actor(
        label=principal.label,
        user_id=principal.user_id,
        api_key_id=principal.api_key_id,
        client_addr=client_addr(request),
        request_id=request_id(request),
    )


async def _actor(principal: CurrentPrincipal, request: Request) -> Actor:
    return actor_of(principal, request)


CurrentActor = Annotated[Actor, Depends(_actor)]


def require(capability: Capability) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits principals with `capability`, and audits refusals."""

    async def dependency(principal: CurrentPrincipal, request: Request) -> Principal:
        if not principal.can(capability):
            await record_separately(
                request.app.state.sessionmaker,
                actor_of(principal, request),
                "authz.denied",
                outcome="denied",
                region_code=principal.region_code,
                entity_type="route",
                entity_id=f"{request.method} {request.url.path}"[:120],
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
