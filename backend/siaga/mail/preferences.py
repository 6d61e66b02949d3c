"""Which event types reach a user by e-mail: the choices and their defaults.

Every type that reaches someone's inbox may also be mailed. On by default: what asks the
reader to act or closes their work (an answer or report returned, a report accepted),
the reminders, a quick incident report filed or escalated to the reader (it waits to be
acknowledged within hours), and a failing webhook endpoint (its administrators must repair
it); the rest stays in the inbox unless chosen.
"""

from __future__ import annotations

from siaga.events.catalogue import AnyEventType, EventType, ReminderType
from siaga.events.inbox import AUDIENCES

CHOOSABLE: tuple[AnyEventType, ...] = tuple(t for t, who in AUDIENCES.items() if who)

DEFAULT_ON: frozenset[AnyEventType] = frozenset(
    {
        EventType.SUBMISSION_RETURNED,
        EventType.REPORT_RETURNED,
        EventType.REPORT_ACCEPTED,
        EventType.INCIDENT_REPORTED,
        EventType.INCIDENT_ESCALATED,
        ReminderType.DEADLINE,
        ReminderType.DIGEST,
        ReminderType.RECOMMENDATION_OVERDUE,
        ReminderType.WEBHOOK_FAILED,
    }
)


def by_default(event_type: str) -> bool:
    return event_type in DEFAULT_ON


def wanted(event_type: str, chosen: dict[str, bool]) -> bool:
    """Whether a user with these stored choices gets `event_type` by e-mail."""
    return chosen.get(event_type, by_default(event_type))
