from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from siaga.auth.dependencies import Admin, AppSettings, CurrentActor
from siaga.core.deps import DbSession
from siaga.core.errors import responses
from siaga.core.pagination import Pagination
from siaga.models import WebhookDeliveryState, WebhookState
from siaga.webhooks import log, service
from siaga.webhooks.dependencies import WebhookResolver
from siaga.webhooks.schemas import (
    WebhookCreate,
    WebhookCreated,
    WebhookDeliveryPage,
    WebhookDeliveryRead,
    WebhookPage,
    WebhookRead,
    WebhookUpdate,
    WebhookUpdated,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])

WebhookId = Annotated[int, Path(ge=1, le=2**31 - 1)]
DeliveryId = Annotated[int, Path(ge=1, le=2**63 - 1)]


@router.get("", name="list", response_model=WebhookPage, responses=responses(401, 403))
async def list_webhooks(
    session: DbSession,
    admin: Admin,
    page: Pagination,
    state: Annotated[WebhookState | None, Query(description="Only endpoints in this state")] = None,
) -> WebhookPage:
    """List the webhook endpoints in the administrator's scope, newest first."""
    return await service.list_endpoints(session, page, scope=admin.region_code, state=state)


@router.post(
    "", name="create", status_code=201, response_model=WebhookCreated, responses=responses(401, 403)
)
async def create_webhook(
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    settings: AppSettings,
    resolver: WebhookResolver,
    data: WebhookCreate,
) -> WebhookCreated:
    """Register an endpoint; its signing secret is in this response and nowhere else."""
    return await service.create_endpoint(
        session, settings, resolver, data, principal=admin, actor=actor
    )


@router.get(
    "/{webhook_id}", name="get", response_model=WebhookRead, responses=responses(401, 403, 404)
)
async def get_webhook(session: DbSession, admin: Admin, webhook_id: WebhookId) -> WebhookRead:
    """One endpoint."""
    return await service.get_endpoint(session, webhook_id, scope=admin.region_code)


@router.patch(
    "/{webhook_id}",
    name="update",
    response_model=WebhookUpdated,
    responses=responses(401, 403, 404),
)
async def update_webhook(
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    settings: AppSettings,
    resolver: WebhookResolver,
    webhook_id: WebhookId,
    data: WebhookUpdate,
) -> WebhookUpdated:
    """Change an endpoint: its URL, events or description, pause or resume it, or rotate
    its secret (the new one is in this response only)."""
    return await service.update_endpoint(
        session, settings, resolver, webhook_id, data, principal=admin, actor=actor
    )


@router.delete("/{webhook_id}", name="delete", status_code=204, responses=responses(401, 403, 404))
async def delete_webhook(
    session: DbSession, admin: Admin, actor: CurrentActor, webhook_id: WebhookId
) -> Response:
    """Remove an endpoint with its queue and delivery log."""
    await service.delete_endpoint(session, webhook_id, principal=admin, actor=actor)
    return Response(status_code=204)


@router.get(
    "/{webhook_id}/deliveries",
    name="deliveries",
    response_model=WebhookDeliveryPage,
    responses=responses(401, 403, 404),
)
async def list_webhook_deliveries(
    session: DbSession,
    admin: Admin,
    page: Pagination,
    webhook_id: WebhookId,
    state: Annotated[
        WebhookDeliveryState | None, Query(description="Only deliveries in this state")
    ] = None,
) -> WebhookDeliveryPage:
    """The endpoint's delivery log, newest first, each with every attempt."""
    return await log.list_deliveries(
        session, webhook_id, page, scope=admin.region_code, state=state
    )


@router.post(
    "/{webhook_id}/deliveries/{delivery_id}/retry",
    name="retry",
    response_model=WebhookDeliveryRead,
    responses=responses(401, 403, 404),
)
async def retry_webhook_delivery(
    session: DbSession,
    admin: Admin,
    actor: CurrentActor,
    webhook_id: WebhookId,
    delivery_id: DeliveryId,
) -> WebhookDeliveryRead:
    """Queue a delivery to be sent again now, with the same webhook-id."""
    return await log.retry_delivery(session, webhook_id, delivery_id, principal=admin, actor=actor)


@router.post(
    "/{webhook_id}/test",
    name="test",
    status_code=202,
    response_model=WebhookDeliveryRead,
    responses=responses(401, 403, 404),
)
async def test_webhook(
    session: DbSession, admin: Admin, actor: CurrentActor, webhook_id: WebhookId
) -> WebhookDeliveryRead:
    """Queue a `ping` to the endpoint, sent by the worker like any event."""
    return await log.send_test(session, webhook_id, principal=admin, actor=actor)
