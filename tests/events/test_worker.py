"""The worker fans events out to the inbox as the recipients table says (siaga.events.inbox),
marks them processed, retakes an event whose lease ran out without duplicating anything,
and retries a failing event with back-off until it gives up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.audit.service import Actor
from siaga.events import outbox as outbox_module
from siaga.events.catalogue import DATA_OF, EventData, EventType
from siaga.events.channels import Channel, ClaimedEvent
from siaga.events.inbox import InboxChannel
from siaga.events.worker import RETRY_BASE, WorkerConfig
from siaga.models import OutboxEvent, Role, User
from tests.events.conftest import Clock, MakeWorker, inbox, outbox
from tests.fixtures.factories import create_user
from tests.helpers import API
from tests.reporting.conftest import REASON, SECTIONS, Chain, answer_all, report_url
from tests.submissions.conftest import Workflow

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
RETURN_REASON = "Bukti belum lengkap, mohon lampirkan SK"


async def _answer(
    client: httpx.AsyncClient, headers: dict[str, str], action: str, **body: str
) -> None:
    url = f"{API}/submissions/2023-Q4/64.72/Y.01"
    if action == "put":
        response = await client.put(url, json={"value": True}, headers=headers)
    else:
        response = await client.post(
            f"{url}/{action}", json=body or None, headers={**headers, "If-Match": "*"}
        )
    assert response.status_code in (200, 201), response.text


def _who(items: Sequence[object]) -> dict[int, str]:
    return {item.user_id: item.link for item in items}  # type: ignore[attr-defined]


class TestFanOut:
    async def test_answers_reach_the_agency_and_the_coordinator(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
    ) -> None:
        world = chain.world
        colleague = await create_user(
            session, role=Role.OPERATOR, agency=world.agency, region=world.city
        )
        await create_user(session, role=Role.OPERATOR, agency=world.agency, is_active=False)
        operator, verifier = await login_as(world.operator), await login_as(world.verifier)
        worker = make_worker()

        await _answer(anon_client, operator, "put")
        await _answer(anon_client, operator, "submit")
        assert await worker.drain() == 1
        assert await inbox(session) == []  # a submission reaches nobody's inbox

        await _answer(anon_client, verifier, "return", reason=RETURN_REASON)
        assert await worker.drain() == 1
        items = await inbox(session)
        answer = "/tugas/2023-Q4/64.72/Y.01"
        assert _who(items) == {
            world.operator.id: answer,
            colleague.id: answer,
            # The coordinator reads the answer; it does not answer it.
            chain.coordinator.id: "/wilayah/64.72/jawaban/2023-Q4/Y.01",
        }
        item = items[0]
        assert (item.type, item.read_at) == ("submission.returned", None)
        assert item.data == {
            "period": "2023-Q4",
            "region": "64.72",
            "region_name": world.city.name,
            "indicator": "Y.01",
            "indicator_name": item.data["indicator_name"],
            "agency": world.agency.code,
            "status": "returned",
            "reason": RETURN_REASON,
            "actor": world.verifier.username,
        }
        assert item.data["indicator_name"]

        await _answer(anon_client, operator, "submit")
        await _answer(anon_client, verifier, "verify")
        assert await worker.drain() == 2
        verified = [i for i in await inbox(session) if i.type == "submission.verified"]
        assert _who(verified) == {world.operator.id: answer, colleague.id: answer}
        assert [e.processed_at is not None for e in await outbox(session)] == [True] * 4

    async def test_reports_reach_one_level_up_and_back(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
    ) -> None:
        world = chain.world
        worker = make_worker()
        coordinator = await login_as(chain.coordinator)
        await answer_all(session, world.period, world.city)
        assert (
            await anon_client.put(report_url(), json=SECTIONS, headers=coordinator)
        ).status_code == 201
        assert (
            await anon_client.post(report_url(action="submit"), headers=coordinator)
        ).status_code == 200
        await worker.drain()
        link = "/laporan/64.72/2023-Q4"
        # The province's verifier may accept the city's report; the Ministry's may not.
        assert _who(await inbox(session)) == {world.verifier.id: link}
        response = await anon_client.post(
            report_url(action="return"),
            json={"reason": REASON},
            headers=await login_as(world.verifier),
        )
        assert response.status_code == 200, response.text
        await worker.drain()
        returned = [i for i in await inbox(session) if i.type == "report.returned"]
        assert _who(returned) == {chain.coordinator.id: link}
        assert returned[0].data["reason"] == REASON

    async def test_a_province_report_reaches_the_national_verifiers(
        self, session: AsyncSession, chain: Chain, make_worker: MakeWorker
    ) -> None:
        data = {
            "period": "2023-Q4",
            "region": "64",
            "status": "submitted",
            "previous_status": "draft",
            "version": 1,
            "receipt_number": "TT/64/2023-Q4/0001",
            "late": False,
            "reason": None,
            "actor": chain.province_coordinator.username,
            "occurred_at": "2024-01-05T03:00:00Z",
        }
        await _emit(session, EventType.REPORT_SUBMITTED, data, "64", chain.province_coordinator)
        await make_worker().drain()
        assert _who(await inbox(session)) == {chain.national_verifier.id: "/laporan/64/2023-Q4"}

    async def test_periods_reach_everyone_who_works_on_them(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        make_worker: MakeWorker,
    ) -> None:
        world = chain.world
        await create_user(session, role=Role.COORDINATOR, region=world.city, is_active=False)
        assert (await client.post(f"{API}/periods/2023-Q4/close")).status_code == 200
        await make_worker().drain()
        items = await inbox(session)
        working = (
            await session.scalars(
                select(User.id).where(
                    User.role.in_([Role.OPERATOR, Role.COORDINATOR]), User.is_active.is_(True)
                )
            )
        ).all()
        assert sorted(i.user_id for i in items) == sorted(working)
        assert {i.link for i in items} == {"/tugas?period=2023-Q4"}
        assert items[0].data["period_name"] == world.period.name
        assert items[0].data["status"] == "closed"

    async def test_never_the_one_who_acted(
        self, session: AsyncSession, world: Workflow, make_worker: MakeWorker
    ) -> None:
        # An operator's own change (say, an import by the agency) does not notify it.
        await _emit(
            session,
            EventType.SUBMISSION_RETURNED,
            _answer_data(world.agency.code),
            "64.72",
            world.operator,
        )
        await make_worker().drain()
        assert await inbox(session) == []


def _answer_data(agency: str) -> dict[str, object]:
    return {
        "period": "2023-Q4",
        "region": "64.72",
        "indicator": "Y.01",
        "agency": agency,
        "status": "returned",
        "previous_status": "submitted",
        "version": 3,
        "late": False,
        "reason": RETURN_REASON,
        "actor": "verifikator",
        "occurred_at": "2024-01-05T03:00:00Z",
    }


async def _emit(
    session: AsyncSession, event_type: EventType, data: dict[str, object], region: str, user: User
) -> None:
    model: EventData = DATA_OF[event_type].model_validate(data)  # type: ignore[assignment]
    actor = Actor(label=user.username, user_id=user.id)
    outbox_module.emit(session, event_type, model, region=region, actor=actor)
    await session.flush()


class TestLeases:
    async def test_a_held_event_is_not_taken_twice(
        self, session: AsyncSession, world: Workflow, make_worker: MakeWorker
    ) -> None:
        clock = Clock()
        first, second = make_worker(clock=clock), make_worker(clock=clock)
        await _emit(
            session,
            EventType.SUBMISSION_RETURNED,
            _answer_data(world.agency.code),
            "64.72",
            world.verifier,
        )
        held = await first.claim()
        assert [e.attempts for e in held] == [1]
        # Within the lease, nobody else gets it.
        assert await second.run_once() == 0
        assert await first.process(held) == 1
        assert len(await inbox(session)) == 1

    async def test_an_expired_lease_is_retaken_without_duplicates(
        self, session: AsyncSession, world: Workflow, make_worker: MakeWorker
    ) -> None:
        clock = Clock()
        config = WorkerConfig(lease=timedelta(seconds=60))
        slow, other = (
            make_worker(config=config, clock=clock),
            make_worker(config=config, clock=clock),
        )
        await _emit(
            session,
            EventType.SUBMISSION_RETURNED,
            _answer_data(world.agency.code),
            "64.72",
            world.verifier,
        )
        held = await slow.claim()
        # The slow worker outlives its lease: another retakes the event and fans it out.
        clock.now += timedelta(seconds=61)
        assert await other.run_once() == 1
        items = await inbox(session)
        assert [i.user_id for i in items] == [world.operator.id]
        (event,) = await outbox(session)
        assert (event.attempts, event.processed_at) == (2, clock.now)
        # The slow one then finishes its own fan-out: nothing new, nothing lost.
        assert await slow.process(held) == 1
        assert [i.id for i in await inbox(session)] == [i.id for i in items]
        assert await other.run_once() == 0


class _Failing(Channel):
    """Fails on the events of one region (a bug, a constraint it trips on)."""

    name = "failing"

    def __init__(self, region: str) -> None:
        self.region = region

    async def fan_out(self, session: AsyncSession, events: Sequence[ClaimedEvent]) -> None:
        if any(e.region_code == self.region for e in events):
            raise RuntimeError(f"cannot deliver for {self.region}")


class TestFailures:
    async def test_one_bad_event_holds_up_no_other(
        self, session: AsyncSession, world: Workflow, make_worker: MakeWorker
    ) -> None:
        clock = Clock()
        config = WorkerConfig(max_attempts=3)
        worker = make_worker([InboxChannel(), _Failing("63.71")], config, clock)
        good = _answer_data(world.agency.code)
        await _emit(session, EventType.SUBMISSION_RETURNED, good, "64.72", world.verifier)
        bad = {**good, "region": "63.71", "agency": None}
        await _emit(session, EventType.SUBMISSION_RETURNED, bad, "63.71", world.verifier)
        await _emit(
            session,
            EventType.SUBMISSION_VERIFIED,
            {**good, "status": "verified"},
            "64.72",
            world.verifier,
        )

        assert await worker.run_once() == 2
        first, failed, third = await outbox(session)
        assert first.processed_at is not None and third.processed_at is not None
        assert failed.processed_at is None
        assert failed.last_error == "RuntimeError: cannot deliver for 63.71"
        assert failed.claimed_until == clock.now + RETRY_BASE
        assert len(await inbox(session)) == 2  # the operator, twice; the bad one's nothing

        # Not retried before its back-off; then twice more, each wait twice as long.
        assert await worker.run_once() == 0 and (await outbox(session))[1].attempts == 1
        clock.now += RETRY_BASE
        await worker.run_once()
        assert (await outbox(session))[1].claimed_until == clock.now + 2 * RETRY_BASE
        clock.now += 2 * RETRY_BASE
        await worker.run_once()
        given_up = (await outbox(session))[1]
        assert (given_up.attempts, given_up.processed_at) == (3, clock.now)
        assert given_up.last_error == "RuntimeError: cannot deliver for 63.71"
        clock.now += timedelta(days=1)
        assert await worker.run_once() == 0


async def test_a_type_this_version_does_not_know_reaches_no_inbox(
    session: AsyncSession, world: Workflow, make_worker: MakeWorker
) -> None:
    """An event written by a newer version (a rolling upgrade) is passed over, not
    retried forever."""
    session.add(
        OutboxEvent(
            type="incident.reported", region_code="64.72", actor_label="x", data={"region": "64.72"}
        )
    )
    await session.flush()
    assert await make_worker().drain() == 1
    assert await inbox(session) == []
