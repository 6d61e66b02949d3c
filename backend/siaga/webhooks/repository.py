"""Queries of the webhooks: endpoints in a scope, the delivery log, and the worker's claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, exists, func, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from siaga.core.pagination import PageParams
from siaga.models import (
    Region,
    Role,
    User,
    WebhookAttempt,
    WebhookDelivery,
    WebhookDeliveryState,
    WebhookEndpoint,
    WebhookState,
)


@dataclass(frozen=True, slots=True)
class EndpointRow:
    """An endpoint with the codes the API shows for it."""

    endpoint: WebhookEndpoint
    region_code: str | None
    created_by: str | None
    pending: int  # deliveries waiting in its queue


def _pending_count() -> Any:
    return (
        select(func.count(WebhookDelivery.id))
        .where(
            WebhookDelivery.endpoint_id == WebhookEndpoint.id,
            WebhookDelivery.state == WebhookDeliveryState.PENDING,
        )
        .correlate(WebhookEndpoint)
        .scalar_subquery()
    )


def _in_scope(scope: str | None) -> Any:
    if scope is None:
        return true()
    return or_(Region.code == scope, Region.code.startswith(scope + ".", autoescape=True))


def _select_endpoints(scope: str | None) -> Select[Any]:
    return (
        select(
            WebhookEndpoint,
            Region.code.label("region_code"),
            User.username.label("created_by"),
            _pending_count().label("pending"),
        )
        .outerjoin(Region, WebhookEndpoint.region_id == Region.id)
        .outerjoin(User, WebhookEndpoint.created_by_id == User.id)
        .where(_in_scope(scope))
    )


async def list_endpoints(
    session: AsyncSession, page: PageParams, *, scope: str | None, state: WebhookState | None
) -> tuple[list[EndpointRow], int]:
    stmt = _select_endpoints(scope)
    if state is not None:
        stmt = stmt.where(WebhookEndpoint.state == state)
    total = await session.scalar(
        select(func.count())
        .select_from(WebhookEndpoint)
        .outerjoin(Region, WebhookEndpoint.region_id == Region.id)
        .where(_in_scope(scope), *([WebhookEndpoint.state == state] if state else []))
    )
    rows = await session.execute(
        stmt.order_by(WebhookEndpoint.id.desc()).limit(page.limit).offset(page.offset)
    )
    return [EndpointRow(*row) for row in rows], total or 0


async def get_endpoint(
    session: AsyncSession, endpoint_id: int, *, scope: str | None, for_update: bool = False
) -> EndpointRow | None:
    stmt = _select_endpoints(scope).where(WebhookEndpoint.id == endpoint_id)
    if for_update:
        stmt = stmt.with_for_update(of=WebhookEndpoint)
    row = (await session.execute(stmt.execution_options(populate_existing=True))).first()
    return EndpointRow(*row) if row else None


async def find_region_id(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Region.id).where(Region.code == code))


async def list_deliveries(
    session: AsyncSession, endpoint_id: int, page: PageParams, *, state: WebhookDeliveryState | None
) -> tuple[list[WebhookDelivery], int]:
    where = [WebhookDelivery.endpoint_id == endpoint_id]
    if state is not None:
        where.append(WebhookDelivery.state == state)
    total = await session.scalar(select(func.count(WebhookDelivery.id)).where(*where))
    rows = await session.scalars(
        select(WebhookDelivery)
        .where(*where)
        .order_by(WebhookDelivery.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    return list(rows), total or 0


async def attempts_of(
    session: AsyncSession, delivery_ids: Sequence[int]
) -> dict[int, list[WebhookAttempt]]:
    found: dict[int, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    if not delivery_ids:
        return found
    rows = await session.scalars(
        select(WebhookAttempt)
        .where(WebhookAttempt.delivery_id.in_(delivery_ids))
        .order_by(WebhookAttempt.id)
    )
    for attempt in rows:
        found[attempt.delivery_id].append(attempt)
    return found


async def get_delivery(
    session: AsyncSession, endpoint_id: int, delivery_id: int
) -> WebhookDelivery | None:
    return await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- the worker ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Subscriber:
    id: int
    region_code: str | None
    events: list[str]


async def active_subscribers(session: AsyncSession) -> list[Subscriber]:
    rows = await session.execute(
        select(WebhookEndpoint.id, Region.code, WebhookEndpoint.events)
        .outerjoin(Region, WebhookEndpoint.region_id == Region.id)
        .where(WebhookEndpoint.state == WebhookState.ACTIVE)
    )
    return [Subscriber(id_, code, list(events or [])) for id_, code, events in rows]


async def insert_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> int:
    """Insert deliveries, skipping those whose (endpoint, event) exists; how many were new."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(WebhookDelivery)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["endpoint_id", "event_id"])
        .returning(WebhookDelivery.id)
    )
    return len((await session.execute(stmt)).all())


