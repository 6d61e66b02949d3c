"""E-mail through a real SMTP server (aiosmtpd): who gets a message, what it holds, the
choices honoured, an outage survived, and nothing at all without SIAGA_SMTP_URL."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.core.settings import Settings
from siaga.core.types import utcnow
from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker
from siaga.mail.channel import EmailChannel, log_status
from siaga.models import EmailAttempt, EmailDelivery, EmailPreference, User
from tests.events.conftest import Clock, MakeWorker
from tests.fixtures.factories import create_user
from tests.helpers import API
from tests.mail.conftest import MAIL_FROM, PUBLIC_URL
from tests.mail.smtp_server import SmtpServer
from tests.reporting.conftest import Chain

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
SettingsFor = Callable[..., Settings]
# Markup in a reason must reach the HTML part as text, never as markup.
REASON = 'Bukti <b>belum</b> lengkap & "SK" hilang'


async def _return_answer(client: httpx.AsyncClient, chain: Chain, login_as: LoginAs) -> None:
    world = chain.world
    operator, verifier = await login_as(world.operator), await login_as(world.verifier)
    url = f"{API}/submissions/2023-Q4/64.72/Y.01"
    assert (await client.put(url, json={"value": True}, headers=operator)).status_code in (200, 201)
    for headers, action, body in (
        (operator, "submit", None),
        (verifier, "return", {"reason": REASON}),
    ):
        response = await client.post(
            f"{url}/{action}", json=body, headers={**headers, "If-Match": "*"}
        )
        assert response.status_code == 200, response.text


async def _addresses(session: AsyncSession, chain: Chain) -> None:
    chain.world.operator.email = "operator.64.72@siaga.example"
    chain.coordinator.email = "koordinator.64.72@siaga.example"
    await session.flush()


async def _deliveries(session: AsyncSession) -> list[EmailDelivery]:
    stmt = select(EmailDelivery).order_by(EmailDelivery.id)
    return list((await session.scalars(stmt.execution_options(populate_existing=True))).all())


class TestMessages:
    async def test_a_returned_answer_reaches_the_operator_and_coordinator_by_mail(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        await _addresses(session, chain)
        # Without an address: in the inbox only.
        colleague = await create_user(
            session, role=chain.world.operator.role, agency=chain.world.agency
        )
        worker = make_worker([InboxChannel(), EmailChannel(settings_for(smtp.url))])
        await _return_answer(anon_client, chain, login_as)
        await worker.drain()

        assert sorted(rcpt[0] for rcpt, _ in smtp.received) == [
            "koordinator.64.72@siaga.example",
            "operator.64.72@siaga.example",
        ]
        message = smtp.messages("operator.64.72@siaga.example")[0]
        assert message["Subject"].startswith("[Siaga] Jawaban Y.01 dikembalikan")
        assert message["From"] == MAIL_FROM
        assert message["To"] == "operator.64.72@siaga.example"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["Message-ID"].endswith("@kaltim.example.go.id>")
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",))
        body = message.get_body(("html",))
        assert text is not None and body is not None
        plain, html = text.get_content(), body.get_content()
        link = f"{PUBLIC_URL}/tugas/2023-Q4/64.72/Y.01"
        assert f"Buka jawaban: {link}" in plain
        assert REASON in plain
        assert f'href="{link}"' in html
        assert "Bukti &lt;b&gt;belum&lt;/b&gt; lengkap &amp; &quot;SK&quot; hilang" in html
        assert "<b>belum</b>" not in html
        assert chain.world.operator.full_name in plain
        # The coordinator's link reads the answer.
        coordinator = smtp.messages("koordinator.64.72@siaga.example")[0]
        assert (
            "/wilayah/64.72/jawaban/2023-Q4/Y.01" in coordinator.get_body(("plain",)).get_content()
        )  # type: ignore[union-attr]

        rows = await _deliveries(session)
        assert {r.user_id for r in rows} == {chain.world.operator.id, chain.coordinator.id}
        assert colleague.id not in {r.user_id for r in rows}
        assert {r.state for r in rows} == {"sent"}
        attempts = (await session.scalars(select(EmailAttempt))).all()
        assert [a.ok for a in attempts] == [True, True]

    async def test_a_second_fan_out_sends_nothing_new(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        await _addresses(session, chain)
        channel = EmailChannel(settings_for(smtp.url))
        worker = make_worker([channel])
        await _return_answer(anon_client, chain, login_as)
        events = await worker.claim()
        async with worker.sessionmaker() as s, s.begin():
            await channel.fan_out(s, events)
        async with worker.sessionmaker() as s, s.begin():
            await channel.fan_out(s, events)
        await worker.process(events)
        await worker.drain()
        assert len(smtp.received) == 2
        assert len(await _deliveries(session)) == 2


class TestPreferences:
    async def test_choices_decide_who_is_mailed(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        await _addresses(session, chain)
        coordinator = await login_as(chain.coordinator)
        body = {"enabled": ["report.returned", "reminder.digest"]}
        response = await anon_client.put(
            f"{API}/auth/me/preferences", json=body, headers=coordinator
        )
        assert response.status_code == 200, response.text
        assert [e["type"] for e in response.json()["events"] if e["enabled"]] == [
            "report.returned",
            "reminder.digest",
        ]
        stored = await session.scalars(
            select(EmailPreference).where(EmailPreference.user_id == chain.coordinator.id)
        )
        assert {p.event_type for p in stored if p.enabled} == set(body["enabled"])

        worker = make_worker([InboxChannel(), EmailChannel(settings_for(smtp.url))])
        await _return_answer(anon_client, chain, login_as)
        await worker.drain()
        # The coordinator turned returned answers off: the operator alone is mailed.
        assert [rcpt for rcpt, _ in smtp.received] == [["operator.64.72@siaga.example"]]

    async def test_verified_answers_are_off_by_default(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
    ) -> None:
        await _addresses(session, chain)
        worker = make_worker([EmailChannel(settings_for(smtp.url))])
        await _return_answer(anon_client, chain, login_as)
        await worker.drain()
        smtp.received.clear()
        operator, verifier = (
            await login_as(chain.world.operator),
            await login_as(chain.world.verifier),
        )
        url = f"{API}/submissions/2023-Q4/64.72/Y.01"
        for headers, action in ((operator, "submit"), (verifier, "verify")):
            response = await anon_client.post(
                f"{url}/{action}", headers={**headers, "If-Match": "*"}
            )
            assert response.status_code == 200, response.text
        await worker.drain()
        assert smtp.received == []
        # Switched on, the next one is mailed.
        response = await anon_client.put(
            f"{API}/auth/me/preferences",
            json={"enabled": ["submission.verified", "submission.reopened"]},
            headers=operator,
        )
        assert response.status_code == 200
        response = await anon_client.post(
            f"{url}/reopen",
            json={"reason": "Periksa ulang buktinya"},
            headers={**verifier, "If-Match": "*"},
        )
        assert response.status_code == 200, response.text
        await worker.drain()
        assert [m["Subject"] for m in smtp.messages()] == [
            f"[Siaga] Jawaban Y.01 dibuka kembali: {chain.world.city.name} (64.72)"
        ]


ReturnedWhileDown = Callable[[str], Awaitable[tuple[Worker, Clock]]]


@pytest.fixture
def returned_while_down(
    anon_client: httpx.AsyncClient,
    session: AsyncSession,
    chain: Chain,
    login_as: LoginAs,
    make_worker: MakeWorker,
    smtp: SmtpServer,
    settings_for: SettingsFor,
) -> ReturnedWhileDown:
    """An answer returned while the SMTP server is down, e-mail retried on `delays`: its
    e-mails' first attempt has failed."""

    async def run(delays: str) -> tuple[Worker, Clock]:
        await _addresses(session, chain)
        smtp.stop()
        clock = Clock()
        worker = make_worker(
            [EmailChannel(settings_for(smtp.url, mail_retry_delays=delays))], clock=clock
        )
        await _return_answer(anon_client, chain, login_as)
        clock.now = utcnow()
        await worker.drain()
        return worker, clock

    return run


