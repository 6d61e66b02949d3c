"""The quarterly PDF report: content (read back from the PDF), scope and bad input."""

from __future__ import annotations

import asyncio
import io
import re
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from pypdf import PdfReader
from sqlalchemy.ext.asyncio import AsyncSession

from siaga.models import User
from siaga.reports import rendering as report_rendering
from siaga.reports.formatting import number
from tests.exports.world import LABELS, World, build_world
from tests.helpers import API, assert_error

LoginAs = Callable[[User], Awaitable[dict[str, str]]]


@pytest.fixture
async def world(session: AsyncSession) -> World:
    return await build_world(session)


def pdf_text(response: httpx.Response) -> str:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        box = page.mediabox
        # A4: 595 x 842 points.
        assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = "\n".join(page.extract_text() for page in reader.pages)
    # Text extraction breaks lines where the layout does; compare on single spaces.
    return re.sub(r"\s+", " ", text)


async def table(client: httpx.AsyncClient, region: str) -> dict[str, Any]:
    response = await client.get(f"{API}/scores", params={"period": "2023-Q4", "region": region})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


class TestProvinceReport:
    async def test_cover_summary_ranking_dimensions_and_outstanding(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get(f"{API}/reports/64/2023-Q4.pdf")
        text = pdf_text(response)
        assert response.headers["content-disposition"] == (
            'inline; filename="siaga-laporan-64-2023-Q4.pdf"'
        )
        for expected in (
            "Laporan Pemantauan Kesiapan Pemilu",
            "Kalimantan Timur",
            "Triwulan IV 2023 (2023-Q4)",
            "1 Oktober 2023",
            "Kesbangpol",
            "Halaman 2 dari",
        ):
            assert expected in text, expected
        assert re.search(r"Tanggal cetak : \d{1,2} [A-Z][a-z]+ \d{4}, pukul \d\d\.\d\d", text)
        scores = await table(client, "64")
        summary = scores["summary"]
        assert f"Rata-rata wilayah (semua Pemda) {number(summary['mean'])}".upper() in text.upper()
        for item in scores["items"]:
            # Every Pemda of the subtree, with its readiness and category label.
            label = LABELS[item["category"]]
            assert f"{item['name']} " in text
            assert f"{number(item['readiness'])} {label}" in text, item["region"]
        for label in LABELS.values():
            assert label in text
        # Only the subtree: the other province is not in the report.
        assert "Kalimantan Selatan" not in text and "Banjarmasin" not in text
        # 64.72 went from Q3 to Q4 by this much.
        samarinda = next(i for i in scores["items"] if i["region"] == "64.72")
        delta = samarinda["readiness"] - samarinda["previous_readiness"]
        assert f"▲ {number(delta)}" in text
        # Dimensions with their weakest indicators (means over the province's Pemda).
        assert "D1 · Dimensi D1" in text and "D2 · Dimensi D2" in text
        assert "Indikator P.01" in text and "rata-rata 3 Pemda" in text
        # Outstanding answers by office: Paser's Kesbangpol has a draft and a return.
        assert "Kabupaten Paser Badan Kesatuan Bangsa dan Politik 0 1 1 0 2" in text
        assert "Kota Samarinda Badan Pengelolaan Keuangan dan Aset Daerah 0 0 0 1 1" in text

    async def test_the_cover_says_whether_the_numbers_are_final(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        open_text = pdf_text(await client.get(f"{API}/reports/64/2023-Q4.pdf"))
        assert "Status periode : dibuka (pengisian masih berjalan)" in open_text
        assert "Angka sementara, triwulan belum ditutup" in open_text
        closed_text = pdf_text(await client.get(f"{API}/reports/64/2023-Q3.pdf"))
        assert "Status periode : ditutup" in closed_text
        assert "sementara, triwulan belum ditutup" not in closed_text

    async def test_provisional_view_is_named_and_counts_submitted_answers(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        response = await client.get(f"{API}/reports/64/2023-Q4.pdf", params={"view": "provisional"})
        text = pdf_text(response)
        assert "sementara (jawaban terkirim dan terverifikasi)" in text
        provisional = await client.get(
            f"{API}/scores", params={"period": "2023-Q4", "region": "64", "view": "provisional"}
        )
        mean = provisional.json()["summary"]["mean"]
        assert f"Rata-rata wilayah (semua Pemda) {number(mean)}".upper() in text.upper()


class TestPemdaReport:
    async def test_own_scores_rank_among_the_province_and_weakest_indicators(
        self, anon_client: httpx.AsyncClient, client: httpx.AsyncClient, world: World,
        login_as: LoginAs,
    ) -> None:  # fmt: skip
        headers = await login_as(world.viewer)
        response = await anon_client.get(f"{API}/reports/64.72/2023-Q4.pdf", headers=headers)
        text = pdf_text(response)
        assert "Kota Samarinda" in text and "Kota · kode wilayah 64.72" in text
        explanation = await client.get(f"{API}/scores/64.72/2023-Q4")
        score = explanation.json()["score"]
        assert f"INDEKS KESIAPAN (R) {number(score['readiness'])}" in text.upper()
        assert f"{number(score['completeness'])}%" in text
        assert "Peringkat 1 dari 1 kota" in text
        # Ranked within the province the viewer may see.
        assert "Kabupaten Paser" in text
        # Every indicator under its dimension with its weight, s and where it stands.
        assert "P.01 Indikator P.01 1 0,00 Menunggu verifikasi" in text
        assert "L.01 Indikator L.01 1 75,00 Terverifikasi" in text
        # The answers by the Pemda's own office (its name, not the type's): value, status,
        # evidence files, s; a regency or city has no subtree table of outstanding answers.
        assert "Badan Pengelolaan Keuangan dan Aset Daerah Kota Samarinda" not in text
        assert "BPKAD Kota Samarinda · 1 indikator, 1 belum terverifikasi" in text
        assert "P.01 Indikator P.01 50% Menunggu verifikasi 0 0,00" in text
        assert "Kesbangpol Kota Samarinda · 3 indikator, semua terverifikasi" in text
        assert "L.01 Indikator L.01 3 Terverifikasi 2 75,00" in text
        assert "Jawaban yang belum selesai" not in text
        for dimension in explanation.json()["dimensions"]:
            assert f"D = {number(dimension['score'])}" in text

    async def test_a_pemda_viewer_sees_no_other_pemda(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.viewer_6472)
        text = pdf_text(await anon_client.get(f"{API}/reports/64.72/2023-Q4.pdf", headers=headers))
        assert "Kota Samarinda" in text
        assert "Kabupaten Paser" not in text
        assert "Peringkat 1 dari 1 kota" in text


async def test_names_are_text_not_markup(
    client: httpx.AsyncClient, world: World, session: AsyncSession
) -> None:
    region = world.written.regions["64.72"]
    region.name = 'Kota "Uji" <b>&</b> \\ </style><h1>X'
    await session.flush()
    text = pdf_text(await client.get(f"{API}/reports/64.72/2023-Q4.pdf"))
    assert 'Kota "Uji" <b>&</b> \\ </style><h1>X' in text


async def test_rendering_does_not_block_other_requests(
    client: httpx.AsyncClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    rendering, release = threading.Event(), threading.Event()
    real = report_rendering.render_pdf

    def held(html: str) -> bytes:
        rendering.set()
        release.wait(10)
        return real(html)

    monkeypatch.setattr(report_rendering, "render_pdf", held)
    report = asyncio.create_task(client.get(f"{API}/reports/64.72/2023-Q4.pdf"))
    try:
        assert await asyncio.to_thread(rendering.wait, 10)
        # The PDF is being laid out right now; the event loop still answers.
        health = await client.get(f"{API}/healthz")
        assert health.status_code == 200
        assert not report.done()
    finally:
        release.set()
    pdf_text(await report)


class TestBadInput:
    async def test_anonymous_is_401(self, anon_client: httpx.AsyncClient, world: World) -> None:
        response = await anon_client.get(f"{API}/reports/64/2023-Q4.pdf")
        assert_error(response, 401, "not_authenticated")

    async def test_outside_scope_is_404_like_unknown(
        self, anon_client: httpx.AsyncClient, world: World, login_as: LoginAs
    ) -> None:
        headers = await login_as(world.viewer)
        outside = await anon_client.get(f"{API}/reports/63/2023-Q4.pdf", headers=headers)
        unknown = await anon_client.get(f"{API}/reports/99/2023-Q4.pdf", headers=headers)
        assert_error(outside, 404, "region_not_found")
        assert_error(unknown, 404, "region_not_found")
        assert (
            outside.json()["error"]["message"].replace("63", "99")
            == (unknown.json()["error"]["message"])
        )
        # A Pemda viewer cannot read its own province's report either.
        own = await login_as(world.viewer_6472)
        response = await anon_client.get(f"{API}/reports/64/2023-Q4.pdf", headers=own)
        assert_error(response, 404, "region_not_found")

    async def test_unknown_period_is_404(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get(f"{API}/reports/64/1999-Q1.pdf")
        assert_error(response, 404, "period_not_found")

    @pytest.mark.parametrize("view", ["verified", "OFFICIAL", ""])
    async def test_invalid_view_is_422(
        self, client: httpx.AsyncClient, world: World, view: str
    ) -> None:
        response = await client.get(f"{API}/reports/64/2023-Q4.pdf", params={"view": view})
        assert_error(response, 422, "invalid_input")

    @pytest.mark.parametrize("path", ["64/2023-Q4.pdf/x", "64.pdf", "64/.pdf"])
    async def test_other_paths_are_404(
        self, client: httpx.AsyncClient, world: World, path: str
    ) -> None:
        assert_error(await client.get(f"{API}/reports/{path}"), 404, "not_found")

    async def test_another_extension_is_no_period(
        self, client: httpx.AsyncClient, world: World
    ) -> None:
        # Without ".pdf" the path names the Pemda report (reporting/router.py), whose
        # period "2023-Q4.docx" does not exist.
        response = await client.get(f"{API}/reports/64/2023-Q4.docx")
        assert_error(response, 404, "period_not_found")

    async def test_overlong_codes_are_422(self, client: httpx.AsyncClient, world: World) -> None:
        response = await client.get(f"{API}/reports/{'6' * 21}/2023-Q4.pdf")
        assert_error(response, 422, "invalid_input")
        response = await client.get(f"{API}/reports/64/{'Q' * 21}.pdf")
        assert_error(response, 422, "invalid_input")
