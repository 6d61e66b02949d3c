"""Every event type and the data it carries: the one list.

Receivers (webhooks, the inbox, e-mail) get the object's natural keys and its new state,
never just an id to fetch: a receiver in another government system cannot read our
tables. Each type's data model is published in the OpenAPI document's `webhooks` section
(siaga.events.openapi), wrapped in the Standard Webhooks body `{type, timestamp, data}`,
so that receivers can generate their types from it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from siaga.models import (
    IncidentCategory,
    IncidentLevel,
    IncidentSeverity,
    IncidentState,
    PeriodState,
    ReportState,
    SubmissionStatus,
)


class EventType(enum.StrEnum):
    SUBMISSION_SUBMITTED = "submission.submitted"
    SUBMISSION_VERIFIED = "submission.verified"
    SUBMISSION_RETURNED = "submission.returned"
    SUBMISSION_REOPENED = "submission.reopened"
    REPORT_SUBMITTED = "report.submitted"
    REPORT_ACCEPTED = "report.accepted"
    REPORT_RETURNED = "report.returned"
    PERIOD_OPENED = "period.opened"
    PERIOD_CLOSED = "period.closed"
    INCIDENT_REPORTED = "incident.reported"
    INCIDENT_UPDATED = "incident.updated"
    INCIDENT_ESCALATED = "incident.escalated"
    INCIDENT_RESOLVED = "incident.resolved"


_ACTOR = "Who acted: a username, an API key's prefix, `cli` or `system`"
_REASON = "The reason given with the change (returns, reopenings, withdrawals), else null"


class _EventData(BaseModel):
    # Frozen: the data is what was written to the outbox, not something to adjust.
    model_config = ConfigDict(extra="forbid", frozen=True)


class SubmissionEventData(_EventData):
    """An answer's new state after a submission, verification, return or reopening."""

    period: str = Field(description="Period code, e.g. `2023-Q4`")
    region: str = Field(description="The Pemda's region code, e.g. `64.72`")
    indicator: str = Field(description="Indicator code, e.g. `K1.01`")
    agency: str | None = Field(description="Code of the agency that answers it, if known")
    status: SubmissionStatus = Field(description="The answer's status after the change")
    previous_status: SubmissionStatus | None = Field(
        description="Its status before (null: the answer was created by this change)"
    )
    version: int = Field(description="The answer's version after the change")
    late: bool = Field(description="Whether it was first submitted after the deadline")
    reason: str | None = Field(description=_REASON)
    actor: str = Field(description=_ACTOR)
    occurred_at: datetime


class ReportEventData(_EventData):
    """A Pemda report's new state after a submission, acceptance or return (a withdrawn
    acceptance is a `report.submitted` again, with `previous_status` accepted)."""

    period: str = Field(description="Period code")
    region: str = Field(description="The Pemda's region code")
    status: ReportState = Field(description="The report's state after the change")
    previous_status: ReportState = Field(description="Its state before")
    version: int
    receipt_number: str | None = Field(description="Given on the first submission")
    late: bool = Field(description="Whether it was first submitted after the deadline")
    reason: str | None = Field(description=_REASON)
    actor: str = Field(description=_ACTOR)
    occurred_at: datetime


class PeriodEventData(_EventData):
    """A reporting period opened (also reopened after closing) or closed."""

    period: str = Field(description="Period code")
    name: str
    framework: str = Field(description="Code of the framework version it is answered against")
    status: PeriodState = Field(description="The period's state after the change")
    previous_status: PeriodState
    deadline: date
    reason: str | None = Field(description=_REASON)
    actor: str = Field(description=_ACTOR)
    occurred_at: datetime


class IncidentEventData(_EventData):
    """A quick incident report (laporan cepat) filed, moved a step, escalated or resolved."""

    number: str = Field(description="The incident's number, e.g. `LC/64.72/2026/0001`")
    region: str = Field(description="The Pemda's region code")
    title: str
    category: IncidentCategory
    severity: IncidentSeverity
    status: IncidentState = Field(description="The incident's state after the change")
    level: IncidentLevel = Field(description="Who holds it: the Pemda, the province, the Ministry")
    version: int
    note: str | None = Field(description="The note of the step, if any")
    reason: str | None = Field(description="The escalation's reason, else null")
    urgent: bool = Field(description="kritis: the province hears of it at once")
    actor: str = Field(description=_ACTOR)
    occurred_at: datetime


class ReminderType(enum.StrEnum):
    """Internal events, one per recipient, that reach the inbox and e-mail but no webhook
    (not in the contract's list): the reminders the worker's schedule gives
    (siaga.reminders.schedule), and a failing webhook endpoint told to its administrators
    (siaga.webhooks.notify)."""

    DEADLINE = "reminder.deadline"
    DIGEST = "reminder.digest"
    RECOMMENDATION_OVERDUE = "recommendation.overdue"
    WEBHOOK_FAILED = "webhook.failed"


class _ReminderData(_EventData):
    recipient: int = Field(description="The user the reminder is for")
    occurred_at: datetime