class TestOutage:
    async def test_server_down_then_back_loses_nothing(
        self,
        session: AsyncSession,
        smtp: SmtpServer,
        returned_while_down: ReturnedWhileDown,
    ) -> None:
        worker, clock = await returned_while_down("30,300")
        rows = await _deliveries(session)
        assert [(r.state, r.attempts) for r in rows] == [("pending", 1), ("pending", 1)]
        assert all(r.last_error and "Connect" in r.last_error for r in rows), rows[0].last_error
        assert all(r.next_attempt_at == clock.now + timedelta(seconds=30) for r in rows)

        # Back up, but the back-off has not run out: nothing is tried yet.
        smtp.start()
        clock.now += timedelta(seconds=10)
        await worker.run_once()
        assert smtp.received == []
        clock.now += timedelta(seconds=25)
        await worker.run_once()
        assert len(smtp.received) == 2
        rows = await _deliveries(session)
        assert [(r.state, r.attempts) for r in rows] == [("sent", 2), ("sent", 2)]
        attempts = (await session.scalars(select(EmailAttempt).order_by(EmailAttempt.id))).all()
        assert [a.ok for a in attempts] == [False, False, True, True]
        # The same message both times: one Message-ID per delivery.
        assert {m["Message-ID"] for m in smtp.messages()} == {r.message_id for r in rows}

    async def test_gives_up_after_the_schedule(
        self,
        session: AsyncSession,
        smtp: SmtpServer,
        returned_while_down: ReturnedWhileDown,
    ) -> None:
        worker, clock = await returned_while_down("5")
        clock.now += timedelta(seconds=6)
        await worker.run_once()
        clock.now += timedelta(days=1)
        await worker.run_once()
        rows = await _deliveries(session)
        assert [(r.state, r.attempts) for r in rows] == [("failed", 2), ("failed", 2)]


class TestOff:
    async def test_no_smtp_url_sends_and_queues_nothing(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        chain: Chain,
        login_as: LoginAs,
        make_worker: MakeWorker,
        smtp: SmtpServer,
        settings_for: SettingsFor,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        await _addresses(session, chain)
        settings = settings_for(None)
        worker = make_worker([InboxChannel(), EmailChannel(settings)])
        await _return_answer(anon_client, chain, login_as)
        assert await worker.drain() == 2
        assert smtp.received == []
        assert await _deliveries(session) == []
        with caplog.at_level(logging.INFO, logger="siaga.mail.channel"):
            log_status(settings)
            log_status(settings_for(smtp.url))
        assert [r.getMessage() for r in caplog.records] == [
            "e-mail is off: SIAGA_SMTP_URL is not set (notifications reach the inbox only)",
            f"e-mail is on: via smtp://127.0.0.1:{smtp.port} from {MAIL_FROM}",
        ]
