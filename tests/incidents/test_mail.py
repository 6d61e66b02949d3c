"""Incidents by e-mail (issue 21 item 5), through a real SMTP server (aiosmtpd): a kritis
filing reaches the province's verifier at once, an escalation the Ministry's, each with
the number, severity and category in words and a link to the incident's page; a step
that needs nobody's action stays in the inbox unless chosen."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from siaga.events.inbox import InboxChannel
from siaga.events.worker import Worker
from siaga.mail.channel import EmailChannel
from tests.events.conftest import on_connection
from tests.incidents.conftest import ESCALATION_REASON, LoginAs, World, escalate, file, step
from tests.mail.conftest import PUBLIC_URL, mail_settings, smtp
from tests.mail.smtp_server import SmtpServer

# Markup typed into a title on a phone must reach the HTML part as text.
TITLE = 'Massa <b>membakar</b> APK & "baliho" di Samarinda'
VERIFIER = "verifikator.64@siaga.example"
NATIONAL = "verifikator.nasional@siaga.example"
COORDINATOR = "koordinator.64.72@siaga.example"

__all__ = ["smtp"]


@pytest.fixture
async def addressed(session: AsyncSession, world: World) -> World:
    world.verifier.email = VERIFIER
    world.national_verifier.email = NATIONAL
    world.coordinator.email = COORDINATOR
    await session.flush()
    return world


def _worker(connection: AsyncConnection, app: FastAPI, smtp: SmtpServer) -> Worker:
    settings = mail_settings(app.state.settings, smtp.url)
    return Worker(on_connection(connection), [InboxChannel(), EmailChannel(settings)])


def _bodies(smtp: SmtpServer, to: str) -> list[tuple[str, str, str]]:
    out = []
    for message in smtp.messages(to):
        plain, html = message.get_body(("plain",)), message.get_body(("html",))
        assert plain is not None and html is not None
        out.append((str(message["Subject"]), plain.get_content(), html.get_content()))
    return out


async def test_kritis_reaches_the_province_by_mail_at_once(
    anon_client: httpx.AsyncClient,
    addressed: World,
    login_as: LoginAs,
    connection: AsyncConnection,
    app: FastAPI,
    smtp: SmtpServer,
) -> None:
    operator = await login_as(addressed.operator)
    ordinary = (await file(anon_client, operator, severity="sedang"))["number"]
    kritis = (await file(anon_client, operator, severity="kritis", title=TITLE))["number"]
    await _worker(connection, app, smtp).drain()

    # The province hears of the kritis one only; the Pemda's coordinator of both.
    [(subject, plain, html)] = _bodies(smtp, VERIFIER)
    assert subject == f"[Siaga] KRITIS: laporan cepat {kritis} (Kritis): {TITLE}"
    assert "Kategori: Konflik antarpendukung. Tingkat: Kritis. Status: Dilaporkan." in plain
    assert f"Laporan cepat {kritis} dari {addressed.city.name} (64.72): {TITLE}." in plain
    link = f"{PUBLIC_URL}/laporan-cepat/" + "/".join(kritis.split("/")[1:])
    assert f"Buka laporan cepat: {link}" in plain
    assert f'href="{link}"' in html
    assert "Massa &lt;b&gt;membakar&lt;/b&gt; APK &amp; &quot;baliho&quot;" in html
    assert "<b>membakar</b>" not in html
    subjects = [s for s, _, _ in _bodies(smtp, COORDINATOR)]
    assert len(subjects) == 2
    assert any(f"Laporan cepat baru {ordinary} (Sedang)" in s for s in subjects)
    assert any(f"KRITIS: laporan cepat {kritis}" in s for s in subjects)
    assert smtp.messages(NATIONAL) == []


async def test_an_escalation_reaches_the_ministry_and_a_step_stays_in_the_inbox(
    anon_client: httpx.AsyncClient,
    addressed: World,
    login_as: LoginAs,
    connection: AsyncConnection,
    app: FastAPI,
    smtp: SmtpServer,
) -> None:
    operator = await login_as(addressed.operator)
    verifier = await login_as(addressed.verifier)
    number = (await file(anon_client, operator, severity="tinggi"))["number"]
    assert (await step(anon_client, verifier, number, "acknowledged")).status_code == 200
    # The province escalating sends it past itself, to the Ministry.
    assert (await escalate(anon_client, verifier, number)).status_code == 200
    await _worker(connection, app, smtp).drain()

    national = _bodies(smtp, NATIONAL)
    assert [s for s, _, _ in national] == [
        f"[Siaga] Laporan cepat dieskalasi ke Kementerian {number} (Tinggi): "
        "Bentrok pendukung di depan kantor KPU"
    ]
    assert f"Alasan: {ESCALATION_REASON}" in national[0][1]
    # The coordinator gets the filing (on by default), not the acknowledgement (off).
    subjects = [s for s, _, _ in _bodies(smtp, COORDINATOR)]
    assert any(s.startswith("[Siaga] Laporan cepat baru") for s in subjects)
    assert not any("diperbarui" in s for s in subjects)
