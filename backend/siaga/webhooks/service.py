"""Webhook endpoints managed by administrators, each in its own scope.

An endpoint belongs to a region subtree (its creator's scope, or a subtree of it; null
for the nation): it receives the events of that subtree, and administrators outside it
do not see it (404). Nothing here sends anything (architecture rule 13): a test ping and
a retry only queue the delivery, and the worker sends it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, changes, record
from siaga.core.errors import InvalidInput
from siaga.core.jsontypes import JsonObject
from siaga.core.pagination import PageParams
from siaga.core.security import Principal, in_subtree
from siaga.core.settings import Settings
from siaga.core.types import utcnow
from siaga.models import WebhookEndpoint, WebhookState
from siaga.webhooks import repository, signing
from siaga.webhooks.events import WebhookEventType
from siaga.webhooks.exceptions import WebhookNotFound, WebhookUrlRefused
from siaga.webhooks.repository import EndpointRow
from siaga.webhooks.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDisabledReason,
    WebhookPage,
    WebhookRead,
    WebhookStateChange,
    WebhookUpdate,
    WebhookUpdated,
)
from siaga.webhooks.ssrf import Resolver, UrlRefused, check_url

_KNOWN_EVENTS = {t.value: t for t in WebhookEventType}
_REASONS = {r.value: r for r in WebhookDisabledReason}


def _read(row: EndpointRow) -> WebhookRead:
    e = row.endpoint
    return WebhookRead(
        id=e.id,
        url=e.url,
        description=e.description,
        # A type this version no longer knows is kept in the row but not shown.
        events=[_KNOWN_EVENTS[t] for t in e.events if t in _KNOWN_EVENTS],
        region_code=row.region_code,
        state=e.state,
        disabled_reason=_REASONS.get(e.disabled_reason or ""),
        disabled_at=e.disabled_at,
        created_by=row.created_by,
        created_at=e.created_at,
        updated_at=e.updated_at,
        secret_rotated_at=e.secret_rotated_at,
        previous_secret_expires_at=e.previous_secret_until,
        consecutive_failures=e.consecutive_failures,
        failing_since=e.failing_since,
        last_success_at=e.last_success_at,
        pending_deliveries=row.pending,
    )


def _snapshot(read: WebhookRead) -> JsonObject:
    """What the audit trail keeps of an endpoint: its settings, never a secret."""
    return read.model_dump(
        mode="json", include={"url", "description", "events", "region_code", "state"}
    )


async def list_endpoints(
    session: AsyncSession, page: PageParams, *, scope: str | None, state: WebhookState | None
) -> WebhookPage:
    rows, total = await repository.list_endpoints(session, page, scope=scope, state=state)
    return WebhookPage(
        items=[_read(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


async def endpoint_row(
    session: AsyncSession, endpoint_id: int, scope: str | None, *, for_update: bool = False
) -> EndpointRow:
    row = await repository.get_endpoint(session, endpoint_id, scope=scope, for_update=for_update)
    if row is None:
        raise WebhookNotFound()
    return row


async def get_endpoint(
    session: AsyncSession, endpoint_id: int, *, scope: str | None
) -> WebhookRead:
    return _read(await endpoint_row(session, endpoint_id, scope))


async def _check_url(url: str, settings: Settings, resolver: Resolver) -> None:
    try:
        await check_url(
            url,
            production=settings.env == "production",
            allowed_hosts=settings.webhook_allowed_hosts,
            resolver=resolver,
        )
    except UrlRefused as exc:
        raise WebhookUrlRefused(
            f"Alamat webhook tidak diizinkan: {exc.message} (the webhook URL is not allowed)",
            details=[{"field": "url", "reason": exc.reason, "message": exc.message}],
        ) from None


def _events(events: list[WebhookEventType]) -> list[str]:
    return sorted({e.value for e in events})


async def create_endpoint(
    session: AsyncSession,
    settings: Settings,
    resolver: Resolver,
    data: WebhookCreate,
    *,
    principal: Principal,
    actor: Actor,
) -> WebhookCreated:
    region_code = principal.region_code if data.region is None else data.region
    region_id = None
    if region_code is not None:
        region_id = await repository.find_region_id(session, region_code)
        if region_id is None or not in_subtree(principal.region_code, region_code):
            raise InvalidInput(
                f"Wilayah {region_code!r} tidak dikenal di lingkup Anda (unknown region)",
                details=[{"field": "region", "message": "unknown region in your scope"}],
            )
    await _check_url(data.url, settings, resolver)
    endpoint = WebhookEndpoint(
        region_id=region_id,
        url=data.url,
        description=data.description,
        events=_events(data.events),
        state=WebhookState.ACTIVE,
        secret_nonce=signing.new_nonce(),
        consecutive_failures=0,
        created_by_id=actor.user_id,
    )
    session.add(endpoint)
    await session.flush()
    read = _read(await endpoint_row(session, endpoint.id, None))
    record(
        session,
        actor,
        "webhook.create",
        entity_type="webhook",
        entity_id=str(endpoint.id),
        region_code=region_code,
        after=_snapshot(read),
    )
    secret = signing.derive_secret(settings.secret_key, endpoint.secret_nonce)
    return WebhookCreated(**read.model_dump(), secret=secret)


async def update_endpoint(
    session: AsyncSession,
    settings: Settings,
    resolver: Resolver,
    endpoint_id: int,
    data: WebhookUpdate,
    *,
    principal: Principal,
    actor: Actor,
) -> WebhookUpdated:
    row = await endpoint_row(session, endpoint_id, principal.region_code, for_update=True)
    endpoint = row.endpoint
    before = _snapshot(_read(row))
    if data.url is not None and data.url != endpoint.url:
        await _check_url(data.url, settings, resolver)
        endpoint.url = data.url
    if data.events is not None:
        endpoint.events = _events(data.events)
    if data.description is not None:
        endpoint.description = data.description
    if data.state is not None:
        _set_state(endpoint, data.state)
    secret = None
    now = utcnow()
    if data.rotate_secret:
        grace = timedelta(hours=settings.webhook_secret_grace_hours)
        endpoint.previous_secret_nonce = endpoint.secret_nonce if grace else None
        endpoint.previous_secret_until = now + grace if grace else None
        endpoint.secret_nonce = signing.new_nonce()
        endpoint.secret_rotated_at = now
        secret = signing.derive_secret(settings.secret_key, endpoint.secret_nonce)
    endpoint.updated_at = now
    await session.flush()
    read = _read(await endpoint_row(session, endpoint_id, None))
    old, new = changes(before, _snapshot(read))
    if old or new:
        record(
            session,
            actor,
            "webhook.update",
            entity_type="webhook",
            entity_id=str(endpoint_id),
            region_code=row.region_code,
            before=old,
            after=new,
        )
    if secret is not None:
        record(
            session,
            actor,
            "webhook.rotate_secret",
            entity_type="webhook",
            entity_id=str(endpoint_id),
            region_code=row.region_code,
            after={"previous_secret_expires_at": _iso(endpoint.previous_secret_until)},
        )
    return WebhookUpdated(**read.model_dump(), secret=secret)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _set_state(endpoint: WebhookEndpoint, state: WebhookStateChange) -> None:
    if state == WebhookStateChange.ACTIVE and endpoint.state != WebhookState.ACTIVE:
        # Resuming after a fix: the failure streak starts over, the queue moves again.
        endpoint.state = WebhookState.ACTIVE
        endpoint.disabled_reason = None
        endpoint.disabled_at = None
        endpoint.consecutive_failures = 0
        endpoint.failing_since = None
    elif state == WebhookStateChange.PAUSED:
        endpoint.state = WebhookState.PAUSED


async def delete_endpoint(
    session: AsyncSession, endpoint_id: int, *, principal: Principal, actor: Actor
) -> None:
    row = await endpoint_row(session, endpoint_id, principal.region_code, for_update=True)
    before = _snapshot(_read(row))
    # Its deliveries and their attempts go with it (ON DELETE CASCADE).
    await session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))
    record(
        session,
        actor,
        "webhook.delete",
        entity_type="webhook",
        entity_id=str(endpoint_id),
        region_code=row.region_code,
        before=before,
    )
