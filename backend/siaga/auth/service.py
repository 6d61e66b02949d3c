"""Logins, sessions and API-key authentication."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, RefusalThrottle, record, record_refusal
from siaga.auth import repository
from siaga.auth.exceptions import (
    CredentialRefused,
    InvalidCredentials,
    NotAuthenticated,
    RateLimited,
    SignInBusy,
)
from siaga.auth.repository import UserWithScope
from siaga.auth.schemas import MeRead
from siaga.core.errors import is_database_unavailable
from siaga.core.passwords import PasswordChecker, PasswordCheckerBusy
from siaga.core.security import (
    API_KEY_CAPABILITIES,
    ROLE_CAPABILITIES,
    Principal,
    constant_time_equal,
    dummy_password_hash,
    new_token,
    token_digest,
)
from siaga.core.settings import Settings
from siaga.core.types import utcnow
from siaga.models import AuthSession, LoginAttempt, Role, User

# Session and API-key "last used" stamps are refreshed at most this often, so that
# reads do not turn into a write on every request.
TOUCH_INTERVAL = timedelta(seconds=60)
API_KEY_PREFIX = "sgk_"


@dataclass(frozen=True)
class LoginResult:
    token: str
    csrf_token: str
    expires_at: datetime
    principal: Principal
    user: User


def user_principal(
    row: UserWithScope, *, session_id: int | None = None, via_cookie: bool = False
) -> Principal:
    user = row.user
    # An operator's scope is its agency's Pemda; everyone else's is their region (or nation).
    region_code = row.agency_region_code if user.role == Role.OPERATOR else row.region_code
    return Principal(
        kind="user",
        id=user.id,
        label=user.username,
        capabilities=ROLE_CAPABILITIES[user.role],
        region_code=region_code,
        role=user.role,
        agency_id=user.agency_id,
        agency_code=row.agency_code,
        agency_type_id=row.agency_type_id,
        session_id=session_id,
        via_cookie=via_cookie,
        must_change_password=user.must_change_password,
    )


def csrf_token_for(settings: Settings, token: str) -> str:
    """The CSRF token is derived from the session token: nothing extra to store."""
    return token_digest(settings.secret_key, token, purpose="csrf")


@dataclass(frozen=True)
class LoginContext:
    """What a sign-in needs from the application besides the database session."""

    settings: Settings
    checker: PasswordChecker
    throttle: RefusalThrottle


def _retry_after(oldest: datetime, window: timedelta, now: datetime) -> int:
    return max(1, math.ceil((oldest + window - now).total_seconds()))


async def reserve_attempt(
    session: AsyncSession, settings: Settings, username: str, addr: str
) -> LoginAttempt:
    """Count this attempt as a failure before the password is checked, atomically.

    Its row is committed before the check, so every process sees it at once: with five
    checks running for one account, a sixth is refused without being evaluated. The row
    turns into a success only if the password is right (pessimistic, so a crash in
    between counts against the caller, not for them).
    """
    now = utcnow()
    window = timedelta(minutes=settings.login_window_minutes)
    # Serialises attempts on the same account or address (PostgreSQL: advisory locks held
    # to the commit; SQLite: the insert below takes the database's write lock first).
    await repository.lock_login_keys(session, username, addr)
    attempt = LoginAttempt(username=username, client_addr=addr, succeeded=False, created_at=now)
    session.add(attempt)
    await session.flush()
    since = now - window
    for (count, oldest), limit in (
        (
            await repository.count_failures(session, since=since, username=username),
            settings.login_max_failures_per_account,
        ),
        (
            await repository.count_failures(session, since=since, addr=addr),
            settings.login_max_failures_per_address,
        ),
    ):
        if count > limit and oldest is not None:
            # Refused unevaluated: not counted, or a flood would lock the account forever.
            await session.rollback()
            raise RateLimited(_retry_after(oldest, window, now))
    await session.commit()
    return attempt


async def login(
    session: AsyncSession,
    context: LoginContext,
    *,
    username: str,
    password: str,
    client_addr: str,
    user_agent: str | None,
    request_id: str | None,
) -> LoginResult:
    username = username.strip().lower()
    actor = Actor(label=username, client_addr=client_addr, request_id=request_id)

    def refused(outcome: str, reason: str) -> None:
        record_refusal(
            session,
            context.throttle,
            actor,
            "auth.login",
            entity_type="user",
            entity_id=username,
            outcome=outcome,
            after={"reason": reason},
        )

    try:
        slot = context.checker.slot()
    except PasswordCheckerBusy:
        refused("rate_limited", "busy")
        raise SignInBusy() from None
    with slot:
        try:
            return await _login(session, context, actor, username, password, user_agent)
        except RateLimited:
            refused("rate_limited", "too_many_failures")
            raise
        except InvalidCredentials:
            raise
        except Exception as exc:
            if is_database_unavailable(exc):
                # Spooled by the session scope and written once the database is back.
                refused("failure", "database_unavailable")
            raise


async def _login(
    session: AsyncSession,
    context: LoginContext,
    actor: Actor,
    username: str,
    password: str,
    user_agent: str | None,
) -> LoginResult:
    settings = context.settings
    client_addr = actor.client_addr or "unknown"
    row = await repository.get_user_by_username(session, username)
    attempt = await reserve_attempt(session, settings, username, client_addr)
    # No connection is held from here: the reservation committed and released it.
    # Verify even for unknown users so the response time does not reveal existence.
    ok = await context.checker.verify(
        password, row.user.password_hash if row else dummy_password_hash()
    )
    if row is None or not ok or not row.user.is_active:
        record(
            session,
            actor,
            "auth.login",
            entity_type="user",
            entity_id=username,
            outcome="failure",
            after={"reason": "disabled" if row and ok else "invalid_credentials"},
        )
        # Committed here, in the request's own transaction: the error below rolls back
        # nothing, and the failure is on record whatever the client does next.
        await session.commit()
        raise InvalidCredentials()

    user = row.user
    now = utcnow()
    token = new_token()
    auth_session = AuthSession(
        user_id=user.id,
        token_hash=token_digest(settings.secret_key, token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + timedelta(hours=settings.session_max_hours),
        client_addr=client_addr,
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(auth_session)
    attempt.succeeded = True
    user.last_login_at = now
    await session.flush()
    principal = user_principal(row, session_id=auth_session.id)
    record(
        session,
        Actor(username, user.id, None, client_addr, actor.request_id),
        "auth.login",
        entity_type="user",
        entity_id=username,
        region_code=principal.region_code,
    )
    return LoginResult(
        token=token,
        csrf_token=csrf_token_for(settings, token),
        expires_at=auth_session.expires_at,
        principal=principal,
        user=user,
    )


async def logout(session: AsyncSession, principal: Principal, actor: Actor) -> None:
    if principal.session_id is not None:
        auth_session = await session.get(AuthSession, principal.session_id)
        if auth_session is not None and auth_session.revoked_at is None:
            auth_session.revoked_at = utcnow()
    record(
        session,
        actor,
        "auth.logout",
        entity_type="user",
        entity_id=principal.label,
        region_code=principal.region_code,
    )


async def authenticate_token(
    session: AsyncSession,
    settings: Settings,
    token: str,
    *,
    via_cookie: bool,
    client_addr: str | None = None,
) -> Principal:
    if token.startswith(API_KEY_PREFIX):
        if via_cookie:
            raise NotAuthenticated()
        return await authenticate_api_key(session, settings, token, client_addr)
    found = await repository.get_session_with_user(
        session, token_digest(settings.secret_key, token)
    )
    if found is None:
        raise NotAuthenticated("Sesi tidak valid atau telah berakhir (invalid or expired session)")
    auth_session, row = found.auth_session, found.account
    now = utcnow()
    expired = NotAuthenticated("Sesi tidak valid atau telah berakhir (invalid or expired session)")
    if auth_session.expires_at <= now or (
        auth_session.last_seen_at + timedelta(minutes=settings.session_idle_minutes) <= now
    ):
        raise expired  # the ordinary end of a session: nothing to investigate
    if auth_session.revoked_at is not None or not row.user.is_active:
        # A token used after sign-out or a password change, or by a disabled account.
        raise CredentialRefused(
            expired,
            entity_type="user",
            entity_id=row.user.username,
            region_code=user_principal(row).region_code,
            reason="session_revoked" if row.user.is_active else "account_disabled",
        )
    if now - auth_session.last_seen_at >= TOUCH_INTERVAL:
        auth_session.last_seen_at = now
    return user_principal(row, session_id=auth_session.id, via_cookie=via_cookie)


def split_api_key(key: str) -> str | None:
    """The public prefix of a key shaped `sgk_<prefix>_<secret>`, or None if malformed."""
    # The secret part is URL-safe base64 and may itself contain "_".
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] + "_" != API_KEY_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1]


async def authenticate_api_key(
    session: AsyncSession, settings: Settings, key: str, client_addr: str | None = None
) -> Principal:
    prefix = split_api_key(key)
    row = await repository.get_api_key_by_prefix(session, prefix) if prefix else None
    invalid = NotAuthenticated("Kunci API tidak valid (invalid API key)")
    if row is None:
        raise invalid
    api_key = row.key
    now = utcnow()
    if not constant_time_equal(api_key.key_hash, token_digest(settings.secret_key, key, "api_key")):
        raise invalid
    if api_key.revoked_at is not None or (
        api_key.expires_at is not None and api_key.expires_at <= now
    ):
        raise CredentialRefused(
            invalid,
            entity_type="api_key",
            entity_id=api_key.prefix,
            region_code=row.region_code,
            reason="revoked" if api_key.revoked_at is not None else "expired",
        )
    if api_key.last_used_at is None or now - api_key.last_used_at >= TOUCH_INTERVAL:
        api_key.last_used_at = now
        api_key.last_used_addr = client_addr
    scopes = frozenset(api_key.scopes)
    return Principal(
        kind="api_key",
        id=api_key.id,
        label=f"apikey:{api_key.prefix}",
        capabilities=frozenset(
            capability
            for scope, capability in API_KEY_CAPABILITIES.items()
            if scope.value in scopes
        ),
        region_code=row.region_code,
        scopes=scopes,
    )


async def describe(session: AsyncSession, principal: Principal) -> MeRead:
    region_name, agency_name = await repository.scope_names(
        session, principal.region_code, principal.agency_code
    )
    full_name = ""
    user = await session.get(User, principal.id) if principal.kind == "user" else None
    if user is not None:
        full_name = user.full_name
    return MeRead(
        kind=principal.kind,
        username=principal.label,
        full_name=full_name,
        role=principal.role,
        region_code=principal.region_code,
        region_name=region_name,
        agency_code=principal.agency_code,
        agency_name=agency_name,
        capabilities=sorted(principal.capabilities),
        email=user.email if user else None,
        phone=user.phone if user else None,
        locale=user.locale if user else None,
        must_change_password=bool(user and user.must_change_password),
    )
