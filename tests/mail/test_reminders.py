"""Scheduled reminders: deadlines 3 and 1 days ahead to the agency's operators, overdue
recommendations, the daily digest; each given once, also by twenty workers at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.settings import Settings
from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker
from siaga.mail.channel import EmailChannel
from siaga.models import (
    EmailDelivery,
    Notification,
    OutboxEvent,
    RegionLevel,
    ReminderSent,
    ReportRecommendation,
    Role,
)
from siaga.reminders.schedule import ReminderSchedule
from tests.auth.support import Committed
from tests.events.conftest import Clock, MakeWorker, inbox
from tests.fixtures.factories import (
    create_agency,
    create_agency_type,
    create_q4_open_q3_closed,
    create_region,
    create_uji_framework,
    create_user,
)
from tests.mail.conftest import mail_settings
from tests.mail.smtp_server import SmtpServer
from tests.reporting.conftest import Chain
from tests.submissions.conftest import Workflow

SettingsFor = Callable[..., Settings]
# 10:00 in Kalimantan Timur (WITA) on 7 January 2030: three days before the Q4 deadline.
THREE_DAYS_BEFORE = datetime(2030, 1, 7, 2, 0, tzinfo=UTC)


def _team(
    make_worker: MakeWorker, settings: Settings, clock: Clock
) -> tuple[Worker, ReminderSchedule]:
    schedule = ReminderSchedule(settings, interval=timedelta(0))
    worker = make_worker([InboxChannel(), EmailChannel(settings), schedule], clock=clock)
    return worker, schedule


async def _passes(worker: Worker, count: int = 2) -> None:
    # The schedule writes events after a pass's fan-out: the next pass delivers them.
    for _ in range(count):
        await worker.run_once()


def _clock(at: datetime) -> Clock:
    clock = Clock()
    clock.now = at
    return clock


class TestDeadlines:
    async def test_three_and_one_day_before_to_each_agency_with_open_tasks(
        self,
        session: AsyncSession,
        world: Workflow,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        world.operator.email = "operator.64.72.kesbangpol@siaga.example"
        await session.flush()
        clock = _clock(THREE_DAYS_BEFORE)
        worker, _ = _team(make_worker, settings_for(smtp.url), clock)
        await _passes(worker)

        items = [i for i in await inbox(session) if i.type == "reminder.deadline"]
        by_user = {i.user_id: i for i in items}
        assert set(by_user) == {
            world.operator.id,
            world.other_operator.id,
            world.foreign_operator.id,
        }
        mine = by_user[world.operator.id]
        # L.01, Y.01, P.01, C.01 and R.01 apply to the city; none is submitted.
        assert mine.data["open_tasks"] == 5
        assert mine.data["days_left"] == 3
        assert mine.data["deadline"] == "2030-01-10"
        assert mine.link == "/tugas?period=2023-Q4"
        assert by_user[world.other_operator.id].data["open_tasks"] == 1
        [message] = smtp.messages()
        assert message["To"] == "operator.64.72.kesbangpol@siaga.example"
        assert message["Subject"] == (
            "[Siaga] Pengingat: 5 tugas belum dikirim, batas waktu 3 hari lagi"
        )

        # Later the same day, and the next (2 days left): nothing new.
        for hours in (5, 24):
            clock.now = THREE_DAYS_BEFORE + timedelta(hours=hours)
            await _passes(worker)
        assert len(await inbox(session)) == 3
        # One day before: again.
        clock.now = THREE_DAYS_BEFORE + timedelta(days=2)
        await _passes(worker)
        again = [i for i in await inbox(session) if i.data.get("days_left") == 1]
        assert {i.user_id for i in again} == set(by_user)
        assert len(smtp.messages()) == 2
        assert "besok" in smtp.messages()[1]["Subject"]

    async def test_nothing_when_every_task_is_submitted_or_the_period_is_closed(
        self, session: AsyncSession, world: Workflow, make_worker: MakeWorker, app: object
    ) -> None:
        world.period.state = "closed"  # type: ignore[assignment]
        await session.flush()
        worker, _ = _team(
            make_worker, mail_settings(app.state.settings, None), _clock(THREE_DAYS_BEFORE)
        )  # type: ignore[attr-defined]
        await _passes(worker)
        assert await inbox(session) == []


class TestOverdue:
    async def test_once_per_recommendation_to_its_agency(
        self,
        session: AsyncSession,
        world: Workflow,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        world.operator.email = "operator.64.72.kesbangpol@siaga.example"
        session.add(
            ReportRecommendation(
                period_id=world.period.id,
                region_id=world.city.id,
                agency_id=world.agency.id,
                text="Lengkapi <SK> tim & sosialisasikan",
                due_on=date(2030, 2, 1),
            )
        )
        await session.flush()
        # 23:00 on its due date in Kalimantan Timur (WITA, UTC+8): not overdue yet.
        clock = _clock(datetime(2030, 2, 1, 15, 0, tzinfo=UTC))
        worker, _ = _team(make_worker, settings_for(smtp.url), clock)
        await _passes(worker)
        assert [i for i in await inbox(session) if i.type == "recommendation.overdue"] == []
        clock.now += timedelta(hours=2)
        await _passes(worker)
        clock.now += timedelta(days=3)
        await _passes(worker)
        items = [i for i in await inbox(session) if i.type == "recommendation.overdue"]
        assert [(i.user_id, i.link) for i in items] == [
            (world.operator.id, "/laporan/64.72/2023-Q4")
        ]
        [message] = [m for m in smtp.messages() if "Rekomendasi" in m["Subject"]]
        html = message.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert "Lengkapi &lt;SK&gt; tim &amp; sosialisasikan" in html


class TestDigest:
    async def test_coordinators_hear_what_their_pemda_misses_each_day(
        self,
        session: AsyncSession,
        chain: Chain,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        chain.coordinator.email = "koordinator.64.72@siaga.example"
        await session.flush()
        # 06:30 in Kalimantan Timur (WITA, UTC+8): too early for the digest.
        clock = _clock(datetime(2030, 1, 20, 22, 30, tzinfo=UTC))
        worker, _ = _team(make_worker, settings_for(smtp.url), clock)
        await _passes(worker)
        assert [i for i in await inbox(session) if i.type == "reminder.digest"] == []
        clock.now += timedelta(hours=1)
        await _passes(worker)
        clock.now += timedelta(hours=6)
        await _passes(worker)
        digests = [i for i in await inbox(session) if i.type == "reminder.digest"]
        by_user = {i.user_id: i for i in digests}
        assert chain.coordinator.id in by_user
        mine = by_user[chain.coordinator.id]
        # Six indicators apply to the city (B.01 by the other agency): none answered.
        assert (mine.data["missing_answers"], mine.data["returned_answers"]) == (6, 0)
        assert mine.link == "/wilayah/64.72"
        # Nothing waits for the verifiers: no digest for them.
        assert chain.world.verifier.id not in by_user
        [message] = [m for m in smtp.messages() if "Ringkasan" in m["Subject"]]
        assert message["Subject"] == "[Siaga] Ringkasan harian 21 Januari 2030"
        # The next day, another.
        clock.now += timedelta(days=1)
        await _passes(worker)
        assert len([i for i in await inbox(session) if i.type == "reminder.digest"]) == 2 * len(
            by_user
        )


async def _committed_world(committed: Committed) -> int:
    """A city with one agency and three operators with addresses; returns the count."""
    async with committed.session() as session:
        city = await create_region(session, code="64.72", level=RegionLevel.CITY)
        kesbangpol = await create_agency_type(session, code="kesbangpol")
        framework = await create_uji_framework(
            session, [("Y.01", "yes_no", None, False, kesbangpol)]
        )  # type: ignore[list-item]
        await create_q4_open_q3_closed(session, framework, q4_deadline=date(2030, 1, 10))
        agency = await create_agency(session, region=city, agency_type=kesbangpol)
        for n in range(3):
            await create_user(
                session,
                role=Role.OPERATOR,
                agency=agency,
                region=city,
                email=f"operator{n}@siaga.example",
            )
    return 3


async def test_twenty_workers_give_each_reminder_once(
    committed: Committed, backend: str, smtp: SmtpServer
) -> None:
    if backend != "postgresql":
        pytest.skip("concurrent workers are what is tested; SQLite has a single writer")
    people = await _committed_world(committed)
    settings = mail_settings(committed.app.state.settings, smtp.url)
    clock = _clock(THREE_DAYS_BEFORE)
    team = [
        Worker(
            committed.app.state.sessionmaker,
            [InboxChannel(), EmailChannel(settings), ReminderSchedule(settings, timedelta(0))],
            clock=clock,
        )
        for _ in range(20)
    ]
    for _ in range(3):
        await asyncio.gather(*(w.run_once() for w in team))
    async with committed.session() as session:

        async def count(table: type) -> int:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

        assert await count(ReminderSent) == people
        assert await count(OutboxEvent) == people
        assert await count(Notification) == people
        assert await count(EmailDelivery) == people
    assert sorted(rcpt[0] for rcpt, _ in smtp.received) == [
        f"operator{n}@siaga.example" for n in range(people)
    ]
