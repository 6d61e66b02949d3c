"""Scheduled reminders, given by the worker on its passes (issue 20 item 4).

- `reminder.deadline`: 3 and 1 days before an open period's deadline (in the Pemda's
  zone), to the operators of each agency with tasks not yet submitted; once per
  operator, period, agency and number of days left.
- `reminder.digest`: each local day from 07:00, if anything waits, to verifiers (answers
  to review, reports to accept) and coordinators (their Pemda's missing and returned
  answers); once per person and local day.
- `recommendation.overdue`: once its due date has passed in the Pemda's zone, to the
  responsible agency's operators; once per operator and recommendation.

Each reminder is a row in `reminders_sent` (unique per kind, user, subject and day),
inserted with ON CONFLICT DO NOTHING in the same transaction as its outbox event: any
number of workers may run the schedule at the same moment and exactly one writes each
reminder; the inbox and e-mail channels then deliver the event like any other.

The schedule runs as a channel with nothing to fan out (`deliver_due` is called on every
pass), so that it needs no change to the worker; it looks at most every `interval`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from siaga.audit.service import SYSTEM
from siaga.core.database import session_scope
from siaga.core.settings import Settings, get_settings
from siaga.events import outbox
from siaga.events.catalogue import (
    DeadlineReminderData,
    DigestData,
    RecommendationOverdueData,
    ReminderType,
)
from siaga.events.channels import Channel, ClaimedEvent
from siaga.models import ReminderSent, Role
from siaga.reminders import repository

DEADLINE_DAYS = (3, 1)
DIGEST_FROM_HOUR = 7
TEXT_MAX_LENGTH = 300

_Data = DeadlineReminderData | DigestData | RecommendationOverdueData


@dataclass
class _Batch:
    """Reminders of one kind to claim, with the event each one becomes."""

    kind: ReminderType
    rows: list[dict[str, Any]] = field(default_factory=list)
    events: dict[tuple[int, str], tuple[_Data, str | None]] = field(default_factory=dict)

    def add(self, user_id: int, subject: str, day: date, data: _Data, region: str | None) -> None:
        self.rows.append(
            {"kind": self.kind.value, "user_id": user_id, "subject": subject, "day": day}
        )
        self.events[(user_id, subject)] = (data, region)

    async def give(self, session: AsyncSession, now: datetime) -> int:
        # Sorted, so that two workers inserting the same rows lock them in one order.
        self.rows.sort(key=lambda r: (r["user_id"], r["subject"], r["day"]))
        claimed = await repository.claim(session, [{**row, "created_at": now} for row in self.rows])
        for key in sorted(claimed):
            data, region = self.events[key]
            outbox.emit(session, self.kind, data, region=region, actor=SYSTEM)
        return len(claimed)


async def give_due(session: AsyncSession, now: datetime, default_zone: str) -> int:
    """Write every reminder due at `now` not given yet; returns how many were written."""
    zones = await repository.zones(session, default_zone)
    today = {zone: now.astimezone(ZoneInfo(zone)).date() for zone in zones}
    given = await _deadlines(session, now, today, default_zone)
    given += await _overdue(session, now, today, default_zone)
    given += await _digests(session, now, default_zone)
    return given


async def _deadlines(
    session: AsyncSession, now: datetime, today: dict[str, date], default_zone: str
) -> int:
    batch = _Batch(ReminderType.DEADLINE)
    for period in await repository.open_periods(session):
        for zone, day in today.items():
            days_left = (period.deadline - day).days
            if days_left not in DEADLINE_DAYS:
                continue
            tasks = await repository.open_tasks(session, period, zone, default_zone)
            people = await repository.operators(session, (t.agency_id for t in tasks))
            for t in tasks:
                data = DeadlineReminderData(
                    recipient=0,
                    occurred_at=now,
                    period=period.code,
                    period_name=period.name,
                    region=t.region,
                    agency=t.agency,
                    agency_name=t.agency_name,
                    deadline=period.deadline,
                    days_left=days_left,
                    open_tasks=t.open_tasks,
                )
                subject = f"{period.code}/{t.agency}/{days_left}"
                for user_id in people.get(t.agency_id, []):
                    mine = data.model_copy(update={"recipient": user_id})
                    batch.add(user_id, subject, day, mine, t.region)
    return await batch.give(session, now)


async def _overdue(
    session: AsyncSession, now: datetime, today: dict[str, date], default_zone: str
) -> int:
    late = [
        r
        for r in await repository.overdue_recommendations(session, default_zone)
        if r.due_on < today.get(r.zone, now.date())
    ]
    people = await repository.operators(session, (r.agency_id for r in late))
    batch = _Batch(ReminderType.RECOMMENDATION_OVERDUE)
    for r in late:
        for user_id in people.get(r.agency_id, []):
            data = RecommendationOverdueData(
                recipient=user_id,
                occurred_at=now,
                recommendation=r.id,
                period=r.period,
                region=r.region,
                agency=r.agency,
                text=r.text[:TEXT_MAX_LENGTH],
                due_on=r.due_on,
            )
            # Keyed on the due date: once per recommendation, whatever the day.
            batch.add(user_id, str(r.id), r.due_on, data, r.region)
    return await batch.give(session, now)


async def _digests(session: AsyncSession, now: datetime, default_zone: str) -> int:
    batch = _Batch(ReminderType.DIGEST)
    for role in (Role.VERIFIER, Role.COORDINATOR):
        due = []
        for person in await repository.working_people(session, role, default_zone):
            local = now.astimezone(ZoneInfo(person.zone))
            if local.hour >= DIGEST_FROM_HOUR:
                due.append((person, local.date()))
        due = await _not_given(session, due)
        counts: dict[int, tuple[int, int]] = {}
        if role == Role.COORDINATOR:
            counts = await repository.waiting_in_pemdas(
                session, [p.region_id for p, _ in due if p.region_id is not None]
            )
        for person, day in due:
            data = DigestData(
                recipient=person.id,
                occurred_at=now,
                role="verifier" if role == Role.VERIFIER else "coordinator",
                day=day,
                region=person.region,
            )
            if role == Role.VERIFIER:
                answers, reports = await repository.waiting_for_verifier(session, person)
                data = data.model_copy(
                    update={"answers_to_review": answers, "reports_to_accept": reports}
                )
            else:
                missing, returned = counts.get(person.region_id or 0, (0, 0))
                data = data.model_copy(
                    update={"missing_answers": missing, "returned_answers": returned}
                )
            waiting = (
                data.answers_to_review
                + data.reports_to_accept
                + data.missing_answers
                + data.returned_answers
            )
            if waiting:
                batch.add(person.id, "digest", day, data, person.region)
    return await batch.give(session, now)


async def _not_given(
    session: AsyncSession, due: list[tuple[repository.Person, date]]
) -> list[tuple[repository.Person, date]]:
    """Leave out who had today's digest already: the counts are not worth asking again
    on every pass of the day."""
    if not due:
        return []
    given = set(
        (
            await session.execute(
                select(ReminderSent.user_id, ReminderSent.day).where(
                    ReminderSent.kind == ReminderType.DIGEST.value,
                    ReminderSent.user_id.in_({p.id for p, _ in due}),
                    ReminderSent.day.in_({d for _, d in due}),
                )
            )
        ).all()
    )
    return [(p, d) for p, d in due if (p.id, d) not in given]


class ReminderSchedule(Channel):
    """The schedule as the worker's step: nothing to fan out, reminders to give."""

    name = "reminders"

    def __init__(
        self,
        settings: Settings | None = None,
        interval: timedelta = timedelta(minutes=5),
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.settings = settings or get_settings()
        self.interval = interval
        self.clock = clock
        # Only spares the queries between looks; which reminders were given is in the
        # database, shared by every worker.
        self._last: datetime | None = None

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        return None

    async def deliver_due(
        self, sessionmaker: async_sessionmaker[AsyncSession], now: datetime
    ) -> int:
        if self.clock is not None:
            now = self.clock()
        if self._last is not None and now - self._last < self.interval:
            return 0
        self._last = now
        async with session_scope(sessionmaker) as session:
            return await give_due(session, now, self.settings.timezone)