class DeadlineReminderData(_ReminderData):
    """An agency's tasks of a period not yet submitted, some days before the deadline."""

    period: str
    period_name: str
    region: str
    agency: str
    agency_name: str
    deadline: date
    days_left: int = Field(description="Days from the recipient's local today to the deadline")
    open_tasks: int


class DigestData(_ReminderData):
    """What waits for a verifier or a coordinator today."""

    role: Literal["verifier", "coordinator"]
    day: date
    region: str | None = Field(description="The coordinator's Pemda; the verifier's scope")
    answers_to_review: int = 0
    reports_to_accept: int = 0
    missing_answers: int = 0
    returned_answers: int = 0


class RecommendationOverdueData(_ReminderData):
    """A report's recommendation not done by its due date."""

    recommendation: int
    period: str
    region: str
    agency: str
    text: str
    due_on: date


class WebhookFailedData(_ReminderData):
    """A webhook endpoint's delivery failed for good, or the endpoint was disabled."""

    endpoint: int = Field(description="The endpoint's id")
    url: str
    kind: Literal["delivery_failed", "gone", "failing"] = Field(
        description="delivery_failed: every attempt of one delivery failed; gone: the "
        "receiver answered 410 and the endpoint is disabled; failing: it failed too long "
        "and is disabled"
    )
    event_type: str = Field(description="The type of the event whose delivery failed")
    attempts: int
    status_code: int | None = Field(description="The last attempt's HTTP status, if any")
    error: str | None = Field(description="The last attempt's error, if any")


EventData = (
    SubmissionEventData
    | ReportEventData
    | PeriodEventData
    | IncidentEventData
    | DeadlineReminderData
    | DigestData
    | RecommendationOverdueData
    | WebhookFailedData
)
AnyEventType = EventType | ReminderType

DATA_OF: dict[AnyEventType, type[_EventData]] = {
    ReminderType.DEADLINE: DeadlineReminderData,
    ReminderType.DIGEST: DigestData,
    ReminderType.RECOMMENDATION_OVERDUE: RecommendationOverdueData,
    ReminderType.WEBHOOK_FAILED: WebhookFailedData,
    EventType.SUBMISSION_SUBMITTED: SubmissionEventData,
    EventType.SUBMISSION_VERIFIED: SubmissionEventData,
    EventType.SUBMISSION_RETURNED: SubmissionEventData,
    EventType.SUBMISSION_REOPENED: SubmissionEventData,
    EventType.REPORT_SUBMITTED: ReportEventData,
    EventType.REPORT_ACCEPTED: ReportEventData,
    EventType.REPORT_RETURNED: ReportEventData,
    EventType.PERIOD_OPENED: PeriodEventData,
    EventType.PERIOD_CLOSED: PeriodEventData,
    EventType.INCIDENT_REPORTED: IncidentEventData,
    EventType.INCIDENT_UPDATED: IncidentEventData,
    EventType.INCIDENT_ESCALATED: IncidentEventData,
    EventType.INCIDENT_RESOLVED: IncidentEventData,
}

DESCRIPTIONS: dict[EventType, str] = {
    EventType.SUBMISSION_SUBMITTED: "An answer was submitted (in the SPA, by API or by import).",
    EventType.SUBMISSION_VERIFIED: "A verifier verified an answer.",
    EventType.SUBMISSION_RETURNED: "A verifier returned an answer to its agency, with a reason.",
    EventType.SUBMISSION_REOPENED: "A verifier reopened a verified answer, with a reason.",
    EventType.REPORT_SUBMITTED: "A Pemda report was submitted for review (or an acceptance "
    "withdrawn, which puts it back in review).",
    EventType.REPORT_ACCEPTED: "A Pemda report was accepted one level up.",
    EventType.REPORT_RETURNED: "A Pemda report was returned to its coordinator, with a reason.",
    EventType.PERIOD_OPENED: "A reporting period was opened (or reopened) for answers.",
    EventType.PERIOD_CLOSED: "A reporting period was closed.",
    EventType.INCIDENT_REPORTED: "A quick incident report was filed.",
    EventType.INCIDENT_UPDATED: "An incident moved a step (acknowledged, handling, closed, "
    "reopened) or got a note.",
    EventType.INCIDENT_ESCALATED: "An incident was escalated to the province or the Ministry.",
    EventType.INCIDENT_RESOLVED: "An incident was resolved.",
}


def _envelope_name(event_type: EventType) -> str:
    """`submission.returned` -> `SubmissionReturnedWebhook`."""
    return "".join(part.capitalize() for part in event_type.value.split(".")) + "Webhook"


def _envelope(event_type: EventType) -> type[BaseModel]:
    """The Standard Webhooks body of one event type, as its receivers get it."""
    model: type[BaseModel] = create_model(
        _envelope_name(event_type),
        __doc__=DESCRIPTIONS[event_type],
        type=(Literal[event_type.value], Field(description="The event type")),  # type: ignore[arg-type]
        timestamp=(datetime, Field(description="When the change happened (UTC)")),
        data=(DATA_OF[event_type], ...),
    )
    return model


ENVELOPES: dict[EventType, type[BaseModel]] = {t: _envelope(t) for t in EventType}
