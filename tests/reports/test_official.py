"""The quarterly PDF as the document a Kesbangpol signs and sends (issue 19, item 7):
letterhead, receipt, narrative, answers, recommendations, a province's table of its
regencies' and cities' reports, the signature block, page numbers, the draft mark;
escaping and scope. Read back from the PDF's text."""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession
from weasyprint.urls import URLFetcher

from siaga.core.types import utcnow
from siaga.models import (
    LevelRubric,
    PemdaReport,
    RecommendationStatus,
    ReportRecommendation,
    ReportState,
    Role,
    User,
)
from siaga.reports import rendering
from siaga.reports.formatting import DASH
from tests.exports.world import World, build_world
from tests.fixtures.factories import create_user
from tests.helpers import API, assert_error
from tests.reports.test_router import pdf_text

LoginAs = Callable[[User], Awaitable[dict[str, str]]]
WITA = "Asia/Makassar"
SIGNATORY = ("Drs. Andi Wijaya, M.Si.", "197001011990031001", "Kepala Badan Kesbangpol")
# 16:30 UTC on the deadline day is 00:30 the next day in WITA: late, and dated the 11th.
SENT_AT = datetime(2024, 1, 10, 16, 30, tzinfo=UTC)
RECEIPT = "TT/64.72/2023-Q4/0001"


@pytest.fixture
async def world(session: AsyncSession) -> World:
    world = await build_world(session)
    world.written.regions["64"].time_zone = WITA
    await session.flush()
    return world


