"""The event types in the OpenAPI document's `webhooks` section (OpenAPI 3.1): one entry
per type, whose request body is the Standard Webhooks body a receiver gets, so receivers
generate their types from the same document as API clients."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import APIRouter, Body

from siaga.events.catalogue import DESCRIPTIONS, ENVELOPES, EventType


def _receiver(event_type: EventType) -> Any:
    async def receive(body: Any) -> None:  # pragma: no cover - never served
        """Documentation only: Siaga calls receivers, it serves no such route."""

    # One function per type, whose body is that type's envelope (FastAPI reads the
    # signature to describe the request body).
    receive.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [
            inspect.Parameter(
                "body",
                inspect.Parameter.POSITIONAL_OR_KEYWORD,
                annotation=ENVELOPES[event_type],
                default=Body(),
            )
        ]
    )
    return receive


def add_webhooks(webhooks: APIRouter) -> None:
    """Describe every event type as a webhook Siaga POSTs to subscribed endpoints."""
    for event_type in EventType:
        webhooks.post(
            event_type.value,
            name=event_type.value,
            summary=event_type.value,
            description=DESCRIPTIONS[event_type]
            + " Signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`, "
            "`webhook-signature`); answer with any 2xx.",
            operation_id=f"webhooks-{event_type.value.replace('.', '_')}",
            tags=["webhooks"],
            status_code=204,
            response_description="Delivered: any 2xx answer counts",
            responses={
                "default": {
                    "description": "Any other answer, or none within the timeout: the "
                    "delivery is retried with back-off"
                }
            },
        )(_receiver(event_type))
