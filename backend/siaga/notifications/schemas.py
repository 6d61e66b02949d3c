from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field

from siaga.core.pagination import Page
from siaga.events.catalogue import EventType, ReminderType


class NotificationData(BaseModel):
    """What the item is about: the event's natural keys and new state, with names to
    show. Which fields are present depends on the type (a period has no region)."""

    period: str | None = None
    period_name: str | None = None
    region: str | None = None
    region_name: str | None = None
    indicator: str | None = None
    indicator_name: str | None = None
    agency: str | None = None
    status: str | None = Field(default=None, description="The object's state after the change")
    reason: str | None = None
    actor: str | None = Field(default=None, description="Who acted")
    number: str | None = Field(default=None, description="An incident's number")
    title: str | None = Field(default=None, description="An incident's title")
    severity: str | None = Field(default=None, description="An incident's severity")
    # Reminders (reminder.*, recommendation.overdue).
    agency_name: str | None = None
    deadline: date | None = None
    days_left: int | None = Field(default=None, description="Days left before the deadline")
    open_tasks: int | None = Field(default=None, description="Tasks not yet submitted")
    answers_to_review: int | None = None
    reports_to_accept: int | None = None
    missing_answers: int | None = None
    returned_answers: int | None = None
    text: str | None = Field(default=None, description="The recommendation's text")
    due_on: date | None = None
    # A failing webhook endpoint (webhook.failed).
    endpoint: int | None = Field(default=None, description="The webhook endpoint's id")
    url: str | None = Field(default=None, description="The webhook endpoint's URL")
    kind: str | None = Field(
        default=None, description="delivery_failed, gone (410: disabled) or failing (disabled)"
    )
    event_type: str | None = Field(default=None, description="The event it failed to deliver")
    attempts: int | None = None
    status_code: int | None = Field(default=None, description="The last attempt's HTTP status")
    error: str | None = Field(default=None, description="The last attempt's error")


class NotificationRead(BaseModel):
    id: int
    type: EventType | ReminderType
    data: NotificationData
    link: str = Field(
        description="The SPA page that needs attention, e.g. `/laporan/64.72/2024-Q1`"
    )
    created_at: datetime = Field(description="When the change happened")
    read_at: datetime | None


class NotificationPage(Page[NotificationRead]):
    unread: int = Field(description="The caller's unread items, whatever the filter")


class UnreadCount(BaseModel):
    unread: int


class ReadAllResult(BaseModel):
    marked: int = Field(description="How many unread items were marked read")
