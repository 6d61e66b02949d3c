"""The e-mail channel's queries: who may be mailed, queueing messages, claiming the due
ones under a lease, recording each attempt; and each user's stored choices."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.mail.preferences import by_default
from siaga.mail.smtp import SendResult
from siaga.models import (
    EmailAttempt,
    EmailDelivery,
    EmailDeliveryState,
    EmailPreference,
    Role,
    User,
)


@dataclass(frozen=True, slots=True)
class Addressee:
    id: int
    email: str
    full_name: str
    role: Role


def _has_address() -> ColumnElement[bool]:
    return and_(User.is_active.is_(True), User.email.is_not(None), User.email != "")


async def addressees(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, Addressee]:
    """The active users among `user_ids` who have an e-mail address."""
    ids = set(user_ids)
    if not ids:
        return {}
    rows = await session.execute(
        select(User.id, User.email, User.full_name, User.role).where(
            User.id.in_(ids), _has_address()
        )
    )
    return {row.id: Addressee(row.id, row.email or "", row.full_name, row.role) for row in rows}


async def choices(session: AsyncSession, user_ids: Iterable[int]) -> dict[int, dict[str, bool]]:
    """Each user's stored choices (types without a row follow the defaults)."""
    ids = set(user_ids)
    found: dict[int, dict[str, bool]] = defaultdict(dict)
    if ids:
        rows = await session.execute(
            select(
                EmailPreference.user_id, EmailPreference.event_type, EmailPreference.enabled
            ).where(EmailPreference.user_id.in_(ids))
        )
        for user_id, event_type, enabled in rows:
            found[user_id][event_type] = enabled
    return found


async def working_addressees(
    session: AsyncSession, event_type: str, actor_id: int | None
) -> list[Addressee]:
    """Every active operator and coordinator with an address who wants `event_type` by
    e-mail (a period's events reach them all): chosen in SQL, as there are thousands."""
    choice = func.coalesce(EmailPreference.enabled, by_default(event_type))
    rows = await session.execute(
        select(User.id, User.email, User.full_name, User.role)
        .outerjoin(
            EmailPreference,
            and_(EmailPreference.user_id == User.id, EmailPreference.event_type == event_type),
        )
        .where(
            _has_address(),
            User.role.in_([Role.OPERATOR, Role.COORDINATOR]),
            User.id != actor_id if actor_id is not None else true(),
            choice.is_(True),
        )
    )
    return [Addressee(row.id, row.email or "", row.full_name, row.role) for row in rows]


async def insert_deliveries(session: AsyncSession, rows: list[dict[str, Any]]) -> None:
    """Queue messages; one the user already has for the event is skipped (a fan-out
    repeated after a lease ran out)."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    stmt = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(EmailDelivery)
    await session.execute(stmt.on_conflict_do_nothing(index_elements=["event_id", "user_id"]), rows)


def _due(now: datetime) -> ColumnElement[bool]:
    return and_(
        EmailDelivery.state == EmailDeliveryState.PENDING,
        EmailDelivery.next_attempt_at <= now,
        or_(EmailDelivery.claimed_until.is_(None), EmailDelivery.claimed_until <= now),
    )


async def has_due(session: AsyncSession, now: datetime) -> bool:
    """A read first, so that an idle worker takes no write lock (as the outbox's)."""
    return await session.scalar(select(EmailDelivery.id).where(_due(now)).limit(1)) is not None


@dataclass(frozen=True, slots=True)
class DueMail:
    id: int
    to_address: str
    subject: str
    text_body: str
    html_body: str
    message_id: str
    attempts: int
    created_at: datetime


async def claim(session: AsyncSession, now: datetime, until: datetime, limit: int) -> list[DueMail]:
    """Take up to `limit` due messages until `until`, one statement as the outbox's claim
    (siaga.events.repository): rows another worker is claiming are skipped on
    PostgreSQL; SQLite's single writer makes this the only claimer."""
    picked = (
        select(EmailDelivery.id)
        .where(_due(now))
        .order_by(EmailDelivery.next_attempt_at, EmailDelivery.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    stmt = (
        update(EmailDelivery)
        .where(EmailDelivery.id.in_(picked.scalar_subquery()))
        .values(claimed_until=until)
        .returning(
            EmailDelivery.id,
            EmailDelivery.to_address,
            EmailDelivery.subject,
            EmailDelivery.text_body,
            EmailDelivery.html_body,
            EmailDelivery.message_id,
            EmailDelivery.attempts,
            EmailDelivery.created_at,
        )
        .execution_options(synchronize_session=False)
    )
    rows = (await session.execute(stmt)).all()
    return sorted((DueMail(**row._mapping) for row in rows), key=lambda mail: mail.id)


async def record(
    session: AsyncSession,
    outcomes: Sequence[tuple[DueMail, SendResult]],
    *,
    now: datetime,
    schedule: Sequence[int],
) -> None:
    """Log each attempt and move its message on: sent; retried after the schedule's next
    delay; or failed, once the schedule is spent or the server refused it for good."""
    if not outcomes:
        return
    await session.execute(
        insert(EmailAttempt),
        [
            {
                "delivery_id": mail.id,
                "attempted_at": now,
                "ok": result.ok,
                "duration_ms": result.duration_ms,
                "error": result.error,
            }
            for mail, result in outcomes
        ],
    )
    for mail, result in outcomes:
        attempts = mail.attempts + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "claimed_until": None,
            "last_error": result.error,
        }
        if result.ok:
            values.update(state=EmailDeliveryState.SENT, sent_at=now)
        elif result.permanent or attempts > len(schedule):
            values.update(state=EmailDeliveryState.FAILED, failed_at=now)
        else:
            values["next_attempt_at"] = now + timedelta(seconds=schedule[attempts - 1])
        await session.execute(
            update(EmailDelivery)
            .where(EmailDelivery.id == mail.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


async def replace_choices(session: AsyncSession, user_id: int, chosen: dict[str, bool]) -> None:
    await session.execute(delete(EmailPreference).where(EmailPreference.user_id == user_id))
    if chosen:
        await session.execute(
            insert(EmailPreference),
            [{"user_id": user_id, "event_type": t, "enabled": on} for t, on in chosen.items()],
        )