def _head_is_due(now: datetime) -> Any:
    """The endpoint's oldest pending delivery exists and is due: the queue can move."""
    head = WebhookDelivery
    older = aliased(WebhookDelivery)
    return exists().where(
        head.endpoint_id == WebhookEndpoint.id,
        head.state == WebhookDeliveryState.PENDING,
        head.next_attempt_at <= now,
        ~exists().where(
            older.endpoint_id == head.endpoint_id,
            older.state == WebhookDeliveryState.PENDING,
            older.id < head.id,
        ),
    )


async def claim_endpoints(
    session: AsyncSession, *, now: datetime, until: datetime, token: str, limit: int
) -> list[int]:
    """Take up to `limit` active endpoints whose queue can move and that nobody holds.

    One UPDATE: on PostgreSQL its subquery locks the rows it picks and skips those
    another worker is picking (FOR UPDATE SKIP LOCKED), so any number of workers claim
    disjoint endpoints; on SQLite the statement holds the database's write lock, so
    claims are one at a time anyway.
    """
    candidates = (
        select(WebhookEndpoint.id)
        .where(
            WebhookEndpoint.state == WebhookState.ACTIVE,
            or_(WebhookEndpoint.claimed_until.is_(None), WebhookEndpoint.claimed_until < now),
            _head_is_due(now),
        )
        .order_by(WebhookEndpoint.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id.in_(candidates.scalar_subquery()))
        .values(claimed_until=until, claim_token=token)
        .returning(WebhookEndpoint.id)
        .execution_options(synchronize_session=False)
    )
    return sorted((await session.scalars(stmt)).all())


async def release_endpoints(session: AsyncSession, ids: Sequence[int], token: str) -> None:
    await session.execute(
        update(WebhookEndpoint)
        .where(WebhookEndpoint.id.in_(ids), WebhookEndpoint.claim_token == token)
        .values(claimed_until=None, claim_token=None)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class QueueHead:
    """What the worker needs of an endpoint it holds, to sign and send."""

    url: str
    region_code: str | None
    secret_nonce: str
    previous_secret_nonce: str | None
    previous_secret_until: datetime | None


async def load_queue(
    session: AsyncSession, endpoint_id: int, token: str, limit: int
) -> tuple[QueueHead | None, list[WebhookDelivery]]:
    """The endpoint (if this worker still holds it and it is active) and the oldest
    `limit` pending deliveries of its queue, in order."""
    row = (
        await session.execute(
            select(
                WebhookEndpoint.url,
                Region.code,
                WebhookEndpoint.secret_nonce,
                WebhookEndpoint.previous_secret_nonce,
                WebhookEndpoint.previous_secret_until,
            )
            .outerjoin(Region, WebhookEndpoint.region_id == Region.id)
            .where(
                WebhookEndpoint.id == endpoint_id,
                WebhookEndpoint.claim_token == token,
                WebhookEndpoint.state == WebhookState.ACTIVE,
            )
        )
    ).first()
    if row is None:
        return None, []
    deliveries = await session.scalars(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint_id,
            WebhookDelivery.state == WebhookDeliveryState.PENDING,
        )
        .order_by(WebhookDelivery.id)
        .limit(limit)
    )
    return QueueHead(*row), list(deliveries)


async def lock_for_record(
    session: AsyncSession, endpoint_id: int, delivery_id: int
) -> tuple[WebhookEndpoint | None, WebhookDelivery | None]:
    """The endpoint and delivery rows an attempt's outcome changes, locked on PostgreSQL
    (an administrator's PATCH may be changing the endpoint at the same moment)."""
    endpoint = await session.scalar(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.id == endpoint_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    delivery = await session.scalar(
        select(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return endpoint, delivery


async def admins_over(session: AsyncSession, region_code: str | None) -> list[int]:
    """The active administrators whose scope covers an endpoint of `region_code` (None:
    the nation): the national ones always, and those of the region or one above it."""
    parts = region_code.split(".") if region_code else []
    # The region and its ancestors, by code: `64.72` lies under `64`.
    above = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    rows = await session.scalars(
        select(User.id)
        .outerjoin(Region, Region.id == User.region_id)
        .where(
            User.role == Role.ADMIN,
            User.is_active.is_(True),
            or_(User.region_id.is_(None), Region.code.in_(above)),
        )
        .order_by(User.id)
    )
    return list(rows)
