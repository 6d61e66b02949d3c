"""What a webhook receives: the event types of the contract (api.md) and the envelope
the outbox hands to this package."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any


class WebhookEventType(enum.StrEnum):
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


# The test message of POST /webhooks/{id}/test: sent to the endpoint whatever its filter.
PING = "ping"


@dataclass(frozen=True, slots=True)
class EventEnvelope:
    """One outbox event as this package reads it (the outbox row, adapted by the worker).

    `region_code` is the region the object belongs to (the answer's or report's Pemda);
    None for events about the whole nation, such as a period opening.
    """

    id: int
    type: str
    occurred_at: datetime
    region_code: str | None
    data: dict[str, Any]