async def write_report(
    session: AsyncSession,
    world: World,
    region: str = "64.72",
    state: ReportState = ReportState.SUBMITTED,
    **fields: Any,
) -> PemdaReport:
    """A report row as the reporting chain leaves it (its own tests cover how)."""
    now = utcnow()
    sent = state != ReportState.DRAFT
    values: dict[str, Any] = {
        "situation": "Situasi politik kondusif menjelang pemilu.",
        "risks": "Potensi gesekan antarpendukung di dua kecamatan.",
        "obstacles": "Keterbatasan anggaran pemantauan.",
        "conclusion": "Kondisi terkendali; pemantauan dilanjutkan.",
        "signatory_name": SIGNATORY[0],
        "signatory_nip": SIGNATORY[1],
        "signatory_position": SIGNATORY[2],
        "receipt_number": RECEIPT if sent else None,
        "first_submitted_at": SENT_AT if sent else None,
        "submitted_at": SENT_AT if sent else None,
        "is_late": sent,
        **fields,
    }
    report = PemdaReport(
        period_id=world.written.period.id,
        region_id=world.written.regions[region].id,
        state=state,
        version=2,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(report)
    await session.flush()
    return report


def pages_of(response: httpx.Response) -> list[str]:
    pdf_text(response)  # status, type, A4
    reader = PdfReader(io.BytesIO(response.content))
    return [re.sub(r"\s+", " ", page.extract_text()) for page in reader.pages]


async def get_pdf(client: httpx.AsyncClient, region: str = "64.72") -> httpx.Response:
    return await client.get(f"{API}/reports/{region}/2023-Q4.pdf")


class TestPemdaReport:
    async def test_letterhead_receipt_narrative_and_signatory_in_wita(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await write_report(session, world)
        session.add(
            LevelRubric(framework_id=world.written.framework.id, level=3, label="Berjalan baik")
        )
        await session.flush()
        pages = pages_of(await get_pdf(client))
        first, text = pages[0], " ".join(pages)
        # Letterhead, title and the quarter named as documents name it.
        assert first.startswith(
            "PEMERINTAH KOTA SAMARINDA BADAN KESATUAN BANGSA DAN POLITIK "
            "LAPORAN PEMANTAUAN KESIAPAN PEMILU TRIWULAN IV TAHUN 2023 "
            f"Nomor tanda terima: {RECEIPT}"
        ), first[:300]
        assert "Status laporan : Dikirim" in first
        assert "Dikirim : 11 Januari 2024, pukul 00.30 WITA (terlambat)" in first
        # The narrative, in its four sections, in order.
        assert re.search(
            r"I\. SITUASI POLITIK Situasi politik kondusif menjelang pemilu\. "
            r"II\. POTENSI DAN RISIKO KONFLIK Potensi gesekan .* "
            r"III\. HAMBATAN Keterbatasan anggaran pemantauan\. "
            r"IV\. KESIMPULAN Kondisi terkendali; pemantauan dilanjutkan\. "
            r"V\. SKOR KESIAPAN DAN PENJELASANNYA",
            text,
        )
        # A value as people read it: the level with its meaning.
        assert "L.01 Indikator L.01 3 — Berjalan baik Terverifikasi 2 75,00" in text
        # Signed at the end, where the Pemda sits, on the day of its first submission there.
        assert (
            "Demikian laporan ini disampaikan untuk dapat dipergunakan sebagaimana mestinya. "
            "Samarinda, 11 Januari 2024 Kepala Badan Kesbangpol, "
            f"{SIGNATORY[0]} NIP. {SIGNATORY[1]} Laporan Pemantauan"
        ) in pages[-1]
        assert "DRAF" not in text
        assert "WIB" not in text

    async def test_every_page_is_numbered(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await write_report(session, world)
        pages = pages_of(await get_pdf(client))
        assert len(pages) >= 3
        for number, page in enumerate(pages, start=1):
            assert f"Halaman {number} dari {len(pages)}" in page

    async def test_recommendations_with_follow_up_and_those_carried(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await write_report(session, world)
        agency = world.written.agencies[("64.72", "exp_kesbangpol")]
        base = {"region_id": world.written.regions["64.72"].id, "agency_id": agency.id}
        session.add_all(
            [
                # Made in Q3, not done, past due: carried into Q4's report, overdue.
                ReportRecommendation(
                    **base,
                    period_id=world.previous.id,
                    text="Perkuat koordinasi Forkopimda",
                    due_on=date(2023, 12, 31),
                    status=RecommendationStatus.IN_PROGRESS,
                    follow_up="Rapat pertama sudah dilaksanakan.",
                ),
                # Made in Q3 and done: stays in Q3's report.
                ReportRecommendation(
                    **base,
                    period_id=world.previous.id,
                    text="Rekomendasi yang sudah selesai",
                    due_on=date(2023, 12, 31),
                    status=RecommendationStatus.DONE,
                    follow_up="Selesai.",
                ),
                ReportRecommendation(
                    **base,
                    period_id=world.written.period.id,
                    text="Mutakhirkan data pemilih",
                    due_on=date(2031, 3, 31),
                    status=RecommendationStatus.OPEN,
                ),
            ]
        )
        await session.flush()
        text = pdf_text(await get_pdf(client))
        assert (
            "1. Perkuat koordinasi Forkopimda Dari periode sebelumnya 2023-Q3 "
            "Kesbangpol Kota Samarinda 31 Desember 2023 Lewat tenggat "
            "Sedang ditindaklanjuti Rapat pertama sudah dilaksanakan."
        ) in text
        assert (
            "2. Mutakhirkan data pemilih Kesbangpol Kota Samarinda 31 Maret 2031 "
            "Terbuka Belum ada catatan tindak lanjut."
        ) in text
        assert "Rekomendasi yang sudah selesai" not in text

    async def test_a_pemda_without_a_report_renders_a_draft_not_written(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        pages = pages_of(await get_pdf(client))
        text = " ".join(pages)
        # The draft mark on every page, and a notice on the first.
        for page in pages:
            assert "DRAF" in page
        assert f"DRAF {DASH} belum dikirim Laporan ini belum dikirim" in pages[0]
        assert f"Status laporan : Draf {DASH} belum dikirim" in pages[0]
        assert "Dikirim : belum dikirim" in pages[0]
        assert "Nomor tanda terima:" not in text
        assert text.count("Belum ditulis.") == 4
        assert "Tidak ada rekomendasi." in text
        # Signed today in WITA, with the signatory's places left blank.
        assert re.search(
            r"Samarinda, \d{1,2} [A-Z][a-z]+ \d{4} \(jabatan penanda tangan\) "
            r"\(nama penanda tangan\) NIP\. \.+",
            text,
        )

    async def test_a_returned_report_is_a_draft_with_its_receipt_and_reason(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await write_report(
            session, world, state=ReportState.RETURNED, return_reason="Lengkapi bagian risiko"
        )
        pages = pages_of(await get_pdf(client))
        assert all("DRAF" in page for page in pages)
        assert f"Nomor tanda terima: {RECEIPT}" in pages[0]
        assert (
            f"DRAF {DASH} dikembalikan untuk diperbaiki, belum dikirim ulang "
            "Alasan pengembalian: Lengkapi bagian risiko"
        ) in pages[0]
        assert "Status laporan : Dikembalikan" in pages[0]


class TestProvinceReport:
    async def test_the_table_of_its_regencies_and_cities_reports(
        self, client: httpx.AsyncClient, session: AsyncSession, world: World
    ) -> None:
        await write_report(session, world)
        await write_report(
            session,
            world,
            region="64",
            state=ReportState.DRAFT,
            signatory_position="Kepala Badan Kesatuan Bangsa dan Politik Provinsi",
        )
        pages = pages_of(await get_pdf(client, "64"))
        text = " ".join(pages)
        assert pages[0].startswith(
            "DRAF PEMERINTAH PROVINSI KALIMANTAN TIMUR BADAN KESATUAN BANGSA DAN POLITIK"
        )
        assert "1 dari 2 kabupaten/kota telah mengirim laporan; 1 di antaranya terlambat." in text
        assert f"64.11 Kabupaten Paser Belum ditulis {DASH} {DASH} belum mengirim" in text
        assert (
            f"64.72 Kota Samarinda Dikirim {RECEIPT} 11 Januari 2024, pukul 00.30 WITA terlambat"
        ) in text
        # The Pemprov's own answers, and the subtree's outstanding ones.
        assert "Jawaban Pemerintah Provinsi Kalimantan Timur untuk setiap indikator" in text
        assert "Kesbangpol Kalimantan Timur · 3 indikator, semua terverifikasi" in text
        assert "Kabupaten Paser Badan Kesatuan Bangsa dan Politik 0 1 1 0 2" in text
        # The province signs in its own name, today (still a draft).
        assert re.search(
            r"Kalimantan Timur, \d{1,2} [A-Z][a-z]+ \d{4} Kepala Badan Kesatuan Bangsa dan "
            r"Politik Provinsi, Drs\. Andi Wijaya, M\.Si\. NIP\. 197001011990031001",
            text,
        )
        # Only its own regencies and cities.
        assert "Banjarmasin" not in text

    async def test_a_regency_or_city_report_has_no_such_table(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        text = pdf_text(await get_pdf(client))
        assert "LAPORAN KABUPATEN DAN KOTA" not in text


async def test_a_hostile_narrative_is_text_and_fetches_nothing(
    client: httpx.AsyncClient,
    session: AsyncSession,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hostile = (
        '<img src="http://evil.example/x.png"><link rel="stylesheet" '
        'href="http://evil.example/a.css"></div><h1>X</h1>'
    )
    style = "<style>@import url(http://evil.example/b.css); body{display:none}</style>"
    await write_report(
        session, world, situation=hostile, conclusion=style, signatory_name="<b>Andi</b>"
    )
    fetched: list[str] = []
    real_fetch = URLFetcher.fetch

    def spy(self: URLFetcher, url: str, headers: Any = None) -> Any:
        fetched.append(url)
        return real_fetch(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    html: list[str] = []
    real_render = rendering.render_html

    def keep(context: Any) -> str:
        html.append(real_render(context))
        return html[-1]

    monkeypatch.setattr(rendering, "render_html", keep)
    text = pdf_text(await get_pdf(client))
    # As written, but for where the lines wrap.
    flat = re.sub(r"\s", "", text)
    for written in (hostile, style, "<b>Andi</b>"):
        assert re.sub(r"\s", "", written) in flat
    assert "<img" not in html[0] and "&lt;img" in html[0]
    assert "evil.example" not in "".join(fetched)


class TestScope:
    async def test_another_pemdas_coordinator_is_404(
        self,
        anon_client: httpx.AsyncClient,
        session: AsyncSession,
        world: World,
        login_as: LoginAs,
    ) -> None:
        regions = world.written.regions
        own = await create_user(session, role=Role.COORDINATOR, region=regions["64.72"])
        response = await anon_client.get(
            f"{API}/reports/64.72/2023-Q4.pdf", headers=await login_as(own)
        )
        assert response.status_code == 200, response.text
        # Another province's Pemda, and the province over the city: the reporting chain
        # shows a coordinator its own Pemda's report only.
        for region in ("63.71", "64"):
            other = await create_user(session, role=Role.COORDINATOR, region=regions[region])
            response = await anon_client.get(
                f"{API}/reports/64.72/2023-Q4.pdf", headers=await login_as(other)
            )
            assert_error(response, 404, "region_not_found")
