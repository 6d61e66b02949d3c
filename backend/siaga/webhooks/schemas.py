from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from siaga.core.pagination import Page
from siaga.core.text import CleanText
from siaga.models import WebhookDeliveryState, WebhookState
from siaga.webhooks.events import WebhookEventType

Url = Annotated[str, CleanText(max_length=2000, min_length=1, strip=True)]
Description = Annotated[str, CleanText(max_length=500, strip=True)]
Events = Annotated[
    list[WebhookEventType],
    Field(min_length=1, max_length=len(WebhookEventType), description="Event types to receive"),
]


class WebhookDisabledReason(enum.StrEnum):
    GONE = "gone"  # the receiver answered 410 Gone
    FAILING = "failing"  # every attempt failed for too long (webhooks.rules)


class WebhookStateChange(enum.StrEnum):
    """The states an administrator may set; `disabled` is the worker's alone."""

    ACTIVE = "active"
    PAUSED = "paused"


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url = Field(examples=["https://sipd.example.go.id/hooks/siaga"])
    events: Events
    description: Description = ""
    region: str | None = Field(
        default=None,
        max_length=20,
        description="Scope of the events sent: a region subtree inside your own; "
        "omit for your whole scope",
    )


class WebhookUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: Url | None = None
    events: Events | None = None
    description: Description | None = None
    state: WebhookStateChange | None = Field(
        default=None, description="`paused` stops deliveries; `active` resumes them"
    )
    rotate_secret: bool = Field(
        default=False,
        description="Draw a new secret (returned once); the old one also signs during "
        "the grace period",
    )


class WebhookRead(BaseModel):
    id: int
    url: str
    description: str
    events: list[WebhookEventType]
    region_code: str | None = Field(description="Scope root; null for the whole nation")
    state: WebhookState
    disabled_reason: WebhookDisabledReason | None
    disabled_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    secret_rotated_at: datetime | None
    previous_secret_expires_at: datetime | None = Field(
        description="Until then the secret before the last rotation also signs"
    )
    consecutive_failures: int
    failing_since: datetime | None
    last_success_at: datetime | None
    pending_deliveries: int = Field(description="Deliveries waiting in the endpoint's queue")


class WebhookCreated(WebhookRead):
    secret: str = Field(description="The signing secret (`whsec_` + base64); shown only here")


class WebhookUpdated(WebhookRead):
    secret: str | None = Field(
        default=None, description="The new signing secret after `rotate_secret`; shown only here"
    )


class WebhookPage(Page[WebhookRead]):
    pass


class WebhookAttemptRead(BaseModel):
    attempted_at: datetime
    status_code: int | None = Field(description="The receiver's status; null when none came")
    duration_ms: int
    response_excerpt: str | None = Field(description="The first 4 KiB of the answer's body")
    error: str | None = Field(description="Why no answer came (refused, timeout, network)")


class WebhookDeliveryRead(BaseModel):
    id: int
    webhook_id: str = Field(description="The `webhook-id` header: the same on every attempt")
    event_id: int | None = Field(description="The event's id; null for a test ping")
    type: str = Field(description="An event type, or `ping`")
    state: WebhookDeliveryState
    attempt_count: int
    next_attempt_at: datetime | None = Field(description="When a pending delivery is tried")
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    failed_at: datetime | None
    attempts: list[WebhookAttemptRead] = Field(description="Every attempt, oldest first")


class WebhookDeliveryPage(Page[WebhookDeliveryRead]):
    pass
