from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor, record
from siaga.auth.exceptions import Forbidden
from siaga.core.errors import Conflict
from siaga.core.pagination import PageParams
from siaga.core.security import Principal
from siaga.core.types import utcnow
from siaga.events import outbox
from siaga.events.catalogue import EventType, PeriodEventData
from siaga.models import FrameworkStatus, Period, PeriodState
from siaga.periods import quarters, repository
from siaga.periods.exceptions import PeriodExists, PeriodInvalid, PeriodNotFound, problem
from siaga.periods.schemas import PeriodCreate, PeriodPage, PeriodRead

__all__ = ["PeriodNotFound"]


async def list_periods(
    session: AsyncSession, page: PageParams, *, state: PeriodState | None
) -> PeriodPage:
    rows, total = await repository.list_periods(session, page, state=state)
    return PeriodPage(
        items=[PeriodRead.model_validate(row) for row in rows],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


async def get_period(session: AsyncSession, code: str) -> PeriodRead:
    row = await repository.get_period(session, code)
    if row is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    return PeriodRead.model_validate(row)


async def change_state(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    code: str,
    target: PeriodState,
) -> PeriodRead:
    """Open a planned or closed period, or close an open one (national administrators).

    Periods are national: a provincial administrator opening one would open it for
    every province.
    """
    if principal.region_code is not None:
        raise Forbidden(
            "Hanya administrator nasional yang dapat membuka atau menutup periode "
            "(only national administrators open and close periods)"
        )
    period = await session.scalar(select(Period).where(Period.code == code).with_for_update())
    if period is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    allowed_from = {
        PeriodState.OPEN: {PeriodState.PLANNED, PeriodState.CLOSED},
        PeriodState.CLOSED: {PeriodState.OPEN},
    }[target]
    if period.state not in allowed_from:
        raise Conflict(
            f"Periode {code} berstatus {period.state.value} (period is {period.state.value})",
            code="invalid_state",
        )
    before = period.state.value
    period.state = target
    now = utcnow()
    if target == PeriodState.OPEN:
        period.opened_at = now
        period.closed_at = None
    else:
        period.closed_at = now
    await session.flush()
    record(
        session,
        actor,
        f"period.{'open' if target == PeriodState.OPEN else 'close'}",
        entity_type="period",
        entity_id=code,
        before={"state": before},
        after={"state": target.value},
    )
    changed = await get_period(session, code)
    _emit(session, actor, changed, PeriodState(before), None, now)
    return changed


def _emit(
    session: AsyncSession,
    actor: Actor,
    period: PeriodRead,
    before: PeriodState,
    reason: str | None,
    at: datetime,
) -> None:
    """The period's new state as an event (siaga.events.outbox): national, no region."""
    opened = period.state == PeriodState.OPEN
    data = PeriodEventData(
        period=period.code,
        name=period.name,
        framework=period.framework_code,
        status=period.state,
        previous_status=before,
        deadline=period.deadline,
        reason=reason,
        actor=actor.label,
        occurred_at=at,
    )
    event = EventType.PERIOD_OPENED if opened else EventType.PERIOD_CLOSED
    outbox.emit(session, event, data, region=None, actor=actor)


def _national_only(principal: Principal, what: str) -> None:
    # Periods are national: a provincial administrator's change would reach every province.
    if principal.region_code is not None:
        raise Forbidden(
            f"Hanya administrator nasional yang dapat {what} (only national administrators may)"
        )


def _dates_problems(
    quarter: quarters.Quarter, starts_on: date, ends_on: date, deadline: date
) -> list[dict[str, Any]]:
    problems = []
    for field, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if not quarter.starts_on <= day <= quarter.ends_on:
            problems.append(
                problem(
                    field,
                    "date_outside_quarter",
                    f"Tanggal harus di dalam {quarter.code} (date must lie within the quarter: "
                    f"{quarter.starts_on} to {quarter.ends_on})",
                )
            )
    if ends_on < starts_on:
        problems.append(
            problem(
                "ends_on",
                "end_before_start",
                "Tanggal akhir sebelum tanggal mulai (end date before start date)",
            )
        )
    if deadline < starts_on:
        problems.append(
            problem(
                "deadline",
                "deadline_before_start",
                "Tenggat sebelum tanggal mulai (deadline before the start date)",
            )
        )
    return problems


async def create_period(
    session: AsyncSession, principal: Principal, actor: Actor, data: PeriodCreate
) -> PeriodRead:
    """A new planned quarter; dates default from the quarter, the deadline to the 10th
    of the month after it."""
    _national_only(principal, "membuat periode")
    quarter = quarters.parse(data.code)
    if quarter is None:
        raise PeriodInvalid(
            [
                problem(
                    "code",
                    "invalid_period_code",
                    f"Kode harus berbentuk YYYY-Q1..Q4, tahun {quarters.YEAR_MIN}-"
                    f"{quarters.YEAR_MAX} (code must be YYYY-Qn)",
                )
            ]
        )
    if await repository.code_exists(session, quarter.code):
        raise PeriodExists(quarter.code)
    starts_on = data.starts_on or quarter.starts_on
    ends_on = data.ends_on or quarter.ends_on
    deadline = data.deadline or quarter.default_deadline
    problems = _dates_problems(quarter, starts_on, ends_on, deadline)
    framework = await repository.framework_by_code(session, data.framework)
    if framework is None or framework.status != FrameworkStatus.PUBLISHED:
        problems.append(
            problem(
                "framework",
                "framework_not_published" if framework else "framework_not_found",
                f"Kerangka {data.framework!r} tidak ada atau belum terbit "
                "(framework unknown or not published)",
            )
        )
    if not problems:
        other = await repository.overlapping_code(
            session, starts_on, ends_on, other_than=quarter.code
        )
        if other is not None:
            problems.append(
                problem(
                    "starts_on",
                    "period_overlaps",
                    f"Tanggal bertumpang tindih dengan periode {other} (dates overlap {other})",
                )
            )
    if problems:
        raise PeriodInvalid(problems)
    assert framework is not None
    period = Period(
        code=quarter.code,
        name=data.name or quarter.default_name,
        framework_id=framework.id,
        start_date=starts_on,
        end_date=ends_on,
        deadline=deadline,
        state=PeriodState.PLANNED,
    )
    try:
        # A savepoint: a concurrent twin's insert fails on the unique code alone, and the
        # request's transaction stays usable for its error response.
        async with session.begin_nested():
            session.add(period)
    except IntegrityError as exc:
        raise PeriodExists(quarter.code) from exc
    created = await get_period(session, quarter.code)
    record(
        session,
        actor,
        "period.create",
        entity_type="period",
        entity_id=quarter.code,
        after=created.model_dump(mode="json", include=_AUDITED),
    )
    return created


_AUDITED = {"code", "name", "framework_code", "start_date", "end_date", "deadline", "state"}


async def change_deadline(
    session: AsyncSession,
    principal: Principal,
    actor: Actor,
    code: str,
    deadline: date,
    reason: str,
) -> PeriodRead:
    """Move a period's deadline. Lateness is decided when an answer is first submitted,
    from the deadline read then, so later submissions follow the new one at once."""
    _national_only(principal, "mengubah tenggat")
    period = await session.scalar(select(Period).where(Period.code == code).with_for_update())
    if period is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    if deadline < period.start_date:
        raise PeriodInvalid(
            [
                problem(
                    "deadline",
                    "deadline_before_start",
                    "Tenggat sebelum tanggal mulai (deadline before the start date)",
                )
            ]
        )
    before = period.deadline
    period.deadline = deadline
    await session.flush()
    record(
        session,
        actor,
        "period.deadline",
        entity_type="period",
        entity_id=code,
        before={"deadline": before.isoformat()},
        after={"deadline": deadline.isoformat(), "reason": reason},
    )
    return await get_period(session, code)


async def reopen_period(
    session: AsyncSession, principal: Principal, actor: Actor, code: str, reason: str
) -> PeriodRead:
    """Closed -> open again, with the reason on the audit trail."""
    _national_only(principal, "membuka kembali periode")
    period = await session.scalar(select(Period).where(Period.code == code).with_for_update())
    if period is None:
        raise PeriodNotFound(f"Periode {code!r} tidak ditemukan (period not found)")
    if period.state != PeriodState.CLOSED:
        raise Conflict(
            f"Periode {code} berstatus {period.state.value} (period is {period.state.value})",
            code="invalid_state",
        )
    period.state = PeriodState.OPEN
    period.opened_at = now = utcnow()
    period.closed_at = None
    await session.flush()
    record(
        session,
        actor,
        "period.reopen",
        entity_type="period",
        entity_id=code,
        before={"state": PeriodState.CLOSED.value},
        after={"state": PeriodState.OPEN.value, "reason": reason},
    )
    reopened = await get_period(session, code)
    _emit(session, actor, reopened, PeriodState.CLOSED, reason, now)
    return reopened


async def default_framework_code(session: AsyncSession) -> str | None:
    return await repository.default_framework_code(session)
